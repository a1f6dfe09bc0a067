"""Background sync for the window: soon after each change and every few minutes, never on the UI thread.

Each sync runs as a `SyncOp` (ui/ops.py) on the general pool, so the HTTP wait never holds up the database-writer
thread. Its body (sync/session.py) only reads (its own Store connection) and talks to the server; every local write
of the client (applying a page of the server's answer, enrolment, loading an answer file) is handed to the one
writer thread and waited for, so the screens' writes take turns with the pages. Failures back off with the client's
jittered delay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.errors import DostyqError
from sync import conflicts as sync_conflicts
from sync import session
from sync.client import SyncResult, backoff_delay
from ui.ops import SyncOp, WriteOp, read_now
from ui.tasks import Task

AUTO_INTERVAL_MS = 5 * 60 * 1000
AFTER_CHANGE_MS = 15 * 1000


class SyncController(QObject):
    state_changed = Signal()

    def __init__(self, ctx, parent: QObject | None = None, *, auto: bool = True):
        super().__init__(parent or ctx)
        self.ctx = ctx
        self.online: bool | None = None  # None: not tried yet
        self.last_error: DostyqError | str | None = None
        self.running: Task | None = None  # the Task of the sync under way
        self.moved: tuple[int, int] = (
            0,
            0,
        )  # (changes sent, rows received) by the sync under way or the last one
        self._failures = 0
        self._own_change = False
        self._held = False  # while a restore replaces the database
        self._after_hold: Callable[[], None] | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.auto = auto
        ctx.data_changed.connect(self._on_data_changed)
        if auto and self.enrolled:
            self.timer.start(2000)  # first sync shortly after start

    # ---- state, read on the UI thread's connection (a few keys of sync_state) -----------------------------------
    def _status(self) -> session.Status:
        return read_now(self.ctx, session.status)

    @property
    def enrolled(self) -> bool:
        return self._status().enrolled

    @property
    def awaiting_file(self) -> bool:
        """Enrolled by file and waiting for the first answer file (sync files only until then)."""
        return self._status().awaiting_file

    @property
    def server_url(self) -> str:
        return self._status().server_url

    @property
    def last_sync_at(self) -> dt.datetime | None:
        return self._status().last_sync_at

    def last_error_text(self) -> str:
        err = self.last_error
        return err.message if isinstance(err, DostyqError) else (err or "")

    # ---- actions ---------------------------------------------------------------------------------------------
    def sync_now(
        self,
        on_done: Callable[[SyncResult], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        on_progress=None,
    ):
        """Starts a sync unless one is running (then returns that one). `on_progress(sent, received)` after each
        round, as the status bar is told."""
        if self.running is not None:
            return self.running
        if not self.enrolled or self._held:
            return None
        self.timer.stop()

        def done(outcome: tuple[str, object]) -> None:
            kind, value = outcome
            if kind != "ok":
                assert isinstance(
                    value, DostyqError
                )  # session.sync_once returns failures as DostyqError values
                # Unreachable: the PC keeps working and retries later. Refused (revoked, other version…): shown.
                self._failures += 1
                self.last_error = value
                self.online = kind != "offline"  # a refusal still means the server answered
                if on_error:
                    on_error(value.message)
                return
            assert isinstance(value, SyncResult)  # session.sync_once returns ("ok", SyncResult)
            self._failures = 0
            self.online, self.last_error = True, None
            if on_done:
                on_done(value)

        def failed(message: str) -> None:
            # Cancelled, or a bug (the runner has logged it).
            self.last_error = message
            if on_error:
                on_error(message)

        op = SyncOp(self.ctx, session.sync_once, parent=self).success(done)
        op.failure(lambda error: failed(error.message)).finished(self._on_task_finished)

        def progressed(sent: int, received: int) -> None:
            self._on_sync_progress(sent, received)
            if on_progress is not None:
                on_progress(sent, received)

        op.progressed(progressed)
        self.moved = (0, 0)
        task = op.run()
        self.running = task
        self.state_changed.emit()
        return task

    def _on_sync_progress(self, sent: int, received: int) -> None:
        """After each round of a sync (committed): the status bar shows how far it got and re-reads what is left."""
        self.moved = (sent, received)
        self.state_changed.emit()

    def cancel_sync(self) -> None:
        """Stops the sync under way after its current round; the next one goes on from there."""
        if self.running is not None:
            self.running.cancel()

    def hold(self, then: Callable[[], None]) -> None:
        """Stops syncing (the timer, and the sync under way at its next step) and calls `then` once none runs:
        a restore must not meet a page of an exchange that started before it."""
        self._held = True
        self.timer.stop()
        if self.running is None:
            then()
            return
        self._after_hold = then
        self.running.cancel()

    def release(self) -> None:
        """Syncing goes on (soon: a restored database has changes to send and rows to fetch)."""
        self._held = False
        self.state_changed.emit()
        self._schedule(2000)

    def _on_task_finished(self) -> None:
        self.running = None
        if self._after_hold is not None:
            then, self._after_hold = self._after_hold, None
            then()
        self._own_change = True
        self.ctx.data_changed.emit("")  # lists, counters and the status bar refresh
        self._own_change = False
        self._schedule()
        self.state_changed.emit()

    def _schedule(self, delay_ms: int | None = None) -> None:
        if not self.auto or not self.enrolled or self._held:
            return
        if delay_ms is None:
            if self._failures:
                delay_ms = int(backoff_delay(self._failures) * 1000)
            else:
                delay_ms = AUTO_INTERVAL_MS
        if not self.timer.isActive() or self.timer.remainingTime() > delay_ms:
            self.timer.start(delay_ms)

    def _on_data_changed(self, _table: str) -> None:
        if not self._own_change and self.running is None and not self._failures:
            self._schedule(AFTER_CHANGE_MS)
        self.state_changed.emit()

    def _on_timer_timeout(self) -> None:
        self.sync_now()

    def enrol(self, url: str, code: str, label: str, on_done=None, on_error=None):
        def finished(house_id):
            self.online, self.last_error = True, None
            self._failures = 0
            self._own_change = True
            self.ctx.data_changed.emit("meta")
            self._own_change = False
            self.state_changed.emit()
            if on_done:
                on_done(house_id)
            self._schedule(500)

        actor = self.ctx.actor
        return self._run(
            lambda *a: session.enrol(*a, actor=actor, url=url, code=code, label=label), finished, on_error
        )

    def enrol_file(self, path: str, on_done=None, on_error=None):
        """Loads an enrolment file from the administrator (a PC that has never been online)."""

        def finished(house_id):
            self._own_change = True
            self.ctx.data_changed.emit("meta")
            self._own_change = False
            self.state_changed.emit()
            if on_done:
                on_done(house_id)

        actor = self.ctx.actor
        return self._run(lambda *a: session.enrol_from_file(*a, actor=actor, path=path), finished, on_error)

    def save_file(self, path: str, on_done=None, on_error=None):
        return self._run(lambda *a: session.save_packet(*a, path=path), on_done, on_error)

    def load_file(self, path: str, on_done=None, on_error=None):
        def finished(result):
            self._own_change = True
            self.ctx.data_changed.emit("")
            self._own_change = False
            self.state_changed.emit()
            if on_done:
                on_done(result)

        return self._run(lambda *a: session.load_packet(*a, path=path), finished, on_error)

    def resolve(self, conflict_id: str, choice: str, on_done=None):
        def finished(_result):
            self._schedule(AFTER_CHANGE_MS)
            self.state_changed.emit()
            if on_done:
                on_done()

        return (
            WriteOp(
                self.ctx,
                lambda store: sync_conflicts.resolve(store, conflict_id, choice),
                tables=("conflicts",),
                parent=self,
            )
            .success(finished)
            .run()
        )

    def _run(self, body, on_done, on_error) -> Task:
        op = SyncOp(self.ctx, body, parent=self)
        if on_done is not None:
            op.success(on_done)
        op.failure(
            lambda error: on_error(error.message) if on_error is not None else None
        )  # no box of its own
        return op.run()

    def stop(self) -> None:
        self.auto = False
        self.timer.stop()
        if self.running is not None:
            self.running.cancel()


def sync_controller(ctx) -> SyncController:
    """The window's controller (made by the composition root; made here on first use otherwise)."""
    ctrl = getattr(ctx, "sync", None)
    if ctrl is None:
        ctrl = SyncController(ctx)
        ctx.sync = ctrl
    return ctrl
