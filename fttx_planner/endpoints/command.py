"""``fttx-planner compare`` and ``fttx-planner city``.

``compare DISTRICT --out DIR`` designs the district as every architecture of
``data/architectures.csv`` (GPON, XGS-PON, point-to-point) and writes the
side-by-side table as ``comparison.csv`` and ``comparison.json``.

``city DISTRICT --out DIR`` plans the homes and the district's public
endpoints (from the OSM file and / or ``--endpoints FILE``) in one design and
writes every plan output plus ``endpoints.csv`` (and ``report.pdf`` with
``--pdf``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAME = ("compare", "city")

_COMPARE_HELP = """\
Design the same district as GPON (one or two stages), XGS-PON (loss classes
N1, N2, E1) and point-to-point Ethernet (home-run fibres, no splitters), with
the same engine, OLT site and prices, and write the side-by-side table:
capex by layer, fibre-km, cable sizes, central-office ports, chassis and rack
units, loss margins and cost per premise (docs/endpoints.md).

Outputs in --out DIR: comparison.csv and comparison.json.
"""

_CITY_HELP = """\
Plan the homes and the city's public endpoints in one design: traffic
signals, CCTV, street lamps, schools, hospitals, town halls, libraries,
mobile masts... read from the OSM file (tags in
fttx_planner/data/endpoint_rules.csv) and from --endpoints FILE (points with
a 'class': CSV with lon,lat or x,y, GeoJSON or GeoPackage). Each class is
connected by its rule: a PON port like a home, dedicated fibres to the
central office, or one shared fibre per pole run; --diversity gives the
critical classes a second, trench-disjoint path (priced).

