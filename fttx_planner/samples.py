"""The sample cities: real OSM districts with a scenario file each.

Each sample is a directory ``sample_cities/<slug>/`` of the repository
holding an OSM file and a ``scenario.toml``::

    name = "Balzers, Liechtenstein"
    description = "Village and farmland in the Rhine valley"
    osm = "liechtenstein_balzers.osm.bz2"     # the OSM file, in this directory
    olt = { lon = 9.50032, lat = 47.06465 }   # or olt = "choose"
    deployment = "greenfield"                 # or "brownfield"
    infrastructure = "infrastructure.geojson" # optional, see fttx_planner.network.infra
    notes = "..."
    attribution = "(c) OpenStreetMap contributors, ODbL 1.0"

``sample_cities/`` is found next to the package (the project is installed
editable, or run from a checkout).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fttx_planner._errors import FttxError
from fttx_planner.district import OSM_ATTRIBUTION, District
from fttx_planner.osm.load import ProgressCallback, load_osm
from fttx_planner.osm.projection import to_metric
from fttx_planner.params import Deployment

#: Where the sample cities live: ``sample_cities/`` at the repository root.
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "sample_cities"

#: The sample the README's first command plans: small, fast, a real village.
DEFAULT_SAMPLE = "liechtenstein_balzers"

_REQUIRED_KEYS = ("name", "description", "osm", "olt", "deployment")
_KNOWN_KEYS = frozenset({*_REQUIRED_KEYS, "infrastructure", "notes", "attribution"})


@dataclass(frozen=True)
class Scenario:
    """A sample city's scenario, read from its ``scenario.toml``.

    Parameters
    ----------
    slug
        The directory name, used on the command line (``"dreieich"``).
    name
        Human-readable name of the district.
    description
        One line on what the district is.
    osm_path
        The OSM file.
    olt_lonlat
        Suggested OLT / central-office location (WGS84), or ``None`` to let
        the planner choose.
    deployment
        Greenfield or brownfield.
    infrastructure_path
        The existing-infrastructure layer, or ``None``.
    notes
        Free text: what the sample shows, caveats.
    attribution
        Data attribution to show with any map or export.
    """

    slug: str
    name: str
    description: str
    osm_path: Path
    olt_lonlat: tuple[float, float] | None
    deployment: Deployment
    infrastructure_path: Path | None = None
    notes: str = ""
    attribution: str = OSM_ATTRIBUTION

    def olt_xy(self, crs: str) -> tuple[float, float] | None:
        """The OLT location projected to ``crs`` (metres), or ``None``."""
        if self.olt_lonlat is None:
            return None
        x_m, y_m = to_metric(crs).transform(*self.olt_lonlat)
        return (float(x_m), float(y_m))


def list_samples() -> list[Scenario]:
    """Return the scenarios of all sample cities, sorted by slug.

    Examples
    --------
    >>> DEFAULT_SAMPLE in [s.slug for s in list_samples()]
    True
    """
    return [read_scenario(path) for path in _scenario_files()]


def sample_slugs() -> list[str]:
    """Return the slugs of all sample cities, sorted."""
    return [path.parent.name for path in _scenario_files()]


def get_scenario(slug: str) -> Scenario:
    """Return the scenario of the sample city ``slug``.

    Raises
    ------
    FttxError
        If there is no such sample; the message lists the known slugs.

    Examples
    --------
    >>> get_scenario("dreieich").deployment.value
    'greenfield'
    """
    path = SAMPLES_DIR / slug / "scenario.toml"
    if "/" in slug or "\\" in slug or not path.is_file():
        msg = f"Unknown sample city {slug!r}; known samples: {', '.join(sample_slugs())}"
        raise FttxError(msg)
    return read_scenario(path)


def load_sample(slug: str, progress: ProgressCallback | None = None) -> District:
    """Load the sample city ``slug``, with the OLT location of its scenario.

    Parameters
    ----------
    slug
        A sample slug (see :func:`list_samples`).
    progress
        Called as ``progress(fraction, stage)``.

    Returns
    -------
    District
        The district, named after the scenario, ``olt_xy`` set when the
        scenario gives an OLT location.
    """
    scenario = get_scenario(slug)
    district = load_osm(scenario.osm_path, name=scenario.name, progress=progress)
    district.olt_xy = scenario.olt_xy(district.crs)
    district.attribution = scenario.attribution
    return district


def resolve_district(
    arg: str, progress: ProgressCallback | None = None
) -> tuple[District, Scenario | None]:
    """Load a district named on the command line: a sample slug or an OSM file.

    An existing file wins over a sample of the same name.

    Parameters
    ----------
    arg
        A sample slug (``"dreieich"``) or the path of an OSM file.
    progress
        Called as ``progress(fraction, stage)``.

    Returns
    -------
    tuple of District and Scenario or None
        The district, and the scenario when ``arg`` is a sample.

    Raises
    ------
    FttxError
        If ``arg`` is neither an existing file nor a sample slug.
    """
    path = Path(arg).expanduser()
    if path.is_file():
        return load_osm(path, progress=progress), None
    slugs = sample_slugs()
    if arg in slugs:
        return load_sample(arg, progress=progress), get_scenario(arg)
    msg = f"{arg!r} is neither an OSM file nor a sample city; known samples: {', '.join(slugs)}"
    raise FttxError(msg)


def read_scenario(path: Path) -> Scenario:
    """Read and validate a ``scenario.toml``; the slug is its directory's name.

    Raises
    ------
    FttxError
        Naming the file and listing every problem found.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"Cannot read scenario file {path}: {exc}"
        raise FttxError(msg) from exc
    problems = [f"missing key {key!r}" for key in _REQUIRED_KEYS if key not in data]
    problems += [f"unknown key {key!r}" for key in sorted(set(data) - _KNOWN_KEYS)]
    directory = path.parent
    osm_path = directory / str(data.get("osm", ""))
    if "osm" in data and not osm_path.is_file():
        problems.append(f"OSM file {osm_path.name!r} not found")
    infrastructure = data.get("infrastructure")
    infrastructure_path = directory / str(infrastructure) if infrastructure else None
    if infrastructure_path is not None and not infrastructure_path.is_file():
        problems.append(f"infrastructure file {infrastructure_path.name!r} not found")
    olt, olt_problem = _parse_olt(data.get("olt", "choose"))
    problems += [olt_problem] if olt_problem else []
    deployment = str(data.get("deployment", "greenfield"))
    known = [d.value for d in Deployment]
    if deployment not in known:
        problems.append(f"deployment {deployment!r} is not one of {', '.join(known)}")
    if problems:
        msg = f"Invalid scenario file {path}: " + "; ".join(problems)
        raise FttxError(msg)
    return Scenario(
        slug=directory.name,
        name=str(data["name"]),
        description=str(data["description"]),
        osm_path=osm_path,
        olt_lonlat=olt,
        deployment=Deployment(deployment),
        infrastructure_path=infrastructure_path,
        notes=" ".join(str(data.get("notes", "")).split()),
        attribution=str(data.get("attribution", OSM_ATTRIBUTION)),
    )


def _parse_olt(value: Any) -> tuple[tuple[float, float] | None, str]:
    """Parse ``olt``: ``"choose"`` or ``{lon=..., lat=...}``; return (lon/lat, problem)."""
    if value == "choose":
        return None, ""
    if isinstance(value, dict) and set(value) == {"lon", "lat"}:
        lon, lat = value["lon"], value["lat"]
        if (
            isinstance(lon, int | float)
            and isinstance(lat, int | float)
            and -180.0 <= lon <= 180.0
            and -90.0 <= lat <= 90.0
        ):
            return (float(lon), float(lat)), ""
    return None, f'olt must be "choose" or {{lon = <degrees>, lat = <degrees>}}, got {value!r}'


def _scenario_files() -> list[Path]:
    """The ``scenario.toml`` files of all samples, sorted by slug."""
    if not SAMPLES_DIR.is_dir():
        msg = (
            f"Sample cities not found at {SAMPLES_DIR}: install the project editable "
            "(pip install -e .) or run it from a checkout"
        )
        raise FttxError(msg)
    return sorted(SAMPLES_DIR.glob("*/scenario.toml"))
