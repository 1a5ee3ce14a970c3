"""Directional checks of the claims of seed 000, Table 5, on given inputs.

Table 5 ("Business model opportunities and challenges") makes three claims
that a calculation can test:

1. Passive Shared: the passive owner gets "about 50 % of the revenue
   potential". Measured as the share of end-user spend the PIP keeps
   (``P_pas / ARPU``); holds if it is between 40 % and 60 %.
2. Active Shared: "capture extra margin for low incremental investment".
   Measured against the Passive Shared PIP: the network owner's extra cash
   flow (replacements included) has a positive NPV at the owner's discount
   rate, and its extra initial capex (OLT and ONTs, before replacements) is
   at most 25 % of the passive capex.
3. Passive Shared: "a second service provider ... will still have to invest
   in active network equipment and operations", so more providers share the
   fixed active costs badly. Measured as the value chain's NPV lost per extra
   provider (1 to 4 providers with equal shares); holds if Passive Shared
   loses value and loses more per provider than Active Shared.

Each check reports whether it holds and the parameter at which it flips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.comparison import run_model
from models.finance import npv, timing_offset_years
from models.ownership import NETWORK_OWNER, PIP
from models.params import FinanceParams, ServiceProvider
from models.solvers import breakeven_passive_fee, find_root

#: Source of the three claims.
SOURCE = "seed 000 (Alcatel-Lucent, Getting smart about smart cities), Table 5"

#: Extra capex counted as "low incremental investment", a share of the PIP's capex.
LOW_INCREMENT_SHARE = 0.25


@dataclass(frozen=True)
class ClaimResult:
    """Whether a claim holds on the given inputs, and when it would not."""

    name: str
    claim: str
    holds: bool
    measure: str
    condition: str
    values: dict[str, float | None] = field(default_factory=dict)
    source: str = SOURCE

    def row(self) -> dict[str, object]:
        """The result as a table row."""
        return {
            "claim": self.name,
            "holds": self.holds,
            "measure": self.measure,
            "condition": self.condition,
            "source": self.source,
        }


def passive_owner_half_of_revenue(capex: NetworkCapex, params: FinanceParams) -> ClaimResult:
    """Claim 1: the Passive Shared PIP keeps about half of the revenue potential."""
    share = run_model(capex, params, "passive_shared").actors[PIP].revenue_share
    arpu = params.arpu_eur_per_month
    cost_based = _or_none(lambda: breakeven_passive_fee(capex, params, model="passive_shared"))
    holds = bool(0.4 <= share <= 0.6)
    if cost_based is None:
        cost_text = "no passive fee makes the PIP break even (its NPV does not cross zero)"
    else:
        cost_text = (
            f"the cost-based fee at which the PIP breaks even is {cost_based:.2f} "
            f"{params.currency}/month ({cost_based / arpu:.0%} of ARPU)"
        )
    return ClaimResult(
        name="passive_owner_half_of_revenue",
        claim="Passive Shared: about 50 % of the revenue potential for the passive owner",
        holds=holds,
        measure=f"the PIP keeps {share:.1%} of end-user spend (passive fee / ARPU)",
        condition=(
            f"holds when the passive fee is 40-60 % of the ARPU ({0.4 * arpu:.2f}-"
            f"{0.6 * arpu:.2f} {params.currency}/month at {arpu:.2f} {params.currency} ARPU); "
            f"{cost_text}"
        ),
        values={
            "pip_revenue_share": share,
            "passive_fee_eur_per_month": params.passive_fee_eur_per_month,
            "cost_based_passive_fee_eur_per_month": cost_based,
        },
    )


def _active_increment(
    capex: NetworkCapex, params: FinanceParams
) -> tuple[float, float, float, float]:
    """Incremental NPV, extra capex, extra replacements and PIP capex of AS over PS."""
    owner = run_model(capex, params, "active_shared").actors[NETWORK_OWNER]
    pip = run_model(capex, params, "passive_shared").actors[PIP]
    # Both with their terminal values, on the reporting basis and timing, at the owner's rate.
    horizon = min(owner.actor.horizon_years, pip.actor.horizon_years)
    if owner.valuation is None or pip.valuation is None:
        msg = "run_model gave results without their valuation"
        raise FinanceParameterError(msg)
    extra = owner.valuation.window()[:horizon] - pip.valuation.window()[:horizon]
    offset = timing_offset_years(params.timing)
    value = float(npv(owner.valuation.discount_rate, extra, offset))
    extra_replacements = owner.reinvestment_eur - pip.reinvestment_eur
    return value, owner.capex_eur - pip.capex_eur, extra_replacements, pip.capex_eur


def active_shared_extra_margin(capex: NetworkCapex, params: FinanceParams) -> ClaimResult:
    """Claim 2: Active Shared adds margin for little extra capex."""
    value, extra_capex, extra_replacements, pip_capex = _active_increment(capex, params)
    ratio = extra_capex / pip_capex if pip_capex > 0 else float("inf")
    holds = bool(value > 0 and ratio <= LOW_INCREMENT_SHARE)

    def f(fee: float) -> float:
        changed = params.model_copy(update={"bitstream_fee_eur_per_month": fee})
        return _active_increment(capex, changed)[0]

    threshold = _or_none(
        lambda: find_root(f, params.bitstream_fee_eur_per_month, 2.0, "the bitstream fee")
    )
    if threshold is None:
        when = "no bitstream fee makes the extra NPV positive"
    else:
        when = (
            f"the extra NPV is positive when the bitstream fee is above {threshold:.2f} "
            f"{params.currency}/month ({threshold - params.passive_fee_eur_per_month:.2f} "
            "above the passive fee)"
        )
    return ClaimResult(
        name="active_shared_extra_margin",
        claim="Active Shared: extra margin for low incremental investment",
        holds=holds,
        measure=(
            f"owning the active layer too adds {value:,.0f} EUR of NPV for {extra_capex:,.0f} EUR "
            f"more capex ({ratio:.0%} of the passive capex) and {extra_replacements:,.0f} EUR "
            "of equipment replacements over the horizon"
        ),
        condition=(
            f"{when}; the extra capex counts as low up to {LOW_INCREMENT_SHARE:.0%} of the "
            "passive capex"
        ),
        values={
            "incremental_npv_eur": value,
            "incremental_capex_eur": extra_capex,
            "incremental_capex_share": ratio,
            "incremental_replacements_eur": extra_replacements,
            "breakeven_bitstream_fee_eur_per_month": threshold,
        },
    )


def _with_n_providers(params: FinanceParams, n: int) -> FinanceParams:
    first = params.service_providers[0]
    sps = [
        ServiceProvider(
            name=f"SP{i + 1}",
            market_share=1.0 / n,
            discount_rate=first.discount_rate,
            horizon_years=first.horizon_years,
        )
        for i in range(n)
    ]
    return params.model_copy(update={"service_providers": sps})


def _loss_per_provider(capex: NetworkCapex, params: FinanceParams, model: str) -> np.ndarray:
    return np.array(
        [
            run_model(capex, _with_n_providers(params, n), model).value_chain_npv_eur
            for n in (1, 2, 3, 4)
        ]
    )


def more_providers_share_badly(capex: NetworkCapex, params: FinanceParams) -> ClaimResult:
    """Claim 3: in Passive Shared each extra provider repeats the fixed active costs."""
    passive = _loss_per_provider(capex, params, "passive_shared")
    active = _loss_per_provider(capex, params, "active_shared")
    loss_passive = float(passive[0] - passive[-1]) / 3
    loss_active = float(active[0] - active[-1]) / 3
    holds = bool(loss_passive > 0 and loss_passive > loss_active)

    def gap(fixed_opex: float) -> float:
        p = params.model_copy(update={"active_opex_fixed_eur_per_year": fixed_opex})
        lp, la = (
            _loss_per_provider(capex, p, "passive_shared"),
            _loss_per_provider(capex, p, "active_shared"),
        )
        return float((lp[0] - lp[-1]) - (la[0] - la[-1])) / 3

    threshold = _or_none(
        lambda: find_root(
            gap, params.active_opex_fixed_eur_per_year, 10_000.0, "the fixed active opex"
        )
    )
    if threshold is None:
        when = "the fixed active opex does not change the verdict"
    elif threshold <= 0:
        when = (
            "holds even with no fixed active opex (the duplicated OLT capex alone outweighs "
            "the hand-over cost of bitstream)"
        )
    else:
        when = (
            f"fails if an operator's own OLT site costs less than {threshold:,.0f} EUR/year to "
            "run, below the hand-over cost a bitstream buyer pays in Active Shared"
        )
    return ClaimResult(
        name="more_providers_share_badly",
        claim="Passive Shared: each extra provider invests again in active equipment",
        holds=holds,
        measure=(
            f"each provider beyond the first costs the value chain {loss_passive:,.0f} EUR of NPV "
            f"in Passive Shared, against {loss_active:,.0f} EUR in Active Shared"
        ),
        condition=when,
        values={
            "value_chain_loss_per_provider_passive_shared_eur": float(loss_passive),
            "value_chain_loss_per_provider_active_shared_eur": float(loss_active),
            "breakeven_active_opex_fixed_eur_per_year": threshold,
            **{
                f"value_chain_npv_passive_shared_{n}_sp_eur": float(v)
                for n, v in zip((1, 2, 3, 4), passive, strict=True)
            },
            **{
                f"value_chain_npv_active_shared_{n}_sp_eur": float(v)
                for n, v in zip((1, 2, 3, 4), active, strict=True)
            },
        },
    )


def check_claims(
    capex: NetworkCapex | None = None, params: FinanceParams | None = None
) -> list[ClaimResult]:
    """Test the three claims of Table 5 on the given (or default) inputs.

    Examples
    --------
    >>> [(c.name, c.holds) for c in check_claims()]  # doctest: +NORMALIZE_WHITESPACE
    [('passive_owner_half_of_revenue', False), ('active_shared_extra_margin', True),
     ('more_providers_share_badly', True)]
    """
    capex = capex or NetworkCapex.example()
    params = params or FinanceParams()
    return [
        passive_owner_half_of_revenue(capex, params),
        active_shared_extra_margin(capex, params),
        more_providers_share_badly(capex, params),
    ]


def _or_none(solve: Callable[[], float]) -> float | None:
    """The solver's answer, or None when there is no break-even."""
    try:
        return solve()
    except FinanceParameterError:
        return None
