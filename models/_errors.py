"""Exception classes of the business models.

Every error a user can cause by bad input (a parameter file, a plan summary,
an unknown model or actor name) is a :class:`FinanceParameterError`, itself a
:class:`ValueError`, so the CLI and the GUI can show its message instead of a
traceback. Anything else is a bug.
"""

from __future__ import annotations


class FinanceParameterError(ValueError):
    """Finance inputs are invalid: a parameter, a parameter file or a plan summary."""
