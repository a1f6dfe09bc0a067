"""The status bar: connection state and how many changes wait to be sent."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from desktop.i18n import _, ngettext
from desktop.reports.submission import submission_reminder


class SyncStatusBar(QStatusBar):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.online = False
        # Month-end reminder until the finished months are submitted to the region; a click opens the report.
        self.reminder = QPushButton(self)
        self.reminder.setFlat(True)
        self.reminder.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.reminder.clicked.connect(lambda: ctx.section_requested.emit("reports", "report"))
        self.addWidget(self.reminder)
        self.state_label = QLabel(self)
        self.addPermanentWidget(self.state_label)
        ctx.data_changed.connect(self._on_data_changed)
        self.refresh()
        self.refresh_reminder()

    def _on_data_changed(self, table: str) -> None:
        self.refresh()
        if table in ("", "monthly_reports"):
            self.refresh_reminder()

    def refresh_reminder(self) -> None:
        text = submission_reminder(self.ctx.store)
        self.reminder.setText(text or "")
        self.reminder.setVisible(bool(text))

    def refresh(self) -> None:
        pending = self.ctx.store.pending_count()
        state = _("online") if self.online else _("offline")
        waiting = ngettext("{count} change not yet sent", "{count} changes not yet sent", pending).format(
            count=pending
        )
        self.state_label.setText(f"{state} · {waiting}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
            self.refresh_reminder()
        super().changeEvent(event)
