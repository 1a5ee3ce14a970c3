"""Plan files: GeoJSON per layer, a styled GeoPackage with a QGIS project, KMZ, CSVs, JSON.

All files are written atomically (:mod:`fttx_planner.export.atomic`): to a
temporary file beside the target, then renamed over it, so a crash never
leaves a half-written file; :func:`write_all` writes the whole set into a
staging folder and swaps it in at the end, so it never leaves a mixed set.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fttx_planner._errors import FttxError
from fttx_planner.export.atomic import output_set, write_text_atomic
from fttx_planner.export.field_kml import write_field_kmz
from fttx_planner.export.geojson import write_geojson
from fttx_planner.export.geopackage import detail_tables, write_geopackage
from fttx_planner.export.kml import write_kml
from fttx_planner.export.layers import plan_layers
from fttx_planner.export.ofds import write_ofds
from fttx_planner.plan import Plan


def write_summary(plan: Plan, target: Path) -> Path:
    """The summary JSON (see docs/architecture.md)."""
    write_text_atomic(target, json.dumps(plan.summary(), indent=2, default=_json_default))
    return target


def write_bom_csv(plan: Plan, target: Path) -> Path:
    """The bill of materials as CSV."""
    write_text_atomic(target, plan.bom.to_csv(index=False))
    return target


#: Files :func:`write_all` writes in its folder (``geojson/`` holds one file per layer;
#: ``detail/``, ``ofds/`` and ``field.kmz`` come with the detailed design).
OUTPUT_FILES = (
    "geojson/", "plan.gpkg", "plan.qgz", "plan.kmz", "bom.csv", "splitters.csv", "summary.json",
    "detail/", "ofds/", "field.kmz",
)  # fmt: skip


def write_all(
    plan: Plan,
    out_dir: str | Path,
    progress: Callable[[float, str], None] | None = None,
    with_detail: bool = True,
    detail_params: str | Path | None = None,
    note: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write every output of a plan into ``out_dir``; return the files written.

    ``geojson/<layer>.geojson`` (RFC 7946), ``plan.gpkg`` (GeoPackage 1.2
    with QGIS styles) and ``plan.qgz`` (QGIS project), ``plan.kmz`` (Google
    Earth), ``bom.csv``, ``splitters.csv`` and ``summary.json``. With the
    detailed design (``with_detail``, :mod:`fttx_planner.detail`): its
    tables in ``detail/``, its names on the layers, the layers ``sites`` and
    ``fibre_cables``, its connectivity and splice schedule as tables of the
    GeoPackage, the Open Fibre Data Standard export in ``ofds/`` and
    ``field.kmz`` for field crews. The set is written into a hidden staging
    folder and swapped in whole
    (:func:`~fttx_planner.export.atomic.output_set`): a failure half-way
    leaves the previous set as it was; other files in ``out_dir`` are kept.

    Parameters
    ----------
    with_detail
        Make and write the detailed design. A plan the detail cannot take
        gets the other outputs and a one-line ``note`` why.
    detail_params
        Parameter file whose ``[detail]`` and ``[naming]`` sections set the
        detail (``None``: the defaults).
    note
        Receives that one-line note (default: printed to stderr).

    Raises
    ------
    OutputError
        ``out_dir`` is a file or cannot be written, or an OS error (disk
        full...) occurred; nothing of the previous set has changed then.
    """
    out = Path(out_dir)
    step = progress or (lambda f, s: None)
    title = f"{plan.district.name}: FTTH plan"
    credit = plan.district.attribution
    detail = None
    if with_detail:
        step(0.0, "detailed design")
        detail = _detail_of(plan, detail_params, note)
    with output_set(out, OUTPUT_FILES) as stage:
        step(0.2, "layers")
        layers = plan_layers(plan, wgs84=True, detail=detail)
        step(0.3, "GeoJSON")
        paths = write_geojson(layers, stage / "geojson")
        step(0.5, "GeoPackage")
        tables = detail_tables(detail) if detail is not None else None
        gpkg = write_geopackage(
            layers, stage / "plan.gpkg", credit, title, crs=plan.district.crs, tables=tables
        )
        paths += [gpkg, stage / "plan.qgz"]
        step(0.75, "KMZ")
        paths.append(write_kml(layers, stage / "plan.kmz", title, credit))
        if detail is not None:
            from fttx_planner.detail.files import write_detail

            step(0.8, "detail, OFDS, field KMZ")
            paths += write_detail(detail, stage)
            paths += write_ofds(plan, detail, layers, stage / "ofds")
            paths.append(write_field_kmz(layers, detail, stage / "field.kmz", title, credit))
        step(0.9, "tables")
        paths.append(write_bom_csv(plan, stage / "bom.csv"))
        paths.append(write_summary(plan, stage / "summary.json"))
        sp = plan.splitters.drop(columns=["node"])
        write_text_atomic(stage / "splitters.csv", sp.to_csv(index=False))
        paths.append(stage / "splitters.csv")
    step(1.0, "done")
    return [out / p.relative_to(stage) for p in paths]


def _detail_of(plan: Plan, params: str | Path | None, note: Callable[[str], None] | None) -> Any:
    """The plan's detailed design, or ``None`` with a one-line note why it has none."""
    from fttx_planner.detail.errors import NamingError
    from fttx_planner.detail.model import build_detail
    from fttx_planner.detail.settings import load_detail_params

    settings, naming = load_detail_params(params)
    try:
        return build_detail(plan, settings, naming)
    except NamingError:
        raise  # the user's [naming] templates: an error, not a note
    except FttxError as exc:
        text = f"note: no fibre-level detail: {exc}"
        if note is None:
            print(text, file=sys.stderr)
        else:
            note(text)
        return None


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    msg = f"Not JSON serialisable: {type(obj).__name__}"
    raise TypeError(msg)
