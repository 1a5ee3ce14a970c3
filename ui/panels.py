"""Side panels: the district chooser, the plan's headline figures, the details of a feature."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fttx_planner.samples import Scenario
from ui.map_scene import Feature
from ui.project import DistrictRef

OSM_FILTER = "OpenStreetMap files (*.osm *.osm.gz *.osm.bz2 *.pbf *.osm.pbf *.xml);;All files (*)"
INFRA_FILTER = "Existing infrastructure (*.geojson *.json *.gpkg);;All files (*)"


def _muted(label: QLabel) -> QLabel:
    label.setStyleSheet("color: #607d8b;")
    label.setWordWrap(True)
    return label


class DistrictPanel(QWidget):
    """Pick a sample city or an OSM file, and an existing-infrastructure layer.

    Signals
    -------
    district_chosen(object)
        A :class:`~ui.project.DistrictRef` the user picked.
    """

    district_chosen = Signal(object)

    def __init__(self, samples: list[Scenario], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples = {s.slug: s for s in samples}
        self.ref: DistrictRef | None = None
        self.combo = QComboBox(self)
        self.combo.setObjectName("sampleCombo")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        for s in samples:
            self.combo.addItem(s.name, s.slug)
            self.combo.setItemData(
                self.combo.count() - 1, s.description, Qt.ItemDataRole.ToolTipRole
            )
        self.combo.activated.connect(self._on_combo)
        self.open_button = QPushButton("Open OSM file…", self)
        self.open_button.setToolTip("An OpenStreetMap extract: .osm, .osm.gz, .osm.bz2 or .pbf")
        self.open_button.clicked.connect(self.choose_osm_file)
        self.info = _muted(QLabel("", self))
        self.info.setObjectName("districtInfo")
        self.infra_label = _muted(QLabel("", self))
        self.infra_label.setObjectName("infraLabel")
        self.infra_button = QToolButton(self)
        self.infra_button.setText("Choose…")
        self.infra_button.setToolTip(
            "Existing ducts and pole routes (GeoJSON or GeoPackage) for brownfield"
        )
        self.infra_button.clicked.connect(self.choose_infrastructure)
        self.infra_clear = QToolButton(self)
        self.infra_clear.setText("Clear")
        self.infra_clear.clicked.connect(lambda: self._set_infra(None))
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setVerticalSpacing(4)
        # Captions above their fields: the whole width of the panel is for the names.
        grid.addWidget(QLabel("Sample city or OSM file", self), 0, 0, 1, 3)
        grid.addWidget(self.combo, 1, 0, 1, 3)
        grid.addWidget(self.open_button, 2, 0, 1, 3)
        grid.addWidget(self.info, 3, 0, 1, 3)
        grid.addWidget(QLabel("Existing infrastructure (ducts, poles)", self), 4, 0, 1, 3)
        row = QHBoxLayout()
        row.addWidget(self.infra_label, 1)
        row.addWidget(self.infra_button)
        row.addWidget(self.infra_clear)
        grid.addLayout(row, 5, 0, 1, 3)
        grid.setColumnStretch(1, 1)

    def set_district(self, ref: DistrictRef, name: str = "") -> None:
        """Show ``ref`` (no signal)."""
        self.ref = ref
        self.combo.blockSignals(True)
        custom = self.combo.findData("__custom__")
        if ref.kind == "sample" and ref.slug in self.samples:
            if custom >= 0:
                self.combo.removeItem(custom)
            self.combo.setCurrentIndex(self.combo.findData(ref.slug))
            s = self.samples[ref.slug]
            self.info.setText(f"{s.description}. Deployment: {s.deployment.value}.")
            self.info.setToolTip(s.notes)
        else:
            label = f"File: {ref.label()}" if ref.kind == "osm" else ref.label()
            if custom < 0:
                self.combo.insertItem(0, label, "__custom__")
                custom = 0
            self.combo.setItemText(custom, label)
            self.combo.setCurrentIndex(custom)
            where = str(ref.path) if ref.path else "generated"
            self.info.setText(name or where)
            self.info.setToolTip(where)
        self.combo.blockSignals(False)
        self._show_infra()

    def _show_infra(self) -> None:
        ref = self.ref
        if ref is None:
            return
        if ref.infrastructure is not None:
            self.infra_label.setText(ref.infrastructure.name)
            self.infra_label.setToolTip(str(ref.infrastructure))
        elif (
            ref.kind == "sample"
            and self.samples.get(ref.slug)
            and self.samples[ref.slug].infrastructure_path
        ):
            path = self.samples[ref.slug].infrastructure_path
            assert path is not None
            self.infra_label.setText(f"{path.name} (sample's own)")
            self.infra_label.setToolTip(str(path))
        else:
            self.infra_label.setText("none (greenfield only)")
            self.infra_label.setToolTip("")
        self.infra_clear.setEnabled(ref.infrastructure is not None)

    def _on_combo(self, index: int) -> None:
        slug = self.combo.itemData(index)
        if (
            slug
            and slug != "__custom__"
            and self.ref is not None
            and (self.ref.kind != "sample" or self.ref.slug != slug)
        ):
            self.district_chosen.emit(DistrictRef.sample(str(slug)))

    def choose_osm_file(self) -> None:
        """Ask for an OSM file and choose it."""
        path, _ = QFileDialog.getOpenFileName(self, "Open OpenStreetMap file", "", OSM_FILTER)
        if path:
            self.district_chosen.emit(DistrictRef.osm(Path(path)))

    def choose_infrastructure(self) -> None:
        """Ask for an existing-infrastructure layer."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Existing infrastructure layer", "", INFRA_FILTER
        )
        if path:
            self._set_infra(Path(path))

    def _set_infra(self, path: Path | None) -> None:
        if self.ref is not None and path != self.ref.infrastructure:
            self.district_chosen.emit(self.ref.with_infrastructure(path))


