"""Tornado sensitivity: how far each input, over a stated range, moves one NPV.

Each input is moved alone from its base value to a low and a high value
(by default the base times ``1 - 0.2`` and ``1 + 0.2``, kept within the
input's bounds), everything else held; the NPV of the chosen actor (or of
the value chain) is recomputed at both ends. Bars are sorted by swing,
the largest first.

An input whose base value is 0 (ARPU growth, a grant) has no relative range;
it moves by an absolute step instead (:data:`ABSOLUTE_STEPS` by unit: 2
points for a yearly rate, 10 points for a share), stated in the bar's
``range_kind``. Only an input that still does not move the NPV is listed as
unaffected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.comparison import run_model
from models.ownership import VALUE_CHAIN, get_model
from models.params import FinanceParams

#: Inputs of a default tornado: finance inputs, capex fields, and
#: ``"discount_rate"`` (the evaluated actor's own rate).
DEFAULT_TORNADO_INPUTS = (
    "takeup_saturation",
    "takeup_speed_per_year",
    "arpu_eur_per_month",
    "passive_fee_eur_per_month",
    "bitstream_fee_eur_per_month",
    "churn_per_year",
    "civil_eur",
    "cables_eur",
    "drops_eur",
    "olt_eur",
    "ont_eur",
    "passive_opex_share_of_capex",
    "active_opex_share_of_capex",
    "retail_opex_eur_per_line_month",
    "acquisition_cost_eur_per_gross_add",
    "arpu_growth_per_year",
    "inflation_per_year",
    "discount_rate",
)

#: Absolute step (+-) of an input whose base value is 0, by unit. Source:
#: assumed; 2 points a year is the spread of European inflation and price
#: trends around the ECB's 2 % target.
ABSOLUTE_STEPS = {"fraction/year": 0.02, "fraction": 0.1}

_RATE_FIELDS = {
    "operator": "operator_discount_rate",
    "PIP": "pip_discount_rate",
    "NP": "np_discount_rate",
    "PIP+NP": "network_owner_discount_rate",
    "city": "city_discount_rate",
    VALUE_CHAIN: "value_chain_discount_rate",
}


@dataclass(frozen=True)
class TornadoBar:
    """NPV at the low and high end of one input's range."""

    name: str
    title: str
    unit: str
    base_value: float
    low_value: float
    high_value: float
    npv_low_eur: float
    npv_high_eur: float
    range_kind: str = "relative"
    """``"relative"`` (base times 1 -+ r), ``"absolute"`` (base -+ a step) or ``"given"``."""

    @property
    def swing_eur(self) -> float:
        """Width of the bar: ``|NPV(high) - NPV(low)|``."""
        return abs(self.npv_high_eur - self.npv_low_eur)


@dataclass(frozen=True)
class TornadoResult:
    """A tornado for one model and actor."""

    model: str
    actor: str
    base_npv_eur: float
    bars: tuple[TornadoBar, ...]
    unaffected: tuple[str, ...]
    """Inputs that do not move this NPV (left out of `bars`)."""
    relative_range: float
    currency: str = "EUR"
    context: str = ""
    """What the figures rest on (district, rates, horizon, price basis, timing)."""

    def rows(self) -> list[dict[str, object]]:
        """The bars as table rows."""
        return [
            {
                "model": self.model,
                "actor": self.actor,
                "input": b.name,
                "unit": b.unit,
                "base_value": b.base_value,
                "low_value": b.low_value,
                "high_value": b.high_value,
                "npv_low_eur": b.npv_low_eur,
                "npv_high_eur": b.npv_high_eur,
                "swing_eur": b.swing_eur,
                "range_kind": b.range_kind,
                "base_npv_eur": self.base_npv_eur,
            }
            for b in self.bars
        ]


def _bounds(field_info: object) -> tuple[float, float]:
    low, high = -float("inf"), float("inf")
    for meta in getattr(field_info, "metadata", []):
        for attr, is_low in (("ge", True), ("gt", True), ("le", False), ("lt", False)):
            value = getattr(meta, attr, None)
            if value is not None:
                if is_low:
                    low = max(low, float(value))
                else:
                    high = min(high, float(value))
    return low, high


def _unit(field_info: object) -> str:
    extra = getattr(field_info, "json_schema_extra", None)
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def _is_int(name: str) -> bool:
    for model in (FinanceParams, NetworkCapex):
        info = model.model_fields.get(name)
        if info is not None:
            return info.annotation is int
    return False


def _apply(
    capex: NetworkCapex, params: FinanceParams, name: str, value: float, actor: str
) -> tuple[NetworkCapex, FinanceParams]:
    if _is_int(name):
        value = round(value)
    if name in NetworkCapex.model_fields:
        return capex.model_copy(update={name: value}), params
    if name == "discount_rate":
        if actor in _RATE_FIELDS:
            return capex, params.model_copy(update={_RATE_FIELDS[actor]: value})
        sps = [
            sp.model_copy(update={"discount_rate": value}) if sp.name == actor else sp
            for sp in params.service_providers
        ]
        return capex, params.model_copy(update={"service_providers": sps})
    if name == "takeup_saturation" and params.takeup_by_year is not None:
        top = max(params.takeup_by_year)
        scale = value / top if top > 0 else 0.0
        curve = [min(1.0, x * scale) for x in params.takeup_by_year]
        return capex, params.model_copy(update={"takeup_by_year": curve})
    return capex, params.model_copy(update={name: value})


