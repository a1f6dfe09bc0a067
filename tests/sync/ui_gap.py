"""The UI thread while a large sync applies: the scenario shared by tests/sync/test_one_writer.py and
bench/sync_ui_gap.py.

A real uvicorn on SQLite runs in its own process (as on the server machine, its work does not share this process's
interpreter lock). Another PC of the house has sent N rows up; the PC under test, built as the app builds it
(AppContext, TaskRunner, SyncController, then `ui.app.settle_heap()` as at the end of start-up), fetches them all
while the screens save one WriteOp every 20 ms. A 10 ms PreciseTimer on the UI thread is the heartbeat: the gaps
between its ticks are how long the UI thread was held up. The same heartbeat and typing first run for a while with
no sync (the floor: what this machine and the typing alone cost), in the same run.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop import roles
from desktop.settings import Settings
from desktop.store import Store
from sync.client import HttpTransport, SyncClient, SyncResult
from sync.server.store import ServerStore

HOUSE = "KZ-71-01"
TICK_MS = 10
WRITE_EVERY_MS = 20
WARM_UP_S = 0.2
FLOOR_S = 3.0
TYPING_S = (
    10.0  # the screens type for the first 10 s of the sync (a sync only ends once nothing is left to send)
)

# The server stands in for another machine: niced, so it does not take the cores of the PC under test from it.
_SERVE = """
import os, sys, threading, time
os.nice(10)
import uvicorn
from sync.server.app import create_app
from sync.server.store import ServerStore
server = uvicorn.Server(uvicorn.Config(create_app(ServerStore(sys.argv[1])), host="127.0.0.1", port=0,
                                       log_level="warning"))
threading.Thread(target=lambda: (sys.stdin.read(), setattr(server, "should_exit", True)), daemon=True).start()
threading.Thread(target=lambda: (time.sleep(600), setattr(server, "should_exit", True)), daemon=True).start()
thread = threading.Thread(target=server.run)
thread.start()
for _ in range(2000):
    if server.started:
        break
    time.sleep(0.01)
print(server.servers[0].sockets[0].getsockname()[1], flush=True)
thread.join()
"""


@dataclass
class Server:
    url: str
    store: ServerStore


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[Server]:
    """The server in its own process; enrolment codes are made on the same database file here."""
    db_url = f"sqlite:///{folder / 'server.sqlite3'}"
    store = ServerStore(db_url)  # creates the schema before the server process opens it
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip() or 0)
        assert port, "the server did not start"
        yield Server(f"http://127.0.0.1:{port}", store)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        store.close()


def seed(server: Server, folder: Path, rows: int) -> set[str]:
    """Another PC of the house types `rows` people and sends them up; the PC under test will fetch them all."""
    other = Store(folder / "other-pc.sqlite")
    SyncClient.enrol(other, server.url, server.store.new_enrol_code(HOUSE), label="other")
    with other.transaction():
        ids = {
            other.insert(
                "people",
                {
                    "surname": f"Жұмабаев{i}",
                    "name": "Нұрсұлтан",
                    "phone": f"+7701{i:07d}",
                    "notes": "Көмек алушы, қосымша мәлімет " * 3,
                },
            )
            for i in range(rows)
        }
    client = SyncClient(other)
    client.sync()
    assert other.pending_count() == 0
    if isinstance(client.transport, HttpTransport):
        client.transport.close()
    other.close()
    return ids


def wait_until(condition: Callable[[], bool], timeout_ms: int) -> None:
    """Runs the Qt event loop until `condition()` holds (checked every 5 ms); AssertionError after `timeout_ms`."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(5)
    deadline = time.perf_counter() + timeout_ms / 1000

    def check() -> None:
        if condition() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    assert condition(), f"not done after {timeout_ms} ms"


def gap_stats(gaps: list[float]) -> tuple[float, float]:
    """(longest, 99th percentile) in seconds."""
    ordered = sorted(gaps)
    return ordered[-1], ordered[int(len(ordered) * 0.99)]


