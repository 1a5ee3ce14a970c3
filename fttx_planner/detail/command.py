"""Commands ``fttx-planner splices PLAN_DIR --out book.pdf`` and ``fttx-planner trace PLAN_DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = ("splices", "trace")

_PARAMS_HELP = (
    "parameter file (TOML) with [detail] (colour_code, spare_share, splices_per_tray, "
    "step_down_cables) and [naming] templates; the detail is made again when they change"
)


def register(sub: Any) -> None:
    """Add the ``splices`` and ``trace`` subcommands."""
    s = sub.add_parser(
        "splices",
        help="splice book (PDF, one page per site) and splice schedule (CSV) of a plan folder",
        description="Write the splice book of a plan folder: one page per site (CO, cabinet, "
        "closure, FDP) with its location, cables, splices, fibres passed uncut and parked, and "
        "trays. The whole schedule is PLAN_DIR/detail/splices.csv.",
    )
    s.add_argument("plan_dir", type=Path, help="folder written by `fttx-planner plan`")
    s.add_argument("--out", required=True, type=Path, help="PDF file to write")
    s.add_argument("--params", type=Path, help=_PARAMS_HELP)
    s.add_argument(
        "--kinds",
        default="co,cabinet,closure,fdp",
        help="site kinds to give a page, comma-separated (default: all)",
    )
    s.add_argument("--paper", choices=["A4", "Letter"], default="A4")

    t = sub.add_parser(
        "trace",
        help="trace a premise from its OLT port with the loss of every element, or list the "
        "premises behind a port, splitter or cable",
    )
    t.add_argument("plan_dir", type=Path, help="folder written by `fttx-planner plan`")
    g = t.add_mutually_exclusive_group(required=True)
    g.add_argument("--building", help="OSM id of a building: trace each of its units")
    g.add_argument("--unit", help="one premise unit, OSM_ID/UNIT (e.g. 123456/2)")
    g.add_argument(
        "--from",
        dest="from_",
        metavar="NAME",
        help="an OLT port, splitter or cable name: list every premise behind it",
    )
    t.add_argument("--params", type=Path, help=_PARAMS_HELP)


def run(args: argparse.Namespace) -> int:
    """Run ``splices`` or ``trace``."""
    from fttx_planner.detail.files import DETAIL_DIR
    from fttx_planner.detail.replan import detail_for
    from fttx_planner.detail.settings import load_detail_params

    settings, naming = load_detail_params(args.params)
    if args.command == "splices":
        from fttx_planner.detail.book import write_splice_book
        from fttx_planner.export.atomic import check_output_file, os_error, output_folder

        check_output_file(args.out)  # before the detailed design is built, not after
        with output_folder(args.out.parent):
            detail = detail_for(args.plan_dir, settings, naming)
            kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
            try:
                path, pages = write_splice_book(detail, args.out, kinds=kinds, paper=args.paper)
            except OSError as exc:
                raise os_error(exc, args.out.parent) from None
        c = detail.meta["counts"]
        print(
            f"Splice book written to {path}: {pages} pages; {c['splices']:,} splices at "
            f"{sum(c['sites'].values()):,} sites, {c['cables']:,} cables, "
            f"{c['premise_units']:,} premise units"
        )
        print(f"Splice schedule: {args.plan_dir / DETAIL_DIR / 'splices.csv'}")
        return 0
    from fttx_planner.detail.trace import BEHIND_COLUMNS, Tracer

    detail = detail_for(args.plan_dir, settings, naming)
    tracer = Tracer(detail)
    if args.from_:
        rows = tracer.behind(args.from_)
        print(f"{len(rows):,} premise units behind {args.from_}:")
        cols = list(BEHIND_COLUMNS)
        if not detail.meta["architecture"].count("two stages"):
            cols.remove("stage1_splitter")
        print(rows[cols].to_string(index=False))
        return 0
    premises = (
        [args.unit] if args.unit else tracer.units_of(args.building)["premise"].astype(str).tolist()
    )
    for i, premise in enumerate(premises):
        if i:
            print()
        print(tracer.trace(premise).table())
    return 0