def _describe(
    capex: NetworkCapex, params: FinanceParams, name: str, actor: str
) -> tuple[str, str, float, tuple[float, float]]:
    """Title, unit, base value and bounds of a tornado input."""
    if name in NetworkCapex.model_fields:
        info = NetworkCapex.model_fields[name]
        return str(info.title), _unit(info), float(getattr(capex, name)), _bounds(info)
    if name == "discount_rate":
        if actor in _RATE_FIELDS:
            field = _RATE_FIELDS[actor]
            base = float(getattr(params, field))
        else:
            base = next(sp.discount_rate for sp in params.service_providers if sp.name == actor)
        return f"Discount rate ({actor})", "fraction", base, (0.0, 0.5)
    if name not in FinanceParams.model_fields:
        known = sorted({*FinanceParams.model_fields, *NetworkCapex.model_fields, "discount_rate"})
        msg = f"unknown tornado input {name!r}; known: {', '.join(known)}"
        raise FinanceParameterError(msg)
    info = FinanceParams.model_fields[name]
    if name == "takeup_saturation" and params.takeup_by_year is not None:
        return str(info.title), _unit(info), float(max(params.takeup_by_year)), (0.0, 1.0)
    base = getattr(params, name)
    if not isinstance(base, int | float):
        msg = f"tornado input {name!r} is not a number"
        raise FinanceParameterError(msg)
    return str(info.title), _unit(info), float(base), _bounds(info)


def tornado(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    model: str = "verticalized",
    actor: str | None = None,
    *,
    inputs: Sequence[str] = DEFAULT_TORNADO_INPUTS,
    relative_range: float = 0.2,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> TornadoResult:
    """NPV of one actor against each input over a stated range.

    Parameters
    ----------
    capex
        Network capex.
    params
        Finance inputs; the defaults if None.
    model
        One of the four models.
    actor
        Whose NPV; None for the whole value chain.
    inputs
        Names of finance inputs, capex fields (``"civil_eur"``) or
        ``"discount_rate"`` (the actor's own).
    relative_range
        Default range: base times ``1 - r`` to ``1 + r``, within bounds.
    ranges
        Explicit ``(low, high)`` values for some inputs, in their units.

    Returns
    -------
    TornadoResult
        Bars sorted by swing, largest first; inputs that do not move this
        NPV are listed in ``unaffected``.

    Examples
    --------
    >>> t = tornado(NetworkCapex.example(), model="separated", actor="PIP",
    ...             inputs=["passive_fee_eur_per_month", "arpu_eur_per_month"])
    >>> [b.name for b in t.bars], t.unaffected
    (['passive_fee_eur_per_month'], ('arpu_eur_per_month',))
    >>> t.bars[0].low_value, t.bars[0].high_value
    (10.4, 15.6)
    """
    params = params or FinanceParams()
    spec = get_model(model)
    if not 0 <= relative_range < 1:
        msg = f"relative_range must be a fraction in [0, 1), got {relative_range}"
        raise FinanceParameterError(msg)
    ranges = dict(ranges or {})
    unknown_ranges = sorted(set(ranges) - set(inputs))
    if unknown_ranges:
        msg = f"ranges given for inputs not in the tornado: {', '.join(unknown_ranges)}"
        raise FinanceParameterError(msg)
    base_result = run_model(capex, params, spec)
    who = VALUE_CHAIN if actor is None else actor
    base_npv = base_result.npv_eur(actor)
    bars: list[TornadoBar] = []
    unaffected: list[str] = []
    for name in inputs:
        title, unit, base, (lo_bound, hi_bound) = _describe(capex, params, name, who)
        kind = "relative"
        if name in ranges:
            low, high = (float(v) for v in ranges[name])
            kind = "given"
        elif base == 0 and unit in ABSOLUTE_STEPS:
            step = ABSOLUTE_STEPS[unit]
            low = min(max(-step, lo_bound), hi_bound)
            high = min(max(step, lo_bound), hi_bound)
            kind = "absolute"
        else:
            low = min(max(base * (1 - relative_range), lo_bound), hi_bound)
            high = min(max(base * (1 + relative_range), lo_bound), hi_bound)
            digits = 0 if _is_int(name) else 12
            low, high = round(low, digits), round(high, digits)
        npvs = []
        for value in (low, high):
            c, p = _apply(capex, params, name, value, who)
            npvs.append(run_model(c, p, spec).npv_eur(actor))
        bar = TornadoBar(name, title, unit, base, low, high, npvs[0], npvs[1], kind)
        if bar.swing_eur <= 1e-6 * max(1.0, abs(base_npv)):
            unaffected.append(name)
        else:
            bars.append(bar)
    bars.sort(key=lambda b: b.swing_eur, reverse=True)
    from models.labels import context_text

    return TornadoResult(
        spec.name,
        who,
        base_npv,
        tuple(bars),
        tuple(unaffected),
        relative_range,
        params.currency,
        context_text(params, capex.label),
    )
