"""``fttx-planner region``: plan a region as service areas on a Dask cluster."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

NAME = "region"

_HELP = """\
Plan a region as service areas around several central offices (OLT sites).

SOURCE is an OpenStreetMap file (or sample city name), or a folder of
adjacent OSM files (tiles, which may overlap): files that touch are stitched
at their borders into one part of the region. Every home goes to the central office
nearest along the streets within the fibre reach (loss budget and 20 km GPON
logical reach); each service area is planned as its own district with its
OLT at its central office, one task per area on dask.distributed (a local
cluster of --workers processes, or the cluster at --scheduler, whose workers
must see --out), and the outputs are merged as the areas finish.

Outputs in --out DIR: plan.gpkg (every area's layers with an area_id, plus
service_areas, central_offices and streets), bom.csv, summary.json (with the
regional lower bound and the partition bound, see docs/region.md), areas.csv
(one row per area), areas/area_NNNN/ (each area's own GeoPackage, BOM,
splitters and summary) and manifest.json (written last: what a viewer loads
first and where each area's files are). An area that fails is reported with its error; the
others still finish (exit status 1 then).

With --infra FILE (existing ducts and pole routes) the region is brownfield:
the layer is matched to the streets and each area reuses what runs along its
own streets; summary.json reports the reuse (existing_infrastructure).
"""


def register(subparsers: Any) -> None:
    """Add the ``region`` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        NAME, help="plan a region as service areas of several central offices, on Dask",
        description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("source", help="OSM file, sample city, or folder of OSM files")
    p.add_argument("--out", required=True, type=Path, help="output folder (created if needed)")
    p.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="address of a running Dask scheduler (default: a local cluster)",
    )  # fmt: skip
    p.add_argument(
        "--workers", type=_positive, default=2,
        help="worker processes of the local cluster (default 2)",
    )  # fmt: skip
    sites = p.add_mutually_exclusive_group()
    sites.add_argument(
        "--cos", type=Path, metavar="FILE",
        help="central offices: point layer (GeoJSON/GeoPackage, or CSV with lon,lat or x,y)",
    )  # fmt: skip
    sites.add_argument(
        "--co-count", type=_positive, metavar="N",
        help="place N central offices (default: the engine chooses the number)",
    )  # fmt: skip
    p.add_argument(
        "--max-area-homes", type=_positive, default=None, metavar="N",
        help="largest service area in homes when the engine places the offices (default 30000)",
    )  # fmt: skip
    p.add_argument("--params", type=Path, help="design parameters (TOML)")
    p.add_argument(
        "--infra", type=Path, metavar="FILE",
        help="existing infrastructure (GeoJSON/GeoPackage of ducts and aerial pole routes): "
        "a brownfield region, the layer clipped to each service area",
    )  # fmt: skip
    p.add_argument("--catalogue", type=Path, help="cost catalogue CSV (default: shipped prices)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a whole number of at least 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def run(args: argparse.Namespace) -> int:
    """Run ``fttx-planner region``; 0 when every area was planned, 1 when some failed."""
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.export.atomic import check_output_folder, os_error
    from fttx_planner.network.infra import load_infrastructure
    from fttx_planner.params import Deployment, DesignParams, load_params
    from fttx_planner.region.inputs import load_region
    from fttx_planner.region.planner import plan_region
    from fttx_planner.region.sites import MAX_AREA_HOMES

    # Inputs first: a bad file or output folder is reported before any cluster starts.
    check_output_folder(args.out)
    params = load_params(args.params) if args.params else DesignParams()
    if args.infra is not None and "deployment" not in params.model_fields_set:
        params = params.model_copy(update={"deployment": Deployment.BROWNFIELD})
    if params.deployment == Deployment.BROWNFIELD and args.infra is None:
        from fttx_planner.region.planner import RegionError

        msg = f"{args.params} asks for a brownfield region: pass --infra FILE (ducts, poles)."
        raise RegionError(msg)
    catalogue = Catalogue.from_csv(args.catalogue) if args.catalogue else Catalogue.default()
    districts = load_region(args.source)
    for d in districts:
        if Path(d.source).is_dir() and d.warnings:  # stitched: its first line says what
            print(f"{d.name}: {d.warnings[0]}")
    if args.infra is not None:
        load_infrastructure(args.infra, districts[0].crs)  # its errors, before the cluster
    bar = _AreaBar(args.quiet)
    with _cluster(args) as client:
        try:
            plan = plan_region(
                districts, args.out, client=client, params=params, catalogue=catalogue,
                central_offices=args.cos, co_count=args.co_count,
                max_area_homes=args.max_area_homes or MAX_AREA_HOMES, progress=bar,
                infra=args.infra,
            )  # fmt: skip
        except OSError as exc:
            raise os_error(exc, args.out) from None
        finally:
            bar.close()
    _print(plan.summary, args.out)
    return 1 if plan.failed else 0


class _AreaBar:
    """A tqdm bar over the areas."""

    def __init__(self, quiet: bool) -> None:
        from tqdm import tqdm

        self.bar = None if quiet else tqdm(unit="area", file=sys.stderr, leave=False)

    def __call__(self, done: int, total: int, text: str) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.set_description(text[:60])
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _cluster:
    """A client of the scheduler at ``--scheduler``, or of a new local cluster."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> Any:
        from distributed import Client, LocalCluster

        # The cluster's own log lines would drown the progress bar.
        logging.getLogger("distributed").setLevel(logging.ERROR)
        if self.args.scheduler:
            try:
                self.client = Client(self.args.scheduler, timeout=10)
            except OSError as exc:
                from fttx_planner.region.planner import RegionError

                msg = f"Cannot reach the Dask scheduler at {self.args.scheduler}: {exc}"
                raise RegionError(msg) from None
            return self.client
        self.cluster = LocalCluster(
            n_workers=self.args.workers, threads_per_worker=1, processes=True,
            dashboard_address=":0",
        )  # fmt: skip
        self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _print(s: dict[str, Any], out: Path) -> None:
    h = s["homes"]
    c = s["capex_eur"]
    a = s["areas"]
    print(f"{s['district']}: {s['architecture']}")
    print(
        f"  {len(s['central_offices'])} central offices, {a['count']} service areas "
        f"({a['planned']} planned, {a['failed']} failed)"
    )
    print(
        f"  homes passed {h['passed']:,} of {h['demand']:,} in planned areas; "
        f"{h['no_central_office']:,} with no central office within reach"
    )
    print(f"  capex {c['total']:,.0f} EUR; per home passed {c['per_home_passed']:,.0f} EUR")
    infra = s.get("existing_infrastructure")
    if infra:
        print(
            f"  existing infrastructure reused: {infra['duct_reuse_km']:,.2f} km of duct, "
            f"{infra['aerial_km']:,.2f} km on poles ({infra['areas_reusing']} areas; the layer "
            f"runs along {infra['duct_along_streets_km'] + infra['aerial_along_streets_km']:,.2f}"
            " km of street)"
        )
    if s.get("lower_bound_eur"):
        print(
            f"  regional lower bound {s['lower_bound_eur']:,.0f} EUR (any assignment of homes "
            f"to these offices): gap {100 * (s['gap_to_lower_bound'] or 0):.1f} %"
        )
    if s.get("partition_lower_bound_eur"):
        print(
            f"  sum of the areas' bounds {s['partition_lower_bound_eur']:,.0f} EUR (this "
            f"partition only): gap {100 * (s['gap_to_partition_lower_bound'] or 0):.1f} %"
        )
    for f in a["failures"]:
        print(f"  area {f['area_id']} ({f['central_office']}) failed: {f['error']}")
    print(f"Outputs in {out.resolve()}")
    print(f"Map data: {s['attribution']}")
