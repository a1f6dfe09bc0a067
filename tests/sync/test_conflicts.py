"""Needs review: resolving a conflict is a normal write that syncs, and closes the conflict on the other PC."""

from __future__ import annotations

import json

from sync import conflicts


def _race(make_client, field="phone"):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Серікова", "name": "Дана"})
    ca.sync(), cb.sync()
    a.update("people", pid, {field: "+77010000001"})
    b.update("people", pid, {field: "+77010000002"})
    ca.sync(), cb.sync(), ca.sync()
    return a, ca, b, cb, pid


def test_keep_the_other_value_syncs_and_closes_everywhere(make_client):
    a, ca, b, cb, pid = _race(make_client)
    [c] = conflicts.open_conflicts(a)
    assert c.row_label == "Серікова Дана" and c.field == "phone" and c.other_by
    conflicts.resolve(a, c.id, conflicts.OTHER)
    assert a.get("people", pid)["phone"] == c.other_value
    assert a.open_conflicts_count() == 0
    ca.sync(), cb.sync()
    assert b.get("people", pid)["phone"] == c.other_value
    assert b.open_conflicts_count() == 0  # superseded by the reviewer's write
    assert b.one("SELECT resolution FROM conflicts")["resolution"] == "superseded"


def test_keep_the_current_value_also_syncs(make_client):
    a, ca, b, cb, pid = _race(make_client)
    [c] = conflicts.open_conflicts(b)
    conflicts.resolve(b, c.id, conflicts.KEPT)
    assert b.pending_count() == 1  # the decision is a write
    cb.sync(), ca.sync()
    assert a.get("people", pid)["phone"] == c.kept_value and a.open_conflicts_count() == 0


def test_keep_the_edit_that_raced_a_delete_restores_the_row(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Әбілов", "name": "Нұрлан"})
    ca.sync(), cb.sync()
    a.delete("people", pid)
    b.update("people", pid, {"notes": "көшті"})
    ca.sync(), cb.sync(), ca.sync()
    [c] = conflicts.open_conflicts(b)
    assert c.is_delete and c.other_value == {"notes": "көшті"}
    conflicts.resolve(b, c.id, conflicts.OTHER)
    cb.sync(), ca.sync()
    for s in (a, b):
        row = s.get("people", pid)
        assert row is not None and row["notes"] == "көшті"
    assert json.loads(a.get("people", pid)["field_hlc"]) == json.loads(b.get("people", pid)["field_hlc"])
