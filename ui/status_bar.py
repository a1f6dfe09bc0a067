"""The status bar: connection state, last sync, changes waiting to be sent and conflicts to review."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop import formats
from desktop.i18n import _, ngettext
from ui.sync_controller import sync_controller


class SyncStatusBar(QStatusBar):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.sync = sync_controller(ctx)
        self.state_label = QLabel(self)
        self.review_label = QLabel(self)
        # A link, so "3 to review" takes the user straight to the Needs review list.
        self.review_label.linkActivated.connect(lambda _href: ctx.section_requested.emit("sync", "review"))
        self.addPermanentWidget(self.review_label)
        self.addPermanentWidget(self.state_label)
        ctx.data_changed.connect(lambda _table: self.refresh())
        self.sync.state_changed.connect(self.refresh)
        self.refresh()

    @property
    def online(self) -> bool:
        return bool(self.sync.online)

    def refresh(self) -> None:
        store = self.ctx.store
        pending = store.pending_count()
        if self.sync.running is not None:
            state = _("syncing…")
        else:
            state = _("online") if self.sync.online else _("offline")
        parts = [state]
        last = self.sync.last_sync_at
        if last is not None:
            parts.append(_("last sync {time}").format(time=formats.format_datetime(last, "short")))
        parts.append(ngettext("{count} change not yet sent", "{count} changes not yet sent", pending).format(
            count=pending))
        self.state_label.setText(" · ".join(parts))
        conflicts = store.open_conflicts_count()
        if conflicts:
            text = ngettext("{count} conflict to review", "{count} conflicts to review", conflicts).format(
                count=conflicts)
            self.review_label.setText(f'<a href="review" style="color:#b00020">{text}</a>')
            self.review_label.show()
        else:
            self.review_label.clear()
            self.review_label.hide()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)
