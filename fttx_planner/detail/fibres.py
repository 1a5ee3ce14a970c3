"""Circuits, cable sections and the fibre each circuit takes in each cable.

A *circuit* is one fibre path between two devices: an OLT port to a
first-stage splitter (feeder), a first-stage output to a second-stage
splitter, or a last-stage output to a premise unit's drop (distribution).
It runs down the trench tree from its top node to its bottom node.

A *section* is one run of cable (one or more cables laid together, the
plan's sizes for the edge): it goes on uncut through a node into the child
edge with the same sizes that carries most fibres (or, unless cables step down, the
busiest child edge whose fibres it can hold, at its larger size), so
through fibres need no splice; the other child edges start new sections,
spliced at the node.
Along a section, circuits leave (to a splitter or a drop) and join (from a
splitter) at mid-span closures. Each circuit's stretch in a section is an
interval of the section's edges; intervals are given fibres by a sweep
along the section (interval colouring, lowest free fibre first, in order of
splitter and output port), which needs no more fibres than the busiest
edge carries, and keeps each splitter's fibres together.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fttx_planner.design.cables import CableSizer, subtree_sums
from fttx_planner.detail.errors import DetailError
from fttx_planner.detail.settings import DetailSettings
from fttx_planner.detail.tree import DesignTree

LAYERS = ("feeder", "distribution")


@dataclass
class Circuit:
    """One fibre path between two devices (see the module docstring).

    ``src``: ``("olt", pon)`` or ``("splitter_out", splitter_id, port)``;
    ``dst``: ``("splitter_in", splitter_id)`` or ``("drop", building, unit)``.
    """

    layer: str
    top: int
    bottom: int
    src: tuple[str, int, int]
    dst: tuple[str, int, int]
    key: tuple[int, ...]


@dataclass
class Section:
    """One cable run: its sizes, nodes (top first) and edges, and fibre occupancy.

    ``occ[p, k]`` is the circuit index + 1 using bundle fibre ``p`` on the
    section's edge ``k`` (0: dark).
    """

    layer: str
    sizes: tuple[int, ...]
    nodes: list[int]
    edges: list[int]
    planned_sizes: tuple[int, ...]
    cable_ids: list[int] = field(default_factory=list)
    occ: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))

    @property
    def capacity(self) -> int:
        """Fibres of all the section's cables."""
        return sum(self.sizes)

    def cable_of(self, position: int) -> tuple[int, int]:
        """(index of the cable in the bundle, 0-based fibre in that cable) of a bundle fibre."""
        for k, size in enumerate(self.sizes):
            if position < size:
                return k, position
            position -= size
        msg = "fibre position beyond the section's cables"
        raise IndexError(msg)


@dataclass
class Piece:
    """A circuit's stretch in one section: its nodes ``i0`` to ``i1``, on bundle fibre ``fibre``."""

    circuit: int
    section: int
    i0: int
    i1: int
    fibre: int = -1


@dataclass
class Fibres:
    """The fibre layer of a detailed design."""

    circuits: list[Circuit]
    sections: list[Section]
    pieces: list[Piece]
    pieces_of: list[list[int]]
    edge_counts: dict[str, dict[int, int]]
    upsized_edges: int
    run_on_edges: int = 0
    cable_extra_eur: float = 0.0


def planned_cables(cables: pd.DataFrame) -> dict[str, dict[int, tuple[int, tuple[int, ...]]]]:
    """Per layer, ``{edge: (fibres, sizes)}`` of the plan's cable table."""
    out: dict[str, dict[int, tuple[int, tuple[int, ...]]]] = {layer: {} for layer in LAYERS}
    for e, layer, f, sizes in zip(
        cables["edge"], cables["layer"], cables["fibres"], cables["sizes"], strict=True
    ):
        out[str(layer)][int(e)] = (int(f), tuple(int(s) for s in str(sizes).split("+")))
    return out


