"""Scale estimated premises to a known total (a census), leaving counted buildings alone.

Method: the premises whose count is an estimate are multiplied by one factor
so that, with the counted ones (flats tags, address points, register
entries) unchanged, the district's total equals the given one. Integer counts
come from the largest-remainder method, so the total is hit exactly. When
the area estimates alone cannot reach the total (they are too few, or the
counted buildings already exceed it) or only by a factor beyond 1/3-3 (a few
estimates would carry the whole difference), type-rule counts (houses, one
connection per school) are scaled with them; when even that cannot reach the
total, the calibration is refused with the reason.
"""

from __future__ import annotations

import numpy as np

from fttx_planner._errors import ParameterError

#: Sources whose counts calibration may change, in the order they are tried.
TIERS = (("estimate",), ("estimate", "rule"))
#: A tier is used when its factor stays in this range; else the next tier is tried.
MODERATE = (1 / 3, 3.0)


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` (largest remainder).

    Examples
    --------
    >>> apportion(np.array([1.0, 1.0, 1.0]), 10).tolist()
    [4, 3, 3]
    >>> apportion(np.array([5.0, 0.0, 2.0]), 3).tolist()
    [2, 0, 1]
    """
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(w.shape[0], dtype=np.int64)
    exact = w * (total / w.sum())
    base = np.floor(exact).astype(np.int64)
    short = total - int(base.sum())
    if short > 0:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:short]] += 1
    return base


def calibrate(
    units: np.ndarray, source: np.ndarray, target: int, what: str
) -> tuple[np.ndarray, np.ndarray, dict[str, float | int | str]]:
    """Scale the estimated ``units`` so that they sum to ``target`` with the rest unchanged.

    Parameters
    ----------
    units
        ``(k,)`` int units per building (homes, or business units).
    source
        ``(k,)`` source of each count; only ``estimate`` (then ``rule``)
        counts are scaled.
    target
        The known total.
    what
        ``"households"`` or ``"businesses"``, for messages.

    Returns
    -------
    tuple
        New units, new sources (``"calibrated"`` where changed by the factor),
        and a record: target, estimate before, factor, the sources scaled.

    Raises
    ------
    ParameterError
        When no scaling of the estimates can reach the target.

    Examples
    --------
    >>> u = np.array([10, 4, 1, 6]); s = np.array(["estimate", "tag", "rule", "estimate"])
    >>> new, src, rec = calibrate(u, s, 12, "households")
    >>> new.tolist(), int(new.sum()), rec["factor"]
    ([4, 4, 1, 3], 12, 0.4375)
    """
    before = int(units.sum())
    feasible = []
    for tier in TIERS:
        scalable = np.isin(source, tier) & (units > 0)
        fixed = int(units[~scalable].sum())
        movable = int(units[scalable].sum())
        if movable > 0 and target >= fixed:
            feasible.append((tier, scalable, fixed, movable))
    # The narrowest tier whose factor stays moderate; else the widest that can.
    moderate = [f for f in feasible if MODERATE[0] <= (target - f[2]) / f[3] <= MODERATE[1]]
    if feasible:
        tier, scalable, fixed, movable = (moderate or feasible[-1:])[0]
        new = units.copy()
        new[scalable] = apportion(units[scalable].astype(float), target - fixed)
        new_source = source.copy()
        new_source[scalable] = "calibrated"
        record: dict[str, float | int | str] = {
            "target": int(target),
            "estimate_before": before,
            "kept": fixed,
            "factor": (target - fixed) / movable,
            "scaled_sources": "+".join(tier),
        }
        return new, new_source, record
    counted = int(units[~np.isin(source, TIERS[-1])].sum())
    if target < counted:
        msg = (
            f"Cannot calibrate to {target} {what}: flats tags, address points and register "
            f"entries already count {counted}. Check the figure and the area it covers."
        )
    else:
        msg = (
            f"Cannot calibrate to {target} {what}: the district has no estimated {what} "
            f"to scale (it counts {before})."
        )
    raise ParameterError(msg)
