"""Bounded reading of input files (issue 16): regular files of a bounded size, one-line errors."""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

from models._errors import FinanceParameterError

#: Longest quoted value or key in a message, and longest line of a message.
MAX_QUOTED_CHARS = 40
MAX_LINE_CHARS = 200
#: Most problems listed in one message (then how many more).
MAX_PROBLEMS = 10
#: Python refuses to turn longer digit strings into an ``int`` (a ``ValueError``).
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300
_LONG_DIGITS = re.compile(rf"\d{{{MAX_INT_DIGITS + 1},}}")
_KEY_BEFORE = re.compile(r"[\"']?([^\s\"'=:,{}\[\]]+)[\"']?\s*[=:]\s*[\[{]?\s*-?\s*\Z")


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, cut to 120 characters."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, RecursionError):
        text = "nested too deeply"
    return text[:120]


def clip(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """`text` on one line, cut to about `limit` characters with its length.

    Examples
    --------
    >>> clip("arpu"), clip("k" * 100, limit=10), clip("a\\nb")
    ('arpu', 'kkkkkkkkk... (100 characters)', 'a\\\\nb')
    """
    one_line = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(one_line) <= limit:
        return one_line
    return f"{one_line[: limit - 1]}... ({len(text)} characters)"


def bounded_lines(text: str) -> str:
    """A message of several lines with every line cut and at most :data:`MAX_PROBLEMS` problems.

    Lines that start with ``"  - "`` are problems; the others are headings.

    Examples
    --------
    >>> print(bounded_lines("f.toml:\\nbad:\\n" + "\\n".join(f"  - k{i}" for i in range(12))))
    f.toml:
    bad:
      - k0
      - k1
      - k2
      - k3
      - k4
      - k5
      - k6
      - k7
      - k8
      - k9
      and 2 more
    """
    kept: list[str] = []
    problems = 0
    for line in text.splitlines():
        problems += line.startswith("  - ")
        if not line.startswith("  - ") or problems <= MAX_PROBLEMS:
            kept.append(_cut(line))
    if problems > MAX_PROBLEMS:
        kept.append(f"  and {problems - MAX_PROBLEMS} more")
    return "\n".join(kept)


def _cut(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    return f"{line[: MAX_LINE_CHARS - 1]}... ({len(line)} characters)"


def huge_integer(path: Path, text: str) -> FinanceParameterError | None:
    """The error for an integer longer than Python converts, naming its line and key.

    Python's parsers (``tomllib``, ``json``, PyYAML) raise a bare
    ``ValueError`` for an integer of more than :data:`MAX_INT_DIGITS` digits;
    this finds it in the text. None when the text has no such integer.

    Examples
    --------
    >>> text = "currency = 'EUR'\\narpu_eur_per_month = " + "9" * 5000
    >>> print(huge_integer(Path("fin.toml"), text))
    parameter file fin.toml line 2: arpu_eur_per_month = 9999999999... (5000 digits): \
more digits than any finance input may have
    """
    match = _LONG_DIGITS.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    before = _KEY_BEFORE.search(text[max(0, match.start() - 300) : match.start()])
    key = f"{clip(before.group(1))} = " if before else ""
    digits = match.end() - match.start()
    msg = (
        f"parameter file {path} line {line}: {key}{match.group()[:10]}... ({digits} digits): "
        "more digits than any finance input may have"
    )
    return FinanceParameterError(msg)


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
        msg = f"{what} {path}: is {file_kind(info.st_mode)}, not a regular file"
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


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words (``os.stat`` mode)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
