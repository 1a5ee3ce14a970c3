"""The business case of the PDF report: the four ownership models run on the plan's capex.

:class:`FinanceResults` runs (or takes from the GUI) the comparison of the
four models, the tornados, the Monte Carlo draws and the checks of the
source document's claims, then lays them out as report sections. The charts
are the ones the GUI shows (:mod:`models.charts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from fttx_planner.plan import Plan
from fttx_planner.report.style import (
    data_table,
    esc,
    fmt_eur,
    fmt_eur_short,
    fmt_pct,
    para,
)

if TYPE_CHECKING:
    import models
    from fttx_planner.report.context import ReportContext

#: The tornados drawn: (model, actor) with ``None`` for the best model's value chain.
TORNADOS: tuple[tuple[str | None, str | None], ...] = ((None, None), ("separated", "PIP"))


@dataclass
class FinanceResults:
    """Everything the business case section shows."""

    capex: models.NetworkCapex
    params: models.FinanceParams
    comparison: models.Comparison
    tornados: list[models.TornadoResult]
    monte_carlo: models.MonteCarloResult
    claims: list[models.ClaimResult]
    params_from: str

    @classmethod
    def compute(
        cls,
        plan: Plan,
        finance_params_file: str | Path | None = None,
        finance_params: models.FinanceParams | None = None,
        comparison: models.Comparison | None = None,
        n_draws: int = 2000,
        seed: int = 1,
    ) -> FinanceResults:
        """Run the business models on ``plan``'s capex (reusing ``comparison`` if given)."""
        import models

        if comparison is not None:
            capex = comparison.capex
            params = comparison.params
            params_from = "the inputs set in the application"
        else:
            capex = models.NetworkCapex.from_summary(plan.summary())
            if finance_params is not None:
                params = finance_params
                params_from = "the inputs set in the application"
            elif finance_params_file is not None:
                params = models.load_finance_params(finance_params_file)
                params_from = f"the parameter file {Path(finance_params_file).name}"
            else:
                params = models.FinanceParams()
                params_from = "the packaged defaults"
            comparison = models.compare(capex, params)
        best = max(comparison.models.values(), key=lambda r: r.value_chain_npv_eur).name
        tornados = []
        for model, actor in TORNADOS:
            spec = models.get_model(model or best)
            if actor is not None and actor not in comparison[spec.name].actors:
                continue
            tornados.append(models.tornado(capex, params, model=spec.name, actor=actor))
        mc = models.monte_carlo(capex, params, n_draws=n_draws, seed=seed)
        claims = models.check_claims(capex, params)
        return cls(capex, params, comparison, tornados, mc, claims, params_from)

    # -- text ------------------------------------------------------------------------------
    def _best(self) -> Any:
        return max(self.comparison.models.values(), key=lambda r: r.value_chain_npv_eur)

    def summary_text(self) -> str:
        """One paragraph for the summary: which model creates most value, and for whom."""
        best = self._best()
        years = self.params.analysis_years
        negative = [a for a in best.actors.values() if a.npv_eur < 0]
        text = (
            f"<b>Business case.</b> Over {years} years, with a take-up of "
            f"{fmt_pct(self.params.takeup_saturation, 0)} of homes and the other inputs of "
            f"section 5, the whole value chain earns most under the <b>{esc(best.spec.title)}"
            f"</b> model (NPV {fmt_eur_short(best.value_chain_npv_eur)} at "
            f"{fmt_pct(best.value_chain_discount_rate, 0)})."
        )
        names = ", ".join(esc(a.name) for a in negative)
        if best.value_chain_npv_eur < 0:
            text += (
                " No model recovers the investment at these inputs: the value chain as a whole "
                "loses money in all four."
            )
        elif negative:
            verb = "does" if len(negative) == 1 else "do"
            text += f" Even so, {names} {verb} not recover its investment at its cost of capital."
        else:
            text += " Every actor of that model earns a positive NPV."
        vc = self.monte_carlo.npv_eur[best.name]["value chain"]
        share = float((vc < 0).mean())
        n = f"{self.monte_carlo.n_draws:,}"
        lead = " Under the stated uncertainty, its value-chain NPV"
        if share == 0:
            text += f"{lead} stays positive in all {n} draws."
        elif share == 1:
            text += f"{lead} is negative in all {n} draws."
        else:
            text += f"{lead} is negative in {fmt_pct(share, 0)} of {n} draws."
        return text

    def method_text(self) -> str:
        """The business case's line of appendix B."""
        from models.labels import basis_text

        tv = self.params.terminal_value.replace("_", " ")
        return (
            "<b>Business case.</b> Yearly cash flows of every actor of the four ownership "
            "models (seed document Table 5) from the plan's capex by layer, a logistic take-up "
            "curve, retail and wholesale prices, opex, equipment replacements at the end of "
            "their lifetimes and open-access costs; NPV at each actor's own discount rate over "
            f"its horizon (terminal value: {tv}), IRR, discounted payback and peak funding. "
            f"Amounts in {esc(basis_text(self.params))}. Inputs: {self.params_from}. "
            f"Monte Carlo: {self.monte_carlo.n_draws:,} draws, seed {self.monte_carlo.seed}."
        )

    # -- summary block ---------------------------------------------------------------------
    def summary_flowables(self, b: ReportContext) -> list[Flowable]:
        """The business case at a glance: one row per model."""
        rows: list[list[Any]] = [
            [
                "Ownership model",
                "Value-chain NPV",
                "IRR",
                "Payback",
                "P(NPV < 0)",
                "Best-placed actor",
            ]
        ]
        for result in self.comparison.models.values():
            r = result.value_chain_row()
            vc = self.monte_carlo.npv_eur[result.name]["value chain"]
            top = max(result.actors.values(), key=lambda a: a.npv_eur)
            rows.append(
                [
                    esc(result.spec.title),
                    fmt_eur(r["npv_eur"]),
                    fmt_pct(r["irr"]),
                    _payback(r["payback_year"]),
                    fmt_pct(float((vc < 0).mean()), 0),
                    f"{esc(top.name)} ({fmt_eur_short(top.npv_eur)})",
                ]
            )
        w = b.frame_w
        return [
            Spacer(1, 2 * mm),
            KeepTogether(
                [
                    para("<b>Business case at a glance</b>", "h3"),
                    data_table(
                        rows,
                        [w * f for f in (0.2, 0.18, 0.1, 0.12, 0.12, 0.28)],
                        align_right=(1, 2, 3, 4),
                    ),
                    para(
                        f"Value chain: all actors of a model together, discounted at "
                        f"{fmt_pct(self.params.value_chain_discount_rate, 0)}; P(NPV &lt; 0) from "
                        f"the Monte Carlo draws of section 5.",
                        "note",
                    ),
                ]
            ),
        ]

    # -- the section -----------------------------------------------------------------------
    def section(self, b: ReportContext) -> list[Flowable]:
        """Section 5: models, results per actor, charts, sensitivity, uncertainty, inputs."""
        from models import charts

        c = self.capex
        p = self.params
        w = b.frame_w
        out: list[Flowable] = [PageBreak(), b.heading("Business case", 0)]
        out.append(
            para(
                f"Who should own the network? The four ownership models of the source document "
                f"(Table 5) are run on the capex of this plan: {fmt_eur(c.passive_to_pass_eur)} of "
                f"passive infrastructure and {fmt_eur(c.active_to_pass_eur)} of OLT to pass "
                f"{c.homes_passed:,} homes, and {fmt_eur(c.passive_to_connect_eur)} of drops and "
                f"{fmt_eur(c.active_to_connect_eur)} of ONTs to connect them all, scaled by "
                f"take-up. Take-up reaches {fmt_pct(p.takeup_saturation, 0)} of homes passed; "
                f"retail ARPU is €{p.arpu_eur_per_month:,.2f} per month. Every input and its "
                "source "
                "is listed at the end of this section.",
                "body_just",
            )
        )

        out.append(b.heading("The four ownership models", 1))
        rows: list[list[Any]] = [
            ["Model", "Passive layer", "Active layer", "Retail", "What the source says"]
        ]
        for result in self.comparison.models.values():
            s = result.spec
            rows.append(
                [
                    para(f"<b>{esc(s.title)}</b>", "cell"),
                    _owner(s.passive),
                    _owner(s.active),
                    _owner(s.retail),
                    para(esc(s.description), "cell_small"),
                ]
            )
        out.append(data_table(rows, [w * f for f in (0.15, 0.12, 0.12, 0.12, 0.49)]))
        out.append(
            para(
                "PIP: passive infrastructure provider; NP: network provider (active); "
                "SP: retail service provider.",
                "note",
            )
        )

        out.append(b.heading("Results per actor", 1))
        rows = [
            [
                "Model",
                "Actor",
                "NPV",
                "IRR",
                "Payback year",
                "Peak funding",
                "Revenue share",
                "Rate",
            ]
        ]
        extra: list[tuple[Any, ...]] = []
        last = ""
        for row in self.comparison.table(include_value_chain=True):
            title = self.comparison[row["model"]].spec.title
            vc = row["actor"] == "value chain"
            rows.append(
                [
                    title if title != last else "",
                    row["actor"],
                    fmt_eur(row["npv_eur"]),
                    fmt_pct(row["irr"]),
                    _payback(row["payback_year"]),
                    fmt_eur(row["peak_funding_eur"]),
                    fmt_pct(row["revenue_share"], 0),
                    fmt_pct(row["discount_rate"], 0),
                ]
            )
            last = title
            n = len(rows) - 1
            if vc:
                extra += [
                    ("FONT", (1, n), (-1, n), "DejaVuSans-Bold", 7.6),
                    ("LINEBELOW", (0, n), (-1, n), 0.6, "#17324d"),
                ]
            if row["npv_eur"] < 0:
                extra.append(("TEXTCOLOR", (2, n), (2, n), "#b3261e"))
        out.append(
            data_table(
                rows,
                [w * f for f in (0.16, 0.12, 0.15, 0.09, 0.11, 0.15, 0.12, 0.10)],
                align_right=(2, 3, 4, 5, 6, 7),
                zebra=False,
                extra=extra,
            )
        )
        out.append(
            para(
                "NPV, IRR and payback over each actor's horizon at its own discount rate (Rate). "
                "Payback is the first year the discounted cumulative cash flow turns positive "
                "(“never” within the horizon). Peak funding is the deepest point of the cumulative "
                "cash flow: the money the actor must raise. Revenue share is the share of all "
                "end-user spend the actor keeps after wholesale fees. Value chain: all actors "
                "together.",
                "note",
            )
        )

        out.append(CondPageBreak(95 * mm))
        out.append(b.heading("NPV by model and actor", 1))
        out.append(b.chart(charts.npv_by_model_figure(self.comparison)))
        out.append(
            para("Bars: NPV of each actor; dashed line: NPV of the whole value chain.", "caption")
        )
        out.append(CondPageBreak(95 * mm))
        out.append(b.heading("Revenue split", 1))
        out.append(b.chart(charts.revenue_split_figure(self.comparison)))
        out.append(para("Share of end-user spend each actor keeps, per model.", "caption"))

        out.append(PageBreak())
        out.append(b.heading("Cumulative cash flows", 1))
        out.append(
            para(
                "Cumulative yearly cash flow of each actor, year 0 being the first build year; the "
                "triangle marks the deepest point, the peak funding need.",
                "body",
            )
        )
        for name in self.comparison.models:
            fig = charts.cumulative_cashflow_figure(self.comparison, model=name)
            out.append(b.chart(fig, max_height=0.45 * b.frame_h))
            out.append(Spacer(1, 4 * mm))

        out.append(PageBreak())
        out.append(b.heading("Sensitivity", 1))
        out.append(
            para(
                "How far each input moves an NPV when it alone goes from the low to the high end "
                "of its range (±20 % of its value by default, within its bounds); the largest "
                "effects first. Inputs that do not move this NPV are left out.",
                "body",
            )
        )
        for t in self.tornados:
            who = "the whole value chain" if t.actor in (None, "value chain") else t.actor
            out.append(
                KeepTogether(
                    [
                        b.chart(charts.tornado_figure(t), max_height=0.42 * b.frame_h),
                        para(
                            f"NPV of {esc(who)} in the "
                            f"{esc(self.comparison[t.model].spec.title)} model"
                            + (
                                " (the model with the highest value-chain NPV)"
                                if t is self.tornados[0]
                                else " (the passive owner, often the city or a utility)"
                            )
                            + ".",
                            "caption",
                        ),
                    ]
                )
            )

        out.append(CondPageBreak(150 * mm))
        out.append(b.heading("Uncertainty (Monte Carlo)", 1))
        mc = self.monte_carlo
        dists = "; ".join(
            f"{esc(_FACTOR_NAMES.get(name, name))} × {d.kind} ({d.low:g}, {d.mode:g}, {d.high:g})"
            if hasattr(d, "mode")
            else f"{esc(name)} × {esc(d)}"
            for name, d in mc.distributions.items()
        )
        out.append(
            para(
                f"{mc.n_draws:,} draws (seed {mc.seed}) of four uncertain factors multiplying "
                "their "
                f"base values: {dists} (low, most likely, high).",
                "body_just",
            )
        )
        out.append(b.chart(charts.npv_distribution_figure(mc)))
        rows = [["Model", "Actor", "Mean NPV", "P10", "P50", "P90", "P(NPV < 0)"]]
        last = ""
        for r in mc.summary():
            title = self.comparison[r["model"]].spec.title
            rows.append(
                [
                    title if title != last else "",
                    r["actor"],
                    fmt_eur(r["mean_eur"]),
                    fmt_eur(r["p10_eur"]),
                    fmt_eur(r["p50_eur"]),
                    fmt_eur(r["p90_eur"]),
                    fmt_pct(r["prob_loss"], 0),
                ]
            )
            last = title
        out.append(CondPageBreak(60 * mm))
        out.append(
            data_table(
                rows,
                [w * f for f in (0.17, 0.14, 0.15, 0.14, 0.14, 0.14, 0.12)],
                align_right=(2, 3, 4, 5, 6),
            )
        )
        out.append(para("P10: 10 % of draws fall below this NPV; P90: 90 % do.", "note"))

        rows = [["Claim", "Holds?", "Measured", "When it would flip"]]
        for cl in self.claims:
            rows.append(
                [
                    para(esc(cl.claim), "cell"),
                    "yes" if cl.holds else "no",
                    para(esc(cl.measure), "cell_small"),
                    para(esc(cl.condition), "cell_small"),
                ]
            )
        out.append(CondPageBreak(70 * mm))
        out.append(b.heading("Claims of the source document", 1))
        out.append(
            para(
                "Table 5 of the source document makes claims a calculation can test. With the "
                "inputs "
                "of this report:",
                "body",
            )
        )
        out.append(data_table(rows, [w * f for f in (0.25, 0.08, 0.33, 0.34)]))

        out += self.assumptions(b)
        return out

    def assumptions(self, b: ReportContext) -> list[Flowable]:
        """Every finance input with its value, unit and source."""
        import models

        p = self.params
        w = b.frame_w
        out: list[Flowable] = [
            CondPageBreak(60 * mm),
            b.heading("Assumptions and their sources", 1),
        ]
        out.append(
            para(
                f"The inputs of the business case, from {esc(self.params_from)}. A value that "
                "differs "
                "from the packaged default is marked ●; its source is then the user's. Shares and "
                "rates are shown in percent.",
                "body",
            )
        )
        default = models.FinanceParams()
        rows: list[list[Any]] = [["Group", "Input", "Value", "Unit", "Source of the default"]]
        last = ""
        for name, field in type(p).model_fields.items():
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            group = str(extra.get("group", ""))
            unit = str(extra.get("unit", ""))
            value = getattr(p, name)
            changed = value != getattr(default, name)
            rows.append(
                [
                    group if group != last else "",
                    para(esc(field.title or name), "cell"),
                    para(("● " if changed else "") + esc(_value_text(value, unit)), "cell"),
                    para(esc(_unit_text(unit)), "cell"),
                    para(esc(str(extra.get("source", ""))), "cell_small"),
                ]
            )
            last = group
        rows.append(
            [
                "Capex",
                para("Network capex", "cell"),
                para(fmt_eur(self.capex.total_eur), "cell"),
                "€",
                para("this plan's bill of materials (section 4)", "cell_small"),
            ]
        )
        out.append(data_table(rows, [w * f for f in (0.11, 0.21, 0.14, 0.15, 0.39)]))
        return out


