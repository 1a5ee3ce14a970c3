"""Parameter panels generated from the models' declarations."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from fttx_planner.params import DesignParams, OpticalClass
from models import FinanceParams
from ui.forms import (
    ChoiceEditor,
    IntEditor,
    ModelForm,
    ModelListEditor,
    SubModelEditor,
    display_unit,
    field_unit,
    is_percent,
)


def _form(qtbot: Any, cls: type, **kwargs: Any) -> ModelForm:
    form = ModelForm(cls, **kwargs)
    qtbot.addWidget(form)
    return form


def test_every_design_field_has_a_row_with_title_unit_and_tooltip(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    assert set(form.editors) == set(DesignParams.model_fields)
    labels = {lab.text() for lab in form.findChildren(QLabel)}
    for name, info in DesignParams.model_fields.items():
        assert info.title in labels
        tip = form.editors[name].toolTip()
        assert info.title in tip
        unit = field_unit(info)
        if display_unit(unit):
            assert display_unit(unit) in labels
        if is_percent(unit):
            assert form.editors[name].spin.suffix() == " %"  # type: ignore[attr-defined]
    assert "Allowed: 2 ≤ value ≤ 128" in form.editors["split_ratio"].toolTip()
    assert isinstance(form.editors["optical_class"], ChoiceEditor)
    assert isinstance(form.editors["split_ratio"], IntEditor)


def test_valid_edit_emits_the_new_model(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    with qtbot.waitSignal(form.changed) as blocker:
        form.editors["max_drop_m"].spin.setValue(300.0)  # type: ignore[attr-defined]
    value, name = blocker.args
    assert name == "max_drop_m"
    assert value.max_drop_m == 300.0
    assert form.value() == value


def test_invalid_values_are_refused_at_the_field_with_a_reason(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    seen: list[Any] = []
    form.changed.connect(lambda v, n: seen.append(n))
    split = form.editors["split_ratio"]
    split.spin.setValue(33)  # type: ignore[attr-defined]
    assert "not a standard ratio" in form.errors()["split_ratio"]
    assert form.error_labels["split_ratio"].isVisibleTo(form)
    split.spin.setValue(500)  # type: ignore[attr-defined]
    assert form.errors()["split_ratio"] == "Must be at most 128 homes/PON."
    assert form.value().split_ratio == 32
    assert seen == []
    split.spin.setValue(64)  # type: ignore[attr-defined]
    assert not form.errors()
    assert seen == ["split_ratio"]


def test_cross_field_rules_of_the_model_apply(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    form.editors["olt_x_m"].edit.setText("1200")  # type: ignore[attr-defined]
    form.editors["olt_x_m"].edit.editingFinished.emit()  # type: ignore[attr-defined]
    assert "olt_y_m" in form.errors()["olt_x_m"]
    form.editors["olt_x_m"].edit.setText("abc")  # type: ignore[attr-defined]
    form.editors["olt_x_m"].edit.editingFinished.emit()  # type: ignore[attr-defined]
    assert "not a number" in form.errors()["olt_x_m"]


def _type(form: ModelForm, name: str, text: str) -> None:
    edit = form.editors[name].edit  # type: ignore[attr-defined]
    edit.setText(text)
    edit.editingFinished.emit()


def test_fields_declared_together_are_set_by_typing_one_then_the_other(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams, together=[("olt_x_m", "olt_y_m")])
    seen: list[Any] = []
    form.changed.connect(lambda v, n: seen.append((v.olt_x_m, v.olt_y_m, n)))
    _type(form, "olt_x_m", "1200")
    assert form.errors() == {"olt_x_m": "Enter OLT y too (both or neither)."}
    assert seen == []
    _type(form, "olt_y_m", "3400.5")
    assert not form.errors()
    assert seen == [(1200.0, 3400.5, "olt_y_m")]
    assert (form.value().olt_x_m, form.value().olt_y_m) == (1200.0, 3400.5)
    _type(form, "olt_y_m", "")  # one emptied: refused until the other is emptied too
    assert "OLT x" in form.errors()["olt_y_m"]
    _type(form, "olt_x_m", "")
    assert not form.errors()
    assert form.value().olt_x_m is None and form.value().olt_y_m is None


def test_steps_skip_values_the_model_refuses(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    split = form.editors["split_ratio"].spin  # type: ignore[attr-defined]
    split.stepBy(1)
    assert form.value().split_ratio == 64
    stage1 = form.editors["stage1_ratio"].spin  # type: ignore[attr-defined]
    stage1.stepBy(1)
    stage1.stepBy(1)
    assert form.value().stage1_ratio == 4  # 1 -> 2 -> 4, each divides 64
    split.stepBy(-1)
    assert form.value().split_ratio == 32


def test_set_value_updates_editors_and_clears_errors(qtbot: Any) -> None:
    form = _form(qtbot, DesignParams)
    form.editors["split_ratio"].spin.setValue(33)  # type: ignore[attr-defined]
    form.set_value(DesignParams(optical_class=OpticalClass.C_PLUS, split_ratio=64))
    assert not form.errors()
    assert form.editors["split_ratio"].raw_value() == 64
    assert form.editors["optical_class"].raw_value() == OpticalClass.C_PLUS


def test_finance_form_groups_and_nested_editors(qtbot: Any) -> None:
    form = _form(qtbot, FinanceParams, sections="json:group")
    assert set(form.editors) == set(FinanceParams.model_fields)
    assert isinstance(form.editors["service_providers"], ModelListEditor)
    assert isinstance(form.editors["mc_arpu"], SubModelEditor)
    rate = form.editors["pip_discount_rate"]
    rate.spin.setValue(8.0)  # type: ignore[attr-defined]  # typed in percent
    assert form.value().pip_discount_rate == 0.08
    rate.spin.setValue(80.0)  # type: ignore[attr-defined]
    assert form.errors()["pip_discount_rate"] == "Must be at most 50 %."
    assert form.value().pip_discount_rate == 0.08
    assert "0 % ≤ value ≤ 50 %" in rate.toolTip()


def test_service_provider_shares_must_add_up(qtbot: Any) -> None:
    form = _form(qtbot, FinanceParams, sections="json:group")
    table = form.editors["service_providers"].table  # type: ignore[attr-defined]
    assert table.item(1, 0).text() == "60"  # a provider per column, market share in percent
    assert table.verticalHeaderItem(1).text() == "Market share (%)"
    table.item(1, 0).setText("70")
    assert "add up to" in form.errors()["service_providers"]
    table.item(1, 1).setText("30 %")
    assert not form.errors()
    assert [sp.market_share for sp in form.value().service_providers] == [0.7, 0.3]


def test_nested_distribution_is_validated(qtbot: Any) -> None:
    form = _form(qtbot, FinanceParams, sections="json:group")
    nested = form.editors["mc_arpu"].form  # type: ignore[attr-defined]
    nested.editors["low"].spin.setValue(2.0)
    assert "low <= mode <= high" in nested.errors()["low"]
    nested.editors["low"].spin.setValue(0.5)
    assert not nested.errors()
    assert form.value().mc_arpu.low == 0.5


def test_float_list_field(qtbot: Any) -> None:
    form = _form(qtbot, FinanceParams, sections="json:group")
    edit = form.editors["build_profile"].edit  # type: ignore[attr-defined]
    edit.setText("20, 30, 50")  # percent of the network built each year
    edit.editingFinished.emit()
    assert form.value().build_profile == [0.2, 0.3, 0.5]
    form.set_value(form.value())
    assert edit.text() == "20, 30, 50"
    edit.setText("20, 30")
    edit.editingFinished.emit()
    assert "adds up to" in form.errors()["build_profile"]
