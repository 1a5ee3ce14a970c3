"""A seeded, bounded fuzz test of the parameter-file reader: no traceback, no hang.

400 parameter files, each one to three mutations of a valid file with every
section (``[design]``, ``[demand]``, ``[detail]``, ``[naming]``): values
replaced by bad ones (``nan``, ``1e309``, 30-digit integers, long strings,
arrays, tables, dates...), keys renamed or nested deep, lines added (deep
arrays, duplicate or array-of-tables headers, keys beside ``[design]``,
unterminated strings, control characters), truncation, deleted, repeated or
swapped lines, flipped bytes, invalid UTF-8, a byte-order mark, CRLF line
ends, and files past the size bound. Each is read by
:func:`~fttx_planner.pipeline.load_params_file` and
:func:`~fttx_planner.params.load_params` in a child process with a 2 GB
address-space cap (a blow-up is a ``MemoryError``); an answer later than
20 s is a hang. Every case must give parameters or an
:class:`~fttx_planner.FttxError` of at most twelve lines of bounded length.
"""

from __future__ import annotations

import multiprocessing
import random
import resource
from pathlib import Path

from fttx_planner._errors import FttxError
from fttx_planner.params import MAX_PARAMS_BYTES, load_params
from fttx_planner.pipeline import load_params_file

#: Seed and size of the run.
SEED, CASES = 16, 400
#: A case still running after this long is a hang (s); a read takes milliseconds.
HANG_S = 20.0
#: Address space of the child (bytes).
MEMORY_BYTES = 2000 * 1024 * 1024
#: Longest line of a refusal, less the file's path (characters).
MAX_LINE_CHARS = 300

VALID = """\
# Design parameters of a test district
[design]
split_ratio = 64
stage1_ratio = 4
spare_share = 0.1
max_drop_m = 250.0
optical_class = "C+"
deployment = "greenfield"
olt_x_m = 1000.0
olt_y_m = 2000.0
fdp_ports = 8
joints = true

[demand]
households = 120

[detail]
colour_code = "tia598"
spare_share = 0.2

[naming]
cable = "{co}-C{cable:04d}"
"""

#: Values put in place of a valid one.
BAD_VALUES = [
    "nan", "+nan", "-nan", "inf", "-inf", "1e308", "1e309", "-1e309", "5e-324", "-1", "0",
    "99999999999999999999999999999", "0x7fffffffffffffff", "-9223372036854775809", "1_000",
    "3.5", "true", '"64"', '""', '"' + "x" * 300 + '"', "[1, 2]", "[]", "{a = 1}", "{}",
    "1979-05-27", "07:32:00", "1979-05-27T07:32:00Z", "'C+'", '"brownfield"', "[[[[1]]]]",
    '"\\u0000"', '"{co}"', '"{nope}"', '"{' + "x" * 200 + '}"', "nan_", "1e", "--1", "", "[",
    '"""', "'''", "[nan, inf]", "{x = nan}", '"' + "é" * 100 + '"',
]  # fmt: skip
#: Names put in place of a valid key.
BAD_KEYS = [
    "split_raito", "k" * 300, '"quoted key"', "a.b.c", "x." * 30 + "y", "", '""', "design",
    "detail", "demand", "naming", "1", "-", "é", '"' + "\\u0000" + '"', "[design]", "self",
    '"a\\nb"', '"' + "\\n" * 50 + '"',
]  # fmt: skip


def _extra_line(rng: random.Random) -> str:
    """A line (or a few) added to the file."""
    depth = rng.choice([2, 50, 500, 3000])
    return rng.choice(
        [
            "x = " + "[" * depth + "]" * depth,
            "x = " + "{a = " * min(depth, 200) + "1" + "}" * min(depth, 200),
            ".".join(["a"] * rng.choice([5, 17, 40, 1000])) + " = 1",
            "[" + ".".join(["t"] * rng.choice([3, 17, 200])) + "]",
            "[design]",
            "[[design]]",
            "[[detail]]",
            "[demand.sub]",
            "split_ratio = 32",
            "design = 5",
            "detail = 'x'",
            "naming = [1]",
            'text = """never closed',
            "s = 'never closed",
            "\x00 = 1",
            "k = 1 # \x07 bell",
            "=",
            "[]",
            "key = " + "1" * 5000,
            "self = 1",
            '"x\\ny" = 1',
            f"unknown_{rng.randrange(1000)} = {rng.choice(BAD_VALUES)}",
        ]
    )


