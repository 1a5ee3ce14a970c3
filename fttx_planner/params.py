"""Design parameters, declared once with title, unit and bounds.

The GUI generates its parameter panels from these declarations and a project
or parameter file is validated by the same model, so the two cannot drift.
Each field's ``json_schema_extra`` carries its ``unit``.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fttx_planner._errors import ParameterError
from fttx_planner.input_files import clip, read_bounded_text, short

#: Standard cable sizes in fibres.
CABLE_SIZES = (12, 24, 48, 96, 144, 288)

#: Typical maximum insertion loss per splitter ratio (dB), from vendor data
#: sheets (see docs/economics.md of the shared docs).
SPLITTER_LOSS_DB = {2: 3.7, 4: 7.3, 8: 10.5, 16: 13.7, 32: 17.1, 64: 21.0}

#: GPON optical budget classes (ITU-T G.984.2 amendments).
OPTICAL_CLASS_BUDGET_DB = {"B+": 28.0, "C+": 32.0}


class OpticalClass(StrEnum):
    """GPON optical budget class."""

    B_PLUS = "B+"
    C_PLUS = "C+"


class Deployment(StrEnum):
    """Greenfield (all trenches new) or brownfield (reuse existing ducts/poles)."""

    GREENFIELD = "greenfield"
    BROWNFIELD = "brownfield"


def _f(default: Any, title: str, unit: str, description: str, empty: str = "", **kw: Any) -> Any:
    """A declared field; ``empty`` is what an empty optional field means (GUI placeholder)."""
    extra = {"unit": unit, "empty": empty} if empty else {"unit": unit}
    return Field(
        default=default,
        title=title,
        description=description,
        json_schema_extra=extra,  # type: ignore[arg-type]
        **kw,
    )


class DesignParams(BaseModel):
    """Architecture and optical parameters of a GPON design.

    Examples
    --------
    >>> p = DesignParams(split_ratio=64, stage1_ratio=4)
    >>> p.stage2_ratio, p.budget_db
    (16, 28.0)
    """

    # allow_inf_nan=False: a position or a length at infinity (or nan) can neither be
    # planned nor saved as JSON, so every float field refuses them.
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, allow_inf_nan=False
    )

    split_ratio: int = _f(
        32,
        "Total split ratio",
        "homes/PON",
        "Homes served by one OLT port (1:32 or 1:64).",
        ge=2,
        le=128,
    )
    stage1_ratio: int = _f(
        1,
        "First-stage split",
        "ratio",
        "Ratio of the first splitter stage in a two-stage cascade; 1 for a single stage.",
        ge=1,
        le=64,
    )
    spare_share: float = _f(
        0.1,
        "Spare capacity",
        "share",
        "Share of splitter ports kept free for growth (0.1 = 10 %).",
        ge=0.0,
        le=0.5,
    )
    max_drop_m: float = _f(
        250.0,
        "Maximum drop length",
        "m",
        "Buildings farther than this from any fibre street are reported unserved.",
        gt=0,
        le=2000,
    )
    optical_class: OpticalClass = _f(
        OpticalClass.B_PLUS, "Optical class", "", "GPON budget class: B+ (28 dB) or C+ (32 dB)."
    )
    fibre_loss_db_per_km: float = _f(
        0.35,
        "Fibre attenuation",
        "dB/km",
        "Worst-case attenuation (1310 nm, G.652).",
        ge=0.0,
        le=2.0,
    )
    splice_loss_db: float = _f(0.1, "Splice loss", "dB", "Loss per fusion splice.", ge=0.0, le=1.0)
    splices_per_path: int = _f(
        6, "Splices per path", "count", "Fusion splices between OLT and ONT.", ge=0, le=50
    )
    connector_loss_db: float = _f(
        0.5, "Connector loss", "dB", "Loss per mated connector pair.", ge=0.0, le=2.0
    )
    connectors_per_path: int = _f(
        4, "Connectors per path", "count", "Connector pairs between OLT and ONT.", ge=0, le=20
    )
    safety_margin_db: float = _f(
        1.0, "Safety margin", "dB", "Margin kept free for ageing and repairs.", ge=0.0, le=10.0
    )
    deployment: Deployment = _f(
        Deployment.GREENFIELD,
        "Deployment",
        "",
        "Greenfield: all trenches new. Brownfield: reuse existing ducts/poles.",
    )
    olt_x_m: float | None = _f(
        None, "OLT x", "m", "OLT easting in the district CRS; empty to let the planner choose."
    )
    olt_y_m: float | None = _f(
        None, "OLT y", "m", "OLT northing in the district CRS; empty to let the planner choose."
    )
    households: int | None = _f(
        None,
        "Known households",
        "homes",
        "Published number of households in the district (e.g. census); estimated buildings "
        "are scaled to match it, tagged and address-counted ones are kept. Empty: no calibration.",
        empty="not known",
        ge=0,
        le=50_000_000,
    )
    businesses: int | None = _f(
        None,
        "Known business premises",
        "units",
        "Published number of business premises in the district; estimated business units are "
        "scaled to match it. Empty: no calibration.",
        empty="not known",
        ge=0,
        le=50_000_000,
    )
    min_building_area_m2: float = _f(
        40.0,
        "Smallest premises building",
        "m2",
        "Buildings with a smaller footprint get no estimated premises (sheds, kiosks); "
        "a flats tag, an address or a register entry still counts.",
        ge=0.0,
        le=1000.0,
    )
    max_units_without_tag: int = _f(
        150,
        "Plausible units per building",
        "units",
        "A building estimated above this many units without a flats tag is reported for review.",
        ge=1,
        le=100_000,
    )

    max_reach_m: float = _f(
        20_000.0,
        "Logical reach",
        "m",
        "Longest OLT-to-home fibre the PON protocol allows, whatever the loss "
        "(ITU-T G.984.1: 20 km for GPON classes B+/C+).",
        gt=0,
        le=60_000,
    )
    stage_splices: int = _f(
        2,
        "Splices per extra stage",
        "count",
        "Fusion splices each further splitter stage adds to a path (its input and output).",
        ge=0,
        le=10,
    )
    fdp_ports: int = _f(
        8,
        "Distribution point ports",
        "drops",
        "Drops one distribution point (FDP / drop closure) takes: 4, 8 or 12 are usual.",
        ge=1,
        le=48,
    )
    fdp_reach_m: float = _f(
        100.0,
        "Distribution point reach",
        "m",
        "Farthest tap along the street that a distribution point serves (assumed: "
        "pre-connectorised drop cables come in lengths up to 100-150 m).",
        ge=0.0,
        le=500.0,
    )
    drop_free_m: float = _f(
        20.0,
        "Lead-in allowance",
        "m",
        "Length of a drop from the street (straight, or along a footway) to the building "
        "entry that the drop installation covers; each metre beyond it is dug as a drop "
        "trench (drop_trench). Source: TNG Stadtnetz (Kiel), FTTH house connection "
        "FAQ: the standard connection flat covers up to 20 m of cable from the street to the "
        "house connection point, each further metre is charged at 49 EUR.",
        ge=0.0,
        le=500.0,
    )
    phases: int = _f(
        1,
        "Roll-out phases",
        "phases",
        "Build the design in this many yearly phases: its areas (one per last-stage "
        "splitter) ranked by cost per home passed, the cheapest first; the business models "
        "take each phase's capex in its year and its homes from then on.",
        ge=1,
        le=30,
    )
    joints: bool = _f(
        True,
        "Distribution points and joints",
        "",
        "Group drops at distribution points, cut cables at priced closures and price the "
        "trench's crossings of main roads at junctions. Off: every drop leaves the "
        "distribution cable at its own tap, each edge carries its own cheapest cable and "
        "junctions cost nothing (the model of the exact reference, for comparisons).",
    )
    crossing_from: Literal[
        "primary", "secondary", "tertiary", "unclassified", "residential", "none"
    ] = _f(
        "tertiary",
        "Road crossings from class",
        "",
        "Streets of this OSM highway class and above (primary > secondary > tertiary > "
        "unclassified > residential, with their links) are main roads: a drop to their far "
        "side or a trench across them at a junction is a priced road crossing, and many "
        "drops to one far side get a trench on both sides; quieter streets are crossed by "
        "the drop's own trench. 'none': no crossing is priced. Assumed: tertiary roads and "
        "above carry through traffic that an open cut must manage (Fibre Options (UK) "
        "prices road crossings apart from footway metres).",
    )
    mdu_min_units: int = _f(
        4,
        "Units for an in-building box",
        "units",
        "A building with this many premises or more gets an entry point, an in-building "
        "distribution box and a drop cable sized by its fibres instead of a house drop.",
        ge=2,
        le=1000,
    )

    @field_validator("split_ratio", "stage1_ratio")
    @classmethod
    def _standard_ratio(cls, ratio: int, info: ValidationInfo) -> int:
        # Field by field, so a file's other problems are listed beside this one.
        if ratio not in SPLITTER_LOSS_DB and not (info.field_name == "stage1_ratio" and ratio == 1):
            msg = f"{ratio} is not a standard ratio ({', '.join(str(r) for r in SPLITTER_LOSS_DB)})"
            raise ValueError(msg)
        return ratio

    @model_validator(mode="after")
    def _check_ratios(self) -> DesignParams:
        problems = []
        if self.stage1_ratio > 1 and (
            self.split_ratio % self.stage1_ratio or self.split_ratio == self.stage1_ratio
        ):
            problems.append(
                f"stage1_ratio {self.stage1_ratio} must divide split_ratio "
                f"{self.split_ratio} and be smaller"
            )
        if (self.olt_x_m is None) != (self.olt_y_m is None):
            problems.append("give both olt_x_m and olt_y_m, or neither")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def two_stage(self) -> bool:
        """Whether the design uses two cascaded splitter stages."""
        return self.stage1_ratio > 1

    @property
    def stage2_ratio(self) -> int:
        """Ratio of the splitter next to the homes."""
        return self.split_ratio // self.stage1_ratio if self.two_stage else self.split_ratio

    @property
    def budget_db(self) -> float:
        """Optical budget of the class in dB."""
        return OPTICAL_CLASS_BUDGET_DB[self.optical_class.value]

    @property
    def splitter_loss_db(self) -> float:
        """Total insertion loss of the splitter chain in dB."""
        if self.two_stage:
            return SPLITTER_LOSS_DB[self.stage1_ratio] + SPLITTER_LOSS_DB[self.stage2_ratio]
        return SPLITTER_LOSS_DB[self.split_ratio]

    @property
    def fixed_loss_db(self) -> float:
        """Loss independent of fibre length: splitters, splices, connectors, margin."""
        extra_stage_splices = self.stage_splices if self.two_stage else 0
        return (
            self.splitter_loss_db
            + (self.splices_per_path + extra_stage_splices) * self.splice_loss_db
            + self.connectors_per_path * self.connector_loss_db
            + self.safety_margin_db
        )

    @property
    def max_fibre_m(self) -> float:
        """Longest OLT-to-home fibre path the budget and the logical reach allow, in metres."""
        spare_db = self.budget_db - self.fixed_loss_db
        if self.fibre_loss_db_per_km <= 0:
            return self.max_reach_m
        return min(max(spare_db, 0.0) / self.fibre_loss_db_per_km * 1000.0, self.max_reach_m)

    @property
    def homes_per_splitter(self) -> int:
        """Usable ports of the last-stage splitter after the spare share."""
        return max(1, int(self.stage2_ratio * (1.0 - self.spare_share)))

    def describe(self) -> str:
        """One line, e.g. ``"GPON 1:64, two stages 1:4 + 1:16, class C+, brownfield"``."""
        stages = (
            f"two stages 1:{self.stage1_ratio} + 1:{self.stage2_ratio}"
            if self.two_stage
            else "one stage"
        )
        return (
            f"GPON 1:{self.split_ratio}, {stages}, class {self.optical_class.value}, "
            f"{self.deployment.value}"
        )


#: At most this many problems are listed in a validation error.
_MAX_PROBLEMS = 10


def problems_error(where: str, problems: list[str]) -> ParameterError:
    """One error listing ``problems`` (one line each, at most ten, then how many more).

    Examples
    --------
    >>> print(problems_error("parameters in p.toml", ["a: bad", "b: bad"]))
    Invalid parameters in p.toml:
      a: bad
      b: bad
    """
    more = len(problems) - _MAX_PROBLEMS
    shown = [f"  {line}" for line in problems[:_MAX_PROBLEMS]]
    shown += [f"  and {more} more"] if more > 0 else []
    return ParameterError(f"Invalid {where}:\n" + "\n".join(shown))


def key_name(key: str) -> str:
    r"""A key as written in a message: itself, or quoted and cut when long or unprintable.

    Examples
    --------
    >>> print(key_name("split_ratio"), key_name("a\nb"), key_name("k" * 50))
    split_ratio 'a\nb' 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk... (50 characters)
    """
    return key if len(key) <= 40 and key.isprintable() else short(key, 40)


def _problem(err: Any, label: str = "") -> str:
    """One pydantic error as a line naming the key, the value given and what is wrong."""
    loc = ".".join(str(p) for p in err["loc"])
    name = key_name(loc)
    msg = clip(str(err["msg"]).removeprefix("Value error, "), 200)
    value = err.get("input")
    if not loc:
        return f"{label}{msg}"
    if err["type"] == "finite_number":
        return f"{label}{short(loc, 40)}: {value} is not a finite number"
    if err["type"] == "extra_forbidden":
        return f"{label}{name}: unknown parameter"
    if isinstance(value, dict | list) or err["type"] == "value_error":  # the message says it
        return f"{label}{name}: {msg}"
    return f"{label}{name} = {short(value, 40)}: {msg}"


def design_problems(
    data: dict[str, Any], labels: dict[str, str] | None = None
) -> tuple[DesignParams | None, list[str]]:
    """Validate a mapping into :class:`DesignParams`: the parameters, or every problem.

    Parameters
    ----------
    data
        Field names to values.
    labels
        A prefix per key for its lines, such as ``"[demand] "`` (none by default).

    Returns
    -------
    tuple
        The parameters and ``[]``, or ``None`` and one line per problem.
    """
    try:
        return DesignParams.model_validate(data), []
    except ValidationError as exc:
        labels = labels or {}
        lines: list[str] = []
        for err in exc.errors():
            if err["loc"]:
                lines.append(_problem(err, labels.get(str(err["loc"][0]), "")))
            else:  # the rules between fields, their problems joined by "; "
                lines += _problem(err).split("; ")
        return None, lines


def params_from_dict(data: dict[str, Any], where: str = "parameters") -> DesignParams:
    """Validate a mapping into :class:`DesignParams`, gathering every problem.

    Non-finite numbers (``nan``, ``inf``) are refused for every field: a
    position or a length at infinity cannot be planned nor saved as JSON.

    Raises
    ------
    ParameterError
        Naming each bad key with the reason (at most ten, then how many more).
    """
    params, problems = design_problems(data)
    if params is None:
        raise problems_error(where, problems) from None
    return params


#: Largest parameter file read (bytes); a real one is a few hundred bytes.
MAX_PARAMS_BYTES = 256 * 1024
#: Most dots in one key or table header: tomllib's time and memory grow with
#: the square of a dotted key's depth (``a.a.a...`` 100,000 deep exhausts memory).
MAX_KEY_DOTS = 16
#: Sections of a parameter file beside ``[design]`` read by other readers.
OTHER_SECTIONS = ("demand", "detail", "naming")


def read_params_toml(path: str | Path) -> dict[str, Any]:
    """The parsed TOML of a parameter file, bounded in size and depth.

    Raises
    ------
    ParameterError
        The file is no regular file, too large, not UTF-8, nested too deep
        or not TOML: one line naming the file and the line.
    """
    path = Path(path)
    text = read_bounded_text(path, "parameter file", MAX_PARAMS_BYTES, ParameterError)
    _check_key_depth(path, text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"Parameter file {path} is not valid TOML: {clip(str(exc).splitlines()[0], 200)}"
        raise ParameterError(msg) from None
    except RecursionError:
        msg = f"Parameter file {path}: arrays or tables nested too deeply"
        raise ParameterError(msg) from None
    except ValueError:  # an integer of more than 4,300 digits (int's conversion limit)
        msg = f"Parameter file {path}: a number with more digits than any parameter may have"
        raise ParameterError(msg) from None


def file_design_problems(data: dict[str, Any]) -> tuple[DesignParams | None, list[str]]:
    """The design parameters of a parsed parameter file, or every problem, one line each.

    The design keys are the ``[design]`` section (or the top level without
    one, less the other readers' sections) and the ``[demand]`` section's.
    Top-level keys beside a ``[design]`` section (which would be ignored)
    are problems too.
    """
    problems: list[str] = []
    if "design" in data:
        stray = [k for k in data if k != "design" and k not in OTHER_SECTIONS]
        problems += [
            f"{short(k, 40)} beside the [design] section would be ignored: "
            "move design keys into [design]"
            for k in stray
        ]
        section = data["design"]
    else:
        section = {k: v for k, v in data.items() if k not in OTHER_SECTIONS}
    if not isinstance(section, dict):
        return None, [*problems, "design must be a [design] section, not a value"]
    section = dict(section)
    labels = dict.fromkeys(section, "[design] ") if "design" in data else {}
    demand = data.get("demand")
    if demand is not None and not isinstance(demand, dict):
        problems.append("demand must be a [demand] section, not a value")
    elif demand is not None:  # [demand] households = ..., businesses = ...
        section.pop("demand", None)
        section.update(demand)
        labels.update(dict.fromkeys(demand, "[demand] "))
    params, more = design_problems(section, labels)
    problems += more
    return (params if not problems else None), problems


def load_params(path: str | Path) -> DesignParams:
    """Read design parameters from a TOML file (``[design]`` or top level, and ``[demand]``).

    The file must be a regular file of at most :data:`MAX_PARAMS_BYTES`;
    keys nested more than :data:`MAX_KEY_DOTS` deep, non-finite numbers and
    top-level keys beside a ``[design]`` section (which would be ignored)
    are refused.

    Raises
    ------
    ParameterError
        One message naming the file and every problem (at most ten, one line
        each, naming the key and what is wrong).
    """
    params, problems = file_design_problems(read_params_toml(path))
    if params is None:
        raise problems_error(f"parameters in {path}", problems)
    return params


def _check_key_depth(path: Path, text: str) -> None:
    """Refuse a key or table header with more than :data:`MAX_KEY_DOTS` dots, before parsing."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        key = stripped if stripped.startswith("[") else stripped.partition("=")[0]
        if key.count(".") > MAX_KEY_DOTS:
            msg = (
                f"Parameter file {path} line {number}: key nested more than "
                f"{MAX_KEY_DOTS} levels deep"
            )
            raise ParameterError(msg)
