"""Detailed-design benchmark: connectivity, splice schedule and files for 10k and 100k buildings.

Run: ``.venv/bin/python bench/bench_detail.py [--repeats 3] [--sizes 10000 100000]``

A synthetic irregular grid district is planned once per size (not timed);
then :func:`fttx_planner.detail.model.build_detail` (ports, circuits, cable
sections, fibres, sites, names, splice schedule) and
:func:`fttx_planner.detail.files.write_detail` are timed, medians over the
repeats, and the trace of every premise unit once. The detail's CPU time
(``time.process_time``) is printed beside its wall time: on a shared
machine it says what the code costs, the wall time what the load adds.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import date

from fttx_planner.design.planner import plan_district
from fttx_planner.detail.files import write_detail
from fttx_planner.detail.model import build_detail
from fttx_planner.detail.trace import Tracer
from fttx_planner.synthetic import grid_district


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = ap.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{date.today()}")  # fmt: skip
    print("| buildings | premise units | sites | splices | plan s | detail s | detail CPU s | "
          "write s | trace all s |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        t0 = time.perf_counter()
        plan = plan_district(grid_district(n, irregular=True, seed=1))
        plan_s = time.perf_counter() - t0
        build, cpu, write = [], [], []
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            detail = build_detail(plan)
            build.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                write_detail(detail, tmp)
                write.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        tracer = Tracer(detail)
        for premise in detail.units["premise"]:
            tracer.trace(str(premise))
        trace_s = time.perf_counter() - t0
        c = detail.meta["counts"]
        print(
            f"| {len(plan.district.buildings):,} | {c['premise_units']:,} | "
            f"{sum(c['sites'].values()):,} | {c['splices']:,} | {plan_s:.1f} | "
            f"{statistics.median(build):.1f} | {statistics.median(cpu):.1f} | "
            f"{statistics.median(write):.1f} | {trace_s:.1f} |"
        )


if __name__ == "__main__":
    main()
