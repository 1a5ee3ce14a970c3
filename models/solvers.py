"""Break-even solvers: wholesale prices and take-up at which an actor's NPV is zero.

The cost-based passive fee is the fee at which the PIP's NPV is zero at
its own discount rate and horizon: a bottom-up, annuity-style price. With no
concession fee it has a closed form, since the PIP's NPV is linear in the
fee:

.. math:: P_{pas}^* = \\frac{PV(\\text{PIP costs}) - PV(\\text{other PIP income})}
          {PV(12 \\, N(t))}

The solvers do not rely on linearity (a minimum concession fee breaks it):
they bracket the root and refine it with :func:`scipy.optimize.brentq`.

``over="asset_life"`` prices over the life of the seller's assets instead
of its horizon: the horizon becomes the passive lifetime for the passive
owner (the longest equipment lifetime for an active-only seller), with no
terminal value, since the assets are worn out at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.comparison import run_model
from models.drivers import Factors, build_drivers
from models.ownership import EACH_SP, NETWORK_OWNER, NP, PIP, ModelSpec, get_model
from models.params import FinanceParams
from models.takeup import takeup_curve

_TOLERANCE_EUR = 1e-6

_HORIZON_FIELDS = {
    "operator": "operator_horizon_years",
    PIP: "pip_horizon_years",
    NP: "np_horizon_years",
    NETWORK_OWNER: "network_owner_horizon_years",
}
_MAX_HORIZON_YEARS = 60


def over_asset_life(params: FinanceParams, spec: ModelSpec, actor: str | None) -> FinanceParams:
    """Inputs with `actor`'s horizon set to the life of its longest-lived asset, no terminal value.

    Examples
    --------
    >>> from models.ownership import MODELS
    >>> p = over_asset_life(FinanceParams(), MODELS["separated"], "PIP")
    >>> p.pip_horizon_years, p.terminal_value
    (40, 'none')
    """
    if actor not in _HORIZON_FIELDS:
        msg = f"over='asset_life' needs an infrastructure actor ({', '.join(_HORIZON_FIELDS)})"
        raise FinanceParameterError(msg)
    if actor == spec.passive:
        life = params.passive_lifetime_years
    else:
        life = max(params.olt_lifetime_years, params.ont_lifetime_years)
    update = {_HORIZON_FIELDS[actor]: min(life, _MAX_HORIZON_YEARS), "terminal_value": "none"}
    return params.model_copy(update=update)


def _actor_npv(
    capex: NetworkCapex,
    params: FinanceParams,
    spec: ModelSpec,
    actor: str | None,
    factors: Factors | None = None,
) -> float:
    result = run_model(capex, params, spec, drivers=build_drivers(capex, params, factors))
    return result.npv_eur(actor)


def brentq(f: Callable[[float], float], lo: float, hi: float, **kw: Any) -> float:
    """:func:`scipy.optimize.brentq`, imported on first use (SciPy is slow to import)."""
    from scipy.optimize import brentq as _brentq

    return float(_brentq(f, lo, hi, **kw))


def find_root(f: Callable[[float], float], start: float, step: float, what: str) -> float:
    """Root of `f`, expanding a bracket on both sides of `start` until the sign changes.

    Raises
    ------
    FinanceParameterError
        If `f` does not change sign (it does not depend on `what`).

    Examples
    --------
    >>> round(find_root(lambda x: 3.0 * x - 12.0, 0.0, 1.0, "x"), 9)
    4.0
    """
    f0 = f(start)
    if f0 == 0:
        return start
    for k in range(40):
        width = step * 2.0**k
        changes = []
        for x in (start + width, start - width):
            fx = f(x)
            if fx == 0:
                return x
            if (fx > 0) != (f0 > 0):
                lo, hi = sorted((start, x))
                return float(brentq(f, lo, hi, xtol=1e-9, rtol=1e-12))
            changes.append(abs(fx - f0))
        if max(changes) <= _TOLERANCE_EUR:
            break
    msg = f"no break-even found: the NPV does not cross zero as {what} changes"
    raise FinanceParameterError(msg)


def _check(spec: ModelSpec, fee: str) -> None:
    if fee == "passive" and (spec.active == spec.passive):
        msg = (
            f"the passive fee plays no part in {spec.name}: its passive and active layers "
            "have one owner (use passive_shared or separated)"
        )
        raise FinanceParameterError(msg)
    if fee == "bitstream" and (spec.active == EACH_SP or spec.retail != EACH_SP):
        msg = (
            f"the bitstream fee plays no part in {spec.name}: no one buys bitstream "
            "(use active_shared or separated)"
        )
        raise FinanceParameterError(msg)


def breakeven_passive_fee(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    *,
    model: str = "separated",
    actor: str | None = PIP,
    over: str = "horizon",
) -> float:
    """Passive access fee (EUR/line/month) at which `actor`'s NPV is zero.

    For the PIP this is the cost-based (bottom-up) passive fee; for a buyer
    of passive access it is the highest fee it can afford.

    Parameters
    ----------
    capex
        Network capex.
    params
        Finance inputs; the defaults if None.
    model
        ``"separated"`` or ``"passive_shared"``.
    actor
        Whose NPV to bring to zero; None for the value chain.
    over
        ``"horizon"`` (the actor's own, with the terminal value) or
        ``"asset_life"`` (the passive lifetime, no terminal value).

    Returns
    -------
    float
        The fee in EUR per line per month (may be negative: then the actor
        breaks even while paying that much per line to its customers).

    Examples
    --------
    >>> capex = NetworkCapex.example()
    >>> fee = breakeven_passive_fee(capex)
    >>> p = FinanceParams(passive_fee_eur_per_month=fee)
    >>> abs(run_model(capex, p, "separated").npv_eur("PIP")) < 1.0
    True
    """
    params = params or FinanceParams()
    spec = get_model(model)
    _check(spec, "passive")
    if over == "asset_life":
        params = over_asset_life(params, spec, actor)

    def f(fee: float) -> float:
        return _actor_npv(
            capex, params.model_copy(update={"passive_fee_eur_per_month": fee}), spec, actor
        )

    return find_root(f, params.passive_fee_eur_per_month, 5.0, "the passive fee")


def breakeven_bitstream_fee(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    *,
    model: str = "active_shared",
    actor: str | None = NETWORK_OWNER,
    over: str = "horizon",
) -> float:
    """Bitstream fee (EUR/line/month) at which `actor`'s NPV is zero.

    For the bitstream seller (``PIP+NP`` in Active Shared, ``NP`` in
    Separated) this is the cost-based bitstream fee.

    Parameters
    ----------
    capex
        Network capex.
    params
        Finance inputs; the defaults if None.
    model
        ``"active_shared"`` or ``"separated"``.
    actor
        Whose NPV to bring to zero; None for the value chain. In Separated,
        pass ``actor="NP"``.

    Returns
    -------
    float
        The fee in EUR per line per month.

    Examples
    --------
    >>> capex = NetworkCapex.example()
    >>> fee = breakeven_bitstream_fee(capex, model="separated", actor="NP")
    >>> p = FinanceParams(bitstream_fee_eur_per_month=fee)
    >>> abs(run_model(capex, p, "separated").npv_eur("NP")) < 1.0
    True
    """
    params = params or FinanceParams()
    spec = get_model(model)
    _check(spec, "bitstream")
    if spec.name == "separated" and actor == NETWORK_OWNER:
        actor = NP
    if over == "asset_life":
        params = over_asset_life(params, spec, actor)

    def f(fee: float) -> float:
        return _actor_npv(
            capex, params.model_copy(update={"bitstream_fee_eur_per_month": fee}), spec, actor
        )

    return find_root(f, params.bitstream_fee_eur_per_month, 5.0, "the bitstream fee")


def breakeven_takeup(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    *,
    model: str = "verticalized",
    actor: str | None = "operator",
) -> float | None:
    """Long-run take-up at which `actor`'s NPV is zero.

    The take-up curve (S-curve or explicit) is scaled as a whole; the
    result is its long-run value, a fraction of homes passed. The lowest
    break-even is returned when there are several.

    Parameters
    ----------
    capex
        Network capex.
    params
        Finance inputs; the defaults if None.
    model
        Any of the four models.
    actor
        Whose NPV to bring to zero; None for the value chain.

    Returns
    -------
    float or None
        The break-even take-up; 0.0 if the NPV is not negative even with no
        take-up; None if it stays negative up to 100 % take-up.

    Examples
    --------
    >>> s = breakeven_takeup(NetworkCapex.example())
    >>> 0.0 < s < 1.0
    True
    """
    params = params or FinanceParams()
    spec = get_model(model)
    curve = takeup_curve(params, params.analysis_years)
    if params.takeup_by_year is None:
        level = params.takeup_saturation
    else:
        level = float(curve[-1]) if curve[-1] > 0 else float(curve.max())
    if level <= 0 or curve.max() <= 0:
        msg = "the take-up curve is zero everywhere; cannot scale it"
        raise FinanceParameterError(msg)
    top = 1.0 / float(curve.max())

    def f(factor: float) -> float:
        return _actor_npv(capex, params, spec, actor, Factors(takeup=factor))

    grid = np.linspace(0.0, top, 21)
    values = [f(x) for x in grid]
    if values[0] >= 0:
        return 0.0
    for i in range(1, grid.size):
        if values[i - 1] < 0 <= values[i]:
            root = grid[i] if values[i] == 0 else brentq(f, grid[i - 1], grid[i], xtol=1e-10)
            return float(root) * level
    return None
