"""Exports from the main window: all outputs, GeoJSON, GeoPackage, BOM, map, charts, PDF.

Each export has a ``*_dialog`` method (asks where, behind a *File ▸ Export*
action) and a method that takes the target and writes it in the window's
``export_runner`` (tests call those directly); the map image is drawn on
the GUI thread. The PDF report needs ``fttx_planner.report``.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from ui.window_base import WindowBase


def report_available() -> bool:
    """Whether the PDF report writer (``fttx_planner.report.builder``) is installed."""
    try:
        return importlib.util.find_spec("fttx_planner.report") is not None
    except (ImportError, ValueError):
        return False


class ExportFlow(WindowBase):
    """Writes the plan's outputs in a worker, asking where first."""

    def _connect_exports(self) -> None:
        """Wire the results tab's BOM export and the export runner."""
        self.results.export_bom_requested.connect(self.export_bom_dialog)
        e = self.export_runner
        e.started.connect(lambda label: self.set_status(label + "…"))
        e.finished.connect(lambda message: self.set_status(str(message)))
        e.failed.connect(lambda m: self.show_error("Export failed", m))
        e.crashed.connect(self._on_crash)

    def _plan_or_warn(self) -> Any:
        if self.session.outcome is None:
            self.show_error("Nothing to export", "Plan a district first.")
            return None
        return self.session.outcome.plan

    def _ask_dir(self, title: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(self, title, self._last_dir())
        return Path(path) if path else None

    def _ask_file(self, title: str, name: str, kind: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._last_dir()) / name), kind)
        return Path(path) if path else None

    def export_all(self, folder: Path) -> None:
        """Write every output of the plan to ``folder`` (in a worker)."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import write_all

            paths = write_all(plan, folder, progress)
            return f"Wrote {len(paths)} files to {folder}"

        self.export_runner.start("Exporting all outputs", run)

    def export_geojson(self, folder: Path) -> None:
        """One GeoJSON file per layer (WGS84)."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import plan_layers, write_geojson

            paths = write_geojson(plan_layers(plan, wgs84=True), folder)
            return f"Wrote {len(paths)} GeoJSON layers to {folder}"

        self.export_runner.start("Exporting GeoJSON", run)

    def export_gpkg(self, path: Path) -> None:
        """All layers in one GeoPackage."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import plan_layers, write_geopackage

            return f"Wrote {write_geopackage(plan_layers(plan, wgs84=True), path)}"

        self.export_runner.start("Exporting GeoPackage", run)

    def export_bom(self, path: Path) -> None:
        """The bill of materials as CSV."""
        plan = self._plan_or_warn()
        if plan is None:
            return

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.export import write_bom_csv

            return f"Wrote {write_bom_csv(plan, path)}"

        self.export_runner.start("Exporting the bill of materials", run)

    def export_map(self, path: Path) -> Path:
        """The map as drawn, with legend, scale bar and attribution, as PNG."""
        from fttx_planner.export import atomic_path

        image = self.canvas.render_image(2.0)
        with atomic_path(path) as tmp:
            if not image.save(str(tmp)):
                msg = f"Cannot write {path}"
                raise OSError(msg)
        self.set_status(f"Wrote {path}")
        return path

    def export_charts(self, folder: Path) -> None:
        """Every chart as PNG and SVG; figures are re-drawn from the results in a worker."""
        summary = self.session.summary
        finance = self.finance_outcome
        records = list(self.session.scenarios)
        npv = self.scenario_npv
        titles = dict(self._titles)

        def run(progress: Any, cancelled: Any) -> str:
            from models import charts as mc
            from ui.charts import (
                capex_by_layer_figure,
                save_figure,
                scenario_capex_figure,
                scenario_npv_figure,
            )

            figures: dict[str, Any] = {}
            if summary is not None:
                figures["capex_by_layer"] = capex_by_layer_figure(
                    summary["capex_eur"]["by_layer"], summary["homes"]["passed"]
                )
            if finance is not None:
                figures["npv_by_model"] = mc.npv_by_model_figure(finance.comparison)
                figures["revenue_split"] = mc.revenue_split_figure(finance.comparison)
                for model in finance.comparison.models:
                    figures[f"cash_flow_{model}"] = mc.cumulative_cashflow_figure(
                        finance.comparison, model=model
                    )
                figures["tornado"] = mc.tornado_figure(finance.tornado)
                figures["monte_carlo"] = mc.npv_distribution_figure(finance.monte_carlo)
            planned = [r for r in records if r.summary]
            if planned:
                names = [r.name for r in planned]
                figures["scenario_capex"] = scenario_capex_figure(
                    names, [r.summary["capex_eur"]["by_layer"] for r in planned if r.summary]
                )
                if npv is not None:
                    values = {
                        t: [
                            v.get(m) if v else None
                            for v, r in zip(npv, records, strict=True)
                            if r.summary
                        ]
                        for m, t in titles.items()
                    }
                    figures["scenario_npv"] = scenario_npv_figure(names, values)
            n = 0
            for i, (name, fig) in enumerate(figures.items()):
                for suffix in (".png", ".svg"):
                    save_figure(fig, folder / f"{name}{suffix}")
                    n += 1
                progress((i + 1) / max(len(figures), 1), name)
            return f"Wrote {n} chart files to {folder}"

        self.export_runner.start("Exporting charts", run)

    def export_pdf(self, path: Path) -> None:
        """The PDF report (when ``fttx_planner.report.builder`` is installed)."""
        plan = self._plan_or_warn()
        if plan is None:
            return
        if not report_available():
            self.show_error(
                "No PDF report", "The PDF report writer is not installed in this version."
            )
            return
        finance = self.finance_outcome
        params = self.session.finance_params
        scenario = self.session.district_label()

        def run(progress: Any, cancelled: Any) -> str:
            from fttx_planner.report.builder import write_report

            accepted = inspect.signature(write_report).parameters
            kwargs: dict[str, Any] = {}
            if "finance_params" in accepted and params is not None:
                kwargs["finance_params"] = params
            if "comparison" in accepted and finance is not None:
                kwargs["comparison"] = finance.comparison
            if "progress" in accepted:
                kwargs["progress"] = progress
            if "scenario" in accepted:
                kwargs["scenario"] = scenario
            return f"Wrote {write_report(plan, path, **kwargs)}"

        self.export_runner.start("Writing the PDF report", run)

    def export_all_dialog(self) -> None:
        if self._plan_or_warn() is not None and (folder := self._ask_dir("Export all outputs to")):
            self.export_all(folder)

    def export_geojson_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            folder := self._ask_dir("Export GeoJSON layers to")
        ):
            self.export_geojson(folder)

    def export_gpkg_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export GeoPackage", "plan.gpkg", "GeoPackage (*.gpkg)")
        ):
            self.export_gpkg(path)

    def export_bom_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export bill of materials", "bom.csv", "CSV (*.csv)")
        ):
            self.export_bom(path)

    def export_map_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Export map image", "map.png", "PNG image (*.png)")
        ):
            try:
                self.export_map(path)
            except OSError as exc:
                self.show_error("Map not saved", str(exc))

    def export_charts_dialog(self) -> None:
        if folder := self._ask_dir("Export charts (PNG and SVG) to"):
            self.export_charts(folder)

    def export_pdf_dialog(self) -> None:
        if self._plan_or_warn() is not None and (
            path := self._ask_file("Write PDF report", "report.pdf", "PDF (*.pdf)")
        ):
            self.export_pdf(path)