def lay_fibres(
    circuits: list[Circuit],
    tree: DesignTree,
    cables: pd.DataFrame,
    sizer: CableSizer,
    settings: DetailSettings,
) -> Fibres:
    """Sections, each circuit's pieces and their fibres.

    Raises
    ------
    DetailError
        When the circuits do not cross the edges the plan's cable table
        says (a plan that was changed after it was made).
    """
    planned = planned_cables(cables)
    counts = {layer: _edge_counts(circuits, tree, layer) for layer in LAYERS}
    for layer in LAYERS:
        want = {e: f for e, (f, _) in planned[layer].items()}
        if counts[layer] != want:
            diff = sorted(set(want.items()) ^ set(counts[layer].items()))[:3]
            msg = (
                f"the plan's {layer} cables do not carry its circuits (edge, fibres differ: "
                f"{diff}); re-plan the district"
            )
            raise DetailError(msg)

    sizes: dict[str, dict[int, tuple[int, ...]]] = {layer: {} for layer in LAYERS}
    upsized = 0
    for layer in LAYERS:
        for e, (f, planned_sizes) in planned[layer].items():
            s = planned_sizes
            if sum(settings.usable_fibres(x) for x in s) < f:
                upsized += 1
                need = f
                while sum(settings.usable_fibres(x) for x in s) < f:
                    need += max(1, need // 20)
                    s = sizer.sizes(need)
            sizes[layer][e] = s

    sections, where, stepped = _sections(tree, sizes, planned, counts, settings)
    extra_eur = 0.0
    for e, planned_here, laid in stepped:
        per_m = sum(sizer.cost_per_m[x] for x in laid) - sum(
            sizer.cost_per_m[x] for x in planned_here
        )
        extra_eur += per_m * float(tree.edge_length_m[e])
    pieces: list[Piece] = []
    pieces_of: list[list[int]] = []
    position = [{v: i for i, v in enumerate(sec.nodes)} for sec in sections]
    pe = tree.parent_edge
    for ci, c in enumerate(circuits):
        # Up from the bottom, one section at a time, to the top.
        loc = where[c.layer]
        rev: list[Piece] = []
        cur = c.bottom
        while cur != c.top:
            if cur == tree.root:  # pragma: no cover - the counts above match the plan's
                msg = f"circuit {ci} does not run down the trench tree"
                raise DetailError(msg)
            si, k = loc[int(pe[cur])]
            j = position[si].get(c.top)
            if j is not None and j <= k:
                rev.append(Piece(circuit=ci, section=si, i0=j, i1=k + 1))
                break
            rev.append(Piece(circuit=ci, section=si, i0=0, i1=k + 1))
            cur = sections[si].nodes[0]
        mine = list(range(len(pieces), len(pieces) + len(rev)))
        pieces.extend(reversed(rev))
        pieces_of.append(mine)
    _allocate(sections, pieces, circuits, settings)
    return Fibres(
        circuits=circuits,
        sections=sections,
        pieces=pieces,
        pieces_of=pieces_of,
        edge_counts=counts,
        upsized_edges=upsized,
        run_on_edges=len(stepped),
        cable_extra_eur=extra_eur,
    )


def _edge_counts(circuits: list[Circuit], tree: DesignTree, layer: str) -> dict[int, int]:
    """Circuits of ``layer`` crossing each tree edge: below the edge's child, not starting there.

    A circuit runs down from its top to its bottom, so it crosses the edge
    into ``v`` when its bottom is in ``v``'s subtree and its top is not.
    """
    n = len(tree.parent)
    mine = [(c.bottom, c.top) for c in circuits if c.layer == layer]
    ends = np.zeros(n, dtype=np.int64)
    if mine:
        bottom, top = np.asarray(mine, dtype=np.int64).T
        ends = np.bincount(bottom, minlength=n) - np.bincount(top, minlength=n)
    order = np.asarray(tree.preorder, dtype=np.int64)
    acc = subtree_sums(order, tree.parent, ends)
    child = order[1:]
    keep = acc[child] > 0
    return dict(zip(tree.parent_edge[child][keep].tolist(), acc[child][keep].tolist(), strict=True))


def _sections(
    tree: DesignTree,
    sizes: dict[str, dict[int, tuple[int, ...]]],
    planned: dict[str, dict[int, tuple[int, tuple[int, ...]]]],
    counts: dict[str, dict[int, int]],
    settings: DetailSettings,
) -> tuple[
    list[Section],
    dict[str, dict[int, tuple[int, int]]],
    list[tuple[int, tuple[int, ...], tuple[int, ...]]],
]:
    """Cable runs per layer, where each edge lies (``{layer: {edge: (section, index)}}``)
    and the edges whose cable runs on at a larger size than planned."""
    sections: list[Section] = []
    where: dict[str, dict[int, tuple[int, int]]] = {layer: {} for layer in LAYERS}
    pe = tree.parent_edge
    stepped: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
    for v in tree.preorder:
        kids = tree.children.get(v, [])
        if not kids:
            continue
        for layer in LAYERS:
            lsizes = sizes[layer]
            loc = where[layer]
            carrying = [c for c in kids if int(pe[c]) in lsizes]
            if not carrying:
                continue
            cont = -1
            if v != tree.root and int(pe[v]) in loc:
                sec_in, _ = loc[int(pe[v])]
                have = sections[sec_in].sizes
                room = sum(settings.usable_fibres(x) for x in have)
                fits = [
                    c
                    for c in carrying
                    if lsizes[int(pe[c])] == have
                    or (not settings.step_down_cables and counts[layer][int(pe[c])] <= room)
                ]
                if fits:
                    cont = max(fits, key=lambda c: (counts[layer][int(pe[c])], -tree.pre[c]))
            for c in carrying:
                e = int(pe[c])
                if c == cont:
                    sec = sections[sec_in]
                    if lsizes[e] != sec.sizes:
                        stepped.append((e, lsizes[e], sec.sizes))
                    loc[e] = (sec_in, len(sec.edges))
                    sec.edges.append(e)
                    sec.nodes.append(c)
                else:
                    loc[e] = (len(sections), 0)
                    sections.append(
                        Section(
                            layer=layer,
                            sizes=lsizes[e],
                            nodes=[v, c],
                            edges=[e],
                            planned_sizes=planned[layer][e][1],
                        )
                    )
    return sections, where, stepped


def _allocate(
    sections: list[Section], pieces: list[Piece], circuits: list[Circuit], settings: DetailSettings
) -> None:
    """Give every piece a bundle fibre of its section (see the module docstring)."""
    by_section: list[list[int]] = [[] for _ in sections]
    for pi, p in enumerate(pieces):
        by_section[p.section].append(pi)
    for si, sec in enumerate(sections):
        sec.occ = np.zeros((sec.capacity, len(sec.edges)), dtype=np.int32)
        usable: list[int] = []
        offset = 0
        for size in sec.sizes:
            usable.extend(range(offset, offset + settings.usable_fibres(size)))
            offset += size
        free = list(usable)
        heapq.heapify(free)
        active: list[tuple[int, int]] = []  # (end node index, fibre)
        mine = sorted(
            by_section[si], key=lambda pi: (pieces[pi].i0, circuits[pieces[pi].circuit].key)
        )
        for pi in mine:
            p = pieces[pi]
            while active and active[0][0] <= p.i0:
                heapq.heappush(free, heapq.heappop(active)[1])
            if not free:  # pragma: no cover - the sizes hold the busiest edge
                msg = f"cable section {si} has no free fibre for circuit {p.circuit}"
                raise DetailError(msg)
            f = heapq.heappop(free)
            p.fibre = f
            heapq.heappush(active, (p.i1, f))
            row = sec.occ[f, p.i0 : p.i1]
            if row.any():  # pragma: no cover - guarded by the sweep
                msg = f"fibre {f} of cable section {si} given twice"
                raise DetailError(msg)
            row[:] = p.circuit + 1
