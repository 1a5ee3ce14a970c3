"""The detailed design's names for the report, so its splitters read as in the splice book.

:func:`report_detail` gives the detail the report names objects by: the one
written beside the report (``plan --pdf`` writes ``detail/`` with the
parameter file's ``[naming]`` first) when it is this plan's, else one made
with the default templates, else none (a plan the detail cannot take: the
report then uses the plan's own labels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fttx_planner._errors import FttxError
from fttx_planner.plan import Plan


def report_detail(plan: Plan, folder: Path | None) -> Any:
    """The plan's detailed design for naming, or ``None`` (see the module docstring)."""
    from fttx_planner.detail.files import DETAIL_DIR, read_detail
    from fttx_planner.detail.model import build_detail

    if folder is not None and (folder / DETAIL_DIR / "detail.json").is_file():
        try:
            written = read_detail(folder)
        except (FttxError, OSError, ValueError):
            written = None
        if written is not None and same_design(written, plan):
            return written
    try:
        return build_detail(plan)
    except FttxError:
        return None


def same_design(detail: Any, plan: Plan) -> bool:
    """Whether a written detail is that of ``plan``: its district, splitters and their ports."""
    sp = plan.splitters
    d = detail.splitters
    if detail.meta.get("district") != plan.district.name or len(d) != len(sp):
        return False
    used = dict(zip(sp["splitter_id"].astype(int), sp["ports_used"].astype(int), strict=True))
    return all(
        used.get(int(s)) == int(n) for s, n in zip(d["splitter_id"], d["ports_used"], strict=True)
    )
