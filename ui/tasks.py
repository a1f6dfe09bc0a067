"""Long work off the UI thread: QThreadPool tasks with progress, cancel and callbacks on the UI thread.

Database writes go through one single-thread pool (one writer, as in Anki's TaskManager); each worker thread
opens its own Store. Network and export work use the general pool. Task functions are plain Python: they get
`progress(done, total)` and a `threading.Event` to check for cancel, and never touch widgets.

A general-pool task that must write (sync applying a server's answer between two network round trips) hands each
write to the writer thread with `TaskRunner.on_writer(fn)` and waits for it there: the screens' writes queue
between those hand-offs, and the network wait never holds the writer.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop import clock
from desktop.errors import DostyqError
from desktop.i18n import N_

T = TypeVar("T")

# How long a hand-off waits for the writer to take it up, and then for it to finish, before giving up.
WRITER_WAIT_S = 300.0


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


class _Handoff(QRunnable):
    """One function of the writer's store, run on the writer thread for a worker thread that waits for it."""

    def __init__(self, runner: TaskRunner, fn: Callable[[Any], Any]):
        super().__init__()
        self.setAutoDelete(False)  # the waiting thread keeps it
        self.runner, self.fn = runner, fn
        self.lock = threading.Lock()
        self.started = self.skipped = False
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        with self.lock:
            if self.skipped:  # the waiting thread gave up before the writer got here
                self.done.set()
                return
            self.started = True
        try:
            self.result = self.fn(self.runner._writer_store())
        except BaseException as exc:  # noqa: BLE001 (re-raised in the waiting thread)
            self.error = exc
        finally:
            self.done.set()

    def skip(self) -> bool:
        """Withdraws it if the writer has not started it; False once it runs (it is then waited for)."""
        with self.lock:
            if not self.started:
                self.skipped = True
            return self.skipped


class TaskRunner(QObject):
    """Runs tasks; keeps each referenced until finished. `store_factory()` opens a Store for a worker thread."""

    def __init__(self, store_factory: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self._store_factory = store_factory
        # Each pool thread's Store, by thread id. Not threading.local: Qt's pool threads lose Python thread-local
        # data between tasks, which would open a new connection for every task.
        self._stores: dict[int, Any] = {}
        # Bumped when the database file was replaced (a restore): each thread then reopens its Store.
        self._generation = 0
        self._store_generation: dict[int, int] = {}
        self._writer_ident: int | None = None
        self._stores_lock = threading.Lock()
        self._live: set[Task] = set()
        self.pool = QThreadPool(self)
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)  # the one writer
        self.db_pool.setExpiryTimeout(-1)  # its thread, and its Store, live as long as the runner
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(
            1
        )  # reads for the screens, beside the writer (WAL), never on the UI thread
        self.read_pool.setExpiryTimeout(-1)  # its Store lives as long as the runner

    def _thread_store(self):
        ident = threading.get_ident()
        with self._stores_lock:
            store = self._stores.get(ident)
            stale = store is not None and self._store_generation.get(ident) != self._generation
            generation = self._generation
        if stale and store is not None:
            store.close()  # from its own thread: SQLite objects are thread-bound
            store = None
        if store is None:
            store = self._store_factory()
            with self._stores_lock:
                self._stores[ident] = store
                self._store_generation[ident] = generation
        return store

    def reopen_stores(self) -> None:
        """Each pool thread opens a new Store at its next task (after the database was restored, so no
        connection keeps what it had read of the old one, such as the PC's identity)."""
        with self._stores_lock:
            self._generation += 1

    def run(self, fn, *args, **kwargs) -> Task:
        """fn(*args, progress=, cancel=, **kwargs) on the general pool (network, export: no database).

        Callbacks, all on the UI thread and connected before the task starts, so none can be missed:
        `on_progress(done, total)`, then `on_done(result)` or else `on_error(message)` and `on_failure(error)` (the
        error object, with its field and row), then `on_finished()`. `before_start(task)` runs before it starts."""
        return self._start(self.pool, fn, args, kwargs)

    def write(self, fn, *args, **kwargs) -> Task:
        """fn(store, *args, progress=, cancel=, **kwargs) on the single database-writer thread."""
        return self._start(self.db_pool, self._with_store(fn, writer=True), args, kwargs)

    def _writer_store(self):
        self._writer_ident = threading.get_ident()
        return self._thread_store()

    def on_writer(
        self,
        fn: Callable[[Any], T],
        *,
        cancel: threading.Event | None = None,
        timeout: float = WRITER_WAIT_S,
    ) -> T:
        """Runs fn(store) on the writer thread, with the writer's Store, and returns its result (or raises its
        exception) here. For worker threads only (the UI thread must never wait); on the writer thread itself it
        runs inline. Queued behind the writes already waiting; if `cancel` is set (or `timeout` passes) before
        the writer takes it up it never runs and this raises Cancelled (UnexpectedError); once running it is
        waited for, up to `timeout` more."""
        if threading.get_ident() == self._writer_ident:
            return fn(self._thread_store())
        job = _Handoff(self, fn)
        self.db_pool.start(job)
        deadline = clock.monotonic() + timeout
        while not job.done.wait(0.05):
            cancelled = cancel is not None and cancel.is_set()
            if not (cancelled or clock.monotonic() > deadline):
                continue
            if job.skip():
                if cancelled:
                    raise Cancelled()
                raise UnexpectedError(error=f"the database writer was busy for {timeout:.0f} s")
            if not job.done.wait(timeout):
                raise UnexpectedError(error=f"a write took longer than {timeout:.0f} s")
            break
        if job.error is not None:
            raise job.error
        result: T = job.result
        return result

    def read(self, fn, *args, **kwargs) -> Task:
        """fn(store, *args, progress=, cancel=, **kwargs) on the reader thread, with its own Store."""
        return self._start(self.read_pool, self._with_store(fn), args, kwargs)

    def _with_store(self, fn, *, writer: bool = False):
        def with_store(*a, progress, cancel, **kw):
            store = self._writer_store() if writer else self._thread_store()
            return fn(store, *a, progress=progress, cancel=cancel, **kw)

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
            with self._stores_lock:
                store = self._stores.pop(threading.get_ident(), None)
            if store is not None:
                store.close()

        for pool in (self.db_pool, self.read_pool):
            self._start(pool, close, (), {})
            pool.waitForDone(5000)
