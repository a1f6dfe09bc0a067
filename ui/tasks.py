"""Long work off the UI thread: QThreadPool tasks with progress, cancel and callbacks on the UI thread.

Database writes go through one single-thread pool (one writer, as in Anki's TaskManager); each worker thread
opens its own Store. Network and export work use the general pool. Task functions are plain Python: they get
`progress(done, total)` and a `threading.Event` to check for cancel, and never touch widgets.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop.errors import DostyqError
from desktop.i18n import N_


class Cancelled(Exception):
    """Raised inside a task when its cancel event is set."""


class TaskSignals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)  # the message, translated
    errored = Signal(object)  # the same failure as an error object (DostyqError), with its field and row
    finished = Signal()


class UnexpectedError(DostyqError):
    """A bug, not the user's doing: shown with its text, the trace goes to the log."""

    template = N_("Unexpected error: {error}")


class CancelledError(DostyqError):
    template = N_("Cancelled.")


class Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict):
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it alive until `finished`
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = TaskSignals()
        self.cancel_event = threading.Event()
        self.completed = threading.Event()  # set just before `finished` is emitted, in the worker thread

    def cancel(self) -> None:
        self.cancel_event.set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self._progress, cancel=self.cancel_event, **self.kwargs)
        except Cancelled:
            self._fail(CancelledError())
        except DostyqError as exc:
            self._fail(exc)
        except Exception as exc:  # noqa: BLE001 (shown to the user; the trace goes to the log)
            traceback.print_exc()
            self._fail(UnexpectedError(error=str(exc)))
        else:
            if self.cancel_event.is_set():
                self._fail(CancelledError())
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.completed.set()
            self.signals.finished.emit()

    def _fail(self, error: DostyqError) -> None:
        self.signals.errored.emit(error)
        self.signals.failed.emit(error.message)

    def _progress(self, done: int, total: int) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        self.signals.progressed.emit(done, total)


class TaskRunner(QObject):
    """Runs tasks; keeps each referenced until finished. `store_factory()` opens a Store for a worker thread."""

    def __init__(self, store_factory: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._store_factory = store_factory
        self._local = threading.local()
        self._live: set[Task] = set()
        self.pool = QThreadPool(self)
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)  # the one writer
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(
            1
        )  # reads for the screens, beside the writer (WAL), never on the UI thread
        self.read_pool.setExpiryTimeout(-1)  # its Store lives as long as the runner

    def _thread_store(self):
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._store_factory()
            self._local.store = store
        return store

    def run(self, fn, *args, **kwargs) -> Task:
        """fn(*args, progress=, cancel=, **kwargs) on the general pool (network, export: no database).

        Callbacks, all on the UI thread and connected before the task starts, so none can be missed:
        `on_progress(done, total)`, then `on_done(result)` or else `on_error(message)` and `on_failure(error)` (the
        error object, with its field and row), then `on_finished()`. `before_start(task)` runs before it starts."""
        return self._start(self.pool, fn, args, kwargs)

    def write(self, fn, *args, **kwargs) -> Task:
        """fn(store, *args, progress=, cancel=, **kwargs) on the single database-writer thread."""
        return self._start(self.db_pool, self._with_store(fn), args, kwargs)

    def read(self, fn, *args, **kwargs) -> Task:
        """fn(store, *args, progress=, cancel=, **kwargs) on the reader thread, with its own Store."""
        return self._start(self.read_pool, self._with_store(fn), args, kwargs)

    def _with_store(self, fn):
        def with_store(*a, progress, cancel, **kw):
            return fn(self._thread_store(), *a, progress=progress, cancel=cancel, **kw)

        return with_store

    _CALLBACKS = ("on_done", "on_error", "on_failure", "on_progress", "on_finished", "before_start")

    def _start(self, pool, fn, args, kwargs) -> Task:
        callbacks = {name: kwargs.pop(name, None) for name in self._CALLBACKS}
        on_done, on_error, on_failure, on_progress, on_finished, before_start = (
            callbacks[n] for n in self._CALLBACKS
        )
        task = Task(fn, args, kwargs)
        if on_failure:
            task.signals.errored.connect(on_failure)
        if on_done:
            task.signals.succeeded.connect(on_done)
        if on_error:
            task.signals.failed.connect(on_error)
        if on_progress:
            task.signals.progressed.connect(on_progress)
        if on_finished:
            task.signals.finished.connect(on_finished)
        task.signals.finished.connect(lambda: self._live.discard(task))
        if before_start:
            before_start(task)  # e.g. a progress dialog connects to the task before it can report anything
        self._live.add(task)
        pool.start(task)
        return task

    def is_idle(self) -> bool:
        """True when every task started has finished and its callbacks have run on the UI thread."""
        return not self._live

    def wait_idle(self, msecs: int = 30000) -> bool:
        return all(p.waitForDone(msecs) for p in (self.pool, self.db_pool, self.read_pool))

    def shutdown(self) -> None:
        for task in list(self._live):
            task.cancel()
        self.wait_idle(10000)

        # Close worker connections from their own thread (SQLite objects are thread-bound).
        def close(progress, cancel):
            store = getattr(self._local, "store", None)
            if store is not None:
                store.close()
                self._local.store = None

        for pool in (self.db_pool, self.read_pool):
            self._start(pool, close, (), {})
            pool.waitForDone(5000)
