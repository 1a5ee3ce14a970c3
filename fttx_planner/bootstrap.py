"""Set up a fresh machine and run the application or the test suite (standard library only).

Run from the repository root, before anything is installed::

    python3 fttx_planner/bootstrap.py run    # plan the default city (window, or files)
    python3 fttx_planner/bootstrap.py test   # the whole test suite

On Debian or Ubuntu it first installs, with ``apt-get`` (as root, or through
``sudo``), the system packages a minimal system lacks: ``python3-venv`` for
the virtual environment and the libraries Qt loads even offscreen (GLib,
OpenGL/EGL, fontconfig, xkbcommon, D-Bus), and for ``run`` with a display
what Qt's X11 or Wayland plugin loads to open a window. It asks for nothing
already installed. Then it creates ``.venv``, installs the project into it
(``pip install -e .``, with ``[dev]`` for the tests) and runs the command.
Without a display, or with one that cannot be opened, the application says
so in one line and writes the plan's outputs instead.
It is run as a file, so importing it needs none of the project's
dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"

#: Debian/Ubuntu packages needed beyond python3: the venv module and what the
#: Qt wheels (PySide6-Essentials) load: libglib-2.0, libGL/libEGL,
#: libfontconfig, libxkbcommon, libdbus-1.
SYSTEM_PACKAGES = (
    "python3-venv",
    "libglib2.0-0",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libxkbcommon0",
    "libdbus-1-3",
)


#: What Qt's X11 platform plugin loads beyond those, to open a window on an X
#: display (``ldd`` of PySide6 6.11's ``libqxcb.so`` and ``libQt6XcbQpa``):
#: installed only for ``run`` with ``DISPLAY`` set.
X11_PACKAGES = (
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
)
#: Likewise for Wayland (``libqwayland.so``), with ``WAYLAND_DISPLAY`` set.
WAYLAND_PACKAGES = ("libwayland-client0", "libwayland-cursor0", "libwayland-egl1")


def display_packages(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The packages a window needs on the displays ``environ`` names (none without one)."""
    env = os.environ if environ is None else environ
    packages: tuple[str, ...] = ()
    if env.get("DISPLAY"):
        packages += X11_PACKAGES
    if env.get("WAYLAND_DISPLAY"):
        packages += WAYLAND_PACKAGES
    return packages


def missing_packages(packages: tuple[str, ...] = SYSTEM_PACKAGES) -> list[str]:
    """The packages ``dpkg`` does not list as installed (none on a non-Debian system)."""
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for name in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def install_system_packages(packages: tuple[str, ...] = SYSTEM_PACKAGES) -> None:
    """Install those of ``packages`` that are missing with apt-get, as root or through sudo."""
    missing = missing_packages(packages)
    if not missing or shutil.which("apt-get") is None:
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            sys.exit(f"bootstrap: please install {' '.join(missing)} (needs root), then rerun")
        prefix = ["sudo"]
    print(f"bootstrap: installing system packages: {' '.join(missing)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True, env=env,
    )  # fmt: skip


def install_project(extras: str) -> None:
    """Create ``.venv`` if needed and install the project (with ``extras``) into it."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    target = f".{extras}" if extras else "."
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", target], check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    """``run`` or ``test``; further arguments go to the application or to pytest."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = args[0], args[1:]
    install_system_packages(SYSTEM_PACKAGES + (display_packages() if command == "run" else ()))
    install_project("[dev]" if command == "test" else "")
    os.chdir(ROOT)
    if command == "run":
        program = [str(VENV / "bin" / "fttx-planner-gui"), *rest]
    else:
        program = [str(VENV / "bin" / "python"), "-m", "pytest", *rest]
    return subprocess.run(program, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
