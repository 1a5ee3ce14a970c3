"""Command line of the business models: ``fttx-planner finance`` and ``python -m models``.

``finance [--plan PLAN_DIR] [--params FILE] --out DIR`` compares the four
models and writes into ``DIR``:

- ``comparison.csv``: NPV, IRR, payback, peak funding and revenue share per
  model and actor (also printed);
- ``cashflows.csv``: yearly cash flows per model and actor, by kind;
- ``engagement_models.csv``: the Private / Exclusive / Managed / Open presets;
- ``statements.csv``: each actor's yearly P&L, cash flow and balance lines;
- ``finance.xlsx``: inputs, comparison and statements for a finance team;
- ``breakeven.csv``: cost-based wholesale fees (over the horizon and over
  the assets' life) and break-even take-up; a quantity with no break-even
  says so in its row and the run goes on;
- ``tornado.csv`` and ``montecarlo.csv``: sensitivity and NPV distribution;
- ``claims.csv``: the directional checks of Table 5;
- charts as PNG and SVG.

Every output is computed and written into a staging folder first and moved
into ``DIR`` only when all are done, so an error half-way leaves the previous
set intact; every table states the currency, the
price basis and the timing convention (``basis.txt`` and the printout).

Capex comes from ``PLAN_DIR/summary.json`` if ``--plan`` is given, else from
a ``[capex]`` table of the parameter file, else the example district. A city
plan's summary (``fttx-planner city``) adds the smart-city layer: the
endpoints' payments, leases and extra build, and ``smart_city.csv`` with each
actor's NPV with and without it. A folder of ``fttx-planner compare`` (its
``comparison.json``) runs the models on every architecture
(``architectures.csv``: cost per premise, office power and space, every
actor's NPV) and the full analysis on ``--architecture NAME`` (default: the
first row).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from models._errors import FinanceParameterError
from models.architectures import (
    ARCHITECTURE_COLUMNS,
    architecture_finance,
    format_architectures,
    read_comparison,
)
from models.atomic import atomic_path
from models.capex import NetworkCapex
from models.cityeffect import SMART_CITY_COLUMNS, smart_city_rows
from models.claims import check_claims
from models.comparison import Comparison, compare, format_rows, write_csv
from models.labels import basis_text
from models.montecarlo import monte_carlo
from models.ownership import EACH_SP, MODELS
from models.paramfile import finance_params_template, load_finance_file
from models.params import FinanceParams
from models.presets import engagement_table
from models.sensitivity import tornado
from models.solvers import breakeven_bitstream_fee, breakeven_passive_fee, breakeven_takeup
from models.workbook import write_workbook


def add_finance_arguments(parser: argparse.ArgumentParser, *, require_out: bool = True) -> None:
    """Add the ``finance`` options to `parser`.

    Parameters
    ----------
    parser
        The (sub)command parser.
    require_out
        Make ``--out`` required (``python -m models`` relaxes it for
        ``--write-params``).
    """
    parser.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN_DIR",
        help="plan directory with summary.json (from 'fttx-planner plan' or 'city'), or a "
        "folder of 'fttx-planner compare' (comparison.json: every architecture is valued); "
        "default: the [capex] table of --params, else an example district",
    )
    parser.add_argument(
        "--architecture",
        metavar="NAME",
        help="with a compare folder as --plan: the architecture the full analysis runs on "
        "(default: the first in comparison.json)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        metavar="FILE",
        help="finance parameters (.toml, .yaml or .json); default: the documented defaults",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", required=require_out, help="output directory"
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=10_000,
        metavar="N",
        help=f"Monte Carlo draws (0 to skip; default 10000, at most {MAX_DRAWS:,})",
    )
    parser.add_argument("--seed", type=int, default=1, help="Monte Carlo seed (default 1)")
    parser.add_argument("--no-charts", action="store_true", help="write tables only")


#: Most Monte Carlo draws of one run (issue 16: a bounded run; 10,000 take about a second).
MAX_DRAWS = 1_000_000


def is_comparison(plan: Path | None) -> bool:
    """Whether `plan` is an architecture comparison (``comparison.json``, no summary)."""
    if plan is None:
        return False
    if plan.is_dir():
        return (plan / "comparison.json").is_file() and not (plan / "summary.json").is_file()
    return plan.name == "comparison.json"


def load_inputs(
    plan: Path | None, params_file: Path | None, architecture: str | None = None
) -> tuple[NetworkCapex, FinanceParams, str]:
    """Capex, finance inputs and a note of where the capex came from.

    Raises
    ------
    FinanceParameterError
        If the plan summary or the parameter file is missing or invalid.
    """
    params, file_capex = FinanceParams(), None
    if params_file is not None:
        params, file_capex = load_finance_file(params_file)
    if plan is not None and is_comparison(plan):
        capex, name = _chosen_architecture(plan, architecture)
        note = f"capex of architecture {name} from the comparison {plan}"
        if file_capex is not None:
            note += f" (the [capex] table of {params_file} is ignored)"
    elif plan is not None:
        if architecture is not None:
            msg = f"--architecture needs a folder of 'fttx-planner compare' as --plan, not {plan}"
            raise FinanceParameterError(msg)
        capex = NetworkCapex.from_summary_file(plan)
        note = f"capex from plan {plan}"
        if file_capex is not None:
            note += f" (the [capex] table of {params_file} is ignored)"
    elif file_capex is not None:
        capex, note = file_capex, f"capex from the [capex] table of {params_file}"
    else:
        capex, note = NetworkCapex.example(), "capex of the example district (assumed figures)"
    return capex, params, note


def _chosen_architecture(plan: Path, architecture: str | None) -> tuple[NetworkCapex, str]:
    _, capexes = read_comparison(plan)
    name = architecture or next(iter(capexes))
    if name not in capexes:
        msg = f"--architecture {name[:60]!r} is not in {plan}; there: {', '.join(capexes)}"
        raise FinanceParameterError(msg)
    return capexes[name], name


#: Columns of ``breakeven.csv``.
BREAKEVEN_COLUMNS = ("quantity", "model", "actor", "value", "unit", "note")


def breakeven_rows(capex: NetworkCapex, params: FinanceParams) -> list[dict[str, Any]]:
    """Cost-based wholesale fees and the break-even take-up of every actor.

    A quantity with no break-even (the NPV never crosses zero) gets an empty
    value and the reason in ``note``; the other rows are still computed.
    """
    rows: list[dict[str, Any]] = []
    fee_unit = f"{params.currency}/line/month"

    def add(quantity: str, model: str, actor: str, solve: Any, unit: str, note: str = "") -> None:
        try:
            value = solve()
        except FinanceParameterError as exc:
            value, note = None, str(exc)
        if value is None and quantity == "break-even take-up" and not note:
            note = "NPV below 0 even at 100 % take-up"
        rows.append(
            {
                "quantity": quantity,
                "model": model,
                "actor": actor,
                "value": value,
                "unit": unit,
                "note": note,
            }
        )

    life = f"over the {params.passive_lifetime_years}-year passive life, no terminal value"
    for model in ("passive_shared", "separated"):
        add(
            "cost-based passive fee",
            model,
            "PIP",
            lambda m=model: breakeven_passive_fee(capex, params, model=m, actor="PIP"),
            fee_unit,
            f"over the {params.pip_horizon_years}-year horizon with the terminal value",
        )
        add(
            "cost-based passive fee, asset life",
            model,
            "PIP",
            lambda m=model: breakeven_passive_fee(
                capex, params, model=m, actor="PIP", over="asset_life"
            ),
            fee_unit,
            life,
        )
    add(
        "cost-based bitstream fee",
        "active_shared",
        "PIP+NP",
        lambda: breakeven_bitstream_fee(capex, params, model="active_shared", actor="PIP+NP"),
        fee_unit,
    )
    add(
        "cost-based bitstream fee",
        "separated",
        "NP",
        lambda: breakeven_bitstream_fee(capex, params, model="separated", actor="NP"),
        fee_unit,
    )
    for name, spec in MODELS.items():
        actors = [spec.passive] if spec.passive != EACH_SP else []
        if spec.active not in (EACH_SP, spec.passive):
            actors.append(spec.active)
        actors += [n for n, _ in spec.retail_entities(params) if n not in actors]
        for actor in [*actors, None]:
            add(
                "break-even take-up",
                name,
                actor or "value chain",
                lambda n=name, a=actor: breakeven_takeup(capex, params, model=n, actor=a),
                "fraction of homes passed",
            )
    return rows


#: Columns of ``statements.csv``.
STATEMENT_COLUMNS = ("model", "actor", "line", "year", "calendar_year", "value", "unit")


def statement_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Each actor's statements as long-format rows, on the reporting basis."""
    from models.workbook import statement_lines

    rows: list[dict[str, Any]] = []
    currency = comparison.params.currency
    for result in comparison.models.values():
        years = result.calendar_years
        for actor in result.actors.values():
            for label, values, is_ratio in statement_lines(comparison, actor):
                unit = "ratio" if is_ratio else currency
                rows.extend(
                    {
                        "model": result.name,
                        "actor": actor.name,
                        "line": label,
                        "year": t,
                        "calendar_year": int(years[t]),
                        "value": None if v != v else float(v),
                        "unit": unit,
                    }
                    for t, v in enumerate(values)
                )
    return rows


