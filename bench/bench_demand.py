"""Demand benchmark: the premises estimate for 10k and 100k buildings, with context.

Run: ``.venv/bin/python bench/bench_demand.py [--repeats 5] [--sizes 10000 100000]``

A synthetic grid district gets one address point per fifth building (a fifth
of them businesses), industrial land use over a tenth of the area, and
levels tagged on a tenth of the buildings, so that every path of the
estimate runs (levels from neighbours, address matching, land use, rules).
The calibrated run scales to 80 % of the estimate. Medians over the repeats.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import replace
from datetime import date

import numpy as np
import shapely

from fttx_planner.demand.premises import estimate_demand
from fttx_planner.district import AddressPoints, LandUse
from fttx_planner.params import DesignParams
from fttx_planner.synthetic import grid_district


def _case(n: int) -> tuple[object, AddressPoints, LandUse]:
    district = grid_district(n, irregular=True, seed=1)
    b = district.buildings
    rng = np.random.default_rng(0)
    levels = np.where(rng.random(len(b)) < 0.1, rng.integers(1, 8, len(b)).astype(float), np.nan)
    b = replace(b, levels=levels)
    xy = b.centroid_xy
    pick = rng.random(len(b)) < 0.2
    addresses = AddressPoints(xy[pick], rng.random(int(pick.sum())) < 0.2)
    x0, y0, x1, y1 = district.bounds_xy
    land = LandUse(
        np.array([shapely.box(x0, y0, x0 + (x1 - x0) * 0.316, y0 + (y1 - y0) * 0.316)]),
        np.array(["industrial"], dtype=object),
    )
    return b, addresses, land


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(f"# {date.today()}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, median of {args.repeats}")  # fmt: skip
    print("| buildings | premises | estimate s | calibrated s |")
    print("|---:|---:|---:|---:|")
    for n in args.sizes:
        b, addresses, land = _case(n)
        plain, calibrated = [], []
        total = 0
        for _ in range(args.repeats):
            t = time.perf_counter()
            d = estimate_demand(b, None, addresses, land)  # type: ignore[arg-type]
            plain.append(time.perf_counter() - t)
            total = int(d.residential.sum())
            params = DesignParams(households=int(total * 0.8))
            t = time.perf_counter()
            estimate_demand(b, params, addresses, land)  # type: ignore[arg-type]
            calibrated.append(time.perf_counter() - t)
        print(f"| {len(b):,} | {total:,} | {statistics.median(plain):.3f} | "
              f"{statistics.median(calibrated):.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
