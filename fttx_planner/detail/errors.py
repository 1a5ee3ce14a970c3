"""Errors of the detailed design a user can cause (all :class:`~fttx_planner._errors.FttxError`)."""

from __future__ import annotations

from fttx_planner._errors import FttxError, ParameterError


class NamingError(ParameterError):
    """A naming template is invalid or gives two objects the same name."""


class DetailError(FttxError):
    """A plan folder lacks the detailed design, or a trace names nothing in it."""
