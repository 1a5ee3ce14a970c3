"""Parameters of the detailed design: the ``[detail]`` section of the parameter file.

Examples
--------
>>> s = DetailSettings(colour_code="tia598", spare_share=0.2)
>>> s.usable_fibres(48), s.usable_fibres(12)
(38, 9)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fttx_planner._errors import FttxError
from fttx_planner.detail.colours import colour_code
from fttx_planner.detail.errors import NamingError
from fttx_planner.detail.naming import NamingTemplates
from fttx_planner.input_files import clip
from fttx_planner.params import key_name, problems_error, read_params_toml


class DetailSettings(BaseModel):
    """How fibres are laid out and spliced.

    Attributes
    ----------
    colour_code
        ``"iec60304"``, ``"tia598"`` or ``"din_vde0888"`` (``data/colour_codes.csv``).
    spare_share
        Share of every cable's fibres kept free (the last fibres of each
        cable). The plan sizes cables for their fibres alone, so the default
        is none; with a share, where a planned cable cannot hold its fibres
        and the spare, the detailed design takes a larger size and counts it
        (``cable_sections_upsized_for_spare``: the bill of materials does not
        include that difference).
    step_down_cables
        False (default): a cable runs on through a joint into the busiest
        branch it can hold, at its size, even where the plan sized that
        branch's cable smaller: its fibres pass uncut instead of being
        spliced (``cable_extra_eur`` counts the larger cable against the
        bill of materials). True: cables change to the plan's size at every
        joint, every through fibre spliced.
    splices_per_tray
        Fusion splices one closure tray holds (assumed: 12, the usual
        single-fusion tray of dome closures).
    fibre_loss_db_per_km_1490
        Attenuation at the 1490/1550 nm downstream wavelengths (ITU-T G.652
        cabled fibre: at most 0.3 dB/km at 1550 nm; 0.25 dB/km assumed at
        1490 nm). The 1310 nm figure is the plan's ``fibre_loss_db_per_km``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    colour_code: str = "iec60304"
    spare_share: float = Field(0.0, ge=0.0, le=0.5)
    splices_per_tray: int = Field(12, ge=1, le=144)
    step_down_cables: bool = False
    fibre_loss_db_per_km_1490: float = Field(0.25, ge=0.0, le=2.0)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            msg = f"[detail] {loc}: {err['msg'].removeprefix('Value error, ')}"
            raise NamingError(msg) from None

    @field_validator("colour_code")
    @classmethod
    def _known_code(cls, value: str) -> str:
        colour_code(value)
        return value

    def usable_fibres(self, size: int) -> int:
        """Fibres of a cable of ``size`` that may carry circuits (the rest is spare)."""
        return math.floor(size * (1.0 - self.spare_share) + 1e-9)


def detail_settings(data: dict[str, Any], where: str = "[detail]") -> DetailSettings:
    """Validate a ``[detail]`` mapping, one clear line per problem."""
    try:
        return DetailSettings(**data)
    except NamingError as exc:
        msg = f"{where}: {str(exc).removeprefix('[detail] ')}"
        raise NamingError(msg) from None


def load_detail_params(path: str | Path | None) -> tuple[DetailSettings, NamingTemplates]:
    """The ``[detail]`` and ``[naming]`` sections of a parameter file (defaults without one).

    The file is read like every parameter file (bounded, a regular file,
    TOML), and every bad key of both sections is listed in one error.
    """
    if path is None:
        return DetailSettings(), NamingTemplates()
    data = read_params_toml(path)
    problems = detail_problems(data)
    if problems:
        raise problems_error(f"parameters in {path}", problems)
    return DetailSettings(**data.get("detail", {})), NamingTemplates(**data.get("naming", {}))


def detail_problems(data: dict[str, Any]) -> list[str]:
    """One line per bad key of the ``[detail]`` and ``[naming]`` sections of a parsed file."""
    problems: list[str] = []
    models: tuple[tuple[str, type[BaseModel]], ...] = (
        ("detail", DetailSettings),
        ("naming", NamingTemplates),
    )
    for name, model in models:
        section = data.get(name, {})
        if not isinstance(section, dict):
            problems.append(f"{name} must be a [{name}] section, not a value")
            continue
        fields = list(model.model_fields)
        # Unknown keys here: the models take keys as keyword arguments ("self" would clash).
        problems += [
            clip(f"[{name}] {key_name(k)}: unknown parameter; known: {', '.join(fields)}", 200)
            for k in section
            if k not in fields
        ]
        known = {k: v for k, v in section.items() if k in fields}
        # Key by key, as each model names only the first problem of a mapping; then the
        # whole section for rules between keys.
        found = [_first_problem(model, {k: v}, name) for k, v in known.items()]
        found = [line for line in found if line] or [_first_problem(model, known, name)]
        problems += [line for line in found if line]
    return problems


def _first_problem(model: type[BaseModel], section: dict[str, Any], name: str) -> str:
    """The line of a section's first problem, ``""`` when it has none."""
    try:
        model(**section)
    except FttxError as exc:
        text = str(exc).removeprefix(f"[{name}] ").removeprefix(f"{name}.")
        return f"[{name}] {clip(text, 200)}"
    return ""
