"""A set of endpoints: points with a class, in the district's metric CRS."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Endpoints:
    """Public endpoints to connect.

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in metres (the district's CRS).
    cls
        ``(n,)`` class of each (a name of :class:`~fttx_planner.endpoints.rules.EndpointRules`).
    osm_id
        ``(n,)`` OSM reference (``n123``, ``w45``, ``r6``) or the user layer's row (``layer:7``).
    name
        ``(n,)`` name or ``""``.
    """

    xy: np.ndarray
    cls: np.ndarray
    osm_id: np.ndarray
    name: np.ndarray

    def __len__(self) -> int:
        return int(self.xy.shape[0])

    @classmethod
    def empty(cls) -> Endpoints:
        """No endpoint."""
        obj = np.zeros(0, dtype=object)
        return cls(np.zeros((0, 2)), obj, obj.copy(), obj.copy())

    def concat(self, other: Endpoints) -> Endpoints:
        """Both sets, this one first."""
        return Endpoints(
            np.vstack([self.xy.reshape(-1, 2), other.xy.reshape(-1, 2)]),
            np.concatenate([self.cls, other.cls]).astype(object),
            np.concatenate([self.osm_id, other.osm_id]).astype(object),
            np.concatenate([self.name, other.name]).astype(object),
        )

    def select(self, keep: np.ndarray) -> Endpoints:
        """The endpoints where ``keep`` is true."""
        return Endpoints(self.xy[keep], self.cls[keep], self.osm_id[keep], self.name[keep])

    def counts(self) -> dict[str, int]:
        """Endpoints per class."""
        names, n = np.unique(self.cls.astype(str), return_counts=True)
        return {str(a): int(b) for a, b in zip(names, n, strict=True)}
