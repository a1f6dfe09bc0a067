"""Progress of a long task, with Cancel. Appears only if the task takes longer than a moment (as Anki does),
so quick work never flashes a dialog."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.i18n import _
from ui.tasks import Task

SHOW_AFTER_MS = 600


class TaskProgressDialog(QProgressDialog):
    def __init__(self, task: Task, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.task = task
        self._title = title  # untranslated; translated in retranslate_ui
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.setAutoClose(True)
        self.setAutoReset(False)
        self.setRange(0, 0)  # busy until the first progress report
        self.canceled.connect(self._on_canceled)
        self._done = False
        task.signals.progressed.connect(self._on_task_progressed)
        task.signals.finished.connect(self._on_task_finished)
        self.retranslate_ui()
        if task.completed.is_set():
            # The task ended before this dialog was connected to it: its `finished` may never reach us.
            QTimer.singleShot(0, self._on_task_finished)
        QTimer.singleShot(SHOW_AFTER_MS, self._show_if_running)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_(self._title))
        self.setLabelText(_(self._title))
        self.setCancelButtonText(_("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _show_if_running(self) -> None:
        if not self._done:
            self.show()

    def _on_task_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.setRange(0, total)
            self.setValue(min(done, total))

    def _on_canceled(self) -> None:
        self.task.cancel()
        self.setLabelText(_("Cancelling…"))

    def _on_task_finished(self) -> None:
        if self._done:
            return
        self._done = True
        self.close()
        self.deleteLater()
