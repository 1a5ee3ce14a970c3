"""Region benchmark: plan synthetic regions (and a real extract) on Dask with 1 and 2 workers.

Run: ``.venv/bin/python bench/bench_region.py [--premises 100000 400000 1000000]
[--workers 1 2] [--real porto_centro_historico] [--max-area-homes 30000]``

Each case runs in a fresh process: it builds the region (synthetic
irregular street grid sized to the premises wanted, or an OSM extract),
starts a ``LocalCluster`` of N single-threaded worker processes, and runs
:func:`fttx_planner.region.plan_region` with every output written (per-area
folders, merged GeoPackage, BOM, summary) into a temporary folder. Reported:
wall time (total, the areas, the regional bound's tail after the areas),
the CPU seconds and peak resident memory of each worker and of the client
process (``getrusage`` read in each process at the end: CPU time is less
disturbed than wall time on a shared machine), the number of areas, the
plan's gaps to the regional and the partition lower bound, and the
machine's 1-minute load average before and after the case.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from datetime import date

_CHILD = r"""
import json, logging, os, resource, sys, tempfile, time
from pathlib import Path
kind, arg, workers, max_area = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
if kind == "synthetic":
    from fttx_planner.synthetic import grid_district
    # Synthetic buildings hold about 2.49 premises each (10 % blocks of 8-24 flats).
    district = grid_district(int(int(arg) / 2.49), irregular=True, seed=1,
                             name=f"Synthetic region {int(arg):,}")
else:
    from fttx_planner.samples import resolve_district
    district = resolve_district(arg)[0]
build_s = time.perf_counter() - t0
from distributed import Client, LocalCluster
from fttx_planner.region import plan_region
logging.getLogger("distributed").setLevel(logging.ERROR)

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

load_before = os.getloadavg()[0]

with tempfile.TemporaryDirectory() as tmp, LocalCluster(
    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
    memory_limit=0,
) as cluster, Client(cluster) as client:
    t = time.perf_counter()
    plan = plan_region(district, Path(tmp) / "out", client=client, max_area_homes=max_area)
    wall = time.perf_counter() - t
    worker_mb = sorted(client.run(peak_mb).values())
    worker_cpu = sorted(client.run(cpu_s).values())
    gpkg_mb = (Path(tmp) / "out" / "plan.gpkg").stat().st_size / 2**20
s = plan.summary
print(json.dumps({
    "buildings": len(district.buildings), "premises": s["homes"]["demand"],
    "passed": s["homes"]["passed"], "areas": s["areas"]["count"],
    "failed": s["areas"]["failed"], "build_s": build_s, "wall_s": wall,
    "timings": s["timings_s"], "worker_mb": worker_mb, "client_mb": peak_mb(),
    "gap_regional": s["gap_to_lower_bound"], "gap_partition": s["gap_to_partition_lower_bound"],
    "gpkg_mb": gpkg_mb, "worker_cpu_s": worker_cpu, "client_cpu_s": cpu_s(),
    "load_before": load_before, "load_after": os.getloadavg()[0],
}))
"""


def run_case(kind: str, arg: str, workers: int, max_area: int) -> dict[str, object]:
    """Run one case in a fresh process and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, arg, str(workers), str(max_area)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Run the cases and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--premises", type=int, nargs="*", default=[100_000, 400_000, 1_000_000])
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--real", nargs="*", default=["porto_centro_historico"])
    ap.add_argument("--max-area-homes", type=int, default=30_000)
    args = ap.parse_args()
    cases = [("synthetic", str(n)) for n in args.premises] + [("real", r) for r in args.real]
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, date {date.today()}"
    )
    head = ["region", "premises", "areas", "workers", "total s", "areas s", "bound after s",
            "CPU s per worker", "client CPU s", "peak MB per worker", "client MB",
            "gap regional", "gap partition", "load avg"]  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for kind, arg in cases:
        for w in args.workers:
            r = run_case(kind, arg, w, args.max_area_homes)
            t = r["timings"]
            name = f"synthetic {int(arg):,}" if kind == "synthetic" else arg
            failed = f" ({r['failed']} failed)" if r["failed"] else ""
            row = [
                name, f"{r['premises']:,}", f"{r['areas']}" + failed,
                str(w), f"{t['total']:.0f}", f"{t['areas']:.0f}",
                f"{t['regional bound after the areas']:.0f}",
                " / ".join(f"{c:,.0f}" for c in r["worker_cpu_s"]), f"{r['client_cpu_s']:,.0f}",
                " / ".join(f"{m:,.0f}" for m in r["worker_mb"]), f"{r['client_mb']:,.0f}",
                f"{100 * (r['gap_regional'] or 0):.1f} %",
                f"{100 * (r['gap_partition'] or 0):.1f} %",
                f"{r['load_before']:.0f}-{r['load_after']:.0f}",
            ]  # fmt: skip
            print("| " + " | ".join(row) + " |", flush=True)
            print(json.dumps({"case": name, "workers": w, **r}), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
