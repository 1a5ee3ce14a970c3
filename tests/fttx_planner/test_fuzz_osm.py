"""A seeded, bounded fuzz test of the OSM reader: no traceback, no hang, no memory blow-up.

300 small OSM XML files (plain, gzip, bzip2), each one to three mutations of a
valid district (bad attribute values, absurd tags, truncation, garbage,
repeated or swapped lines, entity expansion, unclosed tags, flipped bytes),
are loaded one by one in a child process with a 3 GB address-space cap; a case
that does not finish in 60 s counts as a hang and the child is killed. Every
case must load or end in an :class:`~fttx_planner.FttxError` with a one-line
message of bounded length.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from tests.fttx_planner._fuzz_osm import limit_memory, load_outcome, mutated_cases

#: Seed and size of the run.
SEED, CASES = 16, 300
#: A case still running after this long is a hang (s); loads take milliseconds.
HANG_S = 60.0
#: Address space of the child (MB): a bounded reader needs a few hundred.
MEMORY_MB = 3000


def test_fuzzed_osm_files_load_or_fail_in_one_line(tmp_path: Path) -> None:
    cases = list(mutated_cases(SEED, CASES))
    outcomes: dict[str, list[str]] = {"loaded": [], "refused": [], "traceback": []}
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, initializer=limit_memory, initargs=(MEMORY_MB,)) as pool:
        for described, name, data in cases:
            path = tmp_path / name
            path.write_bytes(data)
            pending = pool.apply_async(load_outcome, (str(path),))
            try:
                kind, text = pending.get(timeout=HANG_S)
            except multiprocessing.TimeoutError:
                pool.terminate()
                raise AssertionError(f"{name} ({described}): no answer in {HANG_S:.0f} s") from None
            outcomes[kind].append(f"{name} ({described}): {text}")
            if kind == "refused":
                assert "\n" not in text and len(text) < 400 + len(str(path)), (described, text)
            path.unlink()
    assert not outcomes["traceback"], "\n\n".join(outcomes["traceback"][:3])
    # The mutations bite: many files are refused, and many still load (with warnings).
    assert len(outcomes["refused"]) >= CASES // 4, len(outcomes["refused"])
    assert len(outcomes["loaded"]) >= CASES // 10, len(outcomes["loaded"])
