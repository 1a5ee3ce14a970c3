"""Atomic writes: a crash or an error never leaves a half-written output or a mixed set.

:func:`atomic_path` writes one file (to a temporary folder beside it, then a
rename); it keeps the permissions of the file it replaces and writes through
a symbolic link instead of replacing the link. :func:`output_set` writes a
set of files and folders (a plan's outputs) into a hidden staging folder and
swaps the whole set in at the end, so a failure half-way leaves the previous
set intact. Temporary folders carry the writer's process id: one left behind
by a killed process is removed by the next write in the same folder.
:func:`check_output_folder` and :func:`check_output_file` refuse an output
that cannot be written before any work is done.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fttx_planner._errors import FttxError

#: Prefix of the staging folder of :func:`output_set`.
_STAGING = ".fttx-out"


class OutputError(FttxError):
    """An output that cannot be written (a file where a folder is needed, no permission...)."""


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (a temporary folder's writer)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_stale(folder: Path, prefix: str) -> None:
    """Remove ``<prefix><pid>.*`` folders whose writing process is gone."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        rest = entry.name.removeprefix(prefix)
        if rest == entry.name:
            continue
        pid = rest.split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _mode_for(target: Path) -> int:
    """Permissions of the file being replaced, else the umask's default for a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path (same name) beside ``target``; move it over ``target`` on success.

    The temporary file lives in a hidden folder in the target's folder, so the
    final rename is atomic and drivers that record the file name (GeoJSON)
    see the real one. When ``target`` is a symbolic link, the file it points
    to is replaced and the link kept; the new file gets the permissions of
    the one it replaces (a private ``0600`` file stays private).
    """
    target = Path(target)
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.tmp"
    _remove_stale(target.parent, prefix)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", dir=target.parent))
    tmp_path = tmp_dir / target.name
    try:
        yield tmp_path
        os.chmod(tmp_path, _mode_for(target))
        os.replace(tmp_path, target)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write text to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_folder(folder: str | os.PathLike[str]) -> None:
    """Refuse an output folder that is a file or cannot be created or written.

    Raises
    ------
    OutputError
        One line naming the folder and the problem.
    """
    folder = Path(folder)
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        msg = f"output folder {folder}: {existing} is a file, not a folder"
        raise OutputError(msg)
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "" if existing == folder.absolute() else f"cannot be created, {existing} "
        msg = f"output folder {folder}: {what}is not writable (permission denied)"
        raise OutputError(msg)


def check_output_file(target: str | os.PathLike[str]) -> None:
    """Refuse an output file that is a folder (or a device...) or whose folder cannot be written.

    Raises
    ------
    OutputError
        One line naming the file and the problem.
    """
    target = Path(target)
    if target.exists() and not target.is_file():
        msg = f"output file {target}: is a folder or not a regular file"
        raise OutputError(msg)
    if target.exists() and not os.access(target, os.W_OK):
        msg = f"output file {target}: is not writable (permission denied)"
        raise OutputError(msg)
    check_output_folder(target.parent)


def os_error(exc: OSError, where: Path) -> OutputError:
    """The one-line :class:`OutputError` of an OS error while writing into ``where``."""
    reason = exc.strerror or type(exc).__name__
    name = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"cannot write the outputs to {where}: {reason}{name}")


@contextmanager
def output_set(folder: Path, names: Iterable[str]) -> Iterator[Path]:
    """Yield a staging folder; on success swap its ``names`` into ``folder`` as one set.

    Entries of ``folder`` not in ``names`` (a report, a finance folder) are
    left alone. Until every file of the set is written nothing in ``folder``
    changes; the swap then renames the previous entries aside and the new
    ones in (renames within one folder), undone if one of them fails. A file
    replaced keeps its permissions; a symbolic link in the set is replaced
    by the new file (the set is written into the folder, never through a
    link to elsewhere).

    Raises
    ------
    OutputError
        When ``folder`` cannot be written, or an OS error occurs.
    """
    folder = Path(folder)
    check_output_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder, _STAGING)
        staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}.", dir=folder))
    except OSError as exc:
        raise os_error(exc, folder) from None
    try:
        yield staging
        _swap_in(staging, folder, [name.rstrip("/") for name in names])
    except OSError as exc:
        raise os_error(exc, folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, folder: Path, names: list[str]) -> None:
    """Move ``names`` from ``staging`` into ``folder``; put the old ones back on failure."""
    previous = staging / ".previous"
    previous.mkdir()
    set_aside: list[str] = []
    placed: list[str] = []
    try:
        for name in names:
            old, new = folder / name, staging / name
            if old.is_file() and not old.is_symlink() and new.is_file():
                # A file replaced keeps its permissions (a private summary stays private).
                os.chmod(new, stat.S_IMODE(old.stat().st_mode))
            if old.exists() or old.is_symlink():
                os.replace(old, previous / name)
                set_aside.append(name)
            if new.exists():
                os.replace(new, old)
                placed.append(name)
    except OSError:
        for name in placed:
            with contextlib.suppress(OSError):
                os.replace(folder / name, staging / name)
        for name in set_aside:
            with contextlib.suppress(OSError):
                os.replace(previous / name, folder / name)
        raise


@contextmanager
def output_folder(folder: Path) -> Iterator[None]:
    """Check an output folder before the work that fills it, and tidy it after a failure.

    The folder is checked (:func:`~fttx_planner.export.atomic.check_output_folder`),
    created and written to with a temporary file, so a folder that cannot
    take files (a read-only or virtual file system) is reported at once, not
    after the plan. The folders created here are removed again if the work
    fails and leaves them empty.

    Raises
    ------
    OutputError
        One line naming the folder and the problem.
    """
    check_output_folder(folder)
    whole = folder.absolute()
    created = [p for p in (whole, *whole.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise os_error(exc, folder) from None
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            for path in created:  # the deepest first; stops at one that is not empty
                path.rmdir()
        raise
