import threading
import time

import shiboken6
from PySide6.QtWidgets import QPushButton

from desktop.store import Store
from ui.tasks import TaskRunner
from ui.widgets.progress_dialog import TaskProgressDialog


def slow_count(n, progress, cancel):
    for i in range(1, n + 1):
        time.sleep(0.01)
        progress(i, n)
    return n


def test_progress_arrives_and_result_comes_back_on_the_ui_thread(qtbot, store):
    runner = TaskRunner(lambda: Store(store.path))
    seen, result = [], []
    ui_thread = threading.current_thread()
    runner.run(
        slow_count,
        5,
        on_progress=lambda d, t: seen.append(d),
        on_done=lambda r: result.append((r, threading.current_thread() is ui_thread)),
    )
    # Idle once the task's `finished` has reached the UI thread, which comes after its progress and its result.
    qtbot.waitUntil(runner.is_idle, timeout=20000)
    assert result == [(5, True)]
    assert seen == [1, 2, 3, 4, 5]
    runner.shutdown()


def count_until_cancelled(go, n, progress, cancel):
    """Reports a first step once `go` is set, then goes on only when cancelled (or after 20 s, and finishes)."""
    go.wait(20)
    progress(1, n)
    cancel.wait(20)
    for i in range(2, n + 1):
        progress(i, n)  # raises Cancelled once the cancel event is set
    return n


def test_cancel_stops_the_task_and_reports_it(qtbot, store, lang):
    lang("kk")
    runner = TaskRunner(lambda: Store(store.path))
    errors, results = [], []
    go = threading.Event()
    task = runner.run(count_until_cancelled, go, 500, on_done=results.append, on_error=errors.append)
    dialog = TaskProgressDialog(task, "Exporting")  # connected to the task before it reports anything
    qtbot.addWidget(dialog)
    go.set()
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=20000)
    dialog.findChild(QPushButton).click()  # what the user does
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert errors == ["Бас тартылды."] and results == []
    runner.shutdown()


def test_writes_run_on_one_thread_with_their_own_connection(qtbot, store):
    runner = TaskRunner(lambda: Store(store.path))
    threads = []

    def write(s, name, progress, cancel):
        threads.append(threading.get_ident())
        return s.insert("people", {"surname": name})

    done = []
    for name in ("Ахметов", "Иванов", "Ли"):
        runner.write(write, name, on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 3, timeout=20000)
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()
    assert store.scalar("SELECT count(*) FROM people") == 3
    runner.shutdown()


def test_a_progress_dialog_for_a_task_that_already_ended_closes_at_once(qtbot, store):
    runner = TaskRunner(lambda: Store(store.path))
    task = runner.run(lambda progress, cancel: 1)
    assert task.completed.wait(20)  # ended, perhaps before anyone listens to its signals
    qtbot.waitUntil(runner.is_idle, timeout=20000)
    dialog = TaskProgressDialog(task, "Exporting")
    assert not dialog.isVisible()
    # Closed and deleted, so it can never appear (before, it showed after 600 ms and stayed open).
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=20000)
    runner.shutdown()
