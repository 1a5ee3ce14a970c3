"""Monte Carlo: NPV distributions per model and actor under uncertain inputs.

Four factors are drawn per draw from the distributions stated in the
inputs (``mc_takeup``, ``mc_arpu``, ``mc_civil_cost``,
``mc_wholesale_prices``): on the take-up curve (capped at 100 % of homes
passed), the retail ARPU, the civil works capex, and both wholesale fees
together. All draws go through the model code at once as arrays of shape
``(draws, years)``, in chunks to bound memory; a seed makes runs
repeatable.

The draws are not centred on the base case: a skewed distribution (civil
works overrun more often than they underrun) moves the mean away from it.
So the result also holds the base case's NPV and its percentile among the
draws (``base_npv_eur``, ``base_percentile``): the share of draws below the
base case. The take-up and ARPU factors may be correlated
(``mc_correlation_takeup_arpu``, a Gaussian copula on their ranks: each
keeps its own distribution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models._errors import FinanceParameterError
from models.capex import NetworkCapex
from models.cashflows import build_ledger
from models.comparison import run_model, write_csv
from models.drivers import Factors, build_drivers
from models.labels import context_text
from models.ownership import MODELS, VALUE_CHAIN, get_model
from models.params import Distribution, FinanceParams
from models.valuation import fast_npvs, fast_value_chain_npv, value_actors, value_chain

#: Columns of :meth:`MonteCarloResult.summary`.
SUMMARY_COLUMNS = (
    "model",
    "actor",
    "mean_eur",
    "p10_eur",
    "p50_eur",
    "p90_eur",
    "prob_loss",
    "base_npv_eur",
    "base_percentile",
    "n_draws",
)

_CHUNK = 20_000


@dataclass(frozen=True)
class MonteCarloResult:
    """NPV draws per model and actor (and the value chain)."""

    n_draws: int
    seed: int | None
    distributions: dict[str, Distribution]
    factors: dict[str, np.ndarray]
    """The drawn factors, ``{"takeup": (n,), "arpu": ..., ...}``."""
    npv_eur: dict[str, dict[str, np.ndarray]]
    """``npv_eur[model][actor]``, shape ``(n,)``; actor ``"value chain"`` included."""
    base_npv_eur: dict[str, dict[str, float]] | None = None
    """NPV of the base case (every factor 1), ``base_npv_eur[model][actor]``."""
    currency: str = "EUR"
    context: str = ""
    """What the figures rest on (district, rates, horizon, price basis, timing)."""

    def base_percentile(self, model: str, actor: str) -> float | None:
        """Share of the draws below the base case's NPV (0.5 when centred on it)."""
        if self.base_npv_eur is None:
            return None
        values = self.npv_eur[model][actor]
        return float((values < self.base_npv_eur[model][actor]).mean())

    def summary(self) -> list[dict[str, Any]]:
        """Mean, P10, P50, P90 and probability of a loss, per model and actor.

        P10 is the NPV that 10 % of draws fall below; the probability of a
        loss is the share of draws with a negative NPV.
        """
        rows = []
        for model, actors in self.npv_eur.items():
            for actor, values in actors.items():
                p10, p50, p90 = np.percentile(values, [10, 50, 90])
                base = None if self.base_npv_eur is None else self.base_npv_eur[model][actor]
                rows.append(
                    {
                        "model": model,
                        "actor": actor,
                        "mean_eur": float(values.mean()),
                        "p10_eur": float(p10),
                        "p50_eur": float(p50),
                        "p90_eur": float(p90),
                        "prob_loss": float((values < 0).mean()),
                        "base_npv_eur": base,
                        "base_percentile": self.base_percentile(model, actor),
                        "n_draws": int(values.size),
                    }
                )
        return rows

    def to_csv(self, directory: str | Path) -> Path:
        """Write the summary to ``montecarlo.csv`` in `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "montecarlo.csv"
        write_csv(path, self.summary(), SUMMARY_COLUMNS)
        return path


def _draw_factors(
    params: FinanceParams, n_draws: int, rng: np.random.Generator
) -> tuple[dict[str, Distribution], dict[str, np.ndarray]]:
    distributions = {
        "takeup": params.mc_takeup,
        "arpu": params.mc_arpu,
        "civil_cost": params.mc_civil_cost,
        "wholesale_prices": params.mc_wholesale_prices,
    }
    rho = params.mc_correlation_takeup_arpu
    if rho == 0:
        factors = {name: d.draw(rng, n_draws) for name, d in distributions.items()}
        return distributions, factors
    from scipy.stats import norm  # SciPy only when a correlation is asked for

    z = rng.standard_normal((2, n_draws))
    ranks = norm.cdf(np.vstack([z[0], rho * z[0] + np.sqrt(1.0 - rho**2) * z[1]]))
    factors = {
        "takeup": distributions["takeup"].quantile(ranks[0]),
        "arpu": distributions["arpu"].quantile(ranks[1]),
    }
    for name in ("civil_cost", "wholesale_prices"):
        factors[name] = distributions[name].draw(rng, n_draws)
    return distributions, factors


def monte_carlo(
    capex: NetworkCapex,
    params: FinanceParams | None = None,
    n_draws: int = 10_000,
    seed: int | None = 1,
    *,
    models: Sequence[str] | None = None,
) -> MonteCarloResult:
    """NPV distribution per model and actor under uncertain inputs.

    Parameters
    ----------
    capex
        Network capex.
    params
        Finance inputs, including the distributions ``mc_*``; defaults if None.
    n_draws
        Number of draws.
    seed
        Seed of the random generator; None for a fresh one each run.
    models
        Models to run; all four if None.

    Returns
    -------
    MonteCarloResult
        NPV draws and their summary.

    Examples
    --------
    >>> mc = monte_carlo(NetworkCapex.example(), n_draws=2000, seed=7)
    >>> values = mc.npv_eur["separated"]["PIP"]
    >>> values.shape
    (2000,)
    >>> row = next(r for r in mc.summary() if r["model"] == "separated" and r["actor"] == "PIP")
    >>> row["p10_eur"] < row["p50_eur"] < row["p90_eur"]
    True
    """
    params = params or FinanceParams()
    if n_draws < 1:
        msg = f"n_draws must be at least 1, got {n_draws}"
        raise FinanceParameterError(msg)
    specs = [get_model(m) for m in (models or MODELS)]
    rng = np.random.default_rng(seed)
    distributions, factors = _draw_factors(params, n_draws, rng)
    out: dict[str, dict[str, list[np.ndarray]]] = {s.name: {} for s in specs}
    for start in range(0, n_draws, _CHUNK):
        chunk = {k: v[start : start + _CHUNK] for k, v in factors.items()}
        drivers = build_drivers(capex, params, Factors(**chunk))
        for spec in specs:
            ledger = build_ledger(spec, drivers, capex, params)
            results = out[spec.name]
            fast = fast_npvs(ledger, drivers, params)
            if fast is not None:
                for name, value in fast.items():
                    results.setdefault(name, []).append(np.atleast_1d(value))
                chain = fast_value_chain_npv(ledger, drivers, params)
            else:
                values = value_actors(ledger, drivers, params)
                for name, full in values.items():
                    results.setdefault(name, []).append(np.atleast_1d(full.npv_eur))
                chain = value_chain(ledger, drivers, params, values)[2]
            results.setdefault(VALUE_CHAIN, []).append(np.atleast_1d(chain))
    npvs = {
        model: {actor: np.concatenate(parts) for actor, parts in actors.items()}
        for model, actors in out.items()
    }
    base: dict[str, dict[str, float]] = {}
    for spec in specs:
        result = run_model(capex, params, spec)
        base[spec.name] = {name: a.npv_eur for name, a in result.actors.items()}
        base[spec.name][VALUE_CHAIN] = result.value_chain_npv_eur
    return MonteCarloResult(
        n_draws,
        seed,
        distributions,
        factors,
        npvs,
        base,
        params.currency,
        context_text(params, capex.label),
    )
