"""The app's map colours without Qt, for the styles written with the exports.

The window's map takes its colours from here too (``ui/map_style.py``), so
a plan opened in QGIS or Google Earth looks like it does in the app. Buildings and
last-stage splitters take the colour of their splitter group; neighbouring
groups get different colours (:func:`splitter_colour_groups`, the rule the
window uses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

BACKGROUND = "#f6f5f1"
#: Building fills by splitter group: light, distinct, colour-blind friendly
#: pastels (after ColorBrewer Set3 and Okabe-Ito).
GROUP_FILLS = (
    "#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3",
    "#b3de69", "#fccde5", "#ffd92f", "#bc80bd", "#ccebc5",
)  # fmt: skip
UNSERVED_FILL = "#d9d9d9"
UNSERVED_EDGE = "#d7191c"
STREET_MAJOR = "#c9c6bd"
STREET_MINOR = "#d8d5cc"
STREET_PATH = "#dedbd3"
FEEDER = "#c2185b"
DISTRIBUTION = "#1565c0"
DROP = "#5f6b73"
TRENCH_NEW = "#f3d9a4"
TRENCH_DUCT = "#a5d6a7"
TRENCH_AERIAL = "#b39ddb"
OLT_FILL = "#212121"
SPLITTER_EDGE = "#263238"
SPLITTER_STAGE1 = "#ffffff"
#: Ground that drops do not cross (barriers), after OpenStreetMap Carto's water.
WATER_FILL = "#aad3df"
WATERWAY = "#7fb3d5"
RAILWAY = "#8c8c8c"
MOTORWAY = "#e8a07c"
#: Splice closures (joints): dark, small, under the splitters.
CLOSURE_FILL = "#37474f"
#: Road crossings (bored or cut across a main road) and their far-side trenches.
CROSSING = "#b2182b"
#: Barrier crossings (a bore under a railway, river or motorway).
BARRIER_CROSSING = "#542788"
#: Lines, fills and points of layers without a style of their own.
DEFAULT_LINE = "#607d8b"
DEFAULT_FILL = "#cfd8dc"

#: Street classes drawn wider / thinner (OSM ``highway`` values).
MAJOR_HIGHWAYS = (
    "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
    "trunk", "trunk_link", "motorway", "motorway_link",
)  # fmt: skip
PATH_HIGHWAYS = ("footway", "path", "cycleway", "steps", "bridleway", "track")

#: Cable line width in screen pixels by the fibres it holds (the app's widths).
CABLE_WIDTHS_PX = ((12, 1.6), (24, 2.0), (48, 2.6), (96, 3.4), (144, 4.2), (288, 5.2))
#: Width of cables holding more than the largest size (several cables side by side).
CABLE_WIDTH_MAX_PX = 6.4
#: Millimetres per screen pixel at 96 dpi, for styles measured in mm (QGIS).
MM_PER_PX = 25.4 / 96


def darker(colour: str, percent: int = 145) -> str:
    """``colour`` darkened like Qt's ``QColor.darker(percent)`` (value divided by percent/100).

    Examples
    --------
    >>> darker("#8dd3c7")
    '#619189'
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    hi = max(r, g, b)
    if hi == 0:
        return colour
    # HSV value divided, hue and saturation kept: every channel scales alike.
    scale = (hi * 100 // percent) / hi
    out = (round(c * scale) for c in (r, g, b))
    return "#" + "".join(f"{c:02x}" for c in out)


def splitter_colour_groups(buildings: pd.DataFrame) -> dict[int, int]:
    """A colour index (into :data:`GROUP_FILLS`) per splitter, unlike its neighbours'.

    Parameters
    ----------
    buildings
        The ``buildings`` map layer (``served``, ``splitter_id``, ``geometry``).

    Returns
    -------
    dict
        Splitter id to colour index; each group avoids the colours of its
        eight nearest groups (by centre), least-used colour first.
    """
    served = buildings.loc[buildings["served"] & (buildings["splitter_id"] >= 0)]
    if not len(served):
        return {}
    xy = shapely.get_coordinates(shapely.centroid(np.asarray(served.geometry.values)))
    ids = served["splitter_id"].to_numpy().astype(np.int64)
    uniq, inverse = np.unique(ids, return_inverse=True)
    counts = np.bincount(inverse)
    centres = np.column_stack(
        [
            np.bincount(inverse, weights=xy[:, 0]) / counts,
            np.bincount(inverse, weights=xy[:, 1]) / counts,
        ]
    )
    n_colours = len(GROUP_FILLS)
    _, near = cKDTree(centres).query(centres, k=min(8, len(uniq)))
    near = np.atleast_2d(near)
    colours = np.full(len(uniq), -1, dtype=np.int64)
    used = np.zeros(n_colours, dtype=np.int64)
    for i in range(len(uniq)):
        taken = {int(colours[j]) for j in near[i].tolist() if j != i and colours[j] >= 0}
        pool = [c for c in range(n_colours) if c not in taken] or list(range(n_colours))
        c = min(pool, key=lambda c: (used[c], c))
        colours[i] = c
        used[c] += 1
    return {int(u): int(c) for u, c in zip(uniq.tolist(), colours.tolist(), strict=True)}


def cable_width_px(capacity_fibres: int) -> float:
    """Screen width of a cable by the fibres it holds, as the app draws it."""
    for size, width in CABLE_WIDTHS_PX:
        if capacity_fibres <= size:
            return width
    return CABLE_WIDTH_MAX_PX
