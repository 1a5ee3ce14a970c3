"""Finance inputs, declared once with title, unit, bounds and source.

:class:`FinanceParams` holds every input of the business models except the
network capex (:class:`~models.capex.NetworkCapex`). Each field carries a
``title``, a ``description`` ending with the source of its default, and
``json_schema_extra`` with its ``unit``, ``source`` and ``group``, so the GUI
can generate its panels from this declaration and a parameter file is
validated by the same model. The default values and their sources live in
``models/data/defaults.toml``.

Shares, discount rates and growth rates are fractions (0.08 for 8 %); a value
that looks like a percentage is rejected with a message saying so.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models._data import all_sources, default_source, default_value
from models._errors import FinanceParameterError

#: Actor names used by the models; a service provider may not take one.
RESERVED_ACTOR_NAMES = ("operator", "PIP", "NP", "PIP+NP", "city", "value chain")

#: Where every packaged default comes from, ``{input name: source}``.
DEFAULT_SOURCES: dict[str, str] = all_sources()

_FRACTION_UNITS = ("fraction", "fraction/year")

# Plausible ranges (issue 16): the upper bound of every amount that has no
# natural one, so a typing slip (an ARPU of 1e300 a month) is refused with the
# input's name and its range instead of overflowing the cash flows. Each is
# far beyond any real district's figure, yet small enough that the sums of
# 60 years of a million lines stay finite.
#: A monthly price or opex per line (retail ARPU of a business line is below 1,000 EUR).
PLAUSIBLE_EUR_PER_LINE_MONTH = 10_000.0
#: A one-off amount per connection, gross add or home.
PLAUSIBLE_EUR_PER_CONNECTION = 100_000.0
#: A yearly fixed amount (a district's whole opex is a few million EUR a year).
PLAUSIBLE_EUR_PER_YEAR = 1e9
#: A yearly amount per km of route or fibre.
PLAUSIBLE_EUR_PER_KM_YEAR = 1e6
#: A yearly amount per home, pole, endpoint or site.
PLAUSIBLE_EUR_PER_UNIT_YEAR = 1e6
#: Capacity of one backhaul step.
PLAUSIBLE_GBPS = 100_000.0
#: Busy-hour traffic per line.
PLAUSIBLE_MBPS = 100_000.0
#: Units of the reporting currency per unit of the capex currency (IDR per EUR is ~17,000).
PLAUSIBLE_EXCHANGE_RATE = 1e6
#: A power draw in watts (one port, one chassis).
PLAUSIBLE_W = 100_000.0
#: An electricity price per kWh.
PLAUSIBLE_EUR_PER_KWH = 100.0
#: A multiplicative Monte Carlo factor.
PLAUSIBLE_FACTOR = 100.0
_Z90 = 1.6448536269514722  # standard normal quantile of 0.95


def _field(
    name: str,
    title: str,
    unit: str,
    group: str,
    description: str,
    *,
    default_name: str | None = None,
    **bounds: Any,
) -> Any:
    key = default_name or name
    source = default_source(key)
    value = default_value(key)
    extra: dict[str, Any] = {"unit": unit, "source": source, "group": group}
    text = f"{description} Default from: {source}."
    if isinstance(value, list | dict):
        return Field(
            default_factory=lambda: default_value(key),
            validate_default=True,
            title=title,
            description=text,
            json_schema_extra=extra,
            **bounds,
        )
    return Field(default=value, title=title, description=text, json_schema_extra=extra, **bounds)


def _percentage_hint(value: Any, unit: str, name: str) -> None:
    """Reject a fraction given as a percentage, with a message saying so."""
    if unit not in _FRACTION_UNITS or isinstance(value, bool):
        return
    if isinstance(value, int | float) and math.isfinite(value) and abs(value) > 1:
        if name.endswith("discount_rate"):
            what, example = "looks like a percentage", "0.08 for 8 %"
        elif unit == "fraction/year":
            what, example = "looks like a percentage", "0.02 for 2 %"
        else:
            what, example = "is over 100 %", "0.6 for 60 %"
        msg = f"{value} {what}; give a fraction ({example})"
        raise ValueError(msg)


class ServiceProvider(BaseModel):
    """A retail service provider: its name, market share and cost of capital.

    Examples
    --------
    >>> ServiceProvider(name="SP1", market_share=0.6).discount_rate
    0.09
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    name: str = Field(
        min_length=1,
        max_length=40,
        title="Name",
        description="Name of the provider, used as its actor name.",
        json_schema_extra={"unit": ""},
    )
    market_share: float = Field(
        gt=0.0,
        le=1.0,
        title="Market share",
        description="Share of the connected lines this provider serves.",
        json_schema_extra={"unit": "fraction"},
    )
    discount_rate: float = _field(
        "discount_rate",
        "Discount rate",
        "fraction",
        "Actors",
        "The provider's cost of capital.",
        default_name="sp_discount_rate",
        ge=0.0,
        le=0.5,
    )
    horizon_years: int = _field(
        "horizon_years",
        "Horizon",
        "years",
        "Actors",
        "Years over which the provider's NPV is computed.",
        ge=1,
        le=60,
    )

    @field_validator("market_share", "discount_rate", mode="before")
    @classmethod
    def _not_percent(cls, value: Any, info: ValidationInfo) -> Any:
        _percentage_hint(value, "fraction", str(info.field_name))
        return value


