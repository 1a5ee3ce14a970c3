"""Checks a field engineer makes on a plan's exported files: is the design buildable?

:func:`ground_checks` reads the GeoJSON layers of a plan directory (nothing
else) and measures what a crew would reject:

* taps in a tunnel or a covered way (a drop's street end on a tunnel street
  and on no street at ground level);
* drops of zero length;
* drops through another building (the drop's part off the trench, from its
  tap to the entry, straight or along a footway, crossing a footprint other
  than the building's own);
* drops across a barrier (railway, river, canal, water, motorway);
* how many drops follow a footway (their part off the trench bends), and
  how long the drops are: the mean and longest whole drop (from its
  distribution point) and the longest part off the trench;
* closures and distribution points on the map against the bill of materials.

The figures for the sample cities are in ``docs/quality.md``.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from fttx_planner.costing.bom import CABINET_MIN_SPLITTERS

#: A tap within this of a street is on it (m; exports round to 7 decimals, ~1 cm).
ON_STREET_M = 0.05


@dataclass(frozen=True)
class GroundChecks:
    """What :func:`ground_checks` measured on one plan."""

    drops: int
    taps_in_tunnels: int
    zero_length_drops: int
    drops_through_buildings: int
    drops_across_barriers: int
    closures_on_map: int
    closures_in_bom: int
    fdps_on_map: int
    fdps_in_bom: int
    drops_along_paths: int = 0
    mean_drop_m: float = 0.0
    longest_drop_m: float = 0.0
    longest_off_trench_m: float = 0.0

    @property
    def share_through_buildings(self) -> float:
        """Share of drops that cross another building."""
        return self.drops_through_buildings / self.drops if self.drops else 0.0

    def as_dict(self) -> dict[str, float]:
        """The figures, with the share, for printing."""
        out: dict[str, float] = dict(asdict(self))
        out["share_through_buildings"] = round(self.share_through_buildings, 4)
        return out


def _layer(folder: Path, name: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(folder / "geojson" / f"{name}.geojson")
    return frame.to_crs(frame.estimate_utm_crs()) if len(frame) else frame


def ground_checks(folder: Path) -> GroundChecks:
    """Measure a plan directory written by ``fttx-planner plan``."""
    folder = Path(folder)
    drops = _layer(folder, "drops")
    utm = drops.crs
    streets = _layer(folder, "streets").to_crs(utm)
    buildings = _layer(folder, "buildings").to_crs(utm)
    barriers = _layer(folder, "barriers")
    barriers = barriers.to_crs(utm) if len(barriers) else barriers

    geoms = np.asarray(drops.geometry.values, dtype=object)
    trenches = _layer(folder, "trenches").to_crs(utm)
    # The drop's part off the trench: from its tap to the entry.
    last = _off_trench(geoms, np.asarray(trenches.geometry.values, dtype=object))
    fibre = streets[streets["carries_fibre"]]
    tap = shapely.get_point(last, 0) if len(last) else np.zeros(0, dtype=object)
    ground = fibre[fibre["structure"] == ""]
    under = fibre[fibre["structure"].isin(["tunnel", "covered"])]
    in_tunnel = 0
    if len(under) and len(tap):
        near_under = shapely.STRtree(under.geometry.values).query(
            tap, predicate="dwithin", distance=ON_STREET_M
        )[0]
        near_ground = shapely.STRtree(ground.geometry.values).query(
            tap, predicate="dwithin", distance=ON_STREET_M
        )[0]
        in_tunnel = len(np.setdiff1d(np.unique(near_under), np.unique(near_ground)))

    zero = int((shapely.length(geoms) <= 0.0).sum()) if len(geoms) else 0

    through = 0
    if len(last):
        own = drops["building_osm_id"].to_numpy()
        ids = buildings["osm_id"].to_numpy()
        s, b = shapely.STRtree(buildings.geometry.values).query(last, predicate="crosses")
        other = ids[b] != own[s]
        through = len(np.unique(s[other]))

    across = 0
    if len(barriers) and len(geoms):
        across = len(
            np.unique(
                shapely.STRtree(barriers.geometry.values).query(last, predicate="intersects")[0]
            )
        )

    bom = _bom_counts(folder / "bom.csv")
    closures = _optional(folder, "closures")
    fdps = _optional(folder, "fdps")
    return GroundChecks(
        drops=len(drops),
        taps_in_tunnels=in_tunnel,
        zero_length_drops=zero,
        drops_through_buildings=through,
        drops_across_barriers=across,
        closures_on_map=len(closures),
        closures_in_bom=_closures_in_bom(bom, folder),
        fdps_on_map=len(fdps),
        fdps_in_bom=int(bom.get("fdp", 0)),
        drops_along_paths=int((shapely.get_num_coordinates(last) > 2).sum()) if len(last) else 0,
        mean_drop_m=float(shapely.length(geoms).mean()) if len(geoms) else 0.0,
        longest_drop_m=float(shapely.length(geoms).max(initial=0.0)),
        longest_off_trench_m=float(shapely.length(last).max(initial=0.0)),
    )


def _off_trench(drops: np.ndarray, trenches: np.ndarray) -> np.ndarray:
    """Each drop from its last vertex on a trench (its tap) to its end (the entry).

    A drop runs along the trench to its tap (every tap is on the trench
    tree), then straight or along a footway to the entry; the entry itself
    is never taken for the tap.
    """
    if len(drops) == 0:
        return np.zeros(0, dtype=object)
    coords, owner = shapely.get_coordinates(drops, return_index=True)
    on = np.zeros(len(coords), dtype=bool)
    if len(trenches):
        hit = shapely.STRtree(trenches).query(
            shapely.points(coords), predicate="dwithin", distance=ON_STREET_M
        )[0]
        on[hit] = True
    last = np.ones(len(coords), dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    on[last] = False
    first = np.searchsorted(owner, np.arange(len(drops)))
    end = np.searchsorted(owner, np.arange(len(drops)), side="right")
    # The tap: the last vertex on a trench before the end, else the second-last vertex.
    idx = np.where(on, np.arange(len(coords)), -1)
    tap = np.maximum.reduceat(idx, first)
    tap = np.where(tap >= first, tap, end - 2)
    return np.asarray(
        [shapely.LineString(coords[a:b]) for a, b in zip(tap.tolist(), end.tolist(), strict=True)],
        dtype=object,
    )


def _optional(folder: Path, name: str) -> gpd.GeoDataFrame:
    """A layer that plans made before joints existed do not have (then empty)."""
    path = folder / "geojson" / f"{name}.geojson"
    return gpd.read_file(path) if path.exists() else gpd.GeoDataFrame()


def _bom_counts(path: Path) -> dict[str, float]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["item"]: float(row["quantity"]) for row in csv.DictReader(fh)}


def _closures_in_bom(bom: dict[str, float], folder: Path) -> int:
    """Joint closures in the BOM: all splice closures less those at splitter sites."""
    with (folder / "splitters.csv").open(newline="", encoding="utf-8") as fh:
        sites = Counter((r["x"], r["y"]) for r in csv.DictReader(fh))
    site_closures = sum(1 for n in sites.values() if n < CABINET_MIN_SPLITTERS)
    return int(bom.get("splice_closure", 0)) - site_closures