#: Names of the Monte Carlo factors.
_FACTOR_NAMES = {
    "takeup": "take-up",
    "arpu": "ARPU",
    "civil_cost": "civil works cost",
    "wholesale_prices": "wholesale prices",
}


def _owner(owner: str) -> str:
    return "each SP" if owner == "each SP" else owner


def _payback(year: int | None) -> str:
    return "never" if year is None else f"year {year}"


def _unit_text(unit: str) -> str:
    """A unit as printed: shares are already in percent, euros as ``€``."""
    special = {"fraction": "", "fraction/year": "per year", "x": "factor", "EUR": "€"}
    return special.get(unit, unit.replace("EUR/", "€/"))


def _value_text(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        parts = []
        for v in value:
            if hasattr(v, "market_share"):
                parts.append(f"{v.name} {100 * v.market_share:g} %")
            elif isinstance(v, float) and unit == "fraction":
                parts.append(f"{100 * v:g} %")
            else:
                parts.append(str(v))
        return ", ".join(parts)
    if hasattr(value, "kind") and hasattr(value, "low"):
        mode = getattr(value, "mode", None)
        inner = (
            f"{value.low:g}, {mode:g}, {value.high:g}"
            if mode is not None
            else f"{value.low:g}–{value.high:g}"
        )
        return f"{value.kind} ({inner})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and unit in ("fraction", "fraction/year"):
        return f"{100 * value:g} %"
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return str(value)
