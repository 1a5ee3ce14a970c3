"""Parameter panels generated from a pydantic model's own field declarations.

:class:`ModelForm` builds one row per field of a model class (the engine's
:class:`~fttx_planner.params.DesignParams`, the business models'
``FinanceParams``): the field's ``title`` as label, an editor chosen from its
type, its ``unit`` (from ``json_schema_extra``), and its description, bounds
and source as tooltip. Every edit is validated by the model itself, so the
form and the engine cannot drift apart; a refused value stays in the field,
marked red, with the model's reason under it, and the model is not changed.

Integer and choice fields step (arrow keys, wheel) to the next value the model
accepts, so a split ratio steps 32 -> 64 rather than 32 -> 33 -> refused.
Fractions (units ``fraction``, ``share``, ``fraction/year``) are shown and typed
as percentages (``10 %``); the model still receives the fraction. Fields that
the model only accepts together (the OLT's two coordinates) can be declared
``together``: each is validated with the others' current text, so typing one
and then the other sets both.
"""

from __future__ import annotations

import contextlib
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBox,
    QVBoxLayout,
    QWidget,
)

_ERROR_STYLE = "color: #c62828; font-size: 8.5pt;"
_INVALID_PROPERTY = "invalid"
_INVALID_STYLE = (
    '*[invalid="true"] QAbstractSpinBox, QAbstractSpinBox[invalid="true"], '
    'QLineEdit[invalid="true"], QComboBox[invalid="true"], QTableWidget[invalid="true"] '
    "{ background: #ffebee; border: 1px solid #c62828; border-radius: 2px; }"
)


#: Units shown as percentages: the text after the editor (the editor itself says %).
PERCENT_UNITS = {"fraction": "", "share": "", "fraction/year": "per year"}


# -- field introspection ----------------------------------------------------------------
def is_percent(unit: str) -> bool:
    """Whether a field of this unit is shown and typed as a percentage."""
    return unit in PERCENT_UNITS


def display_unit(unit: str) -> str:
    """The unit as written after a field's editor (``''`` for counts, ratios and percentages)."""
    if unit in ("count", "ratio"):
        return ""
    return PERCENT_UNITS.get(unit, unit)


def field_unit(info: FieldInfo) -> str:
    """The field's unit from ``json_schema_extra`` ('' if none)."""
    extra = info.json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def field_extra(info: FieldInfo, key: str) -> str:
    """Another ``json_schema_extra`` entry ('' if none)."""
    extra = info.json_schema_extra
    return str(extra.get(key, "")) if isinstance(extra, dict) else ""


def field_bounds(info: FieldInfo) -> dict[str, float]:
    """Numeric bounds declared on a field: any of ``ge``, ``gt``, ``le``, ``lt``."""
    out: dict[str, float] = {}
    for meta in info.metadata:
        for key in ("ge", "gt", "le", "lt"):
            value = getattr(meta, key, None)
            if value is not None:
                out[key] = float(value)
    return out


def bounds_text(info: FieldInfo) -> str:
    """Bounds as text, e.g. ``"2 ≤ value ≤ 128"`` (``"0 % ≤ value ≤ 50 %"`` for a share)."""
    b = field_bounds(info)
    if is_percent(field_unit(info)):
        b = {k: 100 * v for k, v in b.items()}
        pct = {k: f"{_num(v)} %" for k, v in b.items()}
        lo = f"{pct['ge']} ≤ " if "ge" in b else f"{pct['gt']} < " if "gt" in b else ""
        hi = f" ≤ {pct['le']}" if "le" in b else f" < {pct['lt']}" if "lt" in b else ""
        return f"{lo}value{hi}" if lo or hi else ""
    lo = f"{_num(b['ge'])} ≤ " if "ge" in b else f"{_num(b['gt'])} < " if "gt" in b else ""
    hi = f" ≤ {_num(b['le'])}" if "le" in b else f" < {_num(b['lt'])}" if "lt" in b else ""
    return f"{lo}value{hi}" if lo or hi else ""


