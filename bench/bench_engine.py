"""Engine benchmark: time and peak memory per stage on sample cities and synthetic districts.

Run: ``.venv/bin/python bench/bench_engine.py [--repeats 3] [--sizes 1000 10000 100000]``

Each case runs in a fresh subprocess (so peak RSS is that case's own) and is
repeated; the table shows medians. Stages: load (OSM file, or generating the
synthetic district), demand, access (drop points and the design graph),
routing (the Steiner trench tree), clustering (splitters, fibre counts and
cable sizing), BOM, and the total after loading. Peak memory is the
process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from datetime import date

STAGES = {
    "demand": "demand",
    "access": "access",
    "trench tree": "routing",
    "splitters and fibres": "clustering",
    "bill of materials": "BOM",
    "lower bound": "bound",
}

_CHILD = r"""
import json, resource, sys, time
kind, arg, stage1 = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = time.perf_counter()
if kind == "sample":
    from fttx_planner.samples import load_sample
    district = load_sample(arg)
else:
    from fttx_planner.synthetic import grid_district
    district = grid_district(int(arg), irregular=True, seed=1)
load_s = time.perf_counter() - t
rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from fttx_planner.design.planner import plan_district
from fttx_planner.params import DesignParams
params = DesignParams(split_ratio=64, stage1_ratio=4) if stage1 > 1 else DesignParams()
t = time.perf_counter()
plan = plan_district(district, params)
total = time.perf_counter() - t
print(json.dumps({
    "buildings": len(district.buildings), "homes": plan.homes_passed,
    "load_s": load_s, "plan_s": total, "stages": plan.timings_s,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "load_peak_mb": rss_load / 1024,
}))
"""


def run_case(kind: str, arg: str, stage1: int = 1) -> dict[str, object]:
    """Run one case in a subprocess and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, arg, str(stage1)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    ap.add_argument("--samples", nargs="*", default=None)
    ap.add_argument(
        "--two-stage", action="store_true", help="plan 1:4 + 1:16 cascades instead of 1:32"
    )
    args = ap.parse_args()
    stage1 = 4 if args.two_stage else 1
    from fttx_planner.samples import sample_slugs

    cases = [("sample", s) for s in (args.samples if args.samples is not None else sample_slugs())]
    cases += [("synthetic", str(n)) for n in args.sizes]
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, date {date.today()}, "
        + ("1:4 + 1:16" if args.two_stage else "1:32, one stage")
    )
    head = ["case", "buildings", "homes", "load s"] + [STAGES[s] + " s" for s in STAGES]
    head += ["plan total s", "peak MB"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for kind, arg in cases:
        runs = [run_case(kind, arg, stage1) for _ in range(args.repeats)]

        def med(key: str, runs: list[dict[str, object]] = runs) -> float:
            return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]

        stage_med = [
            statistics.median(float(r["stages"].get(s, 0.0)) for r in runs)  # type: ignore[attr-defined]
            for s in STAGES
        ]
        name = arg if kind == "sample" else f"synthetic {int(arg):,}"
        row = [name, f"{runs[0]['buildings']:,}", f"{runs[0]['homes']:,}", f"{med('load_s'):.2f}"]
        row += [f"{x:.2f}" for x in stage_med]
        row += [f"{med('plan_s'):.2f}", f"{med('peak_mb'):.0f}"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
