"""Benchmark of the business models: Monte Carlo draws for all four models.

Measures the median wall time of ``models.monte_carlo`` with 10,000 draws
(all four models, every actor and the value chain) over several repeats,
after a warm-up run, and prints it with the machine it ran on. The target is
under 2 seconds.

Usage::

    .venv/bin/python bench/bench_models.py [--draws 10000] [--repeats 7] [--write-docs]

``--write-docs`` replaces the benchmark section of ``docs/models.md`` (between
its ``bench:models`` markers) with the printed lines.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's models, whatever is installed

import models  # noqa: E402

DOC = ROOT / "docs" / "models.md"
START, END = "<!-- bench:models:start -->", "<!-- bench:models:end -->"
TARGET_S = 2.0


def machine() -> str:
    """CPU model, core count, OS, Python and NumPy versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )


def timed(draws: int, seed: int) -> float:
    """Seconds for one Monte Carlo run of all four models."""
    capex, params = models.NetworkCapex.example(), models.FinanceParams()
    start = time.perf_counter()
    models.monte_carlo(capex, params, n_draws=draws, seed=seed)
    return time.perf_counter() - start


def run(draws: int, repeats: int) -> list[str]:
    """Run the benchmark and return its result lines."""
    timed(draws, seed=0)  # warm-up: imports, first allocations
    times = [timed(draws, seed=i + 1) for i in range(repeats)]
    median = statistics.median(times)
    capex = models.NetworkCapex.example()
    start = time.perf_counter()
    for _ in range(20):
        models.compare(capex)
    compare_ms = (time.perf_counter() - start) / 20 * 1000
    verdict = "meets" if median < TARGET_S else "MISSES"
    return [
        f"- Monte Carlo, {draws:,} draws, all four models: median {median:.3f} s over "
        f"{repeats} repeats (min {min(times):.3f} s, max {max(times):.3f} s); "
        f"{verdict} the {TARGET_S:.0f} s target",
        f"- Deterministic comparison of the four models (`models.compare`): {compare_ms:.1f} ms",
        f"- Machine: {machine()}",
        f"- Measured {time.strftime('%Y-%m-%d')} with `bench/bench_models.py`",
    ]


def write_docs(lines: list[str]) -> None:
    """Replace the benchmark section of docs/models.md."""
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        msg = f"{DOC} has no {START} ... {END} section"
        raise SystemExit(msg)
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(head + START + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--write-docs", action="store_true", help="update docs/models.md")
    args = parser.parse_args(argv)
    lines = run(args.draws, args.repeats)
    print("\n".join(lines))
    if args.write_docs:
        write_docs(lines)
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
