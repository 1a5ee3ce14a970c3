"""Display names of the business models' actors: the abbreviations spelled out.

:mod:`models` names its actors ``PIP``, ``NP``, ``PIP+NP``, ``SP1``...; a finance
team reads "Passive infrastructure provider (PIP)". The roles are those of
``models.actors`` (see docs/models.md).
"""

from __future__ import annotations

import re

#: Each role's name in full, the abbreviation kept so charts (which label bars
#: ``PIP``, ``SP1``) can be matched.
ROLE_TITLES = {
    "operator": "Operator (all layers)",
    "PIP": "Passive infrastructure provider (PIP)",
    "NP": "Network provider (NP)",
    "PIP+NP": "Network owner (PIP+NP)",
    "city": "City (funding)",
    "value chain": "Value chain (all actors)",
}

#: One line that says what the abbreviations mean.
GLOSSARY = (
    "PIP: passive infrastructure provider (ducts, fibre) · NP: network provider (active "
    "equipment) · SP: service provider (retail) · Network owner: passive + active"
)

_SP = re.compile(r"^SP(\d+)$")
_WORDS = {"PIP": "Passive infrastructure provider (PIP)", "NP": "Network provider (NP)"}


def actor_title(name: str) -> str:
    """An actor's display name: ``"PIP"`` -> ``"Passive infrastructure provider (PIP)"``.

    Examples
    --------
    >>> actor_title("SP2"), actor_title("PIP+NP")
    ('Service provider SP2', 'Network owner (PIP+NP)')
    >>> actor_title("Telco A")
    'Telco A'
    """
    if name in ROLE_TITLES:
        return ROLE_TITLES[name]
    if _SP.match(name):
        return f"Service provider {name}"
    return name


def expand_title(title: str) -> str:
    """A field title with a leading actor abbreviation spelled out.

    Examples
    --------
    >>> expand_title("PIP discount rate")
    'Passive infrastructure provider (PIP) discount rate'
    >>> expand_title("NP horizon"), expand_title("Churn")
    ('Network provider (NP) horizon', 'Churn')
    """
    first, _, rest = title.partition(" ")
    if first in _WORDS and rest:
        return f"{_WORDS[first]} {rest}"
    return title
