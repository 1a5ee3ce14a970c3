"""Project files: what a planner saves and reopens.

A project is one JSON document (suffix ``.fttx``) holding everything needed
to plan the district again and get the same results: the district reference
(a sample city slug, an OSM file or a synthetic grid), the design
parameters, the cost catalogue as CSV text, the finance parameters, the
saved scenarios, and the plan summary so results show the moment a project
is reopened, before it is re-planned. The format is documented in
``docs/gui.md``::

    {
      "format": "fttx-planner-project",
      "version": 1,
      "saved_at": "2025-01-31T12:00:00+00:00",
      "saved_by": "fttx-planner 0.1.0",
      "district": {"kind": "sample", "slug": "liechtenstein_balzers"},
      "design_params": {"split_ratio": 32, ...},
      "finance_params": {"arpu_eur_per_month": 40.0, ...},
      "catalogue_csv": "item,layer,phase,unit,unit_cost_eur,source\\n...",
      "summary": {...},                      # Plan.summary(), or null
      "scenarios": [{"name": "1:64", "district": {...}, "design_params": {...},
                     "catalogue_csv": "...", "summary": {...}}]
    }

File paths (OSM files, infrastructure layers) are stored absolute and
relative to the project file; the relative one wins when it exists, so a
project moved together with its data still opens. Saves are atomic
(:func:`fttx_planner.export.write_text_atomic`): a crash mid-save leaves the
previous file intact. A project from a newer version of the format, or a
corrupt one, raises :class:`~fttx_planner.ProjectFileError` with a message
saying so. This module does not import Qt.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fttx_planner import ProjectFileError, __version__
from fttx_planner.catalogue import Catalogue
from fttx_planner.export import write_text_atomic
from fttx_planner.input_files import clip, read_bounded_text
from fttx_planner.params import DesignParams, params_from_dict

#: The ``format`` value of a project file.
PROJECT_FORMAT = "fttx-planner-project"
#: The newest project format version this module reads and the one it writes.
PROJECT_VERSION = 1
#: Suffix of project files.
PROJECT_SUFFIX = ".fttx"
#: Bounds on what a project file may hold (a real one is a few hundred kB).
MAX_PROJECT_BYTES = 64 * 1024 * 1024
MAX_SCENARIOS = 500
MAX_SYNTHETIC_BUILDINGS = 2_000_000
#: Problems listed in one error message at most.
MAX_PROBLEMS_LISTED = 10

DistrictKind = Literal["sample", "osm", "synthetic"]
#: ``progress(fraction, stage)`` while a project loads; it may raise to stop the load.
LoadProgress = Callable[[float, str], None]


@dataclass(frozen=True)
class DistrictRef:
    """Where a district comes from: a sample city, an OSM file or a synthetic grid.

    Parameters
    ----------
    kind
        ``"sample"``, ``"osm"`` or ``"synthetic"``.
    slug
        The sample city slug (``kind="sample"``).
    path
        The OSM file (``kind="osm"``).
    infrastructure
        An existing-infrastructure layer for brownfield planning; a sample
        city's own layer is used when this is ``None``.
    buildings, seed
        Size and seed of a synthetic grid (``kind="synthetic"``).
    """

    kind: DistrictKind
    slug: str = ""
    path: Path | None = None
    infrastructure: Path | None = None
    buildings: int = 0
    seed: int = 0

    @classmethod
    def sample(cls, slug: str, infrastructure: Path | None = None) -> DistrictRef:
        """A sample city."""
        return cls(kind="sample", slug=slug, infrastructure=infrastructure)

    @classmethod
    def osm(cls, path: str | Path, infrastructure: Path | None = None) -> DistrictRef:
        """An OSM file."""
        return cls(kind="osm", path=Path(path), infrastructure=infrastructure)

    @classmethod
    def synthetic(cls, buildings: int, seed: int = 0) -> DistrictRef:
        """A synthetic street grid of about ``buildings`` houses."""
        return cls(kind="synthetic", buildings=buildings, seed=seed)

    def with_infrastructure(self, path: Path | None) -> DistrictRef:
        """The same district with another existing-infrastructure layer."""
        return DistrictRef(self.kind, self.slug, self.path, path, self.buildings, self.seed)

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies the loaded district (the infrastructure layer does not)."""
        return (self.kind, self.slug, str(self.path), self.buildings, self.seed)

    def label(self) -> str:
        """A short human-readable name."""
        if self.kind == "sample":
            return self.slug
        if self.kind == "osm":
            return self.path.name if self.path else "(no file)"
        return f"synthetic grid, {self.buildings:,} buildings (seed {self.seed})"

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        """Plain data for the project file; paths also relative to ``base``."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "sample":
            out["slug"] = self.slug
        elif self.kind == "osm":
            out.update(_path_json("path", self.path, base))
        else:
            out["buildings"] = self.buildings
            out["seed"] = self.seed
        if self.infrastructure is not None:
            out.update(_path_json("infrastructure", self.infrastructure, base))
        return out

    @classmethod
    def from_json(cls, data: Any, base: Path | None = None, where: str = "district") -> DistrictRef:
        """Read :meth:`to_json` output; raise :class:`ProjectFileError` on bad data."""
        if not isinstance(data, dict):
            msg = f"{where}: expected an object, got {type(data).__name__}"
            raise ProjectFileError(msg)
        kind = data.get("kind")
        infra = _path_from_json(data, "infrastructure", base)
        if kind == "sample":
            slug = data.get("slug")
            if not isinstance(slug, str) or not slug:
                msg = f"{where}: a sample district needs a 'slug'"
                raise ProjectFileError(msg)
            return cls.sample(slug, infra)
        if kind == "osm":
            path = _path_from_json(data, "path", base)
            if path is None:
                msg = f"{where}: an OSM district needs a 'path'"
                raise ProjectFileError(msg)
            return cls.osm(path, infra)
        if kind == "synthetic":
            n, seed = data.get("buildings"), data.get("seed", 0)
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                msg = f"{where}: a synthetic district needs a positive 'buildings' count"
                raise ProjectFileError(msg)
            if n > MAX_SYNTHETIC_BUILDINGS:
                msg = (
                    f"{where}: a synthetic district of {n:,} buildings, more than the "
                    f"{MAX_SYNTHETIC_BUILDINGS:,} the planner takes"
                )
                raise ProjectFileError(msg)
            if not isinstance(seed, int) or isinstance(seed, bool):
                msg = f"{where}: 'seed' must be a whole number"
                raise ProjectFileError(msg)
            return cls.synthetic(n, seed)
        msg = f"{where}: unknown district kind {kind!r} (known: sample, osm, synthetic)"
        raise ProjectFileError(msg)


@dataclass
class ScenarioRecord:
    """One saved scenario: a district, its parameters and catalogue, and its results.

    Parameters
    ----------
    name
        Shown in the scenario list and comparison.
    district
        The district reference.
    design_params
        The design parameters.
    catalogue_csv
        The cost catalogue as CSV text.
    summary
        :meth:`fttx_planner.plan.Plan.summary` of its plan, or ``None`` if
        it was never planned.
    """

    name: str
    district: DistrictRef
    design_params: DesignParams
    catalogue_csv: str
    summary: dict[str, Any] | None = None

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        """Plain data for the project file."""
        return {
            "name": self.name,
            "district": self.district.to_json(base),
            "design_params": self.design_params.model_dump(mode="json"),
            "catalogue_csv": self.catalogue_csv,
            "summary": _jsonable(self.summary),
        }


@dataclass
class Project:
    """Everything a project file holds.

    Parameters
    ----------
    district
        The district being planned.
    design_params
        Its design parameters.
    catalogue_csv
        The cost catalogue as CSV text.
    finance_params
        Finance parameters as plain data (validated by :mod:`models` on
        load), or ``None`` for the defaults.
    summary
        The plan summary, or ``None`` if not planned.
    scenarios
        Saved scenarios.
    """

    district: DistrictRef
    design_params: DesignParams = field(default_factory=DesignParams)
    catalogue_csv: str = ""
    finance_params: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    scenarios: list[ScenarioRecord] = field(default_factory=list)

    def catalogue(self) -> Catalogue:
        """The cost catalogue (the shipped one if none is stored)."""
        if not self.catalogue_csv:
            return Catalogue.default()
        return Catalogue.from_csv_text(self.catalogue_csv, where="project catalogue")

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        """The project file's content."""
        return {
            "format": PROJECT_FORMAT,
            "version": PROJECT_VERSION,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "saved_by": f"fttx-planner {__version__}",
            "district": self.district.to_json(base),
            "design_params": self.design_params.model_dump(mode="json"),
            "finance_params": _jsonable(self.finance_params),
            "catalogue_csv": self.catalogue_csv or Catalogue.default().to_csv_text(),
            "summary": _jsonable(self.summary),
            "scenarios": [s.to_json(base) for s in self.scenarios],
        }


