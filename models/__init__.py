"""Business models of an FTTH network: who owns which layer, who earns what, how sure.

Compares the four models of seed 000 (Table 5) -- Verticalized, Passive
Shared, Active Shared, Separated -- per actor (PIP, NP, service providers,
the verticalized operator, the city), from a plan's capex or capex typed by
hand. No GIS, no Qt: a notebook needs three lines::

    import models
    comparison = models.compare(models.NetworkCapex.example())  # or .from_summary_file("out")
    comparison.table()

See ``docs/models.md`` for the formulas, the defaults and their sources.
"""

from __future__ import annotations

from typing import Any

from models._errors import FinanceParameterError
from models.actors import Actor, model_actors
from models.capex import NetworkCapex
from models.cashflows import FlowKind, Ledger, build_ledger
from models.claims import ClaimResult, check_claims
from models.comparison import ActorResult, Comparison, ModelResult, compare, run_model
from models.finance import annuity_factor, discounted_payback_year, irr, npv, peak_funding_eur
from models.montecarlo import MonteCarloResult, monte_carlo
from models.ownership import MODELS, ModelSpec, get_model
from models.paramfile import finance_params_template, load_finance_file, load_finance_params
from models.params import (
    DEFAULT_SOURCES,
    Distribution,
    FinanceParams,
    ServiceProvider,
    validate_finance_params,
)
from models.presets import (
    ENGAGEMENT_MODELS,
    EngagementPreset,
    engagement_table,
    run_engagement_model,
)
from models.sensitivity import TornadoBar, TornadoResult, tornado
from models.solvers import breakeven_bitstream_fee, breakeven_passive_fee, breakeven_takeup

__all__ = [
    "DEFAULT_SOURCES",
    "ENGAGEMENT_MODELS",
    "MODELS",
    "Actor",
    "ActorResult",
    "ClaimResult",
    "Comparison",
    "Distribution",
    "EngagementPreset",
    "FinanceParameterError",
    "FinanceParams",
    "FlowKind",
    "Ledger",
    "ModelResult",
    "ModelSpec",
    "MonteCarloResult",
    "NetworkCapex",
    "ServiceProvider",
    "TornadoBar",
    "TornadoResult",
    "annuity_factor",
    "breakeven_bitstream_fee",
    "breakeven_passive_fee",
    "breakeven_takeup",
    "build_ledger",
    "charts",
    "check_claims",
    "compare",
    "discounted_payback_year",
    "engagement_table",
    "finance_params_template",
    "get_model",
    "irr",
    "load_finance_file",
    "load_finance_params",
    "model_actors",
    "monte_carlo",
    "npv",
    "peak_funding_eur",
    "run_engagement_model",
    "run_model",
    "tornado",
    "validate_finance_params",
]


def __getattr__(name: str) -> Any:
    # Charts pull in Matplotlib; load them only when asked for (models.charts).
    if name == "charts":
        import importlib

        return importlib.import_module("models.charts")
    msg = f"module 'models' has no attribute {name!r}"
    raise AttributeError(msg)
