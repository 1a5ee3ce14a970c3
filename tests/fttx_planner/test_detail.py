"""The detailed design on synthetic districts: invariants, stability, spare, colours, names."""

from __future__ import annotations

import pytest

from fttx_planner.design.planner import plan_district
from fttx_planner.detail.colours import colour_code, colour_codes
from fttx_planner.detail.construction import constructions
from fttx_planner.detail.errors import DetailError, NamingError
from fttx_planner.detail.files import read_detail, write_detail
from fttx_planner.detail.model import build_detail
from fttx_planner.detail.naming import NamingTemplates
from fttx_planner.detail.settings import DetailSettings
from fttx_planner.detail.trace import Tracer
from fttx_planner.params import CABLE_SIZES, DesignParams
from fttx_planner.plan import Plan
from fttx_planner.synthetic import grid_district

from ._detail_checks import check_detail, same_tables


@pytest.fixture(
    scope="module",
    params=[
        ("grid", {}),
        ("irregular", {}),
        ("two-stage", {"split_ratio": 64, "stage1_ratio": 4, "optical_class": "C+"}),
    ],
    ids=lambda p: p[0],
)
def plan(request: pytest.FixtureRequest) -> Plan:
    name, params = request.param
    district = grid_district(700, irregular=name != "grid", seed=5)
    return plan_district(district, DesignParams(**params))


def test_invariants(plan: Plan) -> None:
    detail = build_detail(plan)
    check_detail(detail, plan)


def test_invariants_hold_with_spare_and_stepped_cables(plan: Plan) -> None:
    detail = build_detail(plan, DetailSettings(spare_share=0.25, step_down_cables=True))
    check_detail(detail, plan, traces=50)
    assert detail.meta["counts"]["cable_sections_upsized_for_spare"] > 0
    assert (detail.cables["fibres_spare"] >= 0.25 * detail.cables["fibres"] - 1).all()


def test_running_cables_on_saves_splices(plan: Plan) -> None:
    stepped = build_detail(plan, DetailSettings(step_down_cables=True))
    run_on = build_detail(plan)
    assert run_on.meta["counts"]["splices"] < stepped.meta["counts"]["splices"]
    assert stepped.meta["counts"]["cable_extra_eur_vs_plan"] == 0
    assert run_on.meta["counts"]["cable_extra_eur_vs_plan"] > 0


def test_names_are_stable_between_replans(plan: Plan) -> None:
    again = plan_district(plan.district, plan.params)
    same_tables(build_detail(plan), build_detail(again))


def test_files_round_trip(plan: Plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    detail = build_detail(plan)
    write_detail(detail, tmp_path)
    back = read_detail(tmp_path)
    assert back.meta == detail.meta
    same_tables(detail, back)
    check_detail(back, plan, traces=20)


def test_a_plan_changed_after_planning_is_refused(plan: Plan) -> None:
    from dataclasses import replace

    cables = plan.cables.copy()
    cables.loc[cables.index[0], "fibres"] += 1
    with pytest.raises(DetailError, match="do not carry its circuits"):
        build_detail(replace(plan, cables=cables))


def test_trace_lists_every_element_in_order(plan: Plan) -> None:
    detail = build_detail(plan)
    tracer = Tracer(detail)
    unit = detail.units.iloc[len(detail.units) // 2]
    t = tracer.trace(str(unit["premise"]))
    kinds = [e.kind for e in t.elements]
    assert kinds[0] == "olt" and kinds[-1] == "margin"
    assert kinds.count("splitter") == (2 if plan.params.two_stage else 1)
    assert kinds.count("drop") == 1
    assert t.loss_1490_db < t.loss_db
    text = t.table()
    assert str(unit["olt_port"]) in text and str(unit["splitter"]) in text
    behind = tracer.behind(str(unit["olt_port"]))
    assert str(unit["premise"]) in set(behind["premise"])
    assert len(behind) <= plan.params.split_ratio
    with pytest.raises(DetailError, match="no served premise unit"):
        tracer.trace("0/0")


def test_naming_templates_shape_every_name(plan: Plan) -> None:
    naming = NamingTemplates(
        co="X{district_code}",
        splitter="{co}-{cabinet:02d}-{splitter:03d}-{stage}",
        cable="{co}/{layer_code}/{cable}",
        olt_port="{co}:{pon}",
        drop="{fdp}.{drop}",
    )
    detail = build_detail(plan, naming=naming)
    co = detail.meta["co"]
    assert co.startswith("X")
    assert detail.splitters["splitter"].str.match(rf"{co}-\d\d-\d{{3}}-[12]$").all()
    assert detail.cables["cable"].str.match(rf"{co}/[FD]/\d+$").all()
    assert detail.olt_ports["olt_port"].str.match(rf"{co}:\d+$").all()
    with pytest.raises(NamingError, match=r"naming\.splitter gives"):
        build_detail(plan, naming=NamingTemplates(splitter="{co}-{stage}"))


def test_unknown_template_field_is_one_clear_line() -> None:
    with pytest.raises(NamingError) as err:
        NamingTemplates(closure="{co}-{colour}")
    msg = str(err.value)
    assert "\n" not in msg
    assert "naming.closure" in msg and "{colour}" in msg and "known fields: co, closure" in msg
    with pytest.raises(NamingError, match="unknown object"):
        NamingTemplates(manhole="{co}")
    with pytest.raises(NamingError, match="no field"):
        NamingTemplates(fdp="FDP")


def test_colour_codes_are_the_standard_sequences() -> None:
    assert {"tia598", "iec60304", "din_vde0888"} <= set(colour_codes())
    tia, iec = colour_code("tia598"), colour_code("iec60304")
    assert [tia.fibre(i) for i in (1, 2, 3, 4, 12)] == ["blue", "orange", "green", "brown", "aqua"]
    assert [iec.fibre(i) for i in (1, 2, 3, 4, 12)] == ["red", "green", "blue", "yellow", "pink"]
    for name in colour_codes():
        c = colour_code(name)
        assert len({c.fibre(i) for i in range(1, 25)}) == 24
    din = colour_code("din_vde0888")
    assert [din.tube(i) for i in (1, 2, 3, 9)] == ["red", "green", "white", "white"]
    with pytest.raises(NamingError, match="unknown colour code"):
        DetailSettings(colour_code="rainbow")


def test_cable_construction_covers_every_planned_size() -> None:
    table = constructions()
    for size in CABLE_SIZES:
        tubes, per_tube = table[size]
        assert tubes * per_tube == size


def test_colour_code_choice_changes_only_colours(plan: Plan) -> None:
    a = build_detail(plan, DetailSettings(colour_code="tia598"))
    b = build_detail(plan, DetailSettings(colour_code="iec60304"))
    cols = ["circuit", "cable", "tube", "fibre"]
    assert a.pieces[cols].equals(b.pieces[cols])
    first = a.pieces[(a.pieces["tube"] == 1) & (a.pieces["fibre"] == 1)]
    assert (first["fibre_colour"] == "blue").all()
    assert (b.pieces.loc[first.index, "fibre_colour"] == "red").all()