class _Figure(QFrame):
    """One headline number with a caption and a detail line."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.caption = QLabel(caption, self)
        self.caption.setStyleSheet("color: #607d8b; font-size: 8.5pt;")
        self.caption.setWordWrap(True)
        self.value = QLabel("–", self)
        self.value.setStyleSheet("font-size: 14pt; font-weight: 600; color: #263238;")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("", self)
        self.detail.setStyleSheet("color: #546e7a; font-size: 8.5pt;")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 6)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))


def _eur(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} M EUR"
    return f"{value:,.0f} EUR"


class SummaryPanel(QWidget):
    """The plan's headline figures from its summary (the engine's summary contract)."""

    CARDS = (
        ("homes", "Homes passed"),
        ("capex", "Capex (to pass and connect all)"),
        ("per_home", "Cost per home passed"),
        ("per_connected", "Cost per home connected"),
        ("fibre", "Fibre cable"),
        ("trench", "Trench route"),
        ("splitters", "Splitters"),
        ("loss", "Worst optical loss"),
        ("gap", "Above the best possible design"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("No plan yet", self)
        self.title.setObjectName("summaryTitle")
        self.title.setStyleSheet("font-weight: 600; font-size: 10.5pt;")
        self.title.setWordWrap(True)
        self.architecture = _muted(QLabel("", self))
        self.stale = QLabel("", self)
        self.stale.setObjectName("staleLabel")
        self.stale.setWordWrap(True)
        self.stale.setStyleSheet(
            "background: #fff8e1; color: #8d6e00; border: 1px solid #ffe082; border-radius: 3px;"
            " padding: 4px;"
        )
        self.stale.setVisible(False)
        self.cards: dict[str, _Figure] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, (key, caption) in enumerate(self.CARDS):
            card = _Figure(caption, self)
            self.cards[key] = card
            grid.addWidget(card, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.architecture)
        layout.addWidget(self.stale)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setStyleSheet(
            "#figureCard { background: #ffffff; border: 1px solid #e0e0e0; border-radius: 4px; }"
        )

    def set_summary(self, summary: dict[str, Any] | None, note: str = "") -> None:
        """Show a plan summary (``None`` clears)."""
        if summary is None:
            self.title.setText("No plan yet")
            self.architecture.setText("")
            for card in self.cards.values():
                card.set("–")
            return
        h = summary["homes"]
        c = summary["capex_eur"]
        km = summary["lengths_km"]
        sp = summary["splitters"]
        loss = summary["loss_db"]
        self.title.setText(str(summary.get("district", "")))
        self.architecture.setText(
            str(summary.get("architecture", "")) + (f"\n{note}" if note else "")
        )
        share = h["passed"] / h["demand"] if h["demand"] else 0.0
        split = ""
        if "residential_units" in h and "business_units" in h:
            split = f" ({h['residential_units']:,} homes, {h['business_units']:,} business units)"
        calibrated = (summary.get("demand") or {}).get("calibration")
        self.cards["homes"].set(
            f"{h['passed']:,}",
            f"{100 * share:.1f} % of {h['demand']:,} premises{split}; {h['unserved']:,} "
            f"unserved in {h['buildings_unserved']:,} buildings"
            + ("; calibrated to " + " and ".join(
                f"{rec['target']:,} {what}" for what, rec in calibrated.items()
            ) if calibrated else ""),
        )  # fmt: skip
        self.cards["capex"].set(
            _eur(c["total"]), f"to pass {_eur(c['passive_to_pass'] + c['active_to_pass'])}"
        )
        self.cards["per_home"].set(
            f"{c['per_home_passed']:,.0f} EUR", "capex to pass / homes passed"
        )
        self.cards["per_connected"].set(f"{c['per_home_connected']:,.0f} EUR", "at 100 % take-up")
        fibre = km.get("feeder_cable_km", 0.0) + km.get("distribution_cable_km", 0.0)
        self.cards["fibre"].set(
            f"{fibre:,.1f} km",
            f"feeder {km.get('feeder_cable_km', 0.0):,.1f}, distribution "
            f"{km.get('distribution_cable_km', 0.0):,.1f}, drops {km.get('drop_km', 0.0):,.1f} km",
        )
        self.cards["trench"].set(
            f"{km.get('route_km', 0.0):,.1f} km",
            f"new {km.get('trench_new_km', 0.0):,.1f}, ducts {km.get('duct_reuse_km', 0.0):,.1f}, "
            f"aerial {km.get('aerial_km', 0.0):,.1f} km",
        )
        stages = ", ".join(f"stage {k}: {v:,}" for k, v in sorted(sp.get("by_stage", {}).items()))
        self.cards["splitters"].set(f"{sp['count']:,}", f"{stages}; {sp['olt_ports']:,} OLT ports")
        self.cards["loss"].set(
            f"{loss['max']:.1f} dB", f"budget {loss['budget']:.0f} dB, mean {loss['mean']:.1f} dB"
        )
        gap = summary.get("gap_to_lower_bound")
        bound = summary.get("lower_bound_eur")
        if gap is None or bound is None:
            self.cards["gap"].set("–", "no lower bound computed")
        else:
            self.cards["gap"].set(
                f"at most {100 * gap:.1f} %", f"lower bound on any design {_eur(bound)}"
            )

    def set_stale(self, text: str) -> None:
        """Say the plan shown no longer matches the inputs ('' hides it)."""
        self.stale.setText(text)
        self.stale.setVisible(bool(text))


class DetailsPanel(QLabel):
    """Details of the feature hovered or clicked on the map."""

    HINT = (
        "<p style='color:#78909c'>Hover or click a building, splitter or cable on the map to "
        "see its homes and business units, splitter, optical loss, cable size, length and "
        "cost.</p>"
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMargin(8)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.feature: Feature | None = None
        self.setText(self.HINT)

    def show_feature(self, feature: Feature | None, pinned: bool = False) -> None:
        """Show a feature's details (``None`` shows the hint)."""
        self.feature = feature
        if feature is None:
            self.setText(self.HINT)
            return
        note = "<p style='color:#90a4ae'>Selected (Esc clears)</p>" if pinned else ""
        self.setText(feature.html() + note)