def _num(x: float) -> str:
    return f"{x:g}"


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
    return annotation, False


def error_text(err: Mapping[str, Any], unit: str = "") -> str:
    """A pydantic error as a short sentence for the field."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    words = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in words and words[kind][1] in ctx:
        word, key = words[kind]
        bound = ctx[key]
        if is_percent(unit) and isinstance(bound, int | float):
            return f"Must be {word} {100 * bound:g} %."
        value = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        suffix = f" {unit}" if unit and unit not in ("count", "ratio") else ""
        return f"Must be {word} {value}{suffix}."
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    given = err.get("input")
    if is_percent(unit) and "give a fraction" in msg and isinstance(given, int | float):
        # The model's hint is for people typing fractions; this field is typed in percent.
        return f"{100 * given:g} % is too large."
    msg = msg.replace("\n", "; ")
    first = msg.split(" ", 1)[0]
    if "_" not in first:
        msg = msg[:1].upper() + msg[1:]
    return msg + ("" if msg.endswith(".") else ".")


def validation_messages(exc: ValidationError, name: str) -> list[str]:
    """Messages of a validation error that concern field ``name`` or the whole model."""
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        if not loc or loc[0] == name:
            out.append(error_text(err))
    if not out:
        out = [error_text(err) for err in exc.errors()]
    return out


# -- editors ------------------------------------------------------------------------------
class FieldEditor(QWidget):
    """Base of the field editors: ``edited`` fires when the user commits a value."""

    edited = Signal()

    def raw_value(self) -> Any:
        """The value entered; raise ``ValueError`` with a reason if it cannot be read."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` without emitting ``edited``."""
        raise NotImplementedError

    def set_invalid(self, invalid: bool) -> None:
        """Mark the editor as holding a refused value."""
        for w in [self, *self.findChildren(QWidget)]:
            w.setProperty(_INVALID_PROPERTY, invalid)
            w.style().unpolish(w)
            w.style().polish(w)


def _decimals(unit: str, default: Any) -> int:
    if is_percent(unit):
        return 2
    if unit in ("x", "dB/km"):
        return 4
    if unit.startswith("EUR"):
        return 0 if isinstance(default, int | float) and abs(default) >= 1000 else 2
    if unit == "dB":
        return 2
    if unit in ("m", "km", "years", "1/year"):
        return 2
    if isinstance(default, float) and default and abs(default) < 0.01:
        return 6
    return 3


def _step(unit: str, default: Any) -> float:
    if is_percent(unit):
        return 1.0
    if unit == "x":
        return 0.01
    if isinstance(default, int | float) and default:
        return float(10 ** (math.floor(math.log10(abs(default))) - 1))
    return 0.1


def _compact(hint: QSize, width: int) -> QSize:
    return QSize(min(hint.width(), width), hint.height())


class _DoubleSpinBox(QDoubleSpinBox):
    """A spin box whose size does not grow with its (very wide) range."""

    def sizeHint(self) -> QSize:
        return _compact(super().sizeHint(), 120)

    def minimumSizeHint(self) -> QSize:
        return _compact(super().minimumSizeHint(), 64)


