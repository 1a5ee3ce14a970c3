"""The fresh-machine bootstrap: standard library only, and it asks only for what is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from fttx_planner import bootstrap

ROOT = Path(__file__).resolve().parents[2]


def test_missing_packages_lists_only_what_dpkg_lacks() -> None:
    has_dpkg = shutil.which("dpkg-query") is not None
    assert bootstrap.missing_packages(("no-such-package-fttx",)) == (
        ["no-such-package-fttx"] if has_dpkg else []
    )
    assert bootstrap.missing_packages(("dpkg",) if has_dpkg else ()) == []


def test_runs_as_a_file_without_the_projects_dependencies() -> None:
    # -S -I: no site-packages, no user paths: only the standard library is importable.
    result = subprocess.run(
        [sys.executable, "-S", "-I", str(ROOT / "fttx_planner" / "bootstrap.py")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "bootstrap.py run" in result.stdout and not result.stderr


def test_window_libraries_only_for_a_display() -> None:
    assert bootstrap.display_packages({}) == ()
    x11 = bootstrap.display_packages({"DISPLAY": ":0"})
    assert "libxcb-cursor0" in x11  # Qt 6.5+ will not load its X11 plugin without it
    assert set(x11).isdisjoint(bootstrap.SYSTEM_PACKAGES)
    assert "libwayland-client0" in bootstrap.display_packages({"WAYLAND_DISPLAY": "wayland-0"})