@dataclass
class GapRun:
    result: SyncResult | None = None
    error: object = None
    sync_s: float = 0.0
    issued: int = 0
    landed: dict[int, str] = field(default_factory=dict)
    landed_during_sync: int = 0
    failures: list[object] = field(default_factory=list)
    floor_gaps: list[float] = field(default_factory=list)
    sync_gaps: list[float] = field(default_factory=list)
    store_path: Path | None = None
    floor_started: float = 0.0  # perf_counter() when the heartbeat started
    ticks: list[float] = field(default_factory=list)  # perf_counter() of every heartbeat

    def summary(self) -> str:
        longest, p99 = gap_stats(self.sync_gaps)
        floor_longest, floor_p99 = gap_stats(self.floor_gaps)
        received = self.result.received if self.result else 0
        rounds = self.result.rounds if self.result else 0
        return (
            f"one writer: {received} rows in {rounds} rounds, {self.sync_s:.2f} s; {len(self.landed)}/{self.issued} "
            f"UI writes landed ({self.landed_during_sync} while the sync ran), {len(self.failures)} failed; "
            f"UI gap during the sync: longest {longest * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms over "
            f"{len(self.sync_gaps)} ticks; floor (no sync): longest {floor_longest * 1000:.1f} ms, "
            f"p99 {floor_p99 * 1000:.1f} ms"
        )


def run(server: Server, folder: Path, *, timeout_ms: int = 120_000) -> GapRun:
    """Enrols a fresh PC, measures the floor, then syncs while typing. Needs a QApplication."""
    from PySide6.QtCore import Qt, QTimer

    from ui.app import settle_heap
    from ui.context import AppContext
    from ui.ops import WriteOp
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner

    out = GapRun()
    store = Store(folder / "ui-pc.sqlite")
    out.store_path = store.path
    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    ctrl = SyncController(ctx, auto=False)
    ctx.sync = ctrl
    try:
        enrolled: list[str] = []
        ctrl.enrol(server.url, server.store.new_enrol_code(HOUSE), "ui-pc", on_done=enrolled.append)
        wait_until(lambda: bool(enrolled), 20_000)
        assert enrolled == [HOUSE] and ctrl.enrolled

        ticks = out.ticks
        heartbeat = QTimer()
        heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
        heartbeat.setInterval(TICK_MS)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))

        typing_until = [0.0]
        landed_at: list[float] = []

        def save_one() -> None:
            if time.perf_counter() > typing_until[0]:
                return
            n = out.issued
            out.issued += 1

            def done(row_id: str, n: int = n) -> None:
                out.landed[n] = row_id
                landed_at.append(time.perf_counter())

            WriteOp(
                ctx,
                lambda s, n=n: s.insert("people", {"surname": f"Теру{n}", "name": "Айгүл"}),
                tables=("people",),
            ).success(done).failure(out.failures.append).run()

        typing = QTimer()
        typing.setInterval(WRITE_EVERY_MS)
        typing.timeout.connect(save_one)

        settle_heap()  # as the app does once its window is up
        # The floor: heartbeat and typing, no sync. Its writes are in the outbox when the sync starts.
        floor_started = out.floor_started = time.perf_counter()
        typing_until[0] = floor_started + FLOOR_S
        heartbeat.start()
        typing.start()
        wait_until(lambda: time.perf_counter() > floor_started + FLOOR_S, int(FLOOR_S * 1000) + 5000)
        floor_ticks = list(ticks)
        out.floor_gaps = [b - a for a, b in itertools.pairwise(floor_ticks) if a - floor_started >= WARM_UP_S]

        outcome: list[object] = []
        started = time.perf_counter()
        typing_until[0] = started + TYPING_S
        ctrl.sync_now(on_done=outcome.append, on_error=outcome.append)
        wait_until(lambda: ctrl.running is None, timeout_ms)
        ended = time.perf_counter()
        typing.stop()
        wait_until(lambda: len(out.landed) + len(out.failures) == out.issued, 20_000)
        heartbeat.stop()
        wait_until(runner.is_idle, 20_000)

        sync_ticks = [t for t in ticks if t >= started]
        out.sync_gaps = [b - a for a, b in itertools.pairwise(sync_ticks) if a - started >= WARM_UP_S]
        out.sync_s = ended - started
        out.landed_during_sync = sum(1 for t in landed_at if started <= t < ended)
        if len(outcome) == 1 and isinstance(outcome[0], SyncResult):
            out.result = outcome[0]
        else:
            out.error = outcome
        return out
    finally:
        ctrl.stop()
        runner.shutdown()
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()
        store.close()
        gc.unfreeze()  # the rest of a test session goes on with the collector as it was