def _infrastructure_owner(model: str) -> str:
    spec = MODELS[model]
    return spec.passive


def run_finance(args: argparse.Namespace) -> int:
    """Run the finance comparison described by parsed arguments.

    Returns
    -------
    int
        Exit status 0.

    Raises
    ------
    FinanceParameterError
        If an input is missing or invalid (the caller prints the message).
    """
    if args.out is None:
        msg = "--out DIR is required"
        raise FinanceParameterError(msg)
    if not 0 <= args.draws <= MAX_DRAWS:
        msg = f"--draws must be from 0 to {MAX_DRAWS:,}, got {args.draws}"
        raise FinanceParameterError(msg)
    architecture = getattr(args, "architecture", None)
    capex, params, note = load_inputs(args.plan, args.params, architecture)
    out = Path(args.out)
    try:
        if out.exists() and not out.is_dir():
            msg = f"--out {out} is a file, not a folder"
            raise FinanceParameterError(msg)
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".finance-", dir=out))
    except OSError as exc:
        msg = f"cannot write to --out {out}: {exc.strerror or exc}"
        raise FinanceParameterError(msg) from None
    try:
        written = _run_into(stage, args, capex, params, note)
        moved = []
        for path in written:
            target = out / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved.append(target)
    except OSError as exc:
        msg = f"cannot write the finance outputs to {out}: {exc.strerror or exc}"
        raise FinanceParameterError(msg) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    print(f"\nWrote {len(moved)} files to {out}")
    return 0