class Distribution(BaseModel):
    """A distribution of a multiplicative factor on a base value.

    ``triangular`` uses `low`, `mode`, `high`; ``uniform`` uses `low` and
    `high`; ``normal`` has mean `mode` and takes `low` and `high` as its 5th
    and 95th percentiles (draws are clipped at 0); ``fixed`` always returns
    `mode`.

    Examples
    --------
    >>> import numpy as np
    >>> d = Distribution(kind="triangular", low=0.8, mode=1.0, high=1.2)
    >>> x = d.draw(np.random.default_rng(1), 1000)
    >>> bool(x.min() >= 0.8 and x.max() <= 1.2)
    True
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    kind: Literal["triangular", "uniform", "normal", "fixed"] = Field(
        default="triangular",
        title="Distribution",
        description="Shape of the distribution.",
        json_schema_extra={"unit": ""},
    )
    low: float = Field(
        default=1.0,
        ge=0.0,
        le=PLAUSIBLE_FACTOR,
        title="Low",
        description="Lowest factor.",
        json_schema_extra={"unit": "x"},
    )
    mode: float = Field(
        default=1.0,
        ge=0.0,
        le=PLAUSIBLE_FACTOR,
        title="Mode",
        description="Most likely factor (mean for normal).",
        json_schema_extra={"unit": "x"},
    )
    high: float = Field(
        default=1.0,
        ge=0.0,
        le=PLAUSIBLE_FACTOR,
        title="High",
        description="Highest factor.",
        json_schema_extra={"unit": "x"},
    )

    @model_validator(mode="after")
    def _ordered(self) -> Distribution:
        if self.kind == "uniform" and self.low > self.high:
            msg = f"low ({self.low}) must not exceed high ({self.high})"
            raise ValueError(msg)
        if self.kind in ("triangular", "normal") and not self.low <= self.mode <= self.high:
            msg = f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            raise ValueError(msg)
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw `n` factors.

        Parameters
        ----------
        rng
            The random generator (seeded by the caller).
        n
            Number of draws.

        Returns
        -------
        numpy.ndarray
            Shape ``(n,)``, non-negative.
        """
        if self.kind == "fixed" or (self.kind != "uniform" and self.low == self.high):
            return np.full(n, self.mode)
        if self.kind == "triangular":
            return rng.triangular(self.low, self.mode, self.high, size=n)
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high, size=n)
        sd = (self.high - self.low) / (2.0 * _Z90)
        return np.clip(rng.normal(self.mode, sd, size=n), 0.0, None)

    def quantile(self, ranks: np.ndarray) -> np.ndarray:
        """Factors at the given ranks (0-1): the inverse of the distribution function.

        Used to draw correlated factors from correlated ranks.

        Examples
        --------
        >>> d = Distribution(kind="triangular", low=0.0, mode=1.0, high=2.0)
        >>> d.quantile(np.array([0.125, 0.5, 0.875])).tolist()
        [0.5, 1.0, 1.5]
        """
        u = np.asarray(ranks, dtype=float)
        if self.kind == "fixed" or (self.kind != "uniform" and self.low == self.high):
            return np.full(u.shape, self.mode)
        if self.kind == "uniform":
            return self.low + u * (self.high - self.low)
        if self.kind == "normal":
            from scipy.stats import norm

            sd = (self.high - self.low) / (2.0 * _Z90)
            return np.clip(norm.ppf(u, loc=self.mode, scale=sd), 0.0, None)
        lo, mode, hi = self.low, self.mode, self.high
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        return np.where(u < cut, left, right)


#: Borrower placeholders of a debt tranche: whoever owns that layer in each model.
LAYER_BORROWERS = ("passive owner", "active owner")


