"""One writer under load: a large sync applies while the screens keep saving, against a real server on SQLite
(the scenario is in tests/sync/ui_gap.py; bench/sync_ui_gap.py prints the same figures).

The sync's network round trips run on the general pool and each page's apply is handed to the writer thread, so
the screens' writes take turns with the pages: none waits on a lock ("database is locked"), every one lands, and the
UI thread is never held up for long (docs/DESIGN.md §2).
"""

from __future__ import annotations

import pytest

from desktop.store import Store
from tests.sync import ui_gap

N_ROWS = 6000
MAX_GAP_S = 0.050  # the goal for the longest pause of the UI thread while pages apply; asserted for the p99
QUIET_MAX_GAP_S = (
    0.100  # the longest gap that holds on a quiet floor (measured 18-25 ms; 60 ms once others ran)
)
QUIET_FLOOR_S = 0.025  # the floor's longest gap on a machine with cores to spare (measured 13-15 ms)
BUSY_MAX_GAP_S = 0.250  # while other processes keep every core busy (floor gaps of 40-100 ms seen)


@pytest.fixture
def sqlite_server(tmp_path):
    with ui_gap.serve(tmp_path) as server:
        yield server


@pytest.mark.timing
def test_typing_while_a_large_sync_applies(qtbot, qapp, tmp_path, sqlite_server):
    remote_ids = ui_gap.seed(sqlite_server, tmp_path, N_ROWS)
    run = ui_gap.run(sqlite_server, tmp_path)
    print("\n" + run.summary())

    assert run.result is not None, run.error
    assert run.failures == []  # no "database is locked", no failure of any kind
    assert len(run.landed) == run.issued and run.issued >= 100
    assert run.landed_during_sync >= 10  # the screens' writes took turns with the pages, not after them
    assert run.result.received >= N_ROWS and run.result.rounds >= 3
    assert run.store_path is not None
    store = Store(run.store_path)
    try:
        local_remote = {
            r["id"]
            for r in store.rows("SELECT id FROM people WHERE surname LIKE 'Жұмабаев%' AND deleted = 0")
        }
        mine = {r["id"] for r in store.rows("SELECT id FROM people WHERE surname LIKE 'Теру%'")}
    finally:
        store.close()
    assert local_remote == remote_ids
    assert mine == set(run.landed.values())
    # 99 of 100 ticks come within 50 ms however busy the machine is (measured 13.5-36 ms). The longest gap is 18-25
    # ms on a machine with cores to spare, but other processes that take the cores during the sync (after a quiet
    # floor) stretch it to 60 ms, and with a busy floor to 100 ms (the OS does not run the UI thread; docs/DESIGN.md
    # §2), so the longest gap is held to what reliably holds: a pause of our own making (a full collection over the
    # whole heap, a page applied on the UI thread: 150-1200 ms) still fails.
    longest, p99 = ui_gap.gap_stats(run.sync_gaps)
    floor_longest, _floor_p99 = ui_gap.gap_stats(run.floor_gaps)
    assert p99 <= MAX_GAP_S, f"the UI thread was held up for {p99 * 1000:.1f} ms at the 99th percentile"
    bound = QUIET_MAX_GAP_S if floor_longest <= QUIET_FLOOR_S else BUSY_MAX_GAP_S
    assert longest <= bound, (
        f"the UI thread was held up for {longest * 1000:.1f} ms (floor {floor_longest * 1000:.1f} ms)"
    )
