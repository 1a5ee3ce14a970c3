"""Checks every reader of a user's file makes before it opens it, and short messages.

One rule for every input file (OSM, parameters, catalogue, infrastructure,
premises): it must be a regular file (a directory, FIFO, device or socket is
refused at once, before anything opens it: a FIFO would block the reader),
readable and not larger than the reader's bound; a value quoted in an error
message is cut to one short line (:func:`short`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fttx_planner._errors import FttxError
from models._files import file_kind

#: Longest quoted value in an error message (characters).
MAX_QUOTED_CHARS = 60


def short(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """``repr(value)`` on one line, cut to about ``limit`` characters.

    Examples
    --------
    >>> short("abc")
    "'abc'"
    >>> short("x" * 100, limit=12)
    "'xxxxxxxxxx... (100 characters)"
    >>> short("a\\nb")
    "'a\\\\nb'"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[: limit - 1] + "..." + size


def clip(text: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """``str(text)`` on one line (line breaks shown as ``\\n``), cut to ``limit`` characters.

    Examples
    --------
    >>> clip("Main Street"), clip("a" * 50, limit=10), clip("two\\nlines")
    ('Main Street', 'aaaaaaa...', 'two\\\\nlines')
    """
    one_line = str(text).replace("\r", "\\r").replace("\n", "\\n")
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."


def listed(values: list[str], most: int = 6, limit: int = 30) -> str:
    """Up to ``most`` values, each clipped, and how many more.

    Examples
    --------
    >>> listed(["a", "b", "c"], most=2)
    'a, b and 1 more'
    """
    shown = ", ".join(clip(v, limit) for v in values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")


def check_input_file(
    path: str | os.PathLike[str],
    what: str,
    max_bytes: int,
    error: type[FttxError] = FttxError,
) -> int:
    """Refuse anything but a readable regular file of at most ``max_bytes``; return its size.

    ``os.stat`` only looks at the file: nothing is opened, so a FIFO or a
    device cannot block or feed the reader.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for the message (``"parameter file"``).
    max_bytes
        Largest size accepted.
    error
        The :class:`FttxError` subclass raised.

    Raises
    ------
    FttxError
        ``error``, one line naming the file and the problem.

    Examples
    --------
    >>> check_input_file("/", "parameter file", 100)
    Traceback (most recent call last):
    ...
    fttx_planner._errors.FttxError: Parameter file /: is a folder, not a file
    """
    path = Path(path)
    noun, what = what, what[:1].upper() + what[1:]  # what starts the message
    try:
        info = path.stat()
    except FileNotFoundError:
        msg = f"{what} not found: {path}"
        raise error(msg) from None
    except OSError as exc:
        msg = f"{what} {path}: cannot be read ({exc.strerror or type(exc).__name__})"
        raise error(msg) from None
    if not stat.S_ISREG(info.st_mode):
        msg = f"{what} {path}: is {file_kind(info.st_mode)}, not a file"
        raise error(msg)
    if not os.access(path, os.R_OK):
        msg = f"{what} {path}: permission denied"
        raise error(msg)
    if info.st_size > max_bytes:
        msg = (
            f"{what} {path}: {info.st_size:,} bytes, more than the {max_bytes:,} bytes "
            f"a {noun} may have"
        )
        raise error(msg)
    return int(info.st_size)


def read_bounded_bytes(
    path: str | os.PathLike[str],
    what: str,
    max_bytes: int,
    error: type[FttxError] = FttxError,
) -> bytes:
    """The bytes of a checked file, never more than ``max_bytes`` (it may grow meanwhile)."""
    path = Path(path)
    check_input_file(path, what, max_bytes, error)
    noun, what = what, what[:1].upper() + what[1:]
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        msg = f"{what} {path}: cannot be read ({exc.strerror or type(exc).__name__})"
        raise error(msg) from None
    if len(data) > max_bytes:
        msg = f"{what} {path}: more than the {max_bytes:,} bytes a {noun} may have"
        raise error(msg)
    return data


def read_bounded_text(
    path: str | os.PathLike[str],
    what: str,
    max_bytes: int,
    error: type[FttxError] = FttxError,
) -> str:
    """The UTF-8 text of a checked file (a leading byte-order mark dropped).

    Raises
    ------
    FttxError
        ``error`` for the problems of :func:`check_input_file`, or text that
        is not UTF-8 (with the line and byte of the first bad byte).
    """
    data = read_bounded_bytes(path, what, max_bytes, error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        what = what[:1].upper() + what[1:]
        msg = f"{what} {path} line {line}: not UTF-8 text (byte {exc.start})"
        raise error(msg) from None
