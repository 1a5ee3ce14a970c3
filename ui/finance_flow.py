"""The business models in the main window: finance inputs and their recomputation.

A finance input is an undoable edit; any change (a plan, an input, a chart
choice) recomputes the four ownership models in the window's
``finance_runner`` after a short pause, on the current plan's capex.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot

from ui import tasks
from ui.tasks import FinanceOutcome
from ui.window_base import WindowBase


class FinanceFlow(WindowBase):
    """Recomputes the business models in a worker and shows them in their tab."""

    def _connect_finance(self) -> None:
        """Wire the finance inputs and the business-model runner."""
        self.session.finance_params_changed.connect(self._on_finance_changed)
        self.finance_view.params_edited.connect(self._push_finance)
        self.finance_view.choices_changed.connect(self._finance_timer.start)
        f = self.finance_runner
        f.started.connect(lambda _l: self.finance_view.set_busy("Computing…"))
        f.finished.connect(self._on_finance_finished)
        f.failed.connect(self._on_finance_failed)
        f.crashed.connect(self._on_crash)

    def _push_finance(self, params: Any, name: str) -> None:
        fields = self.finance_view.form.model_cls.model_fields
        title = fields[name].title if name in fields else name
        self._push(
            self.session.set_finance_params, self.session.finance_params, params,
            f"change {str(title).lower()}", f"finance:{name}",
        )  # fmt: skip

    def _on_finance_changed(self) -> None:
        self.finance_view.set_params(self.session.finance_params)
        self._finance_timer.start()
        self._scenario_timer.start()

    def start_finance(self) -> None:
        """Recompute the business models on the current capex (cancels a running run)."""
        self._finance_timer.stop()
        if self.session.finance_params is None:
            return
        request = self.finance_view.request(self.session.summary)
        self.finance_runner.start("Business models", tasks.finance_task(request))

    @Slot(object)
    def _on_finance_finished(self, outcome: FinanceOutcome) -> None:
        self.finance_outcome = outcome
        self.finance_view.set_outcome(outcome)

    def _on_finance_failed(self, message: str) -> None:
        self.finance_view.set_error(message)
        self.show_banner(f"Business models: {message}")
