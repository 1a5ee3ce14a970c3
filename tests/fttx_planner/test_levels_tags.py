"""``building:levels`` and ``roof:levels`` tags (issue 16): scientific notation read as the
number it is, values that are not one number ignored with a warning, never their first digits."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from fttx_planner.osm._geometry import parse_levels, parse_number
from fttx_planner.osm.load import load_osm

from .test_osm_load import node_grid, osm_xml

#: building:levels of each house (way 900 + index) and what it must read as (NaN: ignored).
LEVELS = [
    ("4", 4.0),
    ("2,5", 2.5),
    ("1E1", 10.0),
    ("1e9", math.nan),  # a billion levels: absurd (was read as 1)
    ("1e3", math.nan),  # a thousand: absurd (was 1)
    ("12e", math.nan),  # a broken exponent (was 12)
    ("3;4", math.nan),  # two values (was 3)
    ("3 floors", math.nan),
]


def _district(tmp_path: Path, extra: dict[int, dict[str, str]] | None = None) -> Path:
    """A street and one house per entry of :data:`LEVELS`, 40 m apart along it."""
    nodes = node_grid([4900, 4920, 4940])
    ways: list[tuple[int, list[int], dict[str, str]]] = [
        (1, [4900, 4920, 4940], {"highway": "residential"})
    ]
    for j, (value, _) in enumerate(LEVELS):
        b = 5000 + 4 * j
        nodes |= node_grid([b, b + 2, b + 202, b + 200])
        tags = {"building": "house", "building:levels": value, **(extra or {}).get(j, {})}
        ways.append((900 + j, [b, b + 2, b + 202, b + 200, b], tags))
    path = tmp_path / "levels.osm"
    path.write_text(osm_xml(nodes, ways), encoding="utf-8")
    return path


def test_levels_are_read_whole_or_ignored_with_a_warning(tmp_path: Path) -> None:
    district = load_osm(_district(tmp_path, {0: {"roof:levels": "1;2"}, 1: {"height": "1e9"}}))
    buildings = district.buildings
    read = dict(zip(buildings.osm_id.tolist(), buildings.levels.tolist(), strict=True))
    expected = {900 + j: want for j, (_, want) in enumerate(LEVELS)}
    assert read.keys() == expected.keys()
    for osm_id, want in expected.items():
        if math.isnan(want):
            assert math.isnan(read[osm_id]), (osm_id, read[osm_id])
        else:
            assert read[osm_id] == want
    assert np.isnan(buildings.column("roof_levels")).all()
    assert np.isnan(buildings.column("height_m")).all()  # 1e9 m: absurd (was read as 1 m)
    assert district.warnings == [
        "3 buildings tagged building:levels with a value that is not one number "
        "(e.g. way 905: '12e'): ignored",
        "1 buildings tagged roof:levels with a value that is not one number "
        "(e.g. way 900: '1;2'): ignored",
        "2 buildings tagged building:levels above 200 (e.g. way 903: 1e+09): ignored",
        "1 buildings tagged height above 1000 (e.g. way 901: 1e+09): ignored",
    ]


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("3", 3.0),
        (" 3 ", 3.0),
        ("+3", 3.0),
        ("2.5", 2.5),
        ("2,5", 2.5),
        ("1e9", 1e9),
        ("1E-1", 0.1),
        ("", math.nan),
        ("3;4", math.nan),
        ("3-4", math.nan),
        ("12e", math.nan),
        ("e3", math.nan),
        ("-1", math.nan),
        ("three", math.nan),
        ("3" * 255, float("3" * 255)),
    ],
)
def test_parse_levels_takes_one_number_or_nothing(text: str, levels: float) -> None:
    got = parse_levels(text)
    assert got == levels or (math.isnan(got) and math.isnan(levels))


def test_height_keeps_its_unit_and_reads_the_exponent() -> None:
    assert parse_number("12 m") == 12.0
    assert parse_number("1e3") == 1000.0
    assert parse_number("12e") == 12.0  # a height's unit may follow: the number is read
