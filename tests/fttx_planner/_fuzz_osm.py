"""Seeded mutations of small OSM XML files, and a loader run in a child process.

:func:`mutated_cases` yields ``(description, file name, bytes)``; :func:`load_outcome`
loads one file and says how it ended, so a test can run it in a process it can kill
(a hang inside libosmium's C++ cannot be interrupted from Python).
"""

from __future__ import annotations

import bz2
import gzip
import random
import re
import resource
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

#: Values tried in place of an attribute: what the parser refuses, what it takes
#: but no place has, numbers at the edge of their types, long and odd text.
BAD_VALUES = (
    "nan", "NaN", "inf", "-inf", "999", "-999", "47,06", "", " ", "abc", "1e400", "1e-400",
    "-0", "0x10", "+5", "99999999999999999999", "-9223372036854775809", "9223372036854775807",
    "1" * 40, "x" * 300, "\u00e9\u00e8\u4e2d", "&amp;", "&#0;", "1.2.3", "--1", "180.0000001",
    "90.5", "-180", "1;2", "null",
)  # fmt: skip
#: Tags added to a building with absurd or odd values.
ODD_TAGS = (
    ("building:levels", ("1e9", "1000000000", "-5", "NaN", "3;999999999", "0", "2,5")),
    ("building:flats", ("1000000000000", "999999", "-1", "many", "1e12", "12")),
    ("addr:flats", ("1-999;1-999;1-999;1-999;1-999", "1-1000000", "a-b", "5-1")),
    ("height", ("1e308", "99999999", "-1", "12 m", "inf")),
    ("roof:levels", ("1e6", "2", "-3")),
    ("building", ("no", "", "yes", "x" * 250)),
    ("highway", ("motorway", "residential", "x" * 200)),
)
#: Attributes whose values are mutated.
_ATTRIBUTE = re.compile(r'\b(lat|lon|id|ref|version|k|v)="([^"]*)"')
#: Bytes inserted as garbage.
_GARBAGE = ("\x00", "<", ">", "&", '"', "</osm>", "<node id='1'>", "\ufffd", "]]>", "<!--")