def _run_into(
    out: Path, args: argparse.Namespace, capex: NetworkCapex, params: FinanceParams, note: str
) -> list[Path]:
    """Compute and write every output into `out` (the staging folder); return the files."""
    written: list[Path] = []
    print(
        f"{note}: {capex.homes_passed:,} homes passed; {capex.total_eur:,.0f} EUR to pass and "
        "connect every home (the models scale the cost to connect by take-up)"
    )
    if capex.business_units_passed:
        print(
            f"  of which {capex.business_units_passed:,} business units, treated as homes "
            "(same ARPU and take-up: the business models have no business product yet)"
        )

    stated = basis_text(params)
    path = out / "basis.txt"
    with atomic_path(path) as tmp:
        tmp.write_text(f"{stated}\n", encoding="utf-8")
    written.append(path)
    comparison = compare(capex, params)
    written += comparison.to_csv(out)
    print(
        f"\nBusiness models (NPV at each actor's discount rate over its horizon, terminal value: "
        f"{params.terminal_value.replace('_', ' ')}; {stated}; year 0 = {params.start_year}):"
    )
    print(comparison.format_table())
    _print_financing(comparison)
    if capex.smart_city is not None:
        written.append(_write_smart_city(out, capex, params, comparison))
    if is_comparison(args.plan):
        written.append(_write_architectures(out, args.plan, params))
    path = out / "statements.csv"
    write_csv(path, statement_rows(comparison), STATEMENT_COLUMNS)
    written.append(path)

    presets = engagement_table(capex, params)
    path = out / "engagement_models.csv"
    write_csv(path, presets, list(presets[0]))
    written.append(path)
    print("\nEngagement models (seed 001):")
    rows = [{**r, "model": f"{r['preset']} ({r['model']})"} for r in presets]
    print(format_rows(rows, params.currency))

    breakeven = breakeven_rows(capex, params)
    path = out / "breakeven.csv"
    write_csv(path, breakeven, BREAKEVEN_COLUMNS)
    written.append(path)
    print("\nBreak-even:")
    for row in breakeven:
        if row["value"] is None:
            value = f"none ({row['note']})"
        else:
            value = f"{row['value']:.3f} {row['unit']}"
        print(f"  {row['quantity']:<36} {row['model']:<15} {row['actor']:<12} {value}")
    path = out / "finance.xlsx"
    written.append(write_workbook(path, comparison, breakeven=breakeven, title=capex.label))

    tornados = [tornado(capex, params, model=m, actor=_infrastructure_owner(m)) for m in MODELS]
    path = out / "tornado.csv"
    rows = [r for t in tornados for r in t.rows()]
    write_csv(path, rows, list(rows[0]) if rows else ["model"])
    written.append(path)

    mc = None
    if args.draws > 0:
        mc = monte_carlo(capex, params, n_draws=args.draws, seed=args.seed)
        written.append(mc.to_csv(out))
        print(
            f"\nMonte Carlo ({args.draws:,} draws, seed {args.seed}; 'below base': share of "
            "draws under the base case, 50 % when the draws are centred on it):"
        )
        print(_format_mc(mc.summary()))

    claims = check_claims(capex, params)
    path = out / "claims.csv"
    write_csv(path, [c.row() for c in claims], ["claim", "holds", "measure", "condition", "source"])
    written.append(path)
    print("\nClaims of Table 5 (seed 000):")
    for claim in claims:
        verdict = "holds" if claim.holds else "does not hold"
        print(f"  - {claim.claim}: {verdict}; {claim.measure}; {claim.condition}")

    if not args.no_charts:
        written += _write_charts(out, comparison, tornados, mc)
    return written


