"""The door from a widget to the core: read ops and write ops (docs/DESIGN.md, "The ops layer").

Modelled on Anki's QueryOp/CollectionOp. A widget describes the work as a function of the store and says what to do
with its result; the op runs the function off the UI thread and calls back on it:

    ReadOp(self.ctx, lambda store: volunteers.search(store, text), parent=self).success(self._show).run()

    WriteOp(self.ctx, lambda store: aid.save_aid(store, entry), tables=AID_TABLES, parent=self)
        .success(self._on_saved).failure(self.errors.show).run()

- A **read op** runs on the reader thread (its own connection; WAL lets it read while the writer writes).
- A **write op** runs on the one writer thread. Only when it succeeds does it announce its `tables` through
  `ctx.data_changed` (views of other tables do not reload, and nothing is scheduled for sync after a failure).
- A failure comes back as the **error object** (`DostyqError`: a `ValidationError` keeps its `field` and `row`,
  a `ValidationErrors` its list), never as a string or as a "successful" result. A bug arrives as
  `UnexpectedError`, a cancel as `CancelledError`. Without a failure callback the message is shown in a box.
- `.with_progress(label)` shows the progress dialog with Cancel and hands the function a second argument,
  `progress(done, total)`, which raises once the user has cancelled. Work without it gets only the store.
- The op knows who is acting (`ctx.actor`): the store it runs on stamps that account on what it writes.
- Callbacks whose `parent` widget has been deleted meanwhile are dropped.
- `.latest(key)`: of the ops a parent starts under one key (search as you type, a list refresh), only the newest
  answers; an older one that finishes later is dropped, so a slow answer never overwrites a newer one.
- `.progressed(fn)` calls `fn(done, total)` on the UI thread as the work reports progress (a widget's own progress
  bar); the function gets `progress` as with `.with_progress`.
- A **background op** runs work that needs no database (a request to a server, writing a file of figures already
  read) on the general pool: `op()`, or `op(progress)` when it reports progress.
- A **sync op** runs the sync exchange and its kin (sync/session.py): reads on a Store of its own, writes handed
  to the writer thread, nothing announced by itself.
- `tables=None` on a write op announces nothing: a write no view shows (an audit entry of an export).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import DostyqError
from ui.tasks import CancelledError, Task, UnexpectedError

if TYPE_CHECKING:
    from ui.context import AppContext

T = TypeVar("T")
_generations: dict[tuple[int, str], int] = {}
Progress = Callable[[int, int], None]

__all__ = [
    "BackgroundOp",
    "CancelledError",
    "DostyqError",
    "ReadOp",
    "SyncOp",
    "UnexpectedError",
    "WriteOp",
    "read_now",
]


class _Op(Generic[T]):
    _writes = False

    def __init__(
        self,
        ctx: AppContext,
        op: Callable[..., T],
        *,
        parent: QObject | None = None,
        tables: Iterable[str] | None = (),
    ):
        self._ctx = ctx
        self._op = op
        self._parent = parent
        self._tables = None if tables is None else tuple(tables)
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[DostyqError], None] | None = None
        self._finished: Callable[[], None] | None = None
        self._progress_label: str | None = None
        self._progressed: Callable[[int, int], None] | None = None
        self._latest: tuple[tuple[int, str], int] | None = None

    # ---- building --------------------------------------------------------------------------------------------
    def success(self, fn: Callable[[T], None]) -> _Op[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[DostyqError], None]) -> _Op[T]:
        self._failure = fn
        return self

    def finished(self, fn: Callable[[], None]) -> _Op[T]:
        """Called after success or failure (e.g. to enable a button again)."""
        self._finished = fn
        return self

    def latest(self, key: str) -> _Op[T]:
        """Only the newest op of this parent and key calls back (older answers are dropped)."""
        slot = (id(self._parent), key)
        generation = _generations.get(slot, 0) + 1
        _generations[slot] = generation
        self._latest = (slot, generation)
        return self

    def with_progress(self, label: str) -> _Op[T]:
        """`label` is untranslated (N_): the dialog translates it, and again after a language switch."""
        self._progress_label = label
        return self

    def progressed(self, fn: Callable[[int, int], None]) -> _Op[T]:
        """`fn(done, total)` on the UI thread as the work reports progress; the function gets `progress`."""
        self._progressed = fn
        return self

    # ---- running ---------------------------------------------------------------------------------------------
    def _wants_progress(self) -> bool:
        return self._progress_label is not None or self._progressed is not None

    def _work(self) -> Callable[..., T]:
        op, actor, wants_progress = self._op, self._ctx.actor, self._wants_progress()

        def work(store, *, progress, cancel) -> T:
            store.actor = actor
            return op(store, progress) if wants_progress else op(store)

        return work

    def _start(self) -> Callable[..., Task]:
        runner = self._ctx.runner
        return runner.write if self._writes else runner.read

    def run(self) -> Task:
        # Closures, not bound methods: Qt holds a bound method's object weakly, and nothing else keeps this op.
        return self._start()(
            self._work(),
            on_done=lambda result: self._on_done(result),
            on_failure=lambda error: self._on_error(error),
            on_finished=lambda: self._on_finished(),
            on_progress=(lambda done, total: self._on_progress(done, total)) if self._progressed else None,
            before_start=self._show_progress if self._progress_label is not None else None,
        )

    def _show_progress(self, task: Task) -> None:
        from ui.widgets.progress_dialog import TaskProgressDialog

        assert self._progress_label is not None  # only called by ops made with with_progress()
        parent = self._parent if isinstance(self._parent, QWidget) else None
        self.dialog = TaskProgressDialog(task, self._progress_label, parent)

    def _alive(self) -> bool:
        if self._latest is not None:
            slot, generation = self._latest
            if _generations.get(slot) != generation:
                return False  # a newer op of the same parent and key has been started
        return self._parent is None or shiboken6.isValid(self._parent)

    def _on_progress(self, done: int, total: int) -> None:
        if self._progressed is not None and self._alive():
            self._progressed(done, total)

    def _on_done(self, result: Any) -> None:
        if self._writes and self._tables is not None:
            # Announced even if the widget that asked has gone: other views show the new data.
            for table in self._tables or ("",):
                self._ctx.data_changed.emit(table)
        if self._success is not None and self._alive():
            self._success(result)

    def _on_error(self, error: DostyqError) -> None:
        if not self._alive():
            return
        if self._failure is not None:
            self._failure(error)
        elif not isinstance(error, CancelledError):
            show_error(self._parent, error)

    def _on_finished(self) -> None:
        if self._finished is not None and self._alive():
            self._finished()


class ReadOp(_Op[T]):
    """Reads off the UI thread: `op(store)` (or `op(store, progress)` with `.with_progress`)."""


class WriteOp(_Op[T]):
    """Writes on the one writer thread; on success announces `tables` as changed."""

    _writes = True


class BackgroundOp(_Op[T]):
    """Work without the database on the general pool: `op()` (or `op(progress)` with `.with_progress` or
    `.progressed`). For a server's answer or writing a file of figures already read; it announces nothing.
    `.cancellable()` hands the op the task's cancel event last (`op(cancel)`, `op(progress, cancel)`), for work
    that can stop at once when cancelled, such as a request that waits on a server (the task's `cancel()`)."""

    _wants_cancel = False

    def cancellable(self) -> BackgroundOp[T]:
        self._wants_cancel = True
        return self

    def _work(self) -> Callable[..., T]:
        op, wants_progress, wants_cancel = self._op, self._wants_progress(), self._wants_cancel

        def work(*, progress, cancel) -> T:
            args = ((progress,) if wants_progress else ()) + ((cancel,) if wants_cancel else ())
            return op(*args)

        return work

    def _start(self) -> Callable[..., Task]:
        return self._ctx.runner.run


class SyncOp(_Op[T]):
    """The sync exchange and its kin (sync/session.py) on the general pool, so a wait on a server never holds up
    the writer: `op(db_path, on_writer, progress, cancel)` reads on a Store of its own and hands each write to
    the writer thread through `on_writer(fn, cancel=)`. It announces nothing itself (the caller knows what the
    exchange touched); `run()` returns the Task, whose `cancel()` stops it at its next step."""

    def _work(self) -> Callable[..., T]:
        op, ctx = self._op, self._ctx

        def work(*, progress, cancel) -> T:
            return op(ctx.db_path, ctx.runner.on_writer, progress, cancel)

        return work

    def _start(self) -> Callable[..., Task]:
        return self._ctx.runner.run


def read_now(ctx: AppContext, fn: Callable[[Any], T]) -> T:
    """`fn(store)` on the UI thread's own connection, for a read of a few keys that a property must answer at
    once (the sync controller's state: `sync.session.status`). Anything that scans a table is a ReadOp."""
    return fn(ctx.store)


def show_error(parent: QObject | None, error: DostyqError) -> None:
    """The default failure: a message box beside the window that asked (not modal to the app)."""
    window = parent.window() if isinstance(parent, QWidget) else None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QApplication.applicationName(),
        error.message,
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
