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
from desktop.i18n import N_, _


class Cancelled(Exception):
    """Raised inside a task when its cancel event is set."""


class TaskSignals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()


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
            self.signals.failed.emit(_(N_("Cancelled.")))
        except DostyqError as exc:
            self.signals.failed.emit(exc.message)
        except Exception as exc:  # noqa: BLE001 (shown to the user; the trace goes to the log)
            traceback.print_exc()
            self.signals.failed.emit(_(N_("Unexpected error: {error}")).format(error=exc))
        else:
            if self.cancel_event.is_set():
                self.signals.failed.emit(_(N_("Cancelled.")))
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.completed.set()
            self.signals.finished.emit()

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

    def _thread_store(self):
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._store_factory()
            self._local.store = store
        return store

    def run(
        self, fn, *args, on_done=None, on_error=None, on_progress=None, on_finished=None, **kwargs
    ) -> Task:
        """fn(*args, progress=, cancel=, **kwargs) on the general pool. The callbacks are connected before the
        task starts, so none of its signals can be missed; `on_finished` runs after `on_done` or `on_error`."""
        return self._start(self.pool, fn, args, kwargs, on_done, on_error, on_progress, on_finished)

    def write(
        self, fn, *args, on_done=None, on_error=None, on_progress=None, on_finished=None, **kwargs
    ) -> Task:
        """fn(store, *args, progress=, cancel=, **kwargs) on the single database-writer thread."""

        def with_store(*a, progress, cancel, **kw):
            return fn(self._thread_store(), *a, progress=progress, cancel=cancel, **kw)

        return self._start(
            self.db_pool, with_store, args, kwargs, on_done, on_error, on_progress, on_finished
        )

    def _start(self, pool, fn, args, kwargs, on_done, on_error, on_progress, on_finished=None) -> Task:
        task = Task(fn, args, kwargs)
        if on_done:
            task.signals.succeeded.connect(on_done)
        if on_error:
            task.signals.failed.connect(on_error)
        if on_progress:
            task.signals.progressed.connect(on_progress)
        if on_finished:
            task.signals.finished.connect(on_finished)
        task.signals.finished.connect(lambda: self._live.discard(task))
        self._live.add(task)
        pool.start(task)
        return task

    def is_idle(self) -> bool:
        """True when every task started has finished and its callbacks have run on the UI thread."""
        return not self._live

    def wait_idle(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs) and self.db_pool.waitForDone(msecs)

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

        self._start(self.db_pool, close, (), {}, None, None, None)
        self.db_pool.waitForDone(5000)
