"""Yearly cash flows between the actors of a business model.

Every euro is a :class:`Flow` from a payer to a payee; ``None`` stands for
outside the model (end users paying retail bills, suppliers paid for capex
and opex). An actor's cash flow is what it receives minus what it pays, so
wholesale fees, grants, concession fees and PPP transfers cancel across the
actors by construction, and the sum over actors is the value chain's
external cash flow.

:func:`build_ledger` writes the flows of any model from its
:class:`~models.ownership.ModelSpec`; there is no per-model code. Per year
``t`` (lines ``N``, first connections ``dN``, gross adds ``G``):

- retail owner ``i`` with share ``m_i``: ``+ARPU*N_i``; ``-`` retail opex per
  line, acquisition cost per gross add, fixed retail opex;
- active owner: OLT (to pass, replaced after its lifetime; a provider owning
  its own OLT pays the fixed share in full plus its share of the rest), ONT
  per first connection (replaced after its lifetime), active opex (share of
  installed capex, per line, fixed per year);
- retail owner != active owner: ``P_bs*N_i`` (and a bitstream connection
  fee per gross add) from retail to active owner, and hand-over opex;
- active owner != passive owner: ``P_pas*N`` (and a passive connection fee
  per first connection) from active to passive owner;
- the seller of wholesale access to the service providers pays the
  open-access costs: on-boarding each provider beyond the first, and a
  transaction cost per gross add;
- passive owner: capex to pass (build profile) and drops per first
  connection (replaced after the passive lifetime), passive opex (share of
  installed capex, per line, per km);
- funding overlays (:func:`_add_overlays`): grant, concession fee, PPP split;
- the smart-city layer and the central office's power and space
  (:mod:`models.extraflows`), when the capex carries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from models.actors import Actor, model_actors
from models.capex import NetworkCapex
from models.drivers import MONTHS_PER_YEAR, Drivers, reporting_capex, with_reinvestment
from models.ownership import CITY, EACH_SP, ModelSpec
from models.params import FinanceParams


class FlowKind(StrEnum):
    """Category of a flow, the columns of the cash-flow tables."""

    RETAIL_REVENUE = "retail_revenue"
    WHOLESALE_FEES = "wholesale_fees"
    CONNECTION_FEES = "connection_fees"
    CAPEX = "capex"
    REINVESTMENT = "reinvestment"
    OPEX = "opex"
    OPEN_ACCESS = "open_access"
    GRANT = "grant"
    CONCESSION = "concession"
    PPP = "ppp"
    SUBSCRIBER_CHARGES = "subscriber_charges"
    CITY_SERVICES = "city_services"
    LEASES = "leases"


#: Kinds that are not operating income or cost: investment, public funding of it,
#: and the PPP partner's share (a distribution to a co-owner).
NON_OPERATING_KINDS = (FlowKind.CAPEX, FlowKind.REINVESTMENT, FlowKind.GRANT, FlowKind.PPP)


#: Kinds that are recurring revenue: what the revenue split counts.
RECURRING_KINDS = (FlowKind.RETAIL_REVENUE, FlowKind.WHOLESALE_FEES, FlowKind.CONCESSION)

#: Retail owners and the share of all lines each serves.
Retail = list[tuple[str, float]]

#: Kinds of income on which a concession fee is levied.
REVENUE_KINDS = (
    FlowKind.RETAIL_REVENUE,
    FlowKind.WHOLESALE_FEES,
    FlowKind.CONNECTION_FEES,
    FlowKind.SUBSCRIBER_CHARGES,
    FlowKind.CITY_SERVICES,
    FlowKind.LEASES,
)


@dataclass(frozen=True)
class Asset:
    """Purchases of one asset class by one owner: what depreciation and book value need.

    ``purchases_eur`` are the nominal amounts paid in each year, the
    initial purchases and their replacements; each is written off straight
    line over ``lifetime_years`` from the year it is bought.
    """

    item: str
    owner: str
    purchases_eur: np.ndarray
    lifetime_years: int


@dataclass(frozen=True)
class Flow:
    """Money moving from `payer` to `payee` in each year (EUR, may be negative)."""

    item: str
    kind: FlowKind
    payer: str | None
    payee: str | None
    amount_eur: np.ndarray | float


@dataclass
class Ledger:
    """All flows of one model over the analysis years."""

    model: ModelSpec
    actors: tuple[Actor, ...]
    n_years: int
    shape: tuple[int, ...]
    flows: list[Flow] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    capex_index: np.ndarray | None = None
    """Capex price index of each year (nominal per base-year money); 1 if None."""

    def add(
        self,
        item: str,
        kind: FlowKind,
        payer: str | None,
        payee: str | None,
        amount_eur: np.ndarray | float,
    ) -> None:
        """Record a flow (amounts broadcast to the ledger's shape on read)."""
        self.flows.append(Flow(item, kind, payer, payee, amount_eur))

    def add_capex(
        self, item: str, payer: str, initial_eur: np.ndarray, lifetime_years: int
    ) -> None:
        """Record a purchase and its replacements after `lifetime_years`.

        `initial_eur` is in base-year money; each purchase is paid at the
        capex index of its year (a replacement at the index of the year it
        is bought again).
        """
        index = 1.0 if self.capex_index is None else self.capex_index
        total = with_reinvestment(initial_eur, lifetime_years)
        initial = np.asarray(initial_eur) * index
        self.add(f"{item} capex", FlowKind.CAPEX, payer, None, initial)
        self.add(f"{item} replacement", FlowKind.REINVESTMENT, payer, None, total * index - initial)
        self.assets.append(Asset(item, payer, np.asarray(total * index), lifetime_years))

    def assets_of(self, actor: str | None) -> list[Asset]:
        """Assets `actor` owns (all assets for None)."""
        return [a for a in self.assets if actor is None or a.owner == actor]

    def _signed(self, actor: str, kinds: Iterable[FlowKind] | None = None) -> np.ndarray:
        wanted = None if kinds is None else set(kinds)
        total = np.zeros(self.shape)
        for flow in self.flows:
            if wanted is not None and flow.kind not in wanted:
                continue
            if flow.payee == actor:
                total = total + flow.amount_eur
            if flow.payer == actor:
                total = total - flow.amount_eur
        return total

    def net(self, actor: str) -> np.ndarray:
        """Net cash flow of `actor` per year (received minus paid), in EUR."""
        return self._signed(actor)

    def by_kind(self, actor: str) -> dict[FlowKind, np.ndarray]:
        """Signed cash flow of `actor` per kind of flow, kinds with no flow left out."""
        kinds = {f.kind for f in self.flows if actor in (f.payer, f.payee)}
        return {kind: self._signed(actor, [kind]) for kind in FlowKind if kind in kinds}

    def income(self, actor: str, kinds: Iterable[FlowKind]) -> np.ndarray:
        """What `actor` receives from flows of the given kinds."""
        wanted = set(kinds)
        total = np.zeros(self.shape)
        for flow in self.flows:
            if flow.payee == actor and flow.kind in wanted:
                total = total + flow.amount_eur
        return total

    def payments(self, actor: str, kinds: Iterable[FlowKind]) -> np.ndarray:
        """What `actor` pays in flows of the given kinds."""
        wanted = set(kinds)
        total = np.zeros(self.shape)
        for flow in self.flows:
            if flow.payer == actor and flow.kind in wanted:
                total = total + flow.amount_eur
        return total

    def retail_revenue_eur(self) -> np.ndarray:
        """End-user spend per year: all retail revenue."""
        total = np.zeros(self.shape)
        for flow in self.flows:
            if flow.kind == FlowKind.RETAIL_REVENUE:
                total = total + flow.amount_eur
        return total

    def value_chain(self) -> np.ndarray:
        """Sum of all actors' cash flows: the flows with the outside world."""
        total = np.zeros(self.shape)
        for flow in self.flows:
            if flow.payee is None:
                total = total - flow.amount_eur
            if flow.payer is None:
                total = total + flow.amount_eur
        return total


def _shape(drivers: Drivers) -> tuple[int, ...]:
    return tuple(
        np.broadcast_shapes(np.shape(drivers.lines), np.shape(drivers.arpu_eur_per_line_year))
    )


def build_ledger(
    spec: ModelSpec, drivers: Drivers, capex: NetworkCapex, params: FinanceParams
) -> Ledger:
    """Write every flow of a business model.

    Parameters
    ----------
    spec
        Who owns which layer.
    drivers
        Yearly lines, prices and capex timing (optionally per draw).
    capex
        Network capex by layer.
    params
        Finance inputs.

    Returns
    -------
    Ledger
        The flows; :meth:`Ledger.net` gives each actor's cash flow.

    Examples
    --------
    >>> from models.drivers import build_drivers
    >>> from models.ownership import MODELS
    >>> capex, params = NetworkCapex.example(), FinanceParams()
    >>> ledger = build_ledger(MODELS["separated"], build_drivers(capex, params), capex, params)
    >>> total = sum(ledger.net(a.name) for a in ledger.actors)
    >>> bool(np.allclose(total, ledger.value_chain()))
    True
    """
    from models.extraflows import add_central_office, add_smart_city, city_is_party

    capex = reporting_capex(capex, params)
    city = city_is_party(capex.smart_city, params)
    ledger = Ledger(spec, model_actors(spec, params, city), drivers.n_years, _shape(drivers))
    ledger.capex_index = drivers.capex_index
    retail = spec.retail_entities(params)
    _add_retail(ledger, retail, drivers, params)
    _add_active(ledger, retail, drivers, capex, params)
    _add_open_access(ledger, retail, drivers, params)
    to_pass, drops = _add_passive(ledger, retail, drivers, capex, params)
    if capex.smart_city is not None:
        add_smart_city(ledger, retail, drivers, capex.smart_city, params)
    if capex.central_office is not None:
        add_central_office(ledger, retail, drivers, capex.central_office, params)
    _add_overlays(ledger, spec.passive, (to_pass + drops) * drivers.capex_index, drivers, params)
    return ledger


def _add_retail(ledger: Ledger, retail: Retail, d: Drivers, params: FinanceParams) -> None:
    """Retail revenue and retail opex of each retail owner."""
    idx = d.cost_index
    for name, share in retail:
        lines = share * d.lines
        ledger.add(
            "retail revenue", FlowKind.RETAIL_REVENUE, None, name, d.arpu_eur_per_line_year * lines
        )
        ledger.add(
            "retail opex per line",
            FlowKind.OPEX,
            name,
            None,
            params.retail_opex_eur_per_line_month * MONTHS_PER_YEAR * lines * idx,
        )
        ledger.add(
            "customer acquisition",
            FlowKind.OPEX,
            name,
            None,
            params.acquisition_cost_eur_per_gross_add * share * d.gross_adds * idx,
        )
        ledger.add(
            "retail fixed opex",
            FlowKind.OPEX,
            name,
            None,
            params.retail_opex_fixed_eur_per_year * idx,
        )


def _add_active(
    ledger: Ledger, retail: Retail, d: Drivers, capex: NetworkCapex, params: FinanceParams
) -> None:
    """Active capex and opex; bitstream sales; passive access bought by the active owner."""
    spec, idx = ledger.model, d.cost_index
    if spec.active == EACH_SP:
        groups = [(name, share, [(name, share)]) for name, share in retail]
        fixed_share = params.olt_fixed_share
    else:
        groups = [(spec.active, sum(s for _, s in retail), retail)]
        fixed_share = 1.0
    for owner, share, customers in groups:
        lines, new = share * d.lines, share * d.new_lines
        olt_initial = d.olt_build_eur * (fixed_share + (1.0 - fixed_share) * share)
        ont_initial = share * d.ont_capex_eur
        ledger.add_capex("OLT", owner, olt_initial, params.olt_lifetime_years)
        ledger.add_capex("ONT", owner, ont_initial, params.ont_lifetime_years)
        installed = np.cumsum(olt_initial + ont_initial, axis=-1)
        ledger.add(
            "active opex (share of capex)",
            FlowKind.OPEX,
            owner,
            None,
            params.active_opex_share_of_capex * installed * idx,
        )
        ledger.add(
            "active opex per line",
            FlowKind.OPEX,
            owner,
            None,
            params.active_opex_eur_per_line_month * MONTHS_PER_YEAR * lines * idx,
        )
        ledger.add(
            "active fixed opex",
            FlowKind.OPEX,
            owner,
            None,
            params.active_opex_fixed_eur_per_year * idx,
        )
        if params.backhaul_eur_per_step_year > 0:
            gbps = lines * params.busy_hour_mbps_per_line / 1000.0
            steps = np.ceil(gbps / params.backhaul_step_gbps - 1e-9)
            ledger.add(
                "backhaul steps",
                FlowKind.OPEX,
                owner,
                None,
                params.backhaul_eur_per_step_year * steps * idx,
            )
        for name, sp_share in customers:
            if name != owner:
                _add_bitstream(ledger, name, sp_share, owner, d, params)
        if owner != spec.passive:
            ledger.add(
                "passive access fee",
                FlowKind.WHOLESALE_FEES,
                owner,
                spec.passive,
                d.passive_fee_eur_per_line_year * lines,
            )
            ledger.add(
                "passive connection fee",
                FlowKind.CONNECTION_FEES,
                owner,
                spec.passive,
                params.passive_connection_fee_eur * new * d.price_index,
            )


def _add_bitstream(
    ledger: Ledger, buyer: str, share: float, seller: str, d: Drivers, params: FinanceParams
) -> None:
    """A retail provider buying bitstream for its share of the lines."""
    ledger.add(
        "bitstream fee",
        FlowKind.WHOLESALE_FEES,
        buyer,
        seller,
        d.bitstream_fee_eur_per_line_year * share * d.lines,
    )
    ledger.add(
        "bitstream connection fee",
        FlowKind.CONNECTION_FEES,
        buyer,
        seller,
        params.bitstream_connection_fee_eur * share * d.gross_adds * d.price_index,
    )
    ledger.add(
        "hand-over and backhaul",
        FlowKind.OPEX,
        buyer,
        None,
        params.handover_opex_eur_per_year * d.cost_index,
    )


def _add_open_access(ledger: Ledger, retail: Retail, d: Drivers, params: FinanceParams) -> None:
    """Open-access costs, paid by whoever sells wholesale access to the providers."""
    spec = ledger.model
    if spec.retail != EACH_SP:
        return
    seller = spec.passive if spec.active == EACH_SP else spec.active
    ledger.add(
        "operator on-boarding",
        FlowKind.OPEN_ACCESS,
        seller,
        None,
        params.onboarding_cost_eur_per_operator
        * max(len(retail) - 1, 0)
        * d.first_year
        * d.cost_index,
    )
    ledger.add(
        "connection and switching transactions",
        FlowKind.OPEN_ACCESS,
        seller,
        None,
        params.transaction_cost_eur_per_gross_add * d.gross_adds * d.cost_index,
    )


def _add_passive(
    ledger: Ledger, retail: Retail, d: Drivers, capex: NetworkCapex, params: FinanceParams
) -> tuple[np.ndarray, np.ndarray]:
    """Passive capex and opex; return the initial capex to pass and of drops per year."""
    owner, idx = ledger.model.passive, d.cost_index
    network_share = sum(s for _, s in retail)
    to_pass = d.passive_build_eur
    drops = network_share * d.drop_capex_eur
    ledger.add_capex("passive to pass", owner, to_pass, params.passive_lifetime_years)
    ledger.add_capex("drop", owner, drops, params.passive_lifetime_years)
    installed = np.cumsum(to_pass + drops, axis=-1)
    ledger.add(
        "passive opex (share of capex)",
        FlowKind.OPEX,
        owner,
        None,
        params.passive_opex_share_of_capex * installed * idx,
    )
    ledger.add(
        "passive opex per line",
        FlowKind.OPEX,
        owner,
        None,
        params.passive_opex_eur_per_line_month * MONTHS_PER_YEAR * network_share * d.lines * idx,
    )
    ledger.add(
        "passive opex per km",
        FlowKind.OPEX,
        owner,
        None,
        params.passive_opex_eur_per_km_year * capex.route_length_km * idx,
    )
    passed = d.homes_passed * np.cumsum(d.build_share)
    fixed = (
        params.opex_eur_per_home_passed_year * passed
        + params.passive_opex_eur_per_pole_year * capex.poles
        + params.passive_opex_fixed_eur_per_year
    )
    if np.any(fixed > 0):
        ledger.add(
            "passive opex per home passed, pole and fixed", FlowKind.OPEX, owner, None, fixed * idx
        )
    if params.subscriber_connection_charge_eur > 0:
        ledger.add(
            "subscriber connection charge",
            FlowKind.SUBSCRIBER_CHARGES,
            None,
            owner,
            params.subscriber_connection_charge_eur * network_share * d.new_lines * d.price_index,
        )
    return to_pass, drops


def _add_overlays(
    ledger: Ledger, owner: str, passive_capex_eur: np.ndarray, d: Drivers, params: FinanceParams
) -> None:
    """Grant, concession fee and PPP split between the passive owner and the city.

    - grant: the city pays ``grant_share * (capex to pass + drops)``;
    - concession: the owner pays ``max(minimum, share * its revenue)``;
    - PPP: the city holds ``ppp_share`` of the owner's equity, so receives
      (or pays in, when negative) that share of the owner's cash flow after
      grant and concession.
    """
    if not params.has_city:
        return
    if params.grant_share_of_passive_capex > 0:
        ledger.add(
            "public grant",
            FlowKind.GRANT,
            CITY,
            owner,
            params.grant_share_of_passive_capex * passive_capex_eur,
        )
    if params.subsidy_eur_per_home_passed > 0:
        ledger.add(
            "subsidy per home passed",
            FlowKind.GRANT,
            CITY,
            owner,
            params.subsidy_eur_per_home_passed * d.homes_passed * d.build_share * d.price_index,
        )
    if params.concession_fee_share_of_revenue > 0 or params.concession_fee_min_eur_per_year > 0:
        revenue = ledger.income(owner, REVENUE_KINDS)
        fee = np.maximum(
            params.concession_fee_min_eur_per_year * d.price_index,
            params.concession_fee_share_of_revenue * revenue,
        )
        ledger.add("concession fee", FlowKind.CONCESSION, owner, CITY, fee)
    if params.ppp_public_equity_share > 0:
        ledger.add(
            "PPP public equity share",
            FlowKind.PPP,
            owner,
            CITY,
            params.ppp_public_equity_share * ledger.net(owner),
        )
