"""Bounded reading of input files (issue 16): regular files of a bounded size, one-line errors."""

from __future__ import annotations

import stat
from pathlib import Path

from models._errors import FinanceParameterError


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, cut to 120 characters."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, RecursionError):
        text = "nested too deeply"
    return text[:120]


def read_bounded(path: Path, what: str, max_bytes: int) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes` bytes.

    Raises
    ------
    FinanceParameterError
        In one line: missing, not a regular file (a directory, FIFO or
        device, which could block), too large, unreadable or not UTF-8.
    """
    try:
        info = path.stat()
    except OSError:
        msg = f"{what} not found: {path}"
        raise FinanceParameterError(msg) from None
    if not stat.S_ISREG(info.st_mode):
        msg = f"{what} {path} is not a regular file"
        raise FinanceParameterError(msg)
    if info.st_size > max_bytes:
        msg = f"{what} {path} is larger than {max_bytes // 1024:,} KiB"
        raise FinanceParameterError(msg)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            msg = f"{what} {path} is larger than {max_bytes // 1024:,} KiB"
            raise FinanceParameterError(msg)
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read {what} {path}: {first_line(exc)}"
        raise FinanceParameterError(msg) from None
