"""The four business models, each described once as who owns which layer.

Seed 000 (Alcatel-Lucent, "Getting smart about smart cities", Table 5)
names four models. Each is described here only by the owner of the passive,
active and retail layers; the cash flows between actors follow from that
description (:mod:`models.cashflows`):

- a retail owner different from the active owner buys bitstream from it;
- an active owner different from the passive owner rents passive access;
- whoever sells wholesale access directly to the service providers bears
  the open-access costs;
- when each service provider owns its own active layer, its fixed part is
  paid once per provider (duplicated active equipment).
"""

from __future__ import annotations

from dataclasses import dataclass

from models._errors import FinanceParameterError
from models.params import FinanceParams

#: Owner placeholder: each service provider owns this layer for its own lines.
EACH_SP = "each SP"

#: Actor names of the roles.
OPERATOR = "operator"
PIP = "PIP"
NP = "NP"
NETWORK_OWNER = "PIP+NP"
CITY = "city"
VALUE_CHAIN = "value chain"


@dataclass(frozen=True)
class ModelSpec:
    """Who owns which layer in a business model.

    Attributes
    ----------
    name
        Identifier (``"passive_shared"``).
    title
        Display name (``"Passive Shared"``).
    passive, active, retail
        Actor owning the layer, or :data:`EACH_SP`.
    description
        What the source document says about the model.
    """

    name: str
    title: str
    passive: str
    active: str
    retail: str
    description: str
    aliases: tuple[str, ...] = ()
    """Names of the same model in the literature (PLOM, ALOM, 3LOM)."""

    @property
    def infrastructure_competition(self) -> bool:
        """One operator retails alone; a competitor must build its own network."""
        return self.retail != EACH_SP

    def retail_entities(self, params: FinanceParams) -> list[tuple[str, float]]:
        """Retail actors and the share of all connected lines each serves.

        Examples
        --------
        >>> MODELS["verticalized"].retail_entities(FinanceParams(vertical_market_share=0.5))
        [('operator', 0.5)]
        >>> MODELS["separated"].retail_entities(FinanceParams())
        [('SP1', 0.6), ('SP2', 0.4)]
        """
        if self.retail == EACH_SP:
            return [(sp.name, sp.market_share) for sp in params.service_providers]
        return [(self.retail, params.vertical_market_share)]


VERTICALIZED = ModelSpec(
    name="verticalized",
    title="Verticalized",
    passive=OPERATOR,
    active=OPERATOR,
    retail=OPERATOR,
    description=(
        "One operator controls all three layers; a second operator must build its own "
        "network (infrastructure competition). Controls the whole value chain and cash "
        "flow; complex operation, high execution risk, little choice for subscribers."
    ),
)
PASSIVE_SHARED = ModelSpec(
    name="passive_shared",
    title="Passive Shared",
    passive=PIP,
    active=EACH_SP,
    retail=EACH_SP,
    description=(
        "One owner builds and maintains the passive layer; each service provider invests "
        "in its own active equipment and retail. Simple operations, about 50 % of the "
        "revenue potential for the passive owner; no control over retail revenue."
    ),
    aliases=("PLOM", "passive layer open model"),
)
ACTIVE_SHARED = ModelSpec(
    name="active_shared",
    title="Active Shared",
    passive=NETWORK_OWNER,
    active=NETWORK_OWNER,
    retail=EACH_SP,
    description=(
        "One organisation owns the passive and active layers and wholesales bitstream to "
        "competing retail providers. Extra margin for low incremental investment; small "
        "providers struggle without wholesale standards."
    ),
    aliases=("ALOM", "active layer open model"),
)
SEPARATED = ModelSpec(
    name="separated",
    title="Separated",
    passive=PIP,
    active=NP,
    retail=EACH_SP,
    description=(
        "Each layer has a different owner: the PIP rents passive access to a network "
        "provider, who wholesales bitstream to retail providers. Clear split of "
        "responsibilities; each layer earns a margin for low incremental investment."
    ),
    aliases=("3LOM", "three-layer open model"),
)

#: The four models of Table 5, by name.
MODELS: dict[str, ModelSpec] = {
    m.name: m for m in (VERTICALIZED, PASSIVE_SHARED, ACTIVE_SHARED, SEPARATED)
}


def get_model(name: str | ModelSpec) -> ModelSpec:
    """Return the model called `name` (or `name` itself if already a spec).

    Raises
    ------
    FinanceParameterError
        If no model has that name; the message lists the known names.

    Examples
    --------
    >>> get_model("Active Shared").name, get_model("3LOM").name
    ('active_shared', 'separated')
    """
    if isinstance(name, ModelSpec):
        return name
    key = str(name).strip().lower().replace(" ", "_").replace("-", "_")
    for spec in MODELS.values():
        if key in {a.lower().replace(" ", "_").replace("-", "_") for a in spec.aliases}:
            return spec
    if key not in MODELS:
        aliases = ", ".join(a for m in MODELS.values() for a in m.aliases[:1])
        msg = f"unknown business model {name!r}; known: {', '.join(MODELS)} ({aliases})"
        raise FinanceParameterError(msg)
    return MODELS[key]
