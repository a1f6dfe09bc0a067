"""The status bar: connection state and how many changes wait to be sent."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.i18n import _, ngettext


class SyncStatusBar(QStatusBar):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.online = False
        self.state_label = QLabel(self)
        self.addPermanentWidget(self.state_label)
        ctx.data_changed.connect(lambda _table: self.refresh())
        self.refresh()

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
        super().changeEvent(event)
