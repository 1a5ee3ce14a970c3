"""Brute-force references for the Steiner and partition tests (tiny instances only)."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np


def random_graph(
    rng: np.random.Generator, n: int, extra: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A connected random multigraph: a random tree plus ``extra`` random edges."""
    edges = [(int(rng.integers(0, x)), x) for x in range(1, n)]
    pairs = rng.integers(0, n, (extra, 2))
    edges += [(int(a), int(b)) for a, b in pairs]
    edges = [(a, b) for a, b in edges if a != b]
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    return u, v, rng.integers(1, 10, len(u)).astype(float)


def steiner_optimum(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, terms: list[int]) -> float:
    """Minimum Steiner tree by enumerating the Steiner nodes it uses."""
    g = nx.Graph()
    for a, b, c in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
        if not g.has_edge(a, b) or g[a][b]["weight"] > c:
            g.add_edge(a, b, weight=c)
    others = [x for x in range(n) if x not in set(terms)]
    best = np.inf
    for r in range(len(others) + 1):
        for extra in itertools.combinations(others, r):
            h = g.subgraph(list(terms) + list(extra))
            if len(h) == len(terms) + r and nx.is_connected(h):
                best = min(best, nx.minimum_spanning_tree(h).size(weight="weight"))
    return float(best)
