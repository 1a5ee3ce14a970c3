"""Names of every object from templates in the parameter file's ``[naming]`` section.

A template is a Python format string over the fields of its object, e.g.
``splitter = "{co}-{cabinet:02d}-{splitter:03d}"``. A template with a field
its object does not have is refused with the field, the object and the known
fields; two objects given the same name are refused too. Numbers come from a
deterministic walk of the design from the OLT (see :mod:`fttx_planner.detail.order`),
so the same design gets the same names on every re-plan.

Examples
--------
>>> t = NamingTemplates(splitter="{co}-{cabinet:02d}-{splitter:03d}")
>>> t.name("splitter", co="BAL", cabinet=3, splitter=7, site="x", stage=1, ratio=32, n=7)
'BAL-03-007'
>>> NamingTemplates(cable="{co}-{colour}")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
fttx_planner.detail.errors.NamingError: naming.cable: unknown field {colour} in '{co}-{colour}'; ...
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from fttx_planner.detail.errors import NamingError

#: The fields each object's template may use.
FIELDS: dict[str, tuple[str, ...]] = {
    "co": ("district", "district_code"),
    "olt_port": ("co", "chassis", "card", "port", "pon"),
    "cabinet": ("co", "cabinet"),
    "closure": ("co", "closure"),
    "fdp": ("co", "fdp"),
    "splitter": ("co", "site", "cabinet", "stage", "ratio", "splitter", "n"),
    "cable": ("co", "layer", "layer_code", "cable", "fibres", "start", "end"),
    "drop": ("co", "fdp", "drop", "building"),
    "co_port": ("co", "port"),
}


def template_fields(template: str) -> list[str]:
    """The field names a format template uses (``"{a:02d}-{b}"`` -> ``["a", "b"]``).

    Examples
    --------
    >>> template_fields("{co}-{cabinet:02d}x{n}")
    ['co', 'cabinet', 'n']
    """
    out = []
    for _, field, _, _ in string.Formatter().parse(template):
        if field is None:
            continue
        out.append(re.split(r"[.\[]", field, maxsplit=1)[0])
    return out


class NamingTemplates(BaseModel):
    """One template per object kind (the ``[naming]`` section)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    co: str = "{district_code}1"
    olt_port: str = "{co}-OLT{chassis}-{card:02d}-{port:02d}"
    cabinet: str = "{co}-CAB{cabinet:03d}"
    closure: str = "{co}-J{closure:04d}"
    fdp: str = "{co}-FDP{fdp:04d}"
    splitter: str = "{site}-S{stage}.{splitter:02d}"
    cable: str = "{co}-{layer_code}{cable:04d}"
    drop: str = "{fdp}-D{drop:02d}"
    co_port: str = "{co}-P2P-{port:03d}"

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                msg = f"naming.{where}: unknown object; templates exist for {', '.join(FIELDS)}"
                raise NamingError(msg) from None
            msg = f"naming.{where}: {err['msg'].removeprefix('Value error, ')}"
            raise NamingError(msg) from None

    @field_validator("*")
    @classmethod
    def _known_fields(cls, value: str, info: Any) -> str:
        kind = info.field_name
        try:
            used = template_fields(value)
        except ValueError as exc:
            msg = f"not a valid template {value!r} ({exc})"
            raise ValueError(msg) from None
        for f in used:
            if f not in FIELDS[kind]:
                msg = f"unknown field {{{f}}} in {value!r}; known fields: {', '.join(FIELDS[kind])}"
                raise ValueError(msg)
        if not used and kind != "co":
            msg = f"template {value!r} has no field, so every {kind} would get the same name"
            raise ValueError(msg)
        return value

    def name(self, kind: str, **fields: Any) -> str:
        """The name of one object of ``kind`` from its fields."""
        template = getattr(self, kind)
        try:
            return str(template.format(**fields))
        except (ValueError, TypeError, KeyError) as exc:
            msg = f"naming.{kind}: template {template!r} cannot format {fields}: {exc}"
            raise NamingError(msg) from None


def check_unique(kind: str, names: Iterable[str]) -> None:
    """Refuse duplicate names of one object kind, naming the first duplicate.

    Examples
    --------
    >>> check_unique("cable", ["A", "B", "A"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fttx_planner.detail.errors.NamingError: naming.cable gives 2 objects the name 'A'; ...
    """
    counts = Counter(names)
    dup = next(((n, c) for n, c in counts.items() if c > 1), None)
    if dup is not None:
        msg = (
            f"naming.{kind} gives {dup[1]} objects the name {dup[0]!r}; add a numbering field "
            "to the template"
        )
        raise NamingError(msg)


def district_code(name: str) -> str:
    """Three upper-case letters from a district name (``"Balzers"`` -> ``"BAL"``).

    Examples
    --------
    >>> district_code("Porto, Centro Histórico"), district_code("12")
    ('POR', 'D12')
    """
    letters = re.sub(r"[^A-Za-z0-9]", "", name).upper()
    if not letters or not letters[0].isalpha():
        letters = "D" + letters
    return (letters + "XXX")[:3]


def naming_from_file(path: str | Path) -> NamingTemplates:
    """The ``[naming]`` section of a TOML parameter file (defaults when absent)."""
    from fttx_planner.detail.settings import load_detail_params

    return load_detail_params(path)[1]
