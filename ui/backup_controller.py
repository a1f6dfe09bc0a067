"""Backups for the window: one automatic backup a day while the app runs, "Back up now", and restore.

The backup itself (snapshot, encryption, reading it back, rotation) runs on the general pool with its own read
connection to the database file, so neither the UI thread nor the writer waits for the USB stick. Only the short
note of the result goes through the writer. A folder that is not there (the stick is out) is a status message;
tomorrow, or the next check, tries again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import backup, clock, roles
from desktop.errors import DostyqError
from ui.ops import BackgroundOp, ReadOp, WriteOp

FIRST_CHECK_MS = 20 * 1000
CHECK_INTERVAL_MS = 60 * 60 * 1000


class BackupController(QObject):
    state_changed = Signal()
    progressed = Signal(int, int)

    def __init__(self, ctx, parent: QObject | None = None, *, auto: bool = True):
        super().__init__(parent or ctx)
        self.ctx = ctx
        self.running = False
        self.last_error: DostyqError | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.auto = auto
        if auto:
            self.timer.start(FIRST_CHECK_MS)

    def _on_timer_timeout(self) -> None:
        self.timer.start(CHECK_INTERVAL_MS)
        self.check()

    def check(self) -> None:
        """Makes today's backup if it is due (set up, and none made today yet)."""
        if self.running:
            return
        today = clock.today()

        def read(config: backup.BackupSettings) -> None:
            if config.due(today):
                self.back_up_now()

        ReadOp(self.ctx, backup.settings, parent=self).success(read).run()

    def back_up_now(
        self,
        on_done: Callable[[str], None] | None = None,
        on_error: Callable[[DostyqError], None] | None = None,
        *,
        by_hand: bool = False,
    ) -> None:
        """The daily backup is the PC's own; `by_hand` (the Back up now button) needs the account's permission."""
        if self.running:
            return
        self.running = True
        self.state_changed.emit()
        db_path = self.ctx.db_path
        actor = self.ctx.actor if by_hand else roles.SYSTEM

        def start(config: backup.BackupSettings) -> None:
            now = clock.now()
            BackgroundOp(
                self.ctx,
                lambda progress: str(backup.make_backup(db_path, config, now, progress, actor=actor)),
                parent=self,
            ).progressed(self.progressed.emit).success(
                lambda path: self._finished(now, None, path, on_done)
            ).failure(lambda error: self._finished(None, error, None, on_error)).run()

        ReadOp(self.ctx, backup.settings, parent=self).success(start).failure(
            lambda error: self._finished(None, error, None, on_error)
        ).run()

    def _finished(
        self, at: dt.datetime | None, error: DostyqError | None, path: str | None, callback
    ) -> None:
        def done(_result=None) -> None:
            self.running = False
            self.last_error = error
            self.state_changed.emit()
            if callback is not None:
                callback(path if error is None else error)

        # A note no list shows: nothing is announced, and no sync is scheduled for it (the PC writes it).
        WriteOp(
            self.ctx, lambda store: backup.record_result(store, at, error), tables=None, parent=self
        ).success(done).failure(done).run()

    def stop(self) -> None:
        self.auto = False
        self.timer.stop()


def backup_controller(ctx) -> BackupController:
    """The window's controller (made by the composition root; made here on first use otherwise)."""
    ctrl = getattr(ctx, "backups", None)
    if ctrl is None:
        ctrl = BackupController(ctx, auto=False)
        ctx.backups = ctrl
    return ctrl