class DebtTranche(BaseModel):
    """A loan or bond of one actor.

    The amount is ``share_of_capex`` of the borrower's initial capex in the
    build years (drawn as it is spent) plus a fixed ``amount_eur`` (drawn in
    proportion to the same capex). Interest is paid on the balance from the
    year after a draw; repayment starts after ``grace_years`` (interest only)
    and ends ``tenor_years`` after the first draw.

    Examples
    --------
    >>> DebtTranche(share_of_capex=0.7).repayment, DebtTranche().borrower
    ('annuity', 'passive owner')
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    name: str = Field(
        default="loan",
        min_length=1,
        max_length=40,
        title="Name",
        description="Name of the tranche in the statements.",
        json_schema_extra={"unit": ""},
    )
    borrower: str = Field(
        default="passive owner",
        min_length=1,
        title="Borrower",
        description="An actor name (operator, PIP, NP, PIP+NP, a provider's name) or a "
        "layer role: 'passive owner' or 'active owner' (whoever owns that layer in each model).",
        json_schema_extra={"unit": ""},
    )
    kind: Literal["loan", "bond"] = Field(
        default="loan",
        title="Kind",
        description="Loan or bond (a bond is usually repaid in full at maturity: 'bullet').",
        json_schema_extra={"unit": ""},
    )
    share_of_capex: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        title="Share of capex",
        description="Share of the borrower's initial capex in the build years that the "
        "tranche finances.",
        json_schema_extra={"unit": "fraction"},
    )
    amount_eur: float = Field(
        default=0.0,
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR * 1000,
        title="Fixed amount",
        description="A fixed amount (reporting currency) on top of the share of capex.",
        json_schema_extra={"unit": "EUR"},
    )
    rate: float = _field(
        "rate",
        "Interest rate",
        "fraction",
        "Financing",
        "Nominal yearly interest rate on the outstanding balance.",
        default_name="debt_tranche_rate",
        ge=0.0,
        le=0.5,
    )
    tenor_years: int = _field(
        "tenor_years",
        "Tenor",
        "years",
        "Financing",
        "Years from the first draw to the last repayment.",
        default_name="debt_tranche_tenor_years",
        ge=1,
        le=60,
    )
    grace_years: int = Field(
        default=0,
        ge=0,
        le=59,
        title="Grace period",
        description="Years after the first draw with interest only.",
        json_schema_extra={"unit": "years"},
    )
    repayment: Literal["annuity", "linear", "bullet"] = Field(
        default="annuity",
        title="Repayment",
        description="Annuity (equal debt service), linear (equal principal) or bullet "
        "(all at maturity).",
        json_schema_extra={"unit": ""},
    )

    @field_validator("share_of_capex", "rate", mode="before")
    @classmethod
    def _not_percent(cls, value: Any, info: ValidationInfo) -> Any:
        _percentage_hint(value, "fraction", str(info.field_name))
        return value

    @model_validator(mode="after")
    def _grace_within_tenor(self) -> DebtTranche:
        if self.grace_years >= self.tenor_years:
            msg = (
                f"grace period ({self.grace_years} years) must be shorter than the tenor "
                f"({self.tenor_years} years)"
            )
            raise ValueError(msg)
        return self


class FinanceParams(BaseModel):
    """All inputs of the business models except the network capex.

    Every default comes from ``models/data/defaults.toml`` with its source
    (see :data:`DEFAULT_SOURCES`); "assumed" marks figures with no public
    source. Years are counted from 0, the first build year.

    Examples
    --------
    >>> p = FinanceParams(arpu_eur_per_month=45.0)
    >>> p.arpu_eur_per_month, p.pip_discount_rate, p.analysis_years
    (45.0, 0.05, 20)
    >>> try:
    ...     FinanceParams(pip_discount_rate=8)
    ... except ValueError as exc:
    ...     print("8 looks like a percentage" in str(exc))
    True
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    # --- take-up and market ------------------------------------------------
    takeup_saturation: float = _field(
        "takeup_saturation",
        "Take-up saturation",
        "fraction",
        "Take-up",
        "Share of homes passed that take service in the long run (all providers together).",
        ge=0.0,
        le=1.0,
    )
    takeup_speed_per_year: float = _field(
        "takeup_speed_per_year",
        "Take-up speed",
        "1/year",
        "Take-up",
        "Steepness of the logistic take-up S-curve.",
        gt=0.0,
        le=10.0,
    )
    takeup_midpoint_year: float = _field(
        "takeup_midpoint_year",
        "Take-up midpoint",
        "years",
        "Take-up",
        "Years after an area is passed at which the logistic curve is at its midpoint.",
        ge=0.0,
        le=30.0,
    )
    takeup_by_year: list[float] | None = Field(
        default=None,
        title="Take-up by year (optional)",
        description=(
            "Explicit take-up (fraction of homes passed) by year since an area was passed, "
            "starting with the build year; the last value is held. Replaces the S-curve."
        ),
        max_length=200,
        json_schema_extra={"unit": "fraction", "source": "user", "group": "Take-up"},
    )
    churn_per_year: float = _field(
        "churn_per_year",
        "Churn",
        "fraction/year",
        "Take-up",
        "Share of lines each year whose customer leaves and is replaced by a new customer "
        "(acquisition and switching costs).",
        ge=0.0,
        le=1.0,
    )
    vertical_market_share: float = _field(
        "vertical_market_share",
        "Verticalized market share",
        "fraction",
        "Take-up",
        "Share of the take-up the verticalized operator wins; below 1 when a competitor "
        "builds its own network (infrastructure competition).",
        gt=0.0,
        le=1.0,
    )
    service_providers: list[ServiceProvider] = _field(
        "service_providers",
        "Service providers",
        "",
        "Take-up",
        "Retail providers in the shared models, with market shares adding up to 1.",
        min_length=1,
        max_length=100,
    )
    build_profile: list[float] = _field(
        "build_profile",
        "Build profile",
        "fraction",
        "Take-up",
        "Share of the homes passed (and of the capex to pass) built in each year from "
        "year 0; adds up to 1.",
        min_length=1,
        max_length=200,
    )

    # --- prices ------------------------------------------------------------
    arpu_eur_per_month: float = _field(
        "arpu_eur_per_month",
        "Retail ARPU",
        "EUR/line/month",
        "Prices",
        "Retail revenue per connected line.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    arpu_growth_per_year: float = _field(
        "arpu_growth_per_year",
        "ARPU real growth",
        "fraction/year",
        "Prices",
        "Yearly real change of the retail ARPU, on top of general inflation.",
        ge=-0.5,
        le=0.5,
    )
    passive_fee_eur_per_month: float = _field(
        "passive_fee_eur_per_month",
        "Passive access fee",
        "EUR/line/month",
        "Prices",
        "Unbundled fibre / dark fibre line rent paid to the passive owner.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    bitstream_fee_eur_per_month: float = _field(
        "bitstream_fee_eur_per_month",
        "Bitstream fee",
        "EUR/line/month",
        "Prices",
        "Wholesale bitstream access fee paid to the active network owner.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    wholesale_price_growth_per_year: float = _field(
        "wholesale_price_growth_per_year",
        "Wholesale real price growth",
        "fraction/year",
        "Prices",
        "Yearly real change of both wholesale fees, on top of general inflation.",
        ge=-0.5,
        le=0.5,
    )
    passive_connection_fee_eur: float = _field(
        "passive_connection_fee_eur",
        "Passive connection fee",
        "EUR/connection",
        "Prices",
        "One-off fee to the passive owner when a home is first connected.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )
    bitstream_connection_fee_eur: float = _field(
        "bitstream_connection_fee_eur",
        "Bitstream connection fee",
        "EUR/gross add",
        "Prices",
        "One-off fee to the bitstream seller for each customer who connects or switches.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )

    # --- equipment -----------------------------------------------------------
    olt_fixed_share: float = _field(
        "olt_fixed_share",
        "OLT fixed share",
        "fraction",
        "Equipment",
        "Share of OLT capex that does not scale with lines (chassis, uplinks, co-location); "
        "each operator with its own OLT pays it again.",
        ge=0.0,
        le=1.0,
    )
    olt_lifetime_years: int = _field(
        "olt_lifetime_years",
        "OLT lifetime",
        "years",
        "Equipment",
        "Years after which OLT equipment is replaced at the same cost.",
        ge=1,
        le=100,
    )
    ont_lifetime_years: int = _field(
        "ont_lifetime_years",
        "ONT lifetime",
        "years",
        "Equipment",
        "Years after which an ONT is replaced at the same cost.",
        ge=1,
        le=100,
    )
    passive_lifetime_years: int = _field(
        "passive_lifetime_years",
        "Passive lifetime",
        "years",
        "Equipment",
        "Years after which passive infrastructure is rebuilt at the same cost.",
        ge=1,
        le=200,
    )

    # --- opex ------------------------------------------------------------------
    passive_opex_share_of_capex: float = _field(
        "passive_opex_share_of_capex",
        "Passive opex, share of capex",
        "fraction/year",
        "Opex",
        "Yearly passive maintenance as a share of the passive capex installed.",
        ge=0.0,
        le=1.0,
    )
    passive_opex_eur_per_line_month: float = _field(
        "passive_opex_eur_per_line_month",
        "Passive opex per line",
        "EUR/line/month",
        "Opex",
        "Passive opex per connected line.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    passive_opex_eur_per_km_year: float = _field(
        "passive_opex_eur_per_km_year",
        "Passive opex per km",
        "EUR/km/year",
        "Opex",
        "Passive opex per km of route (needs the route length of the capex).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_KM_YEAR,
    )
    active_opex_share_of_capex: float = _field(
        "active_opex_share_of_capex",
        "Active opex, share of capex",
        "fraction/year",
        "Opex",
        "Yearly active maintenance and licences as a share of the active capex installed.",
        ge=0.0,
        le=1.0,
    )
    active_opex_eur_per_line_month: float = _field(
        "active_opex_eur_per_line_month",
        "Active opex per line",
        "EUR/line/month",
        "Opex",
        "Active opex per connected line.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    active_opex_fixed_eur_per_year: float = _field(
        "active_opex_fixed_eur_per_year",
        "Active fixed opex",
        "EUR/year",
        "Opex",
        "Fixed yearly opex of each operator running its own OLT (repeated per SP in "
        "Passive Shared).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    retail_opex_eur_per_line_month: float = _field(
        "retail_opex_eur_per_line_month",
        "Retail opex per line",
        "EUR/line/month",
        "Opex",
        "Billing and customer care per line.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    acquisition_cost_eur_per_gross_add: float = _field(
        "acquisition_cost_eur_per_gross_add",
        "Customer acquisition cost",
        "EUR/gross add",
        "Opex",
        "Retail cost of winning a customer (new connection or switch).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )
    retail_opex_fixed_eur_per_year: float = _field(
        "retail_opex_fixed_eur_per_year",
        "Retail fixed opex",
        "EUR/year",
        "Opex",
        "Fixed yearly retail opex of each provider in the district.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    handover_opex_eur_per_year: float = _field(
        "handover_opex_eur_per_year",
        "Hand-over and backhaul",
        "EUR/year",
        "Opex",
        "Yearly hand-over and backhaul cost of each provider buying bitstream.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    opex_growth_per_year: float = _field(
        "opex_growth_per_year",
        "Opex real growth",
        "fraction/year",
        "Opex",
        "Yearly real growth of all opex, on top of general inflation.",
        ge=-0.5,
        le=0.5,
    )
    opex_eur_per_home_passed_year: float = _field(
        "opex_eur_per_home_passed_year",
        "Opex per premise passed",
        "EUR/home/year",
        "Opex",
        "Passive owner's yearly opex per home passed (insurance, rates, asset management).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_UNIT_YEAR,
    )
    passive_opex_eur_per_pole_year: float = _field(
        "passive_opex_eur_per_pole_year",
        "Opex per pole",
        "EUR/pole/year",
        "Opex",
        "Passive owner's yearly rent or upkeep per pole used (needs the pole count of the capex).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_UNIT_YEAR,
    )
    passive_opex_fixed_eur_per_year: float = _field(
        "passive_opex_fixed_eur_per_year",
        "Passive fixed opex",
        "EUR/year",
        "Opex",
        "Passive owner's fixed yearly opex (network management).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    backhaul_eur_per_step_year: float = _field(
        "backhaul_eur_per_step_year",
        "Backhaul cost per step",
        "EUR/step/year",
        "Opex",
        "Active owner's yearly cost of one backhaul / transit step.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    backhaul_step_gbps: float = _field(
        "backhaul_step_gbps",
        "Backhaul step",
        "Gbit/s",
        "Opex",
        "Capacity of one backhaul step; steps are bought as busy-hour traffic needs them.",
        gt=0.0,
        le=PLAUSIBLE_GBPS,
    )
    busy_hour_mbps_per_line: float = _field(
        "busy_hour_mbps_per_line",
        "Busy-hour traffic per line",
        "Mbit/s/line",
        "Opex",
        "Average busy-hour traffic per connected line, for the backhaul steps.",
        ge=0.0,
        le=PLAUSIBLE_MBPS,
    )
    opex_contingency_share: float = _field(
        "opex_contingency_share",
        "Opex contingency",
        "fraction",
        "Opex",
        "Share added to every opex line for the unforeseen.",
        ge=0.0,
        le=1.0,
    )

    # --- price basis, timing and currency ------------------------------------------
    inflation_per_year: float = _field(
        "inflation_per_year",
        "General inflation",
        "fraction/year",
        "Price basis",
        "General inflation applied alike to prices, opex and capex (each with its own real "
        "change on top).",
        ge=-0.2,
        le=0.5,
    )
    capex_price_growth_per_year: float = _field(
        "capex_price_growth_per_year",
        "Capex real price growth",
        "fraction/year",
        "Price basis",
        "Yearly real change of equipment and works prices (connections and replacements), "
        "on top of general inflation.",
        ge=-0.5,
        le=0.5,
    )
    price_basis: Literal["nominal", "real"] = _field(
        "price_basis",
        "Price basis",
        "",
        "Price basis",
        "Nominal: cash flows in money of each year, discounted at the (nominal) discount rates. "
        "Real: cash flows in money of the price base year, discounted at the matching real "
        "rates (1 + r) / (1 + inflation) - 1; the real NPV is the nominal one in money of the "
        "price base year.",
    )
    start_year: int = _field(
        "start_year",
        "First build year",
        "year",
        "Price basis",
        "Calendar year of year 0, used in every table and chart.",
        ge=1900,
        le=2200,
    )
    price_base_year: int = _field(
        "price_base_year",
        "Price base year",
        "year",
        "Price basis",
        "Calendar year whose money the prices and costs are given in.",
        ge=1900,
        le=2200,
    )
    timing: Literal["start_of_year", "mid_year", "end_of_year"] = _field(
        "timing",
        "Timing convention",
        "",
        "Price basis",
        "When in each year its cash flows are discounted: start (year t discounted t years), "
        "mid-year (t + 0.5) or end (t + 1); valuation at the start of the first build year.",
    )
    currency: str = _field(
        "currency",
        "Currency",
        "",
        "Price basis",
        "ISO 4217 code of the reporting currency, used in every label.",
        pattern=r"^[A-Z]{3}$",
    )
    capex_currency: str = _field(
        "capex_currency",
        "Capex currency",
        "",
        "Price basis",
        "Currency of the capex (the cost catalogue).",
        pattern=r"^[A-Z]{3}$",
    )
    capex_exchange_rate: float = _field(
        "capex_exchange_rate",
        "Exchange rate",
        "currency/capex currency",
        "Price basis",
        "Units of the reporting currency per unit of the capex currency.",
        gt=0.0,
        le=PLAUSIBLE_EXCHANGE_RATE,
    )

    # --- terminal value ----------------------------------------------------------------
    terminal_value: Literal["none", "book_value", "perpetuity", "exit_multiple"] = _field(
        "terminal_value",
        "Terminal value",
        "",
        "Terminal value",
        "Value of each actor's business at the end of its horizon, added to its last year: "
        "none; the residual book value of its assets (straight line over each asset's life); "
        "a growing perpetuity of its last year's cash flow before capex less the yearly "
        "replacement its assets need; or its last EBITDA times an exit multiple.",
    )
    terminal_growth_per_year: float = _field(
        "terminal_growth_per_year",
        "Terminal real growth",
        "fraction/year",
        "Terminal value",
        "Real growth of the perpetuity after the horizon (on top of general inflation).",
        ge=-0.5,
        le=0.5,
    )
    exit_ebitda_multiple: float = _field(
        "exit_ebitda_multiple",
        "Exit EBITDA multiple",
        "x",
        "Terminal value",
        "Multiple of the last year's EBITDA (exit multiple method).",
        ge=0.0,
        le=100.0,
    )

    # --- financing and tax ----------------------------------------------------------------
    debt: list[DebtTranche] = _field(
        "debt",
        "Debt tranches",
        "",
        "Financing",
        "Loans and bonds, each of one borrower; the rest of the capex is equity.",
        max_length=100,
    )
    subscriber_connection_charge_eur: float = _field(
        "subscriber_connection_charge_eur",
        "Subscriber connection charge",
        "EUR/connection",
        "Financing",
        "One-off charge a subscriber pays the passive owner when the home is first connected.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )
    subsidy_eur_per_home_passed: float = _field(
        "subsidy_eur_per_home_passed",
        "Subsidy per home passed",
        "EUR/home",
        "Financing",
        "Public gap funding paid by the city to the passive owner when a home is passed.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )
    corporate_tax_rate: float = _field(
        "corporate_tax_rate",
        "Corporate tax rate",
        "fraction",
        "Tax",
        "Tax on profit (after straight-line depreciation and interest) of every actor but the "
        "city; losses are carried forward.",
        ge=0.0,
        le=0.9,
    )
    tax_loss_carry_forward_years: int = _field(
        "tax_loss_carry_forward_years",
        "Loss carry-forward limit",
        "years",
        "Tax",
        "Years a tax loss may be carried forward; 0 for no limit.",
        ge=0,
        le=100,
    )

    # --- open access -------------------------------------------------------------
    onboarding_cost_eur_per_operator: float = _field(
        "onboarding_cost_eur_per_operator",
        "On-boarding cost",
        "EUR/operator",
        "Open access",
        "One-off cost to the wholesale seller of on-boarding each provider beyond the first.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    transaction_cost_eur_per_gross_add: float = _field(
        "transaction_cost_eur_per_gross_add",
        "Transaction cost",
        "EUR/gross add",
        "Open access",
        "Cost to the wholesale seller of each customer who connects or switches.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_CONNECTION,
    )

    # --- actors ----------------------------------------------------------------------
    operator_discount_rate: float = _field(
        "operator_discount_rate",
        "Operator discount rate",
        "fraction",
        "Actors",
        "Cost of capital of the verticalized operator.",
        ge=0.0,
        le=0.5,
    )
    operator_horizon_years: int = _field(
        "operator_horizon_years",
        "Operator horizon",
        "years",
        "Actors",
        "Years over which the verticalized operator's NPV is computed.",
        default_name="horizon_years",
        ge=1,
        le=60,
    )
    pip_discount_rate: float = _field(
        "pip_discount_rate",
        "PIP discount rate",
        "fraction",
        "Actors",
        "Cost of capital of the passive infrastructure provider.",
        ge=0.0,
        le=0.5,
    )
    pip_horizon_years: int = _field(
        "pip_horizon_years",
        "PIP horizon",
        "years",
        "Actors",
        "Years over which the passive owner's NPV is computed.",
        default_name="horizon_years",
        ge=1,
        le=60,
    )
    np_discount_rate: float = _field(
        "np_discount_rate",
        "NP discount rate",
        "fraction",
        "Actors",
        "Cost of capital of the network provider (active layer, Separated).",
        ge=0.0,
        le=0.5,
    )
    np_horizon_years: int = _field(
        "np_horizon_years",
        "NP horizon",
        "years",
        "Actors",
        "Years over which the network provider's NPV is computed.",
        default_name="horizon_years",
        ge=1,
        le=60,
    )
    network_owner_discount_rate: float = _field(
        "network_owner_discount_rate",
        "Network owner discount rate",
        "fraction",
        "Actors",
        "Cost of capital of the owner of passive and active layers (Active Shared).",
        ge=0.0,
        le=0.5,
    )
    network_owner_horizon_years: int = _field(
        "network_owner_horizon_years",
        "Network owner horizon",
        "years",
        "Actors",
        "Years over which the network owner's NPV is computed.",
        default_name="horizon_years",
        ge=1,
        le=60,
    )
    city_discount_rate: float = _field(
        "city_discount_rate",
        "City discount rate",
        "fraction",
        "Actors",
        "Discount rate of the city (grants, concession fees, PPP equity).",
        ge=0.0,
        le=0.5,
    )
    city_horizon_years: int = _field(
        "city_horizon_years",
        "City horizon",
        "years",
        "Actors",
        "Years over which the city's NPV is computed.",
        default_name="horizon_years",
        ge=1,
        le=60,
    )
    value_chain_discount_rate: float = _field(
        "value_chain_discount_rate",
        "Value chain discount rate",
        "fraction",
        "Actors",
        "Rate at which the whole value chain's cash flow is discounted.",
        ge=0.0,
        le=0.5,
    )

    # --- funding overlays --------------------------------------------------------------
    grant_share_of_passive_capex: float = _field(
        "grant_share_of_passive_capex",
        "Public grant",
        "fraction",
        "Funding",
        "Share of the passive capex (to pass and drops) paid by a public grant to the "
        "passive owner.",
        ge=0.0,
        le=1.0,
    )
    concession_fee_share_of_revenue: float = _field(
        "concession_fee_share_of_revenue",
        "Concession fee, share of revenue",
        "fraction",
        "Funding",
        "Franchise fee the passive owner pays the city, as a share of its revenue.",
        ge=0.0,
        le=1.0,
    )
    concession_fee_min_eur_per_year: float = _field(
        "concession_fee_min_eur_per_year",
        "Concession fee, minimum",
        "EUR/year",
        "Funding",
        "Minimum yearly franchise fee; the fee is the larger of this and the revenue share.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_YEAR,
    )
    ppp_public_equity_share: float = _field(
        "ppp_public_equity_share",
        "PPP public equity",
        "fraction",
        "Funding",
        "Share of the passive owner's equity (and cash flows) held by the city in a "
        "public-private partnership.",
        ge=0.0,
        le=1.0,
    )

    # --- the smart-city layer: the city as a customer, small-cell leases ---------------
    city_services: Literal["per_endpoint", "dark_fibre", "none"] = _field(
        "city_services",
        "City services",
        "",
        "Smart city",
        "How the city pays for its endpoints on the network (a city plan's endpoints): "
        "per_endpoint, a monthly fee per connected endpoint to whoever sells the lit "
        "service; dark_fibre, a lease per fibre-km and year to the passive owner, the city "
        "running its own terminals and office ports; none, the endpoints are left out.",
    )
    city_fee_traffic_signal_eur_per_endpoint_month: float = _field(
        "city_fee_traffic_signal_eur_per_endpoint_month",
        "City fee: traffic signal",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected traffic signal (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_cctv_camera_eur_per_endpoint_month: float = _field(
        "city_fee_cctv_camera_eur_per_endpoint_month",
        "City fee: CCTV camera",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected CCTV camera (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_street_lamp_eur_per_endpoint_month: float = _field(
        "city_fee_street_lamp_eur_per_endpoint_month",
        "City fee: street lamp",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected street lamp (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_school_eur_per_endpoint_month: float = _field(
        "city_fee_school_eur_per_endpoint_month",
        "City fee: school",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected school (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_kindergarten_eur_per_endpoint_month: float = _field(
        "city_fee_kindergarten_eur_per_endpoint_month",
        "City fee: kindergarten",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected kindergarten (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_library_eur_per_endpoint_month: float = _field(
        "city_fee_library_eur_per_endpoint_month",
        "City fee: library",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected library (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_clinic_eur_per_endpoint_month: float = _field(
        "city_fee_clinic_eur_per_endpoint_month",
        "City fee: clinic",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected clinic (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_townhall_eur_per_endpoint_month: float = _field(
        "city_fee_townhall_eur_per_endpoint_month",
        "City fee: town hall",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected town hall (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_hospital_eur_per_endpoint_month: float = _field(
        "city_fee_hospital_eur_per_endpoint_month",
        "City fee: hospital",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected hospital (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_police_eur_per_endpoint_month: float = _field(
        "city_fee_police_eur_per_endpoint_month",
        "City fee: police station",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected police station (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_fire_station_eur_per_endpoint_month: float = _field(
        "city_fee_fire_station_eur_per_endpoint_month",
        "City fee: fire station",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected fire station (per_endpoint services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_public_wifi_eur_per_endpoint_month: float = _field(
        "city_fee_public_wifi_eur_per_endpoint_month",
        "City fee: public Wi-Fi access point",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected public Wi-Fi access point (per_endpoint "
        "services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    city_fee_other_eur_per_endpoint_month: float = _field(
        "city_fee_other_eur_per_endpoint_month",
        "City fee: endpoint of any other class",
        "EUR/endpoint/month",
        "Smart city",
        "Monthly fee the city pays per connected endpoint of any other class (per_endpoint "
        "services).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_LINE_MONTH,
    )
    dark_fibre_lease_eur_per_fibre_km_year: float = _field(
        "dark_fibre_lease_eur_per_fibre_km_year",
        "Dark-fibre lease",
        "EUR/fibre-km/year",
        "Smart city",
        "Yearly lease per km of each fibre the city leases (dark_fibre services): its "
        "endpoints' fibres from the office, second paths included.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_KM_YEAR,
    )
    small_cell_classes: str = _field(
        "small_cell_classes",
        "Small-cell classes",
        "",
        "Smart city",
        "Endpoint classes that are mobile operators' sites (masts, small cells), separated "
        "by commas: leased to the operators, not paid by the city.",
        max_length=400,
        pattern=r"^[a-z0-9_, ]*$",
    )
    small_cell_lease_eur_per_site_year: float = _field(
        "small_cell_lease_eur_per_site_year",
        "Small-cell fibre lease",
        "EUR/site/year",
        "Smart city",
        "Yearly fibre lease a mobile operator pays the passive owner per connected site.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_UNIT_YEAR,
    )
    city_endpoint_build_paid_by: Literal["network", "city"] = _field(
        "city_endpoint_build_paid_by",
        "Endpoints' extra build paid by",
        "",
        "Smart city",
        "Who pays the extra build of the city's endpoints (their drops, terminals, office "
        "ports, second paths and the trench they add): the network's owners, recovering it "
        "from the fees, or the city, as a capital contribution to them.",
    )

    # --- central office: the architecture's power and space ----------------------------
    co_power_w_per_port_gpon: float = _field(
        "co_power_w_per_port_gpon",
        "Office power per GPON port",
        "W/port",
        "Central office",
        "Power drawn per GPON OLT port with its share of the line card.",
        ge=0.0,
        le=PLAUSIBLE_W,
    )
    co_power_w_per_port_xgspon: float = _field(
        "co_power_w_per_port_xgspon",
        "Office power per XGS-PON port",
        "W/port",
        "Central office",
        "Power drawn per XGS-PON OLT port with its share of the line card.",
        ge=0.0,
        le=PLAUSIBLE_W,
    )
    co_power_w_per_port_p2p: float = _field(
        "co_power_w_per_port_p2p",
        "Office power per point-to-point port",
        "W/port",
        "Central office",
        "Power drawn per Ethernet switch port (optic and share of the line card).",
        ge=0.0,
        le=PLAUSIBLE_W,
    )
    co_power_w_per_chassis: float = _field(
        "co_power_w_per_chassis",
        "Office power per chassis",
        "W/chassis",
        "Central office",
        "Power of each chassis apart from its ports: fans, control and uplink cards.",
        ge=0.0,
        le=PLAUSIBLE_W,
    )
    co_pue: float = _field(
        "co_pue",
        "Power usage effectiveness",
        "x",
        "Central office",
        "Site power over equipment power (cooling, power conversion).",
        ge=1.0,
        le=5.0,
    )
    electricity_eur_per_kwh: float = _field(
        "electricity_eur_per_kwh",
        "Electricity price",
        "EUR/kWh",
        "Central office",
        "Price of electricity for the central office, excluding VAT.",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_KWH,
    )
    co_space_eur_per_rack_unit_year: float = _field(
        "co_space_eur_per_rack_unit_year",
        "Office space per rack unit",
        "EUR/U/year",
        "Central office",
        "Yearly cost of one rack unit of central-office space (rent or co-location).",
        ge=0.0,
        le=PLAUSIBLE_EUR_PER_UNIT_YEAR,
    )

    # --- Monte Carlo ---------------------------------------------------------------------
    mc_takeup: Distribution = _field(
        "mc_takeup",
        "Take-up factor",
        "x",
        "Monte Carlo",
        "Factor on the take-up curve (capped at 100 % of homes passed).",
    )
    mc_arpu: Distribution = _field(
        "mc_arpu", "ARPU factor", "x", "Monte Carlo", "Factor on the retail ARPU."
    )
    mc_civil_cost: Distribution = _field(
        "mc_civil_cost", "Civil cost factor", "x", "Monte Carlo", "Factor on the civil works capex."
    )
    mc_wholesale_prices: Distribution = _field(
        "mc_wholesale_prices",
        "Wholesale price factor",
        "x",
        "Monte Carlo",
        "Factor on both wholesale fees (passive and bitstream) together.",
    )

    mc_correlation_takeup_arpu: float = _field(
        "mc_correlation_takeup_arpu",
        "Take-up / ARPU correlation",
        "",
        "Monte Carlo",
        "Rank correlation of the take-up and ARPU factors (Gaussian copula); 0 draws them "
        "independently.",
        ge=-1.0,
        le=1.0,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _not_percent(cls, value: Any, info: ValidationInfo) -> Any:
        name = str(info.field_name)
        unit = _unit_of(cls, name)
        _percentage_hint(value, unit, name)
        if name in ("build_profile", "takeup_by_year") and isinstance(value, list):
            for item in value:
                _percentage_hint(item, "fraction", name)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FinanceParams:
        problems = _cross_field_problems(self.model_dump())
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def analysis_years(self) -> int:
        """Number of years of the cash flows: the longest actor horizon."""
        horizons = [
            self.operator_horizon_years,
            self.pip_horizon_years,
            self.np_horizon_years,
            self.network_owner_horizon_years,
            self.city_horizon_years,
        ]
        horizons += [sp.horizon_years for sp in self.service_providers]
        return max(horizons)

    @property
    def small_cell_class_set(self) -> frozenset[str]:
        """The small-cell classes as a set."""
        return frozenset(c.strip() for c in self.small_cell_classes.split(",") if c.strip())

    def city_fee_eur_per_month(self, endpoint_class: str) -> float:
        """The city's monthly fee for an endpoint of a class (the ``other`` fee if unlisted).

        Examples
        --------
        >>> FinanceParams().city_fee_eur_per_month("school")
        150.0
        >>> FinanceParams().city_fee_eur_per_month("bus_stop_display")
        50.0
        """
        name = f"city_fee_{endpoint_class}_eur_per_endpoint_month"
        if endpoint_class != "other" and name in type(self).model_fields:
            return float(getattr(self, name))
        return float(self.city_fee_other_eur_per_endpoint_month)

    def power_w_per_port(self, technology: str) -> float:
        """Office power per port of a technology (GPON, XGS-PON, P2P; 0 for another)."""
        key = technology.upper().replace("-", "").replace("_", "")
        table = {
            "GPON": self.co_power_w_per_port_gpon,
            "XGSPON": self.co_power_w_per_port_xgspon,
            "P2P": self.co_power_w_per_port_p2p,
        }
        return table.get(key, 0.0)

    @property
    def has_city(self) -> bool:
        """Whether a funding overlay makes the city an actor."""
        return (
            self.grant_share_of_passive_capex > 0
            or self.concession_fee_share_of_revenue > 0
            or self.concession_fee_min_eur_per_year > 0
            or self.ppp_public_equity_share > 0
            or self.subsidy_eur_per_home_passed > 0
        )

    def updated(self, **changes: Any) -> FinanceParams:
        """Return a validated copy with some inputs changed.

        Examples
        --------
        >>> FinanceParams().updated(arpu_eur_per_month=30.0).arpu_eur_per_month
        30.0
        """
        return validate_finance_params({**self.model_dump(), **changes})


def _unit_of(model: type[BaseModel], name: str) -> str:
    field = model.model_fields.get(name)
    extra = field.json_schema_extra if field is not None else None
    if isinstance(extra, dict):
        return str(extra.get("unit", ""))
    return ""


def _cross_field_problems(values: Mapping[str, Any]) -> list[str]:
    """Problems that involve several inputs; tolerant of raw, unvalidated values."""
    problems: list[str] = []
    sps = values.get("service_providers")
    if isinstance(sps, list) and sps:
        entries = [sp if isinstance(sp, Mapping) else {} for sp in sps]
        shares = [e.get("market_share") for e in entries]
        if all(_is_number(s) for s in shares):
            total = float(sum(shares))  # type: ignore[arg-type]
            if abs(total - 1.0) > 1e-6:
                problems.append(
                    f"service provider market shares add up to {total:g}, not 1 "
                    "(give fractions: 0.6 and 0.4 for 60 % and 40 %)"
                )
        names = [str(e["name"]) for e in entries if isinstance(e.get("name"), str)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"service provider names repeat: {', '.join(duplicates)}")
        reserved = sorted(set(names) & set(RESERVED_ACTOR_NAMES))
        if reserved:
            problems.append(
                f"service provider name(s) {', '.join(reserved)} are taken by other actors "
                f"({', '.join(RESERVED_ACTOR_NAMES)})"
            )
    profile = values.get("build_profile")
    if isinstance(profile, list) and profile and all(_is_number(x) for x in profile):
        if any(x < 0 for x in profile):
            problems.append("build_profile has a negative share")
        elif abs(sum(profile) - 1.0) > 1e-6:
            problems.append(f"build_profile adds up to {sum(profile):g}, not 1")
        horizons = [v for k, v in values.items() if k.endswith("_horizon_years") and _is_number(v)]
        if horizons and len(profile) > max(horizons):
            problems.append(
                f"build_profile has {len(profile)} years, longer than the longest horizon "
                f"({max(horizons)} years)"
            )
    debt = values.get("debt")
    if isinstance(debt, list):
        sp_names = [
            str(sp.get("name")) for sp in (sps or []) if isinstance(sp, Mapping) and sp.get("name")
        ]
        known = set(RESERVED_ACTOR_NAMES[:-2]) | set(LAYER_BORROWERS) | set(sp_names)
        for i, tranche in enumerate(debt):
            who = tranche.get("borrower") if isinstance(tranche, Mapping) else None
            if isinstance(who, str) and who not in known:
                problems.append(
                    f"debt[{i}].borrower = {who!r}: not an actor; use {', '.join(sorted(known))}"
                )
    curve = values.get("takeup_by_year")
    if isinstance(curve, list):
        if not curve:
            problems.append("takeup_by_year is empty (leave it out to use the S-curve)")
        elif not all(_is_number(x) and 0.0 <= x <= 1.0 for x in curve):
            problems.append("takeup_by_year values must be fractions between 0 and 1")
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_BOUND_ERRORS = ("greater_than_equal", "greater_than", "less_than_equal", "less_than")


def _is_huge(value: Any) -> bool:
    """A number too large for an integer input (1e300 years)."""
    return isinstance(value, float) and (not math.isfinite(value) or abs(value) > 2**53)


def _short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to one short line (a message never echoes a long input)."""
    text = repr(value)
    if isinstance(value, float) and math.isfinite(value):
        text = f"{value:g}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _model_for(loc: tuple[Any, ...]) -> tuple[type[BaseModel], str]:
    model: type[BaseModel] = FinanceParams
    name = ""
    for part in loc:
        if not isinstance(part, str):
            continue
        name = part
        if part == "service_providers":
            model = ServiceProvider
        elif part == "debt":
            model = DebtTranche
        elif FinanceParams.model_fields.get(part) is not None:
            annotation = FinanceParams.model_fields[part].annotation
            if annotation is Distribution:
                model = Distribution
    return model, name


def plausible_range(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The lower and upper bound of field `name` of `model` (None where it has none).

    Examples
    --------
    >>> plausible_range(FinanceParams, "arpu_eur_per_month")
    (0.0, 10000.0)
    """
    field = model.model_fields.get(name)
    lo: float | None = None
    hi: float | None = None
    for meta in field.metadata if field is not None else []:
        for attr in ("ge", "gt"):
            if getattr(meta, attr, None) is not None:
                lo = float(getattr(meta, attr))
        for attr in ("le", "lt"):
            if getattr(meta, attr, None) is not None:
                hi = float(getattr(meta, attr))
    return lo, hi


def _range_text(loc: tuple[Any, ...]) -> str:
    """``"0 to 10,000 EUR/line/month"`` for the field at `loc`, or "" if unbounded."""
    model, name = _model_for(loc)
    lo, hi = plausible_range(model, name)
    if lo is None or hi is None:
        return ""
    unit = _unit_of(model, name)
    return f"{lo:,.10g} to {hi:,.10g}" + (f" {unit}" if unit else "")


def _field_for(loc: tuple[Any, ...]) -> tuple[str, str]:
    """Return (unit, title) of the field at `loc`."""
    model, name = _model_for(loc)
    field = model.model_fields.get(name)
    return _unit_of(model, name), (field.title or "") if field else ""


def _closest(key: str, names: list[str]) -> str | None:
    """The known name a mistyped `key` most likely meant."""
    same_start = [n for n in names if n.split("_")[0] == key.split("_")[0]]
    close = difflib.get_close_matches(key, same_start, n=1, cutoff=0.0)
    close = close or difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return close[0] if close else None


def _error_lines(exc: ValidationError, data: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    known = list(FinanceParams.model_fields)
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = _loc_text(loc)
        kind = err["type"]
        value = err.get("input")
        unit, _title = _field_for(loc)
        if kind == "extra_forbidden":
            names = known
            if "service_providers" in loc:
                names = list(ServiceProvider.model_fields)
            elif "debt" in loc:
                names = list(DebtTranche.model_fields)
            elif any(isinstance(p, str) and p.startswith("mc_") for p in loc):
                names = list(Distribution.model_fields)
            close = _closest(str(loc[-1]), names)
            hint = f"; did you mean '{close}'?" if close else ""
            lines.append(f"unknown key '{where}'{hint}")
        elif kind in ("greater_than_equal", "greater_than") and _is_number(value) and value < 0:
            what = "a price or cost" if unit.startswith("EUR") else "a value"
            lines.append(f"{where} = {value!r}: {what} must not be negative")
        elif kind in _BOUND_ERRORS or (kind.startswith("int_") and _is_huge(value)):
            span = _range_text(loc)
            if span:
                lines.append(f"{where} = {_short(value)}: outside the plausible range {span}")
            else:
                text = err["msg"].lower()
                lines.append(f"{where} = {_short(value)}: {text} ({unit or 'no unit'})")
        elif kind == "value_error":
            text = str(err["msg"]).removeprefix("Value error, ")
            if where:
                lines.append(f"{where} = {_short(value)}: {text}")
            else:
                lines.extend(text.split("\n"))
        elif kind == "missing":
            lines.append(f"{where}: required")
        else:
            lines.append(f"{where} = {_short(value)}: {err['msg']}")
    if not any(e["type"] == "value_error" and not e["loc"] for e in exc.errors()):
        merged = {**FinanceParams().model_dump(), **data}
        lines.extend(p for p in _cross_field_problems(merged) if p not in lines)
    return lines


def validate_finance_params(data: Mapping[str, Any]) -> FinanceParams:
    """Validate finance inputs, reporting every problem in one error.

    Parameters
    ----------
    data
        Inputs by name; missing ones take their default.

    Returns
    -------
    FinanceParams
        The validated inputs.

    Raises
    ------
    FinanceParameterError
        Listing every problem: unknown keys (with the closest known name),
        negative prices, shares over 100 %, rates given as percentages,
        market shares or a build profile that do not add up to 1.

    Examples
    --------
    >>> validate_finance_params({"arpu_eur_per_month": -5, "pip_discount_rate": 8,
    ...                          "churn_rate": 0.1})
    Traceback (most recent call last):
    ...
    models._errors.FinanceParameterError: invalid finance parameters:
      - arpu_eur_per_month = -5: a price or cost must not be negative
      - pip_discount_rate = 8: 8 looks like a percentage; give a fraction (0.08 for 8 %)
      - unknown key 'churn_rate'; did you mean 'churn_per_year'?
    """
    if not isinstance(data, Mapping):
        msg = f"finance parameters must be a table of name = value, got {type(data).__name__}"
        raise FinanceParameterError(msg)
    try:
        return FinanceParams.model_validate(dict(data))
    except ValidationError as exc:
        lines = _error_lines(exc, data)
        msg = "invalid finance parameters:\n  - " + "\n  - ".join(lines)
        raise FinanceParameterError(msg) from exc
