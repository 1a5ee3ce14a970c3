"""Detailed design: every fibre from OLT port to premise, splice plans, names and traces.

Modules
-------
model
    :func:`build_detail`: a plan's :class:`Detail` (sites, ports, splitters,
    cables, premise units, circuits, fibre pieces, splice schedule).
tree, ports, fibres
    the trench tree in a stable order; premise units on splitter ports and
    splitters on OLT ports; circuits, cable sections and fibre allocation.
splices
    what is spliced, passed uncut or parked at every site.
naming, settings, colours, construction
    name templates (``[naming]``), the ``[detail]`` settings, colour codes
    and cable construction from ``data/``.
endpoints
    a city plan's public endpoints: on PON ports like homes, or point to point.
names
    :func:`object_names`: the names keyed by the plan's ids (splitter id,
    node, OSM id, edge), for the map layers, the report and the window.
trace
    a premise's path element by element with its loss; every premise behind
    a port, splitter or cable.
files, replan, book, command
    ``PLAN_DIR/detail/`` tables (made again from the folder's plan when
    missing), the PDF splice book, and the ``splices`` and ``trace`` commands.

The public names are re-exported here, imported on first use so that the
command line stays quick to start.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Detail": "model",
    "build_detail": "model",
    "DetailSettings": "settings",
    "load_detail_params": "settings",
    "NamingTemplates": "naming",
    "Tracer": "trace",
    "write_detail": "files",
    "read_detail": "files",
    "detail_for": "replan",
    "write_splice_book": "book",
    "colour_code": "colours",
    "ObjectNames": "names",
    "object_names": "names",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"fttx_planner.detail.{_EXPORTS[name]}"), name)
    msg = f"module 'fttx_planner.detail' has no attribute {name!r}"
    raise AttributeError(msg)