def save_project(project: Project, path: str | Path) -> Path:
    """Write a project file atomically.

    Parameters
    ----------
    project
        What to save.
    path
        The target file; ``.fttx`` is appended when it has no suffix.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ProjectFileError
        If the file cannot be written; the previous file is then untouched.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(PROJECT_SUFFIX)
    text = json.dumps(project.to_json(path.parent.resolve()), indent=2, allow_nan=False)
    try:
        write_text_atomic(path, text + "\n")
    except OSError as exc:
        msg = f"Cannot save the project to {path}: {exc.strerror or exc}"
        raise ProjectFileError(msg) from exc
    return path


def load_project(path: str | Path, progress: LoadProgress | None = None) -> Project:
    """Read and validate a project file.

    Parameters
    ----------
    path
        A file written by :func:`save_project`.
    progress
        Called with the fraction done and the stage (reading, parsing, each
        part validated); an exception it raises (a cancelled load) stops the
        load and propagates.

    Returns
    -------
    Project
        The project; design parameters and catalogues validated, finance
        parameters validated when :mod:`models` is installed.

    Raises
    ------
    ProjectFileError
        If the file is missing, not a project, corrupt, from a newer
        version, or holds invalid values; the message lists every problem
        (one problem: one line naming the file).
    """
    path = Path(path)
    report = progress or (lambda _f, _s: None)
    report(0.0, "reading")
    text = read_bounded_text(path, "project file", MAX_PROJECT_BYTES, ProjectFileError)
    report(0.1, "parsing")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = (
            f"{path.name} is corrupt or not a project file: it is not valid JSON "
            f"({exc.msg} at line {exc.lineno}, column {exc.colno})."
        )
        raise ProjectFileError(msg) from None
    except RecursionError:
        msg = f"{path.name} is corrupt or not a project file: its JSON is nested too deeply."
        raise ProjectFileError(msg) from None
    if not isinstance(data, dict) or data.get("format") != PROJECT_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        msg = (
            f"{path.name} is not an fttx-planner project "
            f"(format {found!r}, expected {PROJECT_FORMAT!r})."
        )
        raise ProjectFileError(msg)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        msg = f"{path.name} is corrupt: its format version {version!r} is not a positive number."
        raise ProjectFileError(msg)
    if version > PROJECT_VERSION:
        msg = (
            f"{path.name} was saved by a newer version of fttx-planner (project format "
            f"version {version}; this version reads up to {PROJECT_VERSION}). Update "
            "fttx-planner to open it."
        )
        raise ProjectFileError(msg)
    return _project_from_json(data, path.parent.resolve(), path.name, report)


def _project_from_json(
    data: dict[str, Any], base: Path, name: str, report: LoadProgress
) -> Project:
    problems: list[str] = []

    def attempt(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ProjectFileError as exc:
            problems.append(str(exc))
        except ValueError as exc:  # FttxError and the finance module's errors
            problems.append(str(exc))
        return None

    report(0.3, "design parameters and catalogue")
    district = attempt(DistrictRef.from_json, data.get("district"), base, "district")
    params = attempt(_design_params, data.get("design_params", {}), "design_params")
    catalogue_csv = data.get("catalogue_csv") or ""
    if not isinstance(catalogue_csv, str):
        problems.append("catalogue_csv: expected CSV text")
        catalogue_csv = ""
    elif catalogue_csv:
        attempt(Catalogue.from_csv_text, catalogue_csv, "catalogue_csv")
    finance = data.get("finance_params")
    if finance is not None:
        attempt(_check_finance, finance)
    summary = data.get("summary")
    if summary is not None and not isinstance(summary, dict):
        problems.append("summary: expected an object or null")
        summary = None
    scenarios: list[ScenarioRecord] = []
    raw_scenarios = data.get("scenarios", [])
    if not isinstance(raw_scenarios, list):
        problems.append("scenarios: expected a list")
        raw_scenarios = []
    elif len(raw_scenarios) > MAX_SCENARIOS:
        problems.append(
            f"scenarios: {len(raw_scenarios):,} scenarios, more than the {MAX_SCENARIOS} "
            "a project may hold"
        )
        raw_scenarios = []
    n = max(len(raw_scenarios), 1)
    for i, raw in enumerate(raw_scenarios):
        report(0.35 + 0.65 * i / n, f"scenario {i + 1:,} of {n:,}")
        record = attempt(_scenario_from_json, raw, base, f"scenarios[{i}]")
        if record is not None:
            scenarios.append(record)
    if len(problems) == 1:  # one problem, one line
        msg = f"{name}: {' '.join(clip(problems[0], 300).split())}"
        raise ProjectFileError(msg)
    if problems or district is None or params is None:
        shown = [clip(p, 300) for p in problems[:MAX_PROBLEMS_LISTED]]
        if len(problems) > MAX_PROBLEMS_LISTED:
            shown.append(f"and {len(problems) - MAX_PROBLEMS_LISTED} more")
        msg = f"{name} holds invalid values:\n" + "\n".join(f"  - {p}" for p in shown)
        raise ProjectFileError(msg)
    report(1.0, "loaded")
    return Project(
        district=district,
        design_params=params,
        catalogue_csv=catalogue_csv,
        finance_params=finance,
        summary=summary,
        scenarios=scenarios,
    )


def _scenario_from_json(raw: Any, base: Path, where: str) -> ScenarioRecord:
    if not isinstance(raw, dict):
        msg = f"{where}: expected an object"
        raise ProjectFileError(msg)
    scenario_name = raw.get("name")
    if not isinstance(scenario_name, str) or not scenario_name.strip():
        msg = f"{where}: a scenario needs a non-empty 'name'"
        raise ProjectFileError(msg)
    district = DistrictRef.from_json(raw.get("district"), base, f"{where}.district")
    params = _design_params(raw.get("design_params", {}), f"{where}.design_params")
    csv_text = raw.get("catalogue_csv") or ""
    if not isinstance(csv_text, str):
        msg = f"{where}.catalogue_csv: expected CSV text"
        raise ProjectFileError(msg)
    if csv_text:
        Catalogue.from_csv_text(csv_text, where=f"{where}.catalogue_csv")
    summary = raw.get("summary")
    if summary is not None and not isinstance(summary, dict):
        msg = f"{where}.summary: expected an object or null"
        raise ProjectFileError(msg)
    return ScenarioRecord(scenario_name, district, params, csv_text, summary)


def _design_params(raw: Any, where: str) -> DesignParams:
    if not isinstance(raw, dict):
        msg = f"{where}: expected an object of parameters"
        raise ProjectFileError(msg)
    return params_from_dict(raw, where=where)


def _check_finance(raw: Any) -> None:
    if not isinstance(raw, dict):
        msg = "finance_params: expected an object of parameters"
        raise ProjectFileError(msg)
    try:
        from models.params import validate_finance_params
    except ImportError:  # pragma: no cover - the business models are optional
        return
    validate_finance_params(raw)


def _path_json(key: str, path: Path | None, base: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    absolute = Path(os.path.abspath(path))
    out = {key: str(absolute)}
    if base is not None:
        with contextlib.suppress(ValueError):  # another drive on Windows
            out[f"{key}_relative"] = Path(os.path.relpath(absolute, base)).as_posix()
    return out


def _path_from_json(data: dict[str, Any], key: str, base: Path | None) -> Path | None:
    relative = data.get(f"{key}_relative")
    if isinstance(relative, str) and relative and base is not None:
        candidate = (base / relative).resolve()
        if candidate.exists():
            return candidate
    value = data.get(key)
    if isinstance(value, str) and value:
        return Path(value)
    return None


def _jsonable(value: Any) -> Any:
    """Plain JSON data: NumPy scalars to Python, NaN and infinity to ``None``."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, Path):
        return str(value)
    return str(value)
