"""Command line: ``fttx-planner plan | finance | report | samples``.

Input errors (:class:`FttxError` and the finance module's parameter errors)
are printed as one clear message with exit status 2; anything else is a bug
and shows its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from fttx_planner import __version__
from fttx_planner._errors import FttxError

#: Subpackages that may bring their own command in a ``command`` module with
#: ``NAME: str`` (or a tuple of the names of several commands),
#: ``register(subparsers) -> None`` and ``run(args) -> int``.
_COMMAND_PACKAGES = ("region", "detail", "endpoints")

_PLAN_HELP = """\
Plan a GPON/FTTH network for a district and write its outputs.

DISTRICT is a sample city name (see `fttx-planner samples`) or an OpenStreetMap
file (.osm, .osm.gz, .osm.bz2 or .osm.pbf). The planner estimates homes per
building, connects every building to its nearest street, places splitters,
routes feeder and distribution fibre in shared trenches along streets, checks
the optical loss of every home against the budget and prices the bill of
materials.

Outputs in --out DIR: geojson/*.geojson (one layer per file, RFC 7946),
plan.gpkg (all layers, GeoPackage 1.2 with QGIS styles) and plan.qgz (QGIS
project), plan.kmz (Google Earth), bom.csv, splitters.csv, summary.json,
detail/ (every fibre from OLT port to premise, the splice schedule; skip with
--no-detail) and report.pdf with --pdf. Cables are cable runs: one feature per
cable between two joints. See docs/exports.md and docs/detail.md.
"""

_PARAMS_HELP = """\
TOML file of design parameters, e.g.
  [design]
  split_ratio = 64        # homes per OLT port: 32 or 64
  stage1_ratio = 4        # 1 = one splitter stage; 4 = 1:4 then 1:16
  optical_class = "C+"    # B+ (28 dB) or C+ (32 dB)
  max_drop_m = 250
Unknown keys and out-of-range values are refused with the reason.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``fttx-planner``."""
    parser = argparse.ArgumentParser(
        prog="fttx-planner",
        description="Plan FTTH/GPON access networks on OpenStreetMap districts and compare "
        "who should own them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "plan", help="plan a district and write GeoJSON, GeoPackage, BOM and summary",
        description=_PLAN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("district", help="sample city name or OSM file")
    p.add_argument("--out", required=True, type=Path, help="output folder (created if needed)")
    p.add_argument("--params", type=Path, help=_PARAMS_HELP)
    p.add_argument(
        "--deployment", choices=["greenfield", "brownfield"],
        help="override the scenario's deployment (brownfield needs --infra or a sample "
        "city that ships an infrastructure layer)",
    )  # fmt: skip
    p.add_argument(
        "--infra", type=Path,
        help="existing infrastructure (GeoJSON/GeoPackage of ducts and aerial pole routes) "
        "for brownfield",
    )  # fmt: skip
    p.add_argument("--catalogue", type=Path, help="cost catalogue CSV (default: shipped prices)")
    p.add_argument(
        "--premises", type=Path,
        help="premises register: CSV (lon,lat or x,y and homes/businesses columns), GeoJSON or "
        "GeoPackage points with unit counts; overrides the estimate where it matches a building",
    )  # fmt: skip
    p.add_argument(
        "--households", type=_count,
        help="known number of households in the district (e.g. census): estimates are scaled "
        "to it, tagged and address-counted buildings kept",
    )  # fmt: skip
    p.add_argument("--businesses", type=_count, help="known number of business premises")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf")
    p.add_argument(
        "--no-detail", action="store_true",
        help="skip the fibre-level detail (detail/: every fibre, splice schedule; see "
        "`fttx-planner splices` and `trace`)",
    )  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    sub.add_parser("samples", help="list the sample cities")

    f = sub.add_parser(
        "finance", help="compare the four ownership models on a plan's capex",
        description="Compare Verticalized, Passive Shared, Active Shared and Separated "
        "ownership models: NPV, IRR, payback and revenue split per actor.",
    )  # fmt: skip
    from models.cli import add_finance_arguments

    add_finance_arguments(f)

    r = sub.add_parser("report", help="write the PDF report of a district's plan")
    r.add_argument("district", help="sample city name or OSM file")
    r.add_argument("--out", required=True, type=Path, help="output PDF file or folder")
    r.add_argument("--params", type=Path, help="design parameters (TOML)")
    r.add_argument("--finance-params", type=Path, help="finance parameters (TOML or YAML)")
    r.add_argument("--paper", choices=["A4", "Letter"], default="A4")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    for module in _command_modules():
        module.register(sub)
    return parser


def _command_modules() -> list[ModuleType]:
    """The ``command`` modules of the subpackages that have one."""
    import importlib
    import importlib.util

    modules = []
    for package in _COMMAND_PACKAGES:
        name = f"fttx_planner.{package}.command"
        if importlib.util.find_spec(f"fttx_planner.{package}") is None:
            continue
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fttx-planner`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "plan":
            return _cmd_plan(args)
        if args.command == "samples":
            return _cmd_samples()
        if args.command == "finance":
            from models.cli import run_finance

            return run_finance(args)
        if args.command == "report":
            return _cmd_report(args)
        for module in _command_modules():
            names = module.NAME if isinstance(module.NAME, tuple) else (module.NAME,)
            if args.command in names:
                return int(module.run(args))
    except FttxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        # The finance module's parameter errors are ValueErrors too.
        if type(exc).__module__.startswith("models"):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise
    parser.error(f"unknown command {args.command}")
    return 2  # pragma: no cover


def _cmd_samples() -> int:
    from fttx_planner.samples import list_samples

    for sc in list_samples():
        print(f"{sc.slug:28s} {sc.name} ({sc.deployment}) - {sc.description}")
    return 0


class _Bar:
    """Progress on stderr from ``(fraction, stage)`` callbacks.

    On a terminal, a tqdm bar redrawn in place. Otherwise (a log file, a
    pipe, CI) one plain line per stage, such as ``fttx-planner:  40 % trench
    tree``, with no carriage returns or escape codes. Nothing with ``--quiet``.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.stage = ""
        self.bar = None
        if not quiet and _is_terminal(sys.stderr):
            from tqdm import tqdm

            self.bar = tqdm(total=100, unit="%", file=sys.stderr, leave=False)

    def __call__(self, fraction: float, stage: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_description(stage)
            self.bar.update(max(0, round(100 * fraction) - self.bar.n))
        elif stage != self.stage:
            self.stage = stage
            print(
                f"fttx-planner: {round(100 * fraction):3d} % {stage}", file=sys.stderr, flush=True
            )

    def scaled(self, start: float, end: float, prefix: str = "") -> Callable[[float, str], None]:
        """A callback reporting ``0..1`` as ``start..end`` of this bar."""
        return lambda f, s: self(start + (end - start) * f, prefix + s)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # closed stream
        return False


def _cmd_plan(args: argparse.Namespace) -> int:
    from fttx_planner.export import write_all
    from fttx_planner.export.atomic import os_error
    from fttx_planner.pipeline import run_plan

    bar = _Bar(args.quiet)
    from fttx_planner.export.atomic import output_folder

    with output_folder(args.out):  # before the plan runs, not after
        try:
            plan = run_plan(
                args.district,
                params_file=args.params,
                deployment=args.deployment,
                infra_file=args.infra,
                catalogue_file=args.catalogue,
                progress=bar.scaled(0.0, 0.9),
                premises_file=args.premises,
                households=args.households,
                businesses=args.businesses,
            )
            try:
                paths = write_all(
                    plan, args.out, bar.scaled(0.9, 1.0, "writing "),
                    with_detail=not args.no_detail, detail_params=args.params,
                )  # fmt: skip
                if args.pdf:
                    from fttx_planner.report.builder import write_report

                    paths.append(write_report(plan, args.out / "report.pdf"))
            except OSError as exc:
                raise os_error(exc, args.out) from None
        finally:
            bar.close()
    _print_plan(plan, args.out, paths)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from fttx_planner.export.atomic import check_output_file, os_error, output_folder
    from fttx_planner.pipeline import run_plan
    from fttx_planner.report.builder import write_report

    target = args.out if args.out.suffix.lower() == ".pdf" else args.out / "report.pdf"
    check_output_file(target)  # before the plan runs, not after
    if args.finance_params is not None:
        _check_finance_params(args.finance_params)
    bar = _Bar(args.quiet)
    with output_folder(target.parent):
        try:
            plan = run_plan(args.district, params_file=args.params, progress=bar)
            try:
                path = write_report(
                    plan, target, finance_params_file=args.finance_params, paper=args.paper
                )
            except OSError as exc:
                raise os_error(exc, target.parent) from None
        finally:
            bar.close()
    print(f"Report written to {path}")
    return 0


def _check_finance_params(path: Path) -> None:
    """Read the finance parameter file once before planning, so its problems come first.

    Raises
    ------
    ParameterError
        The file is not a regular file of at most
        :data:`~fttx_planner.params.MAX_PARAMS_BYTES` (a FIFO would block
        the finance reader).
    FinanceParameterError
        Its values, as the finance module reports them.
    """
    import models
    from fttx_planner._errors import ParameterError
    from fttx_planner.input_files import check_input_file
    from fttx_planner.params import MAX_PARAMS_BYTES

    check_input_file(path, "finance parameter file", MAX_PARAMS_BYTES, ParameterError)
    models.load_finance_params(path)


def _count(text: str) -> int:
    """A whole number of at least 0 for ``--households`` / ``--businesses``."""
    try:
        value = int(text)
    except ValueError:  # not a number, or more than int's 4,300 digits
        value = -1
    if value < 0:
        from fttx_planner.input_files import short

        msg = f"expected a whole number of at least 0, got {short(text, 40)}"
        raise argparse.ArgumentTypeError(msg)
    return value


def demand_table(demand: dict[str, Any]) -> str:
    """Premises by source as an aligned text table (the CLI's demand table).

    Examples
    --------
    >>> print(demand_table({"by_source": {"rule": {"buildings": 3, "homes": 3,
    ...                                            "business_units": 1}}}))
        source         buildings      homes   business
        rule                   3          3          1
    """
    lines = [f"    {'source':<12} {'buildings':>11} {'homes':>10} {'business':>10}"]
    for name, row in demand["by_source"].items():
        lines.append(
            f"    {name:<12} {row['buildings']:>11,} {row['homes']:>10,} "
            f"{row['business_units']:>10,}"
        )
    for what, rec in demand.get("calibration", {}).items():
        lines.append(
            f"    calibrated to {rec['target']:,} {what} (estimate {rec['estimate_before']:,}, "
            f"estimates scaled by {rec['factor']:.3f})"
        )
    reg = demand.get("register")
    if reg:
        lines.append(
            f"    register {reg['source']}: {reg['points_matched']:,} of {reg['points']:,} points "
            f"matched {reg['buildings_matched']:,} buildings"
        )
    return "\n".join(lines)


def _print_plan(plan: object, out: Path, paths: list[Path]) -> None:
    from fttx_planner.plan import Plan

    assert isinstance(plan, Plan)
    s = plan.summary()
    h = s["homes"]
    c = s["capex_eur"]
    km = s["lengths_km"]
    dm = s["demand"]
    print(f"{s['district']}: {s['architecture']}")
    print(
        f"  demand {dm['homes']:,} premises: {dm['residential_units']:,} homes and "
        f"{dm['business_units']:,} business units in {dm['buildings_with_homes']:,} buildings "
        f"({dm['buildings_without_homes']:,} buildings without premises)"
    )
    print(demand_table(dm))
    print(
        f"  homes passed {h['passed']:,} of {h['demand']:,} "
        f"({h['unserved']:,} unserved in {h['buildings_unserved']} buildings)"
    )
    print(
        f"  splitters {s['splitters']['count']:,}, OLT ports {s['splitters']['olt_ports']:,}; "
        f"trench {km['trench_new_km']:.1f} km new, {km['duct_reuse_km']:.1f} km duct reuse, "
        f"{km['aerial_km']:.1f} km aerial"
    )
    print(f"  loss: max {s['loss_db']['max']:.1f} dB of {s['loss_db']['budget']:.0f} dB budget")
    print(
        f"  capex {c['total']:,.0f} EUR; per home passed {c['per_home_passed']:,.0f} EUR, "
        f"per home connected {c['per_home_connected']:,.0f} EUR"
    )
    if s.get("lower_bound_eur"):
        print(
            f"  lower bound {s['lower_bound_eur']:,.0f} EUR: this design is at most "
            f"{100 * s['gap_to_lower_bound']:.1f} % above the best possible one"
        )
    for w in s["warnings"]:
        print(f"  warning: {w}")
    print(f"Outputs in {out.resolve()}:")
    for p in paths:
        print(f"  {p}")
    print(f"Map data: {plan.district.attribution}")