def _write_smart_city(
    out: Path, capex: NetworkCapex, params: FinanceParams, comparison: Comparison
) -> Path:
    layer = capex.smart_city
    assert layer is not None
    rows = smart_city_rows(capex, params, comparison)
    path = out / "smart_city.csv"
    write_csv(path, rows, SMART_CITY_COLUMNS)
    served = sum(c.served for c in layer.classes)
    print(
        f"\nSmart-city layer: {served:,} endpoints served in {len(layer.classes)} classes; extra "
        f"build {layer.total_eur:,.0f} {params.capex_currency} ({layer.basis}); city services: "
        f"{params.city_services}, extra build paid by the {params.city_endpoint_build_paid_by}"
    )
    print(f"  {'model':<15} {'actor':<12} {'NPV with':>14} {'without':>14} {'effect':>12}")
    for r in rows:
        print(
            f"  {r['model']:<15} {r['actor']:<12} {r['npv_eur']:>14,.0f} "
            f"{r['npv_without_eur']:>14,.0f} {r['effect_eur']:>12,.0f}"
        )
    return path


def _write_architectures(out: Path, plan: Path, params: FinanceParams) -> Path:
    district, capexes = read_comparison(plan)
    result = architecture_finance(capexes, params)
    path = out / "architectures.csv"
    write_csv(path, result.table(), ARCHITECTURE_COLUMNS)
    print(f"\nArchitectures of {district or plan} (NPV in {params.currency}):")
    chosen = [
        ("verticalized", "operator"),
        ("separated", "PIP"),
        ("separated", "NP"),
        ("separated", "value chain"),
    ]
    print(format_architectures(result, chosen))
    return path