def _grid(ids: list[int]) -> dict[int, tuple[float, float]]:
    return {i: (9.5 + 1e-4 * (i % 100), 47.06 + 1e-4 * (i // 100)) for i in ids}


def _xml(
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
    relations: Sequence[tuple[int, list[tuple[int, str]], dict[str, str]]] = (),
) -> str:
    def tags(t: dict[str, str]) -> str:
        return "".join(f'\n    <tag k="{k}" v="{v}"/>' for k, v in t.items())

    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="fuzz">']
    out += [f'  <node id="{i}" version="1" lat="{y}" lon="{x}"/>' for i, (x, y) in nodes.items()]
    for way_id, refs, way_tags in ways:
        nds = "".join(f'\n    <nd ref="{r}"/>' for r in refs)
        out.append(f'  <way id="{way_id}" version="1">{nds}{tags(way_tags)}\n  </way>')
    for rel_id, members, rel_tags in relations:
        mem = "".join(f'\n    <member type="way" ref="{r}" role="{role}"/>' for r, role in members)
        out.append(f'  <relation id="{rel_id}" version="1">{mem}{tags(rel_tags)}\n  </relation>')
    out.append("</osm>")
    return "\n".join(out) + "\n"


def base_documents() -> list[str]:
    """Three small valid districts: one street, a street grid, a multipolygon building."""
    house = [4900, 4902, 4702, 4700, 4900]
    one = _xml(
        _grid([5000, 5001, 5002, *house[:4]]),
        [(1, [5000, 5001, 5002], {"highway": "residential"}), (9, house, {"building": "house"})],
    )
    street_ids = [5000 + c for c in range(6)] + [5200 + c for c in range(6)] + [5100, 5105]
    houses = [[4800 + c, 4801 + c, 4701 + c, 4700 + c, 4800 + c] for c in (0, 2, 4)]
    grid = _xml(
        _grid(sorted({*street_ids, *(i for h in houses for i in h)})),
        [
            (1, [5000 + c for c in range(6)], {"highway": "residential", "name": "Main"}),
            (2, [5200 + c for c in range(6)], {"highway": "service"}),
            (3, [5000, 5100, 5200], {"highway": "footway", "bridge": "yes"}),
            (4, [5005, 5105, 5205], {"highway": "tertiary"}),
        ]
        + [
            (10 + k, h, {"building": "apartments", "building:levels": "4", "addr:flats": "1-8"})
            for k, h in enumerate(houses)
        ],
    )
    outer, inner = [4800, 4804, 4404, 4400, 4800], [4701, 4703, 4503, 4501, 4701]
    multi = _xml(
        _grid([5000, 5001, 5002, *outer[:4], *inner[:4]]),
        [(1, [5000, 5001, 5002], {"highway": "living_street"}), (20, outer, {}), (21, inner, {})],
        [(30, [(20, "outer"), (21, "inner")], {"type": "multipolygon", "building": "school"})],
    )
    return [one, grid, multi]


def _mutate(rng: random.Random, text: str) -> tuple[str, str]:
    """One mutation of ``text`` and its description."""
    kind = rng.choice(
        ("value", "value", "value", "tag", "tag", "truncate", "delete", "garbage", "duplicate",
         "swap", "entity", "close")
    )  # fmt: skip
    if kind == "value":
        spots = list(_ATTRIBUTE.finditer(text))
        if not spots:
            return text + rng.choice(_GARBAGE), "garbage appended"
        spot = rng.choice(spots)
        value = rng.choice(BAD_VALUES)
        new = f'{spot.group(1)}="{value}"'
        described = f"{spot.group(1)}={value[:20]!r} (was {spot.group(2)[:20]!r})"
        return text[: spot.start()] + new + text[spot.end() :], described
    if kind == "tag":
        key, values = rng.choice(ODD_TAGS)
        value = rng.choice(values)
        ways = [m.end() for m in re.finditer(r'<way id="\d+" version="1">', text)]
        at = rng.choice(ways) if ways else len(text)
        return text[:at] + f'<tag k="{key}" v="{value}"/>' + text[at:], f"tag {key}={value[:20]!r}"
    if kind == "truncate":
        at = rng.randrange(len(text))
        return text[:at], f"truncated at {at} of {len(text)}"
    if kind == "delete":
        at = rng.randrange(len(text))
        n = rng.randint(1, 50)
        return text[:at] + text[at + n :], f"{n} characters deleted at {at}"
    if kind == "garbage":
        at = rng.randrange(len(text))
        junk = rng.choice(_GARBAGE)
        return text[:at] + junk + text[at:], f"{junk!r} inserted at {at}"
    lines = text.splitlines(keepends=True)
    if kind in ("duplicate", "swap") and len(lines) < 5:
        return text[: len(text) // 2], "cut in half"
    if kind == "duplicate":
        i = rng.randrange(2, len(lines) - 1)
        return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]]), f"line {i + 1} repeated"
    if kind == "swap":
        i, j = sorted(rng.sample(range(2, len(lines) - 1), 2))
        lines[i], lines[j] = lines[j], lines[i]
        return "".join(lines), f"lines {i + 1} and {j + 1} swapped"
    if kind == "entity":
        laughs = '<!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8)
        )
        head, _, rest = text.partition("\n")
        body = rest.replace('v="residential"', 'v="&i;"', 1)
        return f"{head}\n{laughs}]>\n{body}", "entity expansion (billion laughs)"
    closers = [m.start() for m in re.finditer(r"</way>|</relation>|/>", text)]
    if not closers:
        return text[:-2], "last two characters cut"
    at = rng.choice(closers)
    return text[:at] + text[at + 2 :], f"tag not closed at {at}"


def mutated_cases(seed: int, n: int) -> Iterator[tuple[str, str, bytes]]:
    """``n`` seeded cases ``(description, file name, content)``: 1-3 mutations of a base
    document, written as ``.osm``, ``.osm.gz`` or ``.osm.bz2`` (a few compressed
    streams have a byte flipped)."""
    rng = random.Random(seed)
    bases = base_documents()
    for case in range(n):
        text = rng.choice(bases)
        steps = []
        for _ in range(rng.randint(1, 3)):
            if len(text) < 10:
                break
            text, described = _mutate(rng, text)
            steps.append(described)
        data = text.encode("utf-8", errors="surrogatepass")
        ending = rng.choice((".osm", ".osm", ".osm", ".osm.gz", ".osm.bz2"))
        if ending == ".osm.gz":
            data = gzip.compress(data)
        elif ending == ".osm.bz2":
            data = bz2.compress(data)
        if ending != ".osm" and rng.random() < 0.2 and len(data) > 20:
            at = rng.randrange(10, len(data))
            data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
            steps.append(f"byte {at} of the compressed stream flipped")
        yield "; ".join(steps), f"case{case:03d}{ending}", data


def limit_memory(megabytes: int) -> None:
    """Pool initializer: cap the child's address space, so exhaustion is a MemoryError."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def load_outcome(path: str) -> tuple[str, str]:
    """Load one file: ``("loaded", summary)``, ``("refused", message)`` or
    ``("traceback", formatted traceback)``."""
    from fttx_planner._errors import FttxError
    from fttx_planner.osm.load import load_osm

    try:
        district = load_osm(Path(path))
    except FttxError as exc:
        return "refused", str(exc)
    except BaseException:  # the point of the test: nothing else may escape
        return "traceback", traceback.format_exc()
    return "loaded", f"{len(district.buildings)} buildings, {district.streets.n_edges} edges"
