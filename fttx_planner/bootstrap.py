"""Set up a fresh machine and run the application or the test suite (standard library only).

Run from the repository root, before anything is installed::

    python3 fttx_planner/bootstrap.py run    # plan the default city (window, or files)
    python3 fttx_planner/bootstrap.py test   # the whole test suite

On Debian or Ubuntu it first installs, with ``apt-get`` (as root, or through
``sudo``), the system packages a minimal system lacks: ``python3-venv`` for
the virtual environment and the libraries Qt loads even offscreen (GLib,
OpenGL/EGL, fontconfig, xkbcommon, D-Bus). It asks for nothing already
installed. Then it creates ``.venv``, installs the project into it
(``pip install -e .``, with ``[dev]`` for the tests) and runs the command.
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


def install_system_packages() -> None:
    """Install the missing system packages with apt-get, as root or through sudo."""
    missing = missing_packages()
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
    install_system_packages()
    install_project("[dev]" if command == "test" else "")
    os.chdir(ROOT)
    if command == "run":
        program = [str(VENV / "bin" / "fttx-planner-gui"), *rest]
    else:
        program = [str(VENV / "bin" / "python"), "-m", "pytest", *rest]
    return subprocess.run(program, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
