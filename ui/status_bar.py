"""The status bar: connection state, last sync, changes waiting to be sent, conflicts to review, and the month-end
reminder."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from desktop import formats, pc_state
from desktop.i18n import _, ngettext
from desktop.reports.submission import submission_reminder
from ui.ops import ReadOp
from ui.sync_controller import sync_controller


class SyncStatusBar(QStatusBar):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.sync = sync_controller(ctx)
        self._counts: tuple[int, int] | None = None  # (changes waiting, conflicts) as last read
        # Month-end reminder until the finished months are submitted to the region; a click opens the report.
        self.reminder = QPushButton(self)
        self.reminder.setFlat(True)
        self.reminder.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.reminder.clicked.connect(lambda: ctx.section_requested.emit("reports", "report"))
        self.addWidget(self.reminder)
        self.state_label = QLabel(self)
        self.review_label = QLabel(self)
        # A link, so "3 to review" takes the user straight to the Needs review list.
        self.review_label.linkActivated.connect(lambda _href: ctx.section_requested.emit("sync", "review"))
        self.addPermanentWidget(self.review_label)
        self.addPermanentWidget(self.state_label)
        # A long first upload or download can be stopped; the next sync goes on from where it stopped.
        self.cancel_button = QPushButton(self)
        self.cancel_button.setFlat(True)
        self.cancel_button.clicked.connect(self.sync.cancel_sync)
        self.cancel_button.hide()
        self.addPermanentWidget(self.cancel_button)
        ctx.data_changed.connect(self._on_data_changed)
        self.sync.state_changed.connect(self.refresh)
        self.refresh()
        self.refresh_reminder()

    def _on_data_changed(self, table: str) -> None:
        self.refresh()
        if table in ("", "monthly_reports"):
            self.refresh_reminder()

    def refresh_reminder(self) -> None:
        ReadOp(self.ctx, submission_reminder, parent=self).success(self._show_reminder).latest(
            "reminder"
        ).run()

    def _show_reminder(self, text: str | None) -> None:
        self.reminder.setText(text or "")
        self.reminder.setVisible(bool(text))

    @property
    def online(self) -> bool:
        return bool(self.sync.online)

    def refresh(self) -> None:
        """The connection state at once (with the counts last read), then the counts as read now."""
        if self._counts is not None:
            self._show_counts(self._counts)
        ReadOp(self.ctx, pc_state.waiting, parent=self).success(self._show_counts).latest("counts").run()

    def _show_counts(self, counts: tuple[int, int]) -> None:
        self._counts = counts
        pending, conflicts = counts
        running = self.sync.running is not None
        if running:
            state = _("syncing…")
            sent, received = self.sync.moved
            if sent:
                state += " " + ngettext("{count} sent", "{count} sent", sent).format(
                    count=formats.format_number(sent)
                )
            if received:
                state += " " + ngettext("{count} received", "{count} received", received).format(
                    count=formats.format_number(received)
                )
        elif not self.sync.enrolled:
            # Never connected: "offline" would suggest a server that is down. A PC enrolled by file waits for its
            # first answer file.
            state = _("sync by files") if self.sync.awaiting_file else _("sync not set up")
        elif self.sync.online is None:
            state = _("not checked yet")
        else:
            state = _("online") if self.sync.online else _("offline")
        parts = [state]
        last = self.sync.last_sync_at
        if last is not None:
            parts.append(_("last sync {time}").format(time=formats.format_short_datetime(last)))
        parts.append(
            ngettext("{count} change not yet sent", "{count} changes not yet sent", pending).format(
                count=pending
            )
        )
        self.state_label.setText(" · ".join(parts))
        self.cancel_button.setText(_("Stop syncing"))
        self.cancel_button.setVisible(running)
        if conflicts:
            text = ngettext("{count} conflict to review", "{count} conflicts to review", conflicts).format(
                count=conflicts
            )
            self.review_label.setText(f'<a href="review" style="color:#b00020">{text}</a>')
            self.review_label.show()
        else:
            self.review_label.clear()
            self.review_label.hide()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
            self.refresh_reminder()
        super().changeEvent(event)
