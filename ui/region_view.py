"""The *Region* panel: a region plan's figures and its service areas, to open one at a time."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.region_scene import RegionView
from ui.tables import DataFrameView

#: The columns of ``areas.csv`` listed, with their titles.
AREA_HEADERS = {
    "area_id": "Area",
    "central_office": "CO",
    "homes_passed": "Homes",
    "capex_eur": "Capex (EUR)",
    "gap_to_lower_bound": "Gap",
    "status": "Status",
    "error": "Error",
}


def region_text(view: RegionView) -> str:
    """The region's headline figures (HTML)."""
    s = view.summary
    homes = s.get("homes", {})
    capex = s.get("capex_eur", {})
    areas = s.get("areas", {})
    failed = int(areas.get("failed", 0)) if isinstance(areas, dict) else 0
    n_areas = len(view.areas)
    n_offices = len(s.get("central_offices", []) or [])
    lines = [
        f"<b>{view.name}</b>",
        f"{n_offices} central offices, {n_areas} service areas"
        + (f" (<span style='color:#c62828'>{failed} failed</span>)" if failed else ""),
    ]
    if homes:
        lines.append(
            f"Homes passed {int(homes.get('passed', 0)):,} of {int(homes.get('demand', 0)):,}"
        )
    if capex:
        lines.append(
            f"Capex {float(capex.get('total', 0.0)):,.0f} EUR, "
            f"{float(capex.get('per_home_passed', 0.0)):,.0f} EUR per home passed"
        )
    if not view.streets_shown:
        lines.append("<span style='color:#78909c'>Streets shown in each area only (many).</span>")
    lines.append(
        "<span style='color:#78909c'>Double-click an area (here or on the map) to open it "
        "in full detail.</span>"
    )
    return "<br>".join(lines)


class RegionPanel(QWidget):
    """A region's figures, its areas, and the buttons between overview and areas.

    Signals
    -------
    area_chosen(int)
        Open this service area in detail.
    overview_requested()
        Show every area again.
    close_requested()
        Leave the region: back to the district plan.
    """

    area_chosen = Signal(int)
    overview_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionPanel")
        self.title = QLabel("", self)
        self.title.setObjectName("regionTitle")
        self.title.setWordWrap(True)
        self.table = DataFrameView(self, sortable=True)
        self.table.setObjectName("regionAreas")
        self.table.setToolTip(
            "Homes passed, capex and gap to the area's own lower bound; double-click to open"
        )
        self.area_info = QLabel("", self)
        self.area_info.setObjectName("regionAreaInfo")
        self.area_info.setWordWrap(True)
        self.open_button = QPushButton("Open area", self)
        self.open_button.setToolTip("Show the selected service area in full detail")
        self.overview_button = QPushButton("All areas", self)
        self.overview_button.setToolTip("Back to the region's service areas")
        self.close_button = QPushButton("Close region", self)
        self.close_button.setToolTip("Back to the district plan")
        buttons = QHBoxLayout()
        for b in (self.open_button, self.overview_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.area_info)
        self.table.doubleClicked.connect(self._on_double_click)
        self.open_button.clicked.connect(self._open_selected)
        self.overview_button.clicked.connect(self.overview_requested)
        self.close_button.clicked.connect(self.close_requested)

    def set_region(self, view: RegionView) -> None:
        """Show a region's figures and areas."""
        self.title.setText(region_text(view))
        cols = [c for c in AREA_HEADERS if c in view.areas.columns]
        frame = view.areas[cols].copy()
        if "gap_to_lower_bound" in frame:
            frame["gap_to_lower_bound"] = [_percent(v) for v in frame["gap_to_lower_bound"]]
        self.table.set_frame(frame, AREA_HEADERS)
        self.area_info.setText("")

    def set_area_info(self, html: str) -> None:
        """A line about the area shown (or being loaded)."""
        self.area_info.setText(html)

    def area_at(self, row: int) -> int | None:
        """The area id in view row ``row``."""
        frame = self.table.visible_frame()
        if not 0 <= row < len(frame) or "area_id" not in frame:
            return None
        return int(frame["area_id"].iloc[row])

    def _on_double_click(self, index: QModelIndex) -> None:
        area = self.area_at(index.row())
        if area is not None:
            self.area_chosen.emit(area)

    def _open_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        area = self.area_at(rows[0]) if rows else None
        if area is not None:
            self.area_chosen.emit(area)


def _percent(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if pd.isna(v) else f"{100 * v:.1f} %"
