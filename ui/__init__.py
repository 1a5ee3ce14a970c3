"""The PySide6 desktop application of fttx-planner.

The only package that imports Qt. It joins the planning engine
(:mod:`fttx_planner`) and the business models (:mod:`models`) and holds no
planning or finance logic of its own. Start it with ``fttx-planner-gui`` or
``python -m ui.app``; see ``docs/gui.md``.
"""

from __future__ import annotations

from ui import _pyside_fix

_pyside_fix.apply_when_loaded()
