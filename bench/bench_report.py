"""Benchmark of the PDF report: time and file size for districts up to 5,000+ buildings.

Usage::

    python bench/bench_report.py                 # synthetic 1k and 5k, Porto (5,110 buildings)
    python bench/bench_report.py --quick         # synthetic 1k only
    python bench/bench_report.py --example       # (re)write docs/example_report.pdf

Each case plans the district once, then writes the report ``--repeat`` times
(A4, 2,000 Monte Carlo draws, like the command line) and prints the best
time, the file size, the page count and the maps' share of the layout.
The report itself must stay at "a few MB in a few seconds" for 5,000
buildings; the figures measured on the development machine are in
``docs/report.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from fttx_planner import grid_district, plan_district
from fttx_planner.params import Deployment, DesignParams, OpticalClass
from fttx_planner.pipeline import run_plan
from fttx_planner.plan import Plan
from fttx_planner.report.builder import write_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "example_report.pdf"
#: The example report: the brownfield sample city with a two-stage 1:64 design.
EXAMPLE_SAMPLE = "kotka_karhula"
EXAMPLE_PARAMS = DesignParams(
    split_ratio=64,
    stage1_ratio=4,
    optical_class=OpticalClass.C_PLUS,
    deployment=Deployment.BROWNFIELD,
)


def cases(quick: bool) -> dict[str, Callable[[], Plan]]:
    """The districts to benchmark, each a function that plans it."""
    out: dict[str, Callable[[], Plan]] = {
        "synthetic 1,000 buildings": lambda: plan_district(grid_district(1000, irregular=True)),
    }
    if not quick:
        out["synthetic 5,000 buildings"] = lambda: plan_district(
            grid_district(5000, irregular=True)
        )
        out["Porto, Centro Histórico (5,110 buildings)"] = lambda: run_plan(
            "porto_centro_historico"
        )
    return out


def bench(name: str, make_plan: Callable[[], Plan], repeat: int, out_dir: Path) -> None:
    """Plan once, write the report ``repeat`` times, print the best time and the size."""
    t0 = time.perf_counter()
    plan = make_plan()
    t_plan = time.perf_counter() - t0
    target = out_dir / "report.pdf"
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        write_report(plan, target)
        times.append(time.perf_counter() - t0)
    pages = len(PdfReader(target).pages)
    size_mb = target.stat().st_size / 1e6
    print(
        f"{name:44s} {len(plan.buildings):6,d} bldgs  plan {t_plan:5.1f} s  "
        f"report {min(times):5.1f} s (best of {repeat})  {size_mb:5.2f} MB  {pages:3d} pages",
        flush=True,
    )


def write_example(date: dt.date | None) -> Path:
    """Write ``docs/example_report.pdf`` from the brownfield sample city."""
    plan = run_plan(EXAMPLE_SAMPLE, params=EXAMPLE_PARAMS)
    path = write_report(plan, EXAMPLE, date=date)
    print(f"{path}: {len(PdfReader(path).pages)} pages, {path.stat().st_size / 1e6:.2f} MB")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark or write the example."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 1,000-building case only")
    parser.add_argument("--repeat", type=int, default=3, help="report runs per case")
    parser.add_argument("--example", action="store_true", help="write docs/example_report.pdf")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="date printed on the example")
    args = parser.parse_args(argv)
    if args.example:
        write_example(args.date)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make_plan in cases(args.quick).items():
            bench(name, make_plan, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
