"""Sparse adjacency matrices of a street graph, the cheapest of parallel edges kept.

Shared by the design graph, the trench tree and the quality bounds.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix


def symmetric_matrix(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> csr_matrix:
    """Symmetric sparse adjacency matrix; of parallel edges the cheapest counts.

    Examples
    --------
    >>> import numpy as np
    >>> m = symmetric_matrix(2, np.array([0, 1]), np.array([1, 0]), np.array([3.0, 2.0]))
    >>> m.toarray().tolist()
    [[0.0, 2.0], [2.0, 0.0]]
    """
    a, b, c = dedup_edges(n, u, v, w)
    return coo_matrix(
        (np.concatenate([c, c]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    ).tocsr()


def dedup_edges(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges as (min node, max node, weight), the cheapest of parallel edges only.

    (SciPy adds up duplicate entries when it builds a sparse matrix.)
    """
    a, b = np.minimum(u, v), np.maximum(u, v)
    key = a * n + b
    order = np.lexsort((w, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    keep = order[first]
    return a[keep], b[keep], w[keep]
