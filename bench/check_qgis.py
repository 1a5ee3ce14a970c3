"""Open a plan's GeoPackage and QGIS project in QGIS, render them, report warnings.

Run with the system Python that has QGIS (Debian: ``apt-get install qgis
python3-qgis``), not the project's virtual environment::

    /usr/bin/python3 bench/check_qgis.py                 # plans the default city first
    /usr/bin/python3 bench/check_qgis.py out/balzers     # an existing output folder

It plans the default sample city with ``.venv/bin/fttx-planner`` when no
folder is given, then, with QGIS offscreen:

1. opens every layer of ``plan.gpkg`` alone, as a user dragging the file in
   would, and reports the renderer QGIS took from the ``layer_styles`` table;
2. opens ``plan.qgz`` and reports its layers in order;
3. renders the project to ``qgis_render.png`` (whole plan) and
   ``qgis_render_zoom.png`` (1:4,000 around the OLT) in the folder;
4. opens ``plan.kmz`` through GDAL's LIBKML driver (what Google Earth would
   show, folder by folder) and renders it with the styles the KML carries to
   ``kmz_render.png``;
5. prints every GDAL/QGIS warning raised meanwhile.

Exit status 1 if a layer is invalid, unstyled, or anything warned. The test
suite does not need QGIS; this script is the check that QGIS agrees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _plan_default(out: Path) -> None:
    cli = ROOT / ".venv" / "bin" / "fttx-planner"
    subprocess.run(
        [str(cli), "plan", "liechtenstein_balzers", "--out", str(out), "--quiet"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


class _Stderr:
    """Collect what GDAL and Qt print on file descriptor 2 (they bypass sys.stderr)."""

    def __enter__(self) -> _Stderr:
        self.file = tempfile.TemporaryFile(mode="w+b")
        self.saved = os.dup(2)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        self.text = self.file.read().decode("utf-8", "replace")
        self.file.close()


def check(folder: Path) -> int:
    """Open, render and report; return the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (  # type: ignore[import-not-found]
        Qgis,
        QgsApplication,
        QgsCoordinateTransform,
        QgsEmbeddedSymbolRenderer,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
        QgsSymbol,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize  # type: ignore[import-not-found]

    gpkg, qgz = folder / "plan.gpkg", folder / "plan.qgz"
    problems: list[str] = []
    log: list[str] = []
    with _Stderr() as err:
        app = QgsApplication([], False)
        app.initQgis()
        QgsApplication.messageLog().messageReceived.connect(
            lambda msg, tag, level: log.append(f"{tag}: {msg}") if level >= Qgis.Warning else None
        )
        print(f"QGIS {Qgis.QGIS_VERSION}")
        print(f"{gpkg}:")
        from osgeo import ogr  # type: ignore[import-not-found]

        ds = ogr.Open(str(gpkg))
        names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
        ds = None
        for name in names:
            if name == "layer_styles":
                continue
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            if layer.isValid() and not layer.isSpatial():  # a table (the detailed design's)
                print(f"  {name:12s} valid=True features={layer.featureCount():6d} table, "
                      f"fields={len(layer.fields())}")  # fmt: skip
                if layer.featureCount() == 0:
                    problems.append(f"{name}: an empty table")
                continue
            kind = layer.renderer().type() if layer.isValid() else "-"
            rules = len(layer.renderer().legendSymbolItems()) if layer.isValid() else 0
            print(f"  {name:12s} valid={layer.isValid()} features={layer.featureCount():6d} "
                  f"renderer={kind} legend={rules}")  # fmt: skip
            if not layer.isValid() or kind != "RuleRenderer":
                problems.append(f"{name}: not styled from layer_styles ({kind})")
        project = QgsProject.instance()
        if not project.read(str(qgz)):
            problems.append(f"{qgz}: QGIS cannot read it: {project.error()}")
        print(f"{qgz}: CRS {project.crs().authid()}, title {project.title()!r}")
        ordered = [lyr for lyr in project.layerTreeRoot().layerOrder() if lyr.isSpatial()]
        for lyr in project.mapLayers().values():
            if not lyr.isSpatial():
                print(f"  {lyr.name():22s} valid={lyr.isValid()} table")
                if not lyr.isValid():
                    problems.append(f"project table {lyr.name()} is invalid")
        for rel in project.relationManager().relations().values():
            print(f"  relation {rel.name()}: valid={rel.isValid()}")
            if not rel.isValid():
                problems.append(f"project relation {rel.name()} is invalid")
        for layer in ordered:
            kind = layer.renderer().type()
            print(f"  {layer.name():22s} valid={layer.isValid()} renderer={kind} "
                  f"labels={layer.labelsEnabled()}")  # fmt: skip
            if not layer.isValid():
                problems.append(f"project layer {layer.name()} is invalid")
        settings = QgsMapSettings()
        settings.setLayers(ordered)
        settings.setDestinationCrs(project.crs())
        settings.setBackgroundColor(project.backgroundColor())
        settings.setOutputSize(QSize(1600, 1200))
        extent = QgsRectangle()
        extent.setMinimal()
        for layer in ordered:
            if "layername=streets" in layer.source() or "layername=barriers" in layer.source():
                continue  # context reaching beyond the plan
            tr = QgsCoordinateTransform(layer.crs(), project.crs(), project)
            extent.combineExtentWith(tr.transformBoundingBox(layer.extent()))
        settings.setExtent(extent.buffered(extent.width() * 0.03))
        renders = [("qgis_render.png", settings)]
        olt = [lyr for lyr in ordered if lyr.name() == "OLT"]
        if olt:
            zoom = QgsMapSettings(settings)
            tr = QgsCoordinateTransform(olt[0].crs(), project.crs(), project)
            c = tr.transformBoundingBox(olt[0].extent()).center()
            half_w = 4000 * 0.0254 / 96 * 1600 / 2  # metres at 1:4,000 and 96 dpi
            zoom.setExtent(QgsRectangle(c.x() - half_w, c.y() - half_w * 0.75,
                                        c.x() + half_w, c.y() + half_w * 0.75))  # fmt: skip
            renders.append(("qgis_render_zoom.png", zoom))
        kmz = folder / "plan.kmz"
        ds = ogr.Open(str(kmz))
        folders = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
        ds = None
        kml_layers = []
        for name in folders:
            layer = QgsVectorLayer(f"{kmz}|layername={name}", name, "ogr")
            if not layer.isValid():
                problems.append(f"{kmz}: folder {name} does not open")
                continue
            # Draw each feature with the style its KML <Style> gives it.
            default = QgsSymbol.defaultSymbol(layer.geometryType())
            layer.setRenderer(QgsEmbeddedSymbolRenderer(default))
            kml_layers.append(layer)
        print(
            f"{kmz}: folders "
            + ", ".join(f"{lyr.name()} ({lyr.featureCount()})" for lyr in kml_layers)
        )
        kml_settings = QgsMapSettings(settings)
        kml_settings.setLayers(kml_layers)
        renders.append(("kmz_render.png", kml_settings))
        for file_name, ms in renders:
            job = QgsMapRendererSequentialJob(ms)
            job.start()
            job.waitForFinished()
            job.renderedImage().save(str(folder / file_name), "PNG")
            print(f"rendered {folder / file_name} at 1:{ms.scale():,.0f}")
        app.exitQgis()
    warnings = [line for line in err.text.splitlines() if line.strip()] + log
    warnings = [w for w in warnings if "XDG_RUNTIME_DIR" not in w]
    print(f"warnings: {len(warnings)}")
    for w in warnings:
        print(f"  {w}")
    for p in problems:
        print(f"PROBLEM: {p}")
    return 1 if problems or warnings else 0


def main(argv: list[str]) -> int:
    """Plan the default city unless a folder is given, then check it in QGIS."""
    if argv:
        return check(Path(argv[0]).resolve())
    folder = Path(tempfile.mkdtemp(prefix="fttx-qgis-"))
    _plan_default(folder)
    print(f"planned the default city into {folder}")
    return check(folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