class FloatEditor(FieldEditor):
    """A number, typed freely; the model decides whether it is valid.

    A fraction is shown and typed as a percentage (``10 %`` for 0.1).
    """

    def __init__(self, unit: str, default: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = 100.0 if is_percent(unit) else 1.0
        self.spin = _DoubleSpinBox(self)
        if self.scale != 1.0:
            self.spin.setSuffix(" %")
        self.spin.setRange(-1e15, 1e15)
        self.spin.setDecimals(_decimals(unit, default))
        self.spin.setSingleStep(_step(unit, default))
        self.spin.setKeyboardTracking(False)
        self.spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.spin.valueChanged.connect(lambda _v: self.edited.emit())
        _fill(self, self.spin)

    def raw_value(self) -> Any:
        value = float(self.spin.value())
        # Round away the binary noise of the division (12.5 % -> 0.125, not 0.12500000000000003).
        return round(value / self.scale, 12) if self.scale != 1.0 else value

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(float(value) * self.scale)
        self.spin.blockSignals(False)


class _StepSpinBox(QSpinBox):
    accepts: Callable[[int], bool] | None = None

    def sizeHint(self) -> QSize:
        return _compact(super().sizeHint(), 120)

    def minimumSizeHint(self) -> QSize:
        return _compact(super().minimumSizeHint(), 64)

    def stepBy(self, steps: int) -> None:
        if self.accepts is None or steps == 0:
            super().stepBy(steps)
            return
        direction = 1 if steps > 0 else -1
        value = self.value()
        for _ in range(abs(steps)):
            for k in range(1, 513):
                candidate = value + direction * k * self.singleStep()
                if candidate < self.minimum() or candidate > self.maximum():
                    break
                if self.accepts(candidate):
                    value = candidate
                    break
        if value != self.value():
            self.setValue(value)


class IntEditor(FieldEditor):
    """A whole number; the arrows step to the next value the model accepts."""

    def __init__(self, info: FieldInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = _StepSpinBox(self)
        b = field_bounds(info)
        big = 2**31 - 1
        lo = int(b["ge"]) if "ge" in b else int(b["gt"]) + 1 if "gt" in b else -big
        hi = int(b["le"]) if "le" in b else int(b["lt"]) - 1 if "lt" in b else big
        # Typing may go past the bounds, so the model can refuse with its reason.
        self.spin.setRange(max(lo - 10**6, -big), min(hi + 10**6, big))
        self.lo, self.hi = lo, hi
        self.spin.setKeyboardTracking(False)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.valueChanged.connect(lambda _v: self.edited.emit())
        _fill(self, self.spin)

    def set_accepts(self, accepts: Callable[[int], bool]) -> None:
        """Use ``accepts`` to step between valid values (within the declared bounds)."""
        self.spin.accepts = lambda v: self.lo <= v <= self.hi and accepts(v)

    def raw_value(self) -> Any:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(int(value))
        self.spin.blockSignals(False)


class ChoiceEditor(FieldEditor):
    """One of an Enum's or a Literal's values."""

    def __init__(self, choices: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.combo = QComboBox(self)
        for c in choices:
            self.combo.addItem(str(c.value if isinstance(c, Enum) else c))
        self.combo.currentIndexChanged.connect(lambda _i: self.edited.emit())
        _fill(self, self.combo)

    def raw_value(self) -> Any:
        return self.choices[self.combo.currentIndex()]

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        for i, c in enumerate(self.choices):
            if c == value or (isinstance(c, Enum) and c.value == value):
                self.combo.setCurrentIndex(i)
        self.combo.blockSignals(False)


class BoolEditor(FieldEditor):
    """A check box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox(self)
        self.box.toggled.connect(lambda _b: self.edited.emit())
        _fill(self, self.box)

    def raw_value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)


class TextEditor(FieldEditor):
    """Free text, or numbers as text: an optional number, a list of numbers."""

    def __init__(
        self,
        kind: str,
        optional: bool,
        placeholder: str = "",
        parent: QWidget | None = None,
        percent: bool = False,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.scale = 100.0 if percent else 1.0
        self.optional = optional
        self.edit = QLineEdit(self)
        self.edit.setMinimumWidth(60)
        if kind != "text":
            self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setPlaceholderText(placeholder or ("automatic" if optional else ""))
        self.edit.editingFinished.connect(self._commit)
        self._last = ""
        _fill(self, self.edit)

    def _commit(self) -> None:
        if self.edit.text() != self._last:
            self._last = self.edit.text()
            self.edited.emit()

    def raw_value(self) -> Any:
        text = self.edit.text().strip()
        if not text and self.optional:
            return None
        if self.kind == "float":
            try:
                return float(text.replace(",", "."))
            except ValueError:
                msg = f"{text!r} is not a number."
                raise ValueError(msg) from None
        if self.kind == "floats":
            parts = text.replace("%", "").replace(";", ",").split(",")
            try:
                return [round(float(x) / self.scale, 12) for x in parts if x.strip()]
            except ValueError:
                example = "50, 50 (percent)" if self.scale != 1.0 else "0.5, 0.5"
                msg = f"Give numbers separated by commas, e.g. {example}."
                raise ValueError(msg) from None
        return text

    def set_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif self.kind == "floats":
            text = ", ".join(f"{x * self.scale:g}" for x in value)
        elif self.kind == "float":
            text = f"{float(value):g}"
        else:
            text = str(value)
        self._last = text
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)


class ModelListEditor(FieldEditor):
    """A list of sub-models (service providers, debt tranches) as a small editable table.

    One column per item and one row per field (the field's title and unit as
    the row's header), so a model of many fields stays as narrow as the panel.
    """

    def __init__(self, item_cls: type[BaseModel], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_cls = item_cls
        self.names = list(item_cls.model_fields)
        self.scale = {
            n: 100.0 if is_percent(field_unit(item_cls.model_fields[n])) else 1.0
            for n in self.names
        }
        self.table = QTableWidget(len(self.names), 0, self)
        for row, n in enumerate(self.names):
            info = item_cls.model_fields[n]
            unit = "%" if self.scale[n] != 1.0 else field_unit(info)
            header = QTableWidgetItem(f"{info.title or n}" + (f" ({unit})" if unit else ""))
            header.setToolTip(self._column_tip(n))
            self.table.setVerticalHeaderItem(row, header)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setMinimumSectionSize(48)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemChanged.connect(lambda _i: self.edited.emit())
        add = QPushButton("Add", self)
        remove = QPushButton("Remove", self)
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows: the panel scrolls, not the table."""
        t = self.table
        t.resizeRowsToContents()
        least = t.fontMetrics().height() + 12  # before the first show, hints can be short
        rows = sum(max(t.sizeHintForRow(r), least) for r in range(t.rowCount()))
        height = rows + t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth() + 4
        t.setFixedHeight(height)

    def _add(self) -> None:
        self.table.blockSignals(True)
        col = self.table.columnCount()
        self.table.insertColumn(col)
        for row, n in enumerate(self.names):
            info = self.item_cls.model_fields[n]
            default = info.get_default(call_default_factory=True)
            text = "" if default is None or default is Ellipsis else self._cell(n, default)
            if n == "name":
                text = f"SP{col + 1}"
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.edited.emit()

    def _remove(self) -> None:
        col = self.table.currentColumn()
        if col < 0:
            col = self.table.columnCount() - 1
        if col >= 0:
            self.table.removeColumn(col)
            self.edited.emit()

    def raw_value(self) -> Any:
        items = []
        for c in range(self.table.columnCount()):
            entry: dict[str, Any] = {}
            for r, n in enumerate(self.names):
                item = self.table.item(r, c)
                text = item.text().strip() if item is not None else ""
                annotation, _ = _strip_optional(self.item_cls.model_fields[n].annotation)
                if annotation in (int, float) and text:
                    try:
                        number = float(text.replace("%", "").strip()) / self.scale[n]
                        entry[n] = annotation(number) if annotation is int else round(number, 12)
                    except ValueError:
                        msg = f"Column {c + 1}: {text!r} is not a number."
                        raise ValueError(msg) from None
                else:
                    entry[n] = text
            items.append(entry)
        return items

    def set_value(self, value: Any) -> None:
        self.table.blockSignals(True)
        self.table.setColumnCount(0)
        for c, item in enumerate(value or []):
            data = item.model_dump() if isinstance(item, BaseModel) else dict(item)
            self.table.insertColumn(c)
            for r, n in enumerate(self.names):
                self.table.setItem(r, c, QTableWidgetItem(self._cell(n, data.get(n, ""))))
        self.table.blockSignals(False)
        self._fit_height()

    def _cell(self, name: str, value: Any) -> str:
        if isinstance(value, float):
            return f"{value * self.scale[name]:g}"
        return str(value)

    def _column_tip(self, name: str) -> str:
        info = self.item_cls.model_fields[name]
        tip = info.description or ""
        return tip + (" Typed as a percentage." if self.scale[name] != 1.0 else "")


class SubModelEditor(FieldEditor):
    """A nested model (e.g. a distribution) as a compact inline form."""

    def __init__(self, model_cls: type[BaseModel], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = ModelForm(model_cls, compact=True, parent=self)
        self.form.changed.connect(lambda _v, _n: self.edited.emit())
        _fill(self, self.form)

    def raw_value(self) -> Any:
        if self.form.has_errors():
            msg = "; ".join(self.form.errors().values())
            raise ValueError(msg)
        return self.form.value().model_dump()

    def set_value(self, value: Any) -> None:
        model = value if isinstance(value, BaseModel) else self.form.model_cls.model_validate(value)
        self.form.set_value(model)


def _fill(parent: QWidget, child: QWidget) -> None:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)
    child.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    parent.setFocusProxy(child)


def make_editor(info: FieldInfo, parent: QWidget | None = None) -> FieldEditor:
    """The editor for a field, chosen from its type."""
    annotation, optional = _strip_optional(info.annotation)
    origin = typing.get_origin(annotation)
    unit = field_unit(info)
    default = info.get_default(call_default_factory=True)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return ChoiceEditor(list(annotation), parent)
    if origin is typing.Literal:
        return ChoiceEditor(list(typing.get_args(annotation)), parent)
    if annotation is bool:
        return BoolEditor(parent)
    if annotation is int and not optional:
        return IntEditor(info, parent)
    if annotation is float and not optional:
        return FloatEditor(unit, default, parent)
    if annotation in (int, float):
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        return TextEditor("float", optional, str(extra.get("empty", "")), parent=parent)
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return ModelListEditor(item, parent)
        return TextEditor(
            "floats", optional, "none" if optional else "", parent, percent=is_percent(unit)
        )
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return SubModelEditor(annotation, parent)
    return TextEditor("text", optional, parent=parent)


# -- the form ---------------------------------------------------------------------------
class ModelForm(QWidget):
    """Editors for every field of a pydantic model, validated by the model.

    Parameters
    ----------
    model_cls
        The model class whose ``model_fields`` declare the form.
    value
        The initial value (the model's defaults if ``None``).
    sections
        Optional ``{section title: [field names]}`` to group rows; fields not
        named go to a last section, so a field added to the model always
        appears. ``"json:group"`` groups by each field's
        ``json_schema_extra["group"]`` instead.
    exclude
        Fields not shown.
    compact
        One row of editors (for nested models).
    titles
        Labels to show instead of some fields' titles (e.g. abbreviations
        spelled out); the tooltip keeps the declared title.
    toolbox
        Sections as the pages of a :class:`QToolBox` (``None``: when there
        are more than four) rather than one after the other under headings.
    together
        Groups of fields the model accepts only together (both OLT
        coordinates or neither): an edit of one is validated with the
        others' current text.

    Signals
    -------
    changed(object, str)
        The new validated model and the name of the field edited.
    """

    changed = Signal(object, str)

    def __init__(
        self,
        model_cls: type[BaseModel],
        value: BaseModel | None = None,
        sections: Mapping[str, list[str]] | str | None = None,
        exclude: Iterable[str] = (),
        compact: bool = False,
        parent: QWidget | None = None,
        titles: Mapping[str, str] | None = None,
        together: Iterable[Iterable[str]] = (),
        toolbox: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.model_cls = model_cls
        self.titles = dict(titles or {})
        self.together: dict[str, tuple[str, ...]] = {}
        for group in together:
            members = tuple(group)
            for n in members:
                self.together[n] = members
        #: The grid of each section, by title, for callers that add a row of their own.
        self.section_grids: dict[str, QGridLayout] = {}
        #: The heading of each section (when not in a tool box), to scroll to.
        self.section_headers: dict[str, QLabel] = {}
        self._toolbox = toolbox
        self._value = value if value is not None else model_cls()
        self.setStyleSheet(_INVALID_STYLE)
        self.editors: dict[str, FieldEditor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._errors: dict[str, str] = {}
        names = [n for n in model_cls.model_fields if n not in set(exclude)]
        if compact:
            self._build_compact(names)
        else:
            self._build(names, sections)
        self.set_value(self._value)

    # -- building ---------------------------------------------------------------------------
    def _sections(
        self, names: list[str], sections: Mapping[str, list[str]] | str | None
    ) -> list[tuple[str, list[str]]]:
        if sections is None:
            return [("", names)]
        if sections == "json:group":
            groups: dict[str, list[str]] = {}
            for n in names:
                g = field_extra(self.model_cls.model_fields[n], "group") or "Other"
                groups.setdefault(g, []).append(n)
            return list(groups.items())
        assert not isinstance(sections, str)
        out: list[tuple[str, list[str]]] = []
        placed: set[str] = set()
        for title, fields in sections.items():
            members = [n for n in fields if n in names]
            placed.update(members)
            if members:
                out.append((title, members))
        rest = [n for n in names if n not in placed]
        if rest:
            out.append(("Other", rest))
        return out

    def _build(self, names: list[str], sections: Mapping[str, list[str]] | str | None) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        parts = self._sections(names, sections)
        use_toolbox = len(parts) > 4 if self._toolbox is None else self._toolbox
        toolbox = QToolBox(self) if use_toolbox else None
        for title, fields in parts:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(4, 6 if title else 0, 4, 6)
            grid.setHorizontalSpacing(6)
            grid.setVerticalSpacing(2)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
            self.section_grids[title] = grid
            row = 0
            if title and toolbox is None:
                header = QLabel(title, page)
                header.setWordWrap(True)
                header.setObjectName("formSection")
                header.setStyleSheet("font-weight: 600; color: #37474f; padding-top: 4px;")
                grid.addWidget(header, row, 0, 1, 3)
                self.section_headers[title] = header
                row += 1
            for name in fields:
                row = self._add_row(grid, row, name, page)
            if toolbox is not None:
                toolbox.addItem(page, title)
            else:
                layout.addWidget(page)
        if toolbox is not None:
            layout.addWidget(toolbox)
        layout.addStretch(1)

    def _add_row(self, grid: QGridLayout, row: int, name: str, page: QWidget) -> int:
        info = self.model_cls.model_fields[name]
        unit = field_unit(info)
        editor = make_editor(info, page)
        editor.setObjectName(f"field_{name}")
        tip = self._tooltip(name, info)
        label = QLabel(self.titles.get(name, info.title or name), page)
        label.setObjectName(f"label_{name}")
        label.setWordWrap(True)
        label.setToolTip(tip)
        label.setBuddy(editor)
        editor.setToolTip(tip)
        wide = isinstance(editor, ModelListEditor | SubModelEditor)
        if wide:
            grid.addWidget(label, row, 0, 1, 3)
            row += 1
            grid.addWidget(editor, row, 0, 1, 3)
        else:
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1)
            unit_label = QLabel(display_unit(unit), page)
            unit_label.setObjectName(f"unit_{name}")
            unit_label.setStyleSheet("color: #607d8b;")
            unit_label.setWordWrap(True)
            grid.addWidget(unit_label, row, 2)
        row += 1
        error = QLabel("", page)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        grid.addWidget(error, row, 0, 1, 3)
        row += 1
        self._register(name, editor, error)
        return row

    def _build_compact(self, names: list[str]) -> None:
        """Captions and editors two to a row, so a nested model fits a narrow panel."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        outer.addLayout(grid)
        error = QLabel("", self)
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        outer.addWidget(error)
        for k, name in enumerate(names):
            info = self.model_cls.model_fields[name]
            editor = make_editor(info, self)
            editor.setObjectName(f"field_{name}")
            editor.setToolTip(self._tooltip(name, info))
            row, col = divmod(k, 2)
            if isinstance(editor, ChoiceEditor):
                grid.addWidget(editor, row, 2 * col, 1, 2)
            else:
                caption = QLabel(self.titles.get(name, info.title or name), self)
                caption.setStyleSheet("color: #607d8b;")
                grid.addWidget(caption, row, 2 * col)
                grid.addWidget(editor, row, 2 * col + 1)
            self._register(name, editor, error)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def _register(self, name: str, editor: FieldEditor, error: QLabel) -> None:
        self.editors[name] = editor
        self.error_labels[name] = error
        editor.edited.connect(partial(self._on_edited, name))
        if isinstance(editor, IntEditor):
            editor.set_accepts(partial(self._accepts, name))

    def _tooltip(self, name: str, info: FieldInfo) -> str:
        unit = field_unit(info)
        parts = [f"<b>{info.title or name}</b>" + (f" [{unit}]" if unit else "")]
        desc = info.description or ""
        source = field_extra(info, "source")
        if " Default from: " in desc:
            desc, source = desc.split(" Default from: ", 1)
        if desc:
            parts.append(desc)
        bounds = bounds_text(info)
        if bounds:
            parts.append(f"Allowed: {bounds}")
        if source and source != "user":
            parts.append(f"<i>Source of the default: {source.rstrip('.')}</i>")
        parts.append(f"<span style='color:#777'>{name}</span>")
        return "<br>".join(parts)

    # -- values -------------------------------------------------------------------------------
    def value(self) -> BaseModel:
        """The current (valid) model."""
        return self._value

    def set_value(self, value: BaseModel) -> None:
        """Show ``value``; clears every error."""
        self._value = value
        for name, editor in self.editors.items():
            editor.set_value(getattr(value, name))
            self._set_error(name, "")

    def errors(self) -> dict[str, str]:
        """Fields holding a refused value, with the reason."""
        return dict(self._errors)

    def has_errors(self) -> bool:
        """Whether any field holds a refused value."""
        return bool(self._errors)

    def _candidate(self, name: str, raw: Any) -> BaseModel:
        data = self._value.model_dump()
        for other in self.together.get(name, ()):
            if other != name:
                # A partner that cannot be read keeps its own error.
                with contextlib.suppress(ValueError):
                    data[other] = self.editors[other].raw_value()
        data[name] = raw
        return self.model_cls.model_validate(data)

    def _missing_partners(self, name: str) -> list[str]:
        """Fields declared together with ``name`` that are still empty while it is not."""
        editors = self.editors
        try:
            own = editors[name].raw_value()
        except ValueError:
            return []
        missing = []
        for other in self.together.get(name, ()):
            try:
                value = editors[other].raw_value()
            except ValueError:
                continue
            if other != name and (value is None) != (own is None):
                missing.append(other)
        return missing

    def _accepts(self, name: str, raw: Any) -> bool:
        try:
            self._candidate(name, raw)
        except (ValidationError, ValueError):
            return False
        return True

    def _on_edited(self, name: str) -> None:
        editor = self.editors[name]
        try:
            raw = editor.raw_value()
        except ValueError as exc:
            self._set_error(name, str(exc))
            return
        try:
            new = self._candidate(name, raw)
        except ValidationError as exc:
            missing = self._missing_partners(name)
            if missing:
                fields = self.model_cls.model_fields
                what = " and ".join(fields[m].title or m for m in missing)
                self._set_error(name, f"Enter {what} too (both or neither).")
                return
            unit = field_unit(self.model_cls.model_fields[name])
            messages = []
            for err in exc.errors():
                loc = err.get("loc", ())
                if not loc or loc[0] == name:
                    messages.append(error_text(err, unit))
            self._set_error(name, " ".join(messages or [error_text(e) for e in exc.errors()]))
            return
        except ValueError as exc:
            self._set_error(name, str(exc))
            return
        for other in self.together.get(name, (name,)):
            self._set_error(other, "")
        if new == self._value:
            return
        self._value = new
        self.changed.emit(new, name)

    def _set_error(self, name: str, message: str) -> None:
        label = self.error_labels[name]
        editor = self.editors[name]
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        shared = [n for n, lab in self.error_labels.items() if lab is label and n in self._errors]
        text = " ".join(self._errors[n] for n in shared)
        label.setText(text)
        label.setVisible(bool(text))
        editor.set_invalid(bool(message))
