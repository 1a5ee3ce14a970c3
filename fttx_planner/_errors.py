"""Exception classes of the planner.

Every error a user can cause by bad input is a subclass of :class:`FttxError`
(itself a :class:`ValueError`), so the CLI and the GUI can show its message
instead of a traceback. Anything else is a bug.
"""

from __future__ import annotations


class FttxError(ValueError):
    """Base class of all input errors the planner reports to its user."""


class OsmLoadError(FttxError):
    """An OSM file cannot be read, or holds no usable streets or buildings."""


class ParameterError(FttxError):
    """Design parameters or a parameter file are invalid."""


class CatalogueError(FttxError):
    """The cost catalogue is invalid (unknown item, negative cost, bad row)."""


class DesignError(FttxError):
    """No valid design exists for the district and parameters."""


class ProjectFileError(FttxError):
    """A project file is corrupt, from a newer version, or cannot be written."""
