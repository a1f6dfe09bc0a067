"""A quick seeded run of the fault harness (bench/sync_faults.py runs ≥ 200 seeds)."""

from __future__ import annotations

from sync.server import store as server_store
from tests.sync import harness


def _assert_clean(res: harness.Result) -> None:
    assert res.ops > 0 and res.conflicts_expected > 0  # the run really produced work and same-field races
    assert (res.lost, res.duplicated, res.diverged, res.conflicts_missing) == (0, 0, 0, 0), res


def test_quick_seeded_fault_run():
    res = harness.run(range(8), steps=250, n_pcs=3)
    assert res.faults["ServerUnreachable"] > 0 and res.faults["killed_mid_apply"] > 0
    assert res.faults["integrity_checks"] > 0 and res.faults["integrity_repairs"] == 0
    _assert_clean(res)


def test_fault_run_with_five_pcs_on_both_databases(db_url, tmp_path):
    res = harness.run_seed(101, tmp_path, n_pcs=5, steps=250, server_url=db_url)
    _assert_clean(res)


def test_harness_notices_an_op_applied_twice(monkeypatch):
    """The harness itself must be able to fail: a server that forgets applied ops is caught."""
    original = server_store.ServerStore._apply_op

    def forgetful(self, conn, who, op, *args):
        conn.execute(server_store.applied_ops.delete().where(server_store.applied_ops.c.op_id == op.op_id))
        return original(self, conn, who, op, *args)

    monkeypatch.setattr(server_store.ServerStore, "_apply_op", forgetful)
    res = harness.run(range(2), steps=150)
    assert res.duplicated > 0


def test_harness_notices_a_silent_overwrite(monkeypatch):
    from sync import merge

    monkeypatch.setattr(merge, "unseen_foreign", lambda *a: False)
    res = harness.run(range(3), steps=200)
    assert res.conflicts_missing > 0


def test_fault_run_with_poisoned_ops_epoch_tricks_and_a_restore(db_url, tmp_path):
    """tests/sync/harness_tricks.py: bad ops and rows, impossible cursors and a restore of the server's database."""
    res = harness.run_seed(3, tmp_path, n_pcs=3, steps=200, server_url=db_url, tricks=True)
    assert (
        res.faults["restores"] == 1 and res.faults["poisoned_requests"] > 0 and res.faults["epoch_tricks"] > 0
    )
    assert (res.poison_stored, res.quarantine_missing, res.epoch_moved) == (0, 0, 0), res
    _assert_clean(res)