def _mutate(text: str, rng: random.Random) -> tuple[str, bytes]:
    """One mutation of ``text``: what was done, and the new bytes."""
    lines = text.split("\n")
    kind = rng.choice(
        ["value", "value", "value", "key", "line", "line", "truncate", "delete", "repeat",
         "swap", "flip", "utf8", "bom", "crlf", "oversize"]
    )  # fmt: skip
    at = rng.randrange(len(lines))
    keyed = [i for i, line in enumerate(lines) if " = " in line] or [0]
    if kind == "value":
        i = rng.choice(keyed)
        value = rng.choice(BAD_VALUES)
        lines[i] = lines[i].split(" = ")[0] + " = " + value
        return f"{lines[i][:40]!r}", "\n".join(lines).encode()
    if kind == "key":
        i = rng.choice(keyed)
        key = rng.choice(BAD_KEYS)
        lines[i] = key + " = " + lines[i].split(" = ", 1)[1]
        return f"key {key[:30]!r}", "\n".join(lines).encode()
    if kind == "line":
        extra = _extra_line(rng)
        lines.insert(at, extra)
        return f"line {extra[:40]!r}", "\n".join(lines).encode()
    data = "\n".join(lines).encode()
    if kind == "truncate":
        cut = rng.randrange(len(data))
        return f"truncated at {cut}", data[:cut]
    if kind == "delete":
        end = min(len(lines), at + rng.randint(1, 5))
        return f"lines {at}-{end} deleted", "\n".join(lines[:at] + lines[end:]).encode()
    if kind == "repeat":
        return f"line {at} repeated", "\n".join(lines[: at + 1] + lines[at:]).encode()
    if kind == "swap":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
        return f"lines {at} and {other} swapped", "\n".join(lines).encode()
    if kind == "flip":
        buf = bytearray(data)
        i = rng.randrange(len(buf))
        buf[i] = rng.randrange(256)
        return f"byte {i} set to {buf[i]}", bytes(buf)
    if kind == "utf8":
        i = rng.randrange(len(data))
        return f"invalid UTF-8 at {i}", data[:i] + b"\xff\xfe\xc3" + data[i:]
    if kind == "bom":
        return "byte-order mark", b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return "CRLF line ends", data.replace(b"\n", b"\r\n")
    times = rng.choice([2, MAX_PARAMS_BYTES // len(data) + 2])
    return f"file repeated {times} times", data * times


def fuzzed_files(seed: int, cases: int) -> list[tuple[str, bytes]]:
    """``cases`` mutated parameter files: (what was done, bytes)."""
    rng = random.Random(seed)
    out = []
    for _ in range(cases):
        text, steps = VALID, []
        data = text.encode()
        for _ in range(rng.randint(1, 3)):
            step, data = _mutate(text, rng)
            steps.append(step)
            text = data.decode("utf-8", errors="replace")
        out.append(("; ".join(steps), data))
    return out


def _outcome(pending: object, path: Path, described: str) -> str:
    """``"read"``, ``"refused"`` (checked to be short), or an AssertionError."""
    try:
        pending.get(timeout=HANG_S)  # type: ignore[attr-defined]
    except multiprocessing.TimeoutError:
        raise AssertionError(f"{described}: no answer in {HANG_S:.0f} s") from None
    except FttxError as exc:
        lines = str(exc).splitlines()
        assert 1 <= len(lines) <= 12, (described, lines[:3])
        # A list of problems: a heading, then one indented line each (no line break inside).
        assert all(line.startswith("  ") for line in lines[1:]), (described, lines[:3])
        for line in lines:
            assert len(line.replace(str(path), "")) <= MAX_LINE_CHARS, (described, line[:400])
        return "refused"
    except BaseException as exc:  # the point of the test: nothing else may escape
        raise AssertionError(f"{described}: {type(exc).__name__}: {str(exc)[:300]}") from None
    return "read"


def test_fuzzed_parameter_files_read_or_fail_in_short_lines(tmp_path: Path) -> None:
    counts = {"read": 0, "refused": 0}
    context = multiprocessing.get_context("spawn")
    limit = (resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    with context.Pool(1, initializer=resource.setrlimit, initargs=limit) as pool:
        for number, (described, data) in enumerate(fuzzed_files(SEED, CASES)):
            path = tmp_path / f"p{number}.toml"
            path.write_bytes(data)
            for reader in (load_params_file, load_params):
                pending = pool.apply_async(reader, (str(path),))
                try:
                    counts[_outcome(pending, path, f"case {number} ({described})")] += 1
                except AssertionError:
                    pool.terminate()
                    raise
            path.unlink()
    # The mutations bite: many files are refused, and some are still read.
    assert counts["refused"] >= CASES // 2, counts
    assert counts["read"] >= CASES // 20, counts