def _print_financing(comparison: Comparison) -> None:
    """Equity figures of the actors with debt, and IRR warnings."""
    lines = []
    for row in comparison.table(include_value_chain=True):
        if row["equity_npv_eur"] is not None:
            irr_text = "-" if row["equity_irr"] is None else f"{row['equity_irr']:.1%}"
            dscr = "-" if row["min_dscr"] is None else f"{row['min_dscr']:.2f}"
            equity = f"{row['equity_npv_eur']:>14,.0f}"
            lines.append(
                f"  {row['model']:<15} {row['actor']:<12} equity NPV {equity}"
                f"  equity IRR {irr_text:>6}  lowest DSCR {dscr}"
            )
        if row["irr_note"]:
            lines.append(f"  {row['model']:<15} {row['actor']:<12} {row['irr_note']}")
    if lines:
        print("\nFinancing and IRR notes:")
        print("\n".join(lines))


def _write_charts(
    out: Path, comparison: Comparison, tornados: list[Any], mc: Any | None
) -> list[Path]:
    from models import charts  # Matplotlib only when charts are asked for

    written = charts.save_figure(charts.npv_by_model_figure(comparison), out, "npv_by_model")
    written += charts.save_figure(charts.revenue_split_figure(comparison), out, "revenue_split")
    for model in MODELS:
        fig = charts.cumulative_cashflow_figure(comparison, model=model)
        written += charts.save_figure(fig, out, f"cumulative_cashflow_{model}")
    for result in tornados:
        written += charts.save_figure(charts.tornado_figure(result), out, f"tornado_{result.model}")
    if mc is not None:
        written += charts.save_figure(charts.npv_distribution_figure(mc), out, "npv_distribution")
    return written


def _format_mc(rows: list[dict[str, Any]]) -> str:
    header = ("model", "actor", "P10", "P50", "P90", "base case", "below base", "P(loss)")
    lines = ["  {:<15} {:<12} {:>12} {:>12} {:>12} {:>12} {:>10} {:>8}".format(*header)]
    lines.extend(
        f"  {r['model']:<15} {r['actor']:<12} {r['p10_eur']:>12,.0f} {r['p50_eur']:>12,.0f} "
        f"{r['p90_eur']:>12,.0f} {r['base_npv_eur']:>12,.0f} {r['base_percentile']:>10.0%} "
        f"{r['prob_loss']:>8.1%}"
        for r in rows
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m models``."""
    parser = argparse.ArgumentParser(
        prog="python -m models",
        description="Compare who should own and run an FTTH network: NPV, IRR, payback and "
        "revenue split per actor for the Verticalized, Passive Shared, Active Shared and "
        "Separated models.",
    )
    add_finance_arguments(parser, require_out=False)
    parser.add_argument(
        "--write-params",
        type=Path,
        metavar="FILE",
        help="write a commented TOML parameter file with every default and its source, then stop",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m models``: print input errors, not tracebacks."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.write_params is not None:
            params = FinanceParams()
            if args.params is not None:
                params = load_finance_file(args.params)[0]
            args.write_params.write_text(finance_params_template(params), encoding="utf-8")
            print(f"Wrote {args.write_params}")
            return 0
        if args.out is None:
            parser.error("--out DIR is required (or --write-params FILE)")
        return run_finance(args)
    except FinanceParameterError as exc:
        parser.exit(2, f"error: {exc}\n")