Outputs in --out DIR: every output of `fttx-planner plan` (with an
'endpoints' layer), endpoints.csv (one row per endpoint with its cost share)
and report.pdf with --pdf.
"""


def register(subparsers: Any) -> None:
    """Add the ``compare`` and ``city`` commands to the CLI's subparsers."""
    c = subparsers.add_parser(
        "compare", help="GPON, XGS-PON and point-to-point designs of a district side by side",
        description=_COMPARE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    _common(c)
    c.add_argument(
        "--architectures", nargs="+", metavar="NAME",
        help="architectures to compare (default: all in data/architectures.csv)",
    )  # fmt: skip
    p = subparsers.add_parser(
        "city", help="plan homes and public endpoints (signals, CCTV, lamps...) in one design",
        description=_CITY_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    _common(p)
    p.add_argument("--endpoints", type=Path, metavar="FILE", help="user layer of endpoints")
    p.add_argument(
        "--no-osm-endpoints", action="store_true",
        help="do not read endpoints from the OSM file (only --endpoints)",
    )  # fmt: skip
    p.add_argument("--rules", type=Path, help="endpoint rules CSV (default: the shipped rules)")
    p.add_argument(
        "--diversity", action="store_true",
        help="a second, trench-disjoint path to the OLT for critical classes",
    )  # fmt: skip
    p.add_argument(
        "--homes-only", action="store_true",
        help="also plan the homes alone and report what the endpoints add (twice the time)",
    )  # fmt: skip
    p.add_argument("--pdf", action="store_true", help="also write report.pdf")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("district", help="sample city name or OSM file")
    p.add_argument("--out", required=True, type=Path, help="output folder (created if needed)")
    p.add_argument("--params", type=Path, help="design parameters (TOML)")
    p.add_argument("--catalogue", type=Path, help="cost catalogue CSV (default: shipped prices)")
    p.add_argument(
        "--deployment", choices=["greenfield", "brownfield"],
        help="override the scenario's deployment (brownfield needs --infra or a sample city "
        "that ships an infrastructure layer)",
    )  # fmt: skip
    p.add_argument("--infra", type=Path, help="existing ducts and pole routes (brownfield)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def run(args: argparse.Namespace) -> int:
    """Run ``compare`` or ``city``."""
    from fttx_planner.export.atomic import output_folder

    with output_folder(args.out):  # checked before the district is read and planned
        return _compare(args) if args.command == "compare" else _city(args)


def _inputs(args: argparse.Namespace) -> tuple[Any, Path | None, Any, Any, Any]:
    """District, its OSM file, parameters, catalogue and existing infrastructure, as ``plan``."""
    from fttx_planner._errors import DesignError
    from fttx_planner.catalogue import Catalogue
    from fttx_planner.params import Deployment, DesignParams
    from fttx_planner.pipeline import existing_infra, load_params_file
    from fttx_planner.samples import resolve_district

    # The small input files first: their problems are reported before a large district
    # is loaded and planned.
    params = load_params_file(args.params) if args.params else DesignParams()
    catalogue = Catalogue.from_csv(args.catalogue) if args.catalogue else Catalogue.default()
    district, scenario = resolve_district(str(args.district))
    osm_path = scenario.osm_path if scenario is not None else Path(args.district)
    if args.deployment is not None:
        params = params.model_copy(update={"deployment": Deployment(args.deployment)})
    elif scenario is not None and "deployment" not in params.model_fields_set:
        params = params.model_copy(update={"deployment": Deployment(scenario.deployment)})
    infra = None
    if params.deployment == Deployment.BROWNFIELD:
        path = args.infra or (scenario.infrastructure_path if scenario is not None else None)
        if path is None:
            msg = f"Brownfield planning of {district.name!r} needs --infra FILE"
            raise DesignError(msg)
        infra = existing_infra(district, path)
    return district, osm_path, params, catalogue, infra


def _rules(path: Path) -> Any:
    """A rules CSV, read before the district as a bounded regular file (a FIFO would block)."""
    from fttx_planner.catalogue import MAX_CATALOGUE_BYTES
    from fttx_planner.endpoints.rules import EndpointError, EndpointRules
    from fttx_planner.input_files import read_bounded_text

    text = read_bounded_text(path, "endpoint rules file", MAX_CATALOGUE_BYTES, EndpointError)
    return EndpointRules.from_csv_text(text, str(path))


def _progress(quiet: bool) -> Any:
    import sys

    last = {"stage": ""}

    def report(fraction: float, stage: str) -> None:
        if not quiet and stage != last["stage"]:
            last["stage"] = stage
            print(f"fttx-planner: {round(100 * fraction):3d} % {stage}", file=sys.stderr)

    return report


def _compare(args: argparse.Namespace) -> int:
    from fttx_planner.endpoints.compare import compare_architectures, comparison_table
    from fttx_planner.export.atomic import os_error, write_text_atomic

    district, _, params, catalogue, infra = _inputs(args)
    designs = compare_architectures(
        district, params, catalogue, infra, args.architectures, _progress(args.quiet)
    )
    table = comparison_table(designs)
    doc = {
        "format": "fttx-planner-comparison",
        "version": 1,
        "district": district.name,
        "deployment": params.deployment.value,
        "attribution": district.attribution,
        "architectures": [d.row for d in designs],
    }
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(args.out / "comparison.csv", table.to_csv(index=False))
        write_text_atomic(args.out / "comparison.json", json.dumps(doc, indent=2) + "\n")
    except OSError as exc:
        raise os_error(exc, args.out) from None
    print(f"{district.name}: {len(designs)} architectures")
    print(f"    {'architecture':<20} {'capex EUR':>12} {'per premise':>12} {'fibre-km':>9} "
          f"{'CO ports':>9} {'margin dB':>9}")  # fmt: skip
    for r in (d.row for d in designs):
        print(
            f"    {r['architecture']:<20} {r['capex_total_eur']:>12,.0f} "
            f"{r['per_premise_eur']:>12,.0f} {r['fibre_km']:>9,.1f} {r['co_ports']:>9,} "
            f"{r['margin_db']:>9.1f}"
        )
    print(f"Outputs in {args.out.resolve()}: comparison.csv, comparison.json")
    print(f"Map data: {district.attribution}")
    return 0


def _city(args: argparse.Namespace) -> int:
    from fttx_planner.endpoints.layer import read_endpoint_layer
    from fttx_planner.endpoints.osm import read_osm_endpoints
    from fttx_planner.endpoints.planning import plan_city
    from fttx_planner.endpoints.points import Endpoints
    from fttx_planner.endpoints.rules import EndpointError, EndpointRules
    from fttx_planner.export import write_all
    from fttx_planner.export.atomic import os_error, write_text_atomic

    rules = _rules(args.rules) if args.rules else EndpointRules.default()
    district, osm_path, params, catalogue, infra = _inputs(args)
    points = Endpoints.empty()
    if not args.no_osm_endpoints and osm_path is not None:
        points = read_osm_endpoints(osm_path, district.crs, rules)
    if args.endpoints is not None:
        points = points.concat(read_endpoint_layer(args.endpoints, district.crs, rules))
    if len(points) == 0:
        msg = f"No endpoint in {district.name!r}: none tagged in the OSM file and no --endpoints"
        raise EndpointError(msg)
    plan = plan_city(
        district, points, params, catalogue, rules, infra, diversity=args.diversity,
        progress=_progress(args.quiet), homes_only=args.homes_only,
    )  # fmt: skip
    paths = write_all(plan, args.out)
    assert plan.endpoints is not None
    try:
        write_text_atomic(args.out / "endpoints.csv", plan.endpoints.to_csv(index=False))
        paths.append(args.out / "endpoints.csv")
        if args.pdf:
            from fttx_planner.report.builder import write_report

            paths.append(write_report(plan, args.out / "report.pdf"))
    except OSError as exc:
        raise os_error(exc, args.out) from None
    from fttx_planner.cli import _print_plan

    _print_plan(plan, args.out, paths)
    e = plan.summary()["endpoints"]
    print(
        f"Public endpoints: {e['served']:,} of {e['count']:,} served; their cost share "
        f"{e['cost_share_eur']:,.0f} EUR ({100 * e['share_of_capex']:.1f} % of the capex)"
    )
    for row in e["by_class"]:
        print(
            f"    {row['class']:<16} {row['rule']:<11} {row['served']:>4} of {row['endpoints']:>4}"
            f"  {row['fibres']:>4} fibres  {row['cost_share_eur']:>12,.0f} EUR"
        )
    if e["incremental_eur"] is not None:
        print(
            f"  the homes alone cost {e['homes_only_eur']:,.0f} EUR: the endpoints add "
            f"{e['incremental_eur']:,.0f} EUR to the build"
        )
    return 0
