"""Client behaviour at the machine edge: timeouts, backoff, page sizing, cancel, background auto-sync."""

from __future__ import annotations

import random
import threading

import pytest

from desktop import roles
from sync import errors, protocol
from sync.client import SyncClient, TransportTimeout
from tests.sync.conftest import HOUSE_A


class FlakyTransport:
    """Times out `fail` times, then passes requests to the real transport."""

    def __init__(self, real, fail: int):
        self.real, self.fail, self.calls = real, fail, 0

    def post(self, path, message, auth=True):
        self.calls += 1
        if self.fail > 0:
            self.fail -= 1
            raise TransportTimeout("simulated stall")
        return self.real.post(path, message, auth=auth)


def test_timeouts_halve_the_page_and_back_off_then_resume(make_client):
    a, ca = make_client()
    ca.sync()  # reference data first, so the measured sync is one page
    for i in range(5):
        a.insert("people", {"surname": f"Баяу {i}"})
    ca.transport = FlakyTransport(ca.transport, fail=3)
    ca.rng = random.Random(1)
    waits: list[float] = []
    result = ca.sync_until_done(wait=lambda s: waits.append(s) or False)
    assert a.pending_count() == 0 and result.sent == 5
    # 64 KB grew to 128 KB on the first success, then halved three times, then doubled once.
    assert ca.page_bytes == protocol.DEFAULT_PAGE_BYTES * 2 // 8 * 2
    assert len(waits) == 3 and waits[0] <= 5 and waits[1] <= 10 and waits[2] <= 20 and waits[2] >= 10


def test_backoff_is_capped_at_ten_minutes(make_client):
    _a, ca = make_client()
    ca.failures = 50
    assert all(300 <= ca.next_delay() <= 600 for _ in range(100))


def test_cancel_stops_between_rounds(make_client):
    a, ca = make_client()
    with a.transaction():
        for i in range(300):
            a.insert("people", {"surname": f"Көп {i}", "notes": "x" * 300})
        ca.set_state("page_bytes", protocol.MIN_PAGE_BYTES)
    cancel = threading.Event()
    res = ca.sync(progress=lambda done, total: cancel.set(), cancel=cancel)
    assert res.cancelled and res.rounds == 1 and 0 < a.pending_count() < 300
    res = ca.sync()  # resumes where it stopped
    assert a.pending_count() == 0


def test_not_enrolled_is_a_clear_error(store):
    with pytest.raises(errors.NotEnrolled):
        SyncClient(store).sync()


def test_background_sync_after_a_change(qtbot, qapp, make_client, server, monkeypatch):
    from desktop.settings import Settings
    from desktop.store import Store
    from ui import sync_controller
    from ui.context import AppContext
    from ui.tasks import TaskRunner

    monkeypatch.setattr(sync_controller, "AFTER_CHANGE_MS", 50)
    a, _ca = make_client(HOUSE_A)
    runner = TaskRunner(lambda: Store(a.path))
    ctx = AppContext(a, runner, Settings(), actor=roles.SYSTEM)
    ctrl = sync_controller.SyncController(ctx)
    ctrl.timer.stop()  # only the change should trigger this sync
    done: list = []
    # Seen as the write is announced, before the event loop can fire the 50 ms timer (a busy machine may well
    # take longer than that to get back to the test).
    ctx.write(
        lambda s, progress, cancel: s.insert("people", {"surname": "Авто"}),
        tables=("people",),
        on_done=lambda _id: done.append((a.pending_count(), ctrl.timer.isActive(), ctrl.timer.interval())),
    )
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done == [(1, True, 50)]  # the change scheduled a sync, it did not run one
    qtbot.waitUntil(
        lambda: len(server.store.rows("people", HOUSE_A)) == 1 and ctrl.running is None, timeout=30000
    )
    assert a.pending_count() == 0 and ctrl.online
    assert ctrl.timer.isActive() and ctrl.timer.remainingTime() > 60_000  # next: the periodic sync
    ctrl.stop()
    runner.shutdown()
