"""Background sync for the window: soon after each change and every few minutes, never on the UI thread.

Each sync runs as a TaskRunner task on the general pool, so the HTTP wait never holds up the database-writer thread.
That task only reads (its own Store connection) and talks to the server; every local write of the client (applying
a page of the server's answer, enrolment, loading an answer file) is handed to the one writer thread and waited
for (`TaskRunner.on_writer`), so the screens' writes take turns with the pages. Failures back off with the client's
jittered delay.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import roles
from desktop.errors import DostyqError
from desktop.store import Store
from sync import conflicts as sync_conflicts
from sync.client import SyncClient, SyncResult, Writer, backoff_delay
from sync.errors import ServerUnreachable
from ui.tasks import Task, TaskRunner

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

    # ---- state, read on the UI thread's store --------------------------------------------------------------
    def _state(self, key: str) -> str | None:
        row = self.ctx.store.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def enrolled(self) -> bool:
        return bool(self._state("token"))

    @property
    def awaiting_file(self) -> bool:
        """Enrolled by file and waiting for the first answer file (sync files only until then)."""
        return not self.enrolled and bool(self._state("enrol_code"))

    @property
    def server_url(self) -> str:
        return self._state("server_url") or ""

    @property
    def last_sync_at(self) -> dt.datetime | None:
        text = self._state("last_sync_at")
        return dt.datetime.fromisoformat(text) if text else None

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
        """Starts a sync unless one is running (then returns that one)."""
        if self.running is not None:
            return self.running
        if not self.enrolled or self._held:
            return None
        self.timer.stop()

        def done(outcome: tuple[str, object]) -> None:
            kind, value = outcome
            if kind != "ok":
                assert isinstance(value, DostyqError)  # _sync_task returns failures as DostyqError values
                # Unreachable: the PC keeps working and retries later. Refused (revoked, other version…): shown.
                self._failures += 1
                self.last_error = value
                self.online = kind != "offline"  # a refusal still means the server answered
                if on_error:
                    on_error(value.message)
                return
            assert isinstance(value, SyncResult)  # _sync_task returns ("ok", SyncResult)
            self._failures = 0
            self.online, self.last_error = True, None
            if on_done:
                on_done(value)

        def failed(message: str) -> None:
            # Cancelled, or a bug (the runner has logged it).
            self.last_error = message
            if on_error:
                on_error(message)

        task = self.ctx.runner.run(
            _sync_task,
            self.ctx.store.path,
            self.ctx.runner,
            on_done=done,
            on_error=failed,
            on_progress=on_progress,
            on_finished=self._on_task_finished,
        )
        self.running = task
        return task

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

        return self.ctx.runner.run(
            _enrol_task,
            self.ctx.store.path,
            self.ctx.runner,
            self.ctx.actor,
            url,
            code,
            label,
            on_done=finished,
            on_error=on_error,
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

        return self.ctx.runner.run(
            _enrol_file_task,
            self.ctx.store.path,
            self.ctx.runner,
            self.ctx.actor,
            path,
            on_done=finished,
            on_error=on_error,
        )

    def save_file(self, path: str, on_done=None, on_error=None):
        return self.ctx.runner.run(
            _save_task, self.ctx.store.path, self.ctx.runner, path, on_done=on_done, on_error=on_error
        )

    def load_file(self, path: str, on_done=None, on_error=None):
        def finished(result):
            self._own_change = True
            self.ctx.data_changed.emit("")
            self._own_change = False
            self.state_changed.emit()
            if on_done:
                on_done(result)

        return self.ctx.runner.run(
            _load_task, self.ctx.store.path, self.ctx.runner, path, on_done=finished, on_error=on_error
        )

    def resolve(self, conflict_id: str, choice: str, on_done=None):
        def write(store, progress, cancel):
            sync_conflicts.resolve(store, conflict_id, choice)

        def finished(_result):
            self._schedule(AFTER_CHANGE_MS)
            self.state_changed.emit()
            if on_done:
                on_done()

        return self.ctx.write(write, tables=("conflicts",), on_done=finished)

    def stop(self) -> None:
        self.auto = False
        self.timer.stop()
        if self.running is not None:
            self.running.cancel()


# ---- task bodies: plain Python on a general-pool thread; their reads on its own Store, their writes on the writer's --


def _writer(runner: TaskRunner, cancel: threading.Event) -> Writer:
    """The client's `writer`: each write runs on the writer thread, as the PC (not the account last at the keys)."""

    def write(fn: Callable[[Store], Any]) -> Any:
        def as_pc(store: Store) -> Any:
            actor, store.actor = store.actor, roles.SYSTEM
            try:
                return fn(store)
            finally:
                store.actor = actor

        return runner.on_writer(as_pc, cancel=cancel)

    return write


def _with_client(db_path: Path, runner: TaskRunner, cancel: threading.Event, fn):
    store = Store(db_path)
    client = SyncClient(store, writer=_writer(runner, cancel))
    try:
        return fn(store, client)
    finally:
        if client.transport is not None and hasattr(client.transport, "close"):
            client.transport.close()
        store.close()


def _sync_task(db_path: Path, runner: TaskRunner, progress, cancel) -> tuple[str, object]:
    """Errors come back as values (the exception keeps its untranslated template, so the UI can show it in
    whichever language is current)."""

    def run(store, client):
        try:
            return "ok", client.sync(progress=progress, cancel=cancel)
        except ServerUnreachable as exc:
            return "offline", exc
        except DostyqError as exc:
            return "refused", exc

    return _with_client(db_path, runner, cancel, run)


def _enrol_task(
    db_path: Path, runner: TaskRunner, actor: roles.Actor, url: str, code: str, label: str, progress, cancel
) -> str:
    store = Store(db_path, actor=actor)
    try:
        return SyncClient.enrol(store, url, code, label, writer=_writer(runner, cancel), cancel=cancel)
    finally:
        store.close()


def _enrol_file_task(
    db_path: Path, runner: TaskRunner, actor: roles.Actor, path: str, progress, cancel
) -> str:
    store = Store(db_path, actor=actor)
    try:
        return SyncClient.enrol_from_file(store, path, writer=_writer(runner, cancel))
    finally:
        store.close()


def _save_task(db_path: Path, runner: TaskRunner, path: str, progress, cancel) -> int:
    return _with_client(db_path, runner, cancel, lambda store, client: client.save_packet(path))


def _load_task(db_path: Path, runner: TaskRunner, path: str, progress, cancel) -> SyncResult:
    return _with_client(db_path, runner, cancel, lambda store, client: client.load_packet(path))


def sync_controller(ctx) -> SyncController:
    """The window's controller (made by the composition root; made here on first use otherwise)."""
    ctrl = getattr(ctx, "sync", None)
    if ctrl is None:
        ctrl = SyncController(ctx)
        ctx.sync = ctrl
    return ctrl
