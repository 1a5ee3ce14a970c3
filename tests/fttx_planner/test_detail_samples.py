"""The detailed design of every sample city keeps its invariants, in memory and as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from fttx_planner.detail.files import read_detail, write_detail
from fttx_planner.detail.model import build_detail
from fttx_planner.pipeline import run_plan
from fttx_planner.samples import list_samples

from ._detail_checks import check_detail

SLUGS = [s.slug for s in list_samples()]


@pytest.mark.parametrize("slug", SLUGS)
def test_sample_city_detail_from_written_files(slug: str, tmp_path: Path) -> None:
    plan = run_plan(slug, deployment="greenfield")
    write_detail(build_detail(plan), tmp_path)
    detail = read_detail(tmp_path)
    check_detail(detail, plan, traces=300)
    counts = detail.meta["counts"]
    assert counts["premise_units"] == plan.homes_passed
    assert counts["sites"]["co"] == 1
    # Every fibre piece ends where the next begins, at a site of the design.
    sites = set(detail.sites["site"])
    assert set(detail.pieces["from_site"]) <= sites and set(detail.pieces["to_site"]) <= sites
