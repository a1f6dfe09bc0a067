"""The protocol end to end: real uvicorn, real HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time

import requests

from desktop.hlc import Stamp
from sync import protocol
from sync.server.store import applied_ops, records
from tests.sync.conftest import HOUSE_A


def test_health(server):
    body = requests.get(server.url + "/health", timeout=5).json()
    assert body == {"status": "ok", "protocol": protocol.PROTOCOL_VERSION, "database": server.store.dialect}


def test_row_travels_to_the_other_pc_with_search_columns(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Қайратов", "name": "Қайрат", "phone": "+77011234567"})
    res = ca.sync()
    assert res.sent == 1 and a.pending_count() == 0
    cb.sync()
    row = b.get("people", pid)
    assert row["name"] == "Қайрат" and row["house_id"] == HOUSE_A
    assert "кайрат" in row["name_loose"]
    assert b.pending_count() == 0  # received rows never go back out
    # Reference data and central catalogue rows arrived too.
    assert b.scalar("SELECT count(*) FROM regions") == 20
    assert b.scalar("SELECT name_ru FROM houses WHERE code = ?", (HOUSE_A,))


def test_different_fields_merge_silently(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Ахметова", "name": "Айгүл"})
    ca.sync(), cb.sync()
    a.update("people", pid, {"phone": "+77010000001"})
    b.update("people", pid, {"locality": "Павлодар"})
    ca.sync(), cb.sync(), ca.sync()
    for s in (a, b):
        row = s.get("people", pid)
        assert (row["phone"], row["locality"]) == ("+77010000001", "Павлодар")
        assert s.open_conflicts_count() == 0


def test_same_field_conflict_is_kept_and_shown_on_both(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Ли", "name": "Виктор"})
    ca.sync(), cb.sync()
    a.update("people", pid, {"phone": "+77010000001"})
    b.update("people", pid, {"phone": "+77010000002"})
    stamp_a = json.loads(a.get("people", pid)["field_hlc"])["phone"]
    stamp_b = json.loads(b.get("people", pid)["field_hlc"])["phone"]
    (win, _win_pc), (lose, lose_pc) = sorted(
        [("+77010000001", a), ("+77010000002", b)],
        key=lambda v: stamp_a if v[1] is a else stamp_b,
        reverse=True,
    )
    ca.sync(), cb.sync(), ca.sync()
    assert a.get("people", pid)["phone"] == b.get("people", pid)["phone"] == win  # the higher stamp wins
    for s in (a, b):
        c = s.one("SELECT * FROM conflicts")
        assert (c["table_name"], c["row_id"], c["field"]) == ("people", pid, "phone")
        assert json.loads(c["kept_value"]) == win
        assert json.loads(c["other_value"]) == lose
        assert c["other_by"] == lose_pc.device_id and c["resolved_at"] is None


def test_sequential_edit_is_not_a_conflict(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Ким", "name": "Ольга"})
    ca.sync(), cb.sync()
    a.update("people", pid, {"phone": "+77010000001"})
    ca.sync(), cb.sync()
    b.update("people", pid, {"phone": "+77010000009"})
    cb.sync(), ca.sync()
    assert a.get("people", pid)["phone"] == "+77010000009"
    assert a.open_conflicts_count() == b.open_conflicts_count() == 0


def test_edit_against_delete_is_a_conflict(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Мұратов", "name": "Ерлан"})
    ca.sync(), cb.sync()
    a.delete("people", pid)
    b.update("people", pid, {"notes": "жаңа телефон"})
    ca.sync(), cb.sync(), ca.sync()
    for s in (a, b):
        row = s.get("people", pid, include_deleted=True)
        assert row["deleted"] == 1 and row["notes"] == "жаңа телефон"
        c = s.one("SELECT * FROM conflicts")
        assert c["field"] == "deleted"
        assert json.loads(c["other_value"]) == {"notes": "жаңа телефон"}


def test_resent_ops_are_duplicates_and_change_nothing(make_client, server):
    a, ca = make_client()
    a.insert("donations", {"received_on": "2026-11-20", "donor_kind": "anonymous"})
    request = ca.build_request()
    first = ca.transport.post("/v1/sync", request)
    assert set(first["acks"].values()) == {"applied"}
    seq_before = server.store.count(records), server.store.count(applied_ops)
    again = dict(request, request_id="retry-" + request["request_id"])
    second = ca.transport.post("/v1/sync", again)
    assert set(second["acks"].values()) == {"duplicate"}
    assert (server.store.count(records), server.store.count(applied_ops)) == seq_before
    ca.apply_response(second)
    assert a.pending_count() == 0


def test_lost_answer_is_acked_on_the_next_exchange(make_client, server):
    """The server committed but the answer never arrived: the next exchange (even without the ops) acks them."""
    a, ca = make_client()
    for i in range(3):
        a.insert("people", {"surname": f"Жоғалған {i}"})
    ca.transport.post("/v1/sync", ca.build_request())  # answer dropped on the floor
    assert a.pending_count() == 3
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[]))
    assert sorted(answer["acks"].values()) == ["applied"] * 3
    ca.apply_response(answer)
    assert a.pending_count() == 0
    assert len(server.store.rows("people", HOUSE_A)) == 3


def test_paging_by_bytes_brings_everything(make_client):
    a, ca = make_client()
    b, cb = make_client()
    with a.transaction():
        ids = [
            a.insert("people", {"surname": f"Фамилия{i:04d}", "name": "Әлия", "notes": "x" * 200})
            for i in range(400)
        ]
    with a.transaction():
        ca.set_state("page_bytes", 4096)
    res = ca.sync()
    assert res.rounds > 1 and a.pending_count() == 0
    with b.transaction():
        cb.set_state("page_bytes", 4096)
    seen: list[tuple[int, int]] = []
    res = cb.sync(progress=lambda done, total: seen.append((done, total)))
    assert res.rounds > 1 and seen
    assert b.scalar("SELECT count(*) FROM people WHERE deleted = 0") == len(ids)
    assert int(cb.state("page_bytes")) > 4096  # grew after successes


def test_future_stamps_are_clamped(make_client, server):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Болашақ"})
    ca.sync(), cb.sync()
    year_ms = 365 * 24 * 3600 * 1000
    a.clock.offset_ms = year_ms  # a PC whose clock runs a year ahead
    a.update("people", pid, {"notes": "from the future"})
    a.clock.offset_ms = 0
    ca.sync()
    stamp = Stamp.parse(json.loads(a.get("people", pid)["field_hlc"])["notes"])
    assert stamp.ms <= int(time.time() * 1000) + 5 * 60 * 1000 + 1000
    cb.sync()
    # The skew bought at most five minutes: an edit made six minutes later still wins.
    b.clock.offset_ms = 6 * 60 * 1000
    b.update("people", pid, {"notes": "present"})
    cb.sync(), ca.sync()
    assert a.get("people", pid)["notes"] == b.get("people", pid)["notes"] == "present"
    assert ca.store.clock.offset_ms < 60_000  # a's clock was corrected from server_time


def test_no_change_sync_is_one_round_trip(make_client):
    _a, ca = make_client()
    ca.sync()
    res = ca.sync()
    assert (res.rounds, res.sent, res.received) == (1, 0, 0)


def test_ledger_update_and_reference_writes_are_rejected(make_client, server):
    a, ca = make_client()
    pid = "0190-ledger-row"
    op = {
        "op_id": "op-ledger-1",
        "table": "donations",
        "row_id": pid,
        "kind": "update",
        "fields": {"notes": "changed"},
        "hlc": a.clock.now(),
        "created_at": "",
    }
    ref = {
        "op_id": "op-ref-1",
        "table": "regions",
        "row_id": "KZ-71",
        "kind": "update",
        "fields": {"name_ru": "x"},
        "hlc": a.clock.now(),
        "created_at": "",
    }
    central = {
        "op_id": "op-central-1",
        "table": "aid_items",
        "row_id": "item-flour",
        "kind": "update",
        "fields": {"name_ru": "x"},
        "hlc": a.clock.now(),
        "created_at": "",
    }
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op, ref, central]))
    assert answer["acks"] == {
        "op-ledger-1": "rejected:ledger",
        "op-ref-1": "rejected:table",
        "op-central-1": "rejected:house",
    }
    assert [r["data"]["name_ru"] for r in server.store.rows("aid_items") if r["id"] == "item-flour"] == [
        "Мука"
    ]


def test_sneakernet_packet_round_trip(make_client, server, tmp_path, monkeypatch):
    from sync.server import cli

    a, ca = make_client()
    b, cb = make_client()
    pid = b.insert("people", {"surname": "Онлайн"})
    cb.sync()
    a.insert("people", {"surname": "Флешка"})
    out = tmp_path / "a.dostyq"
    assert ca.save_packet(out) == 1
    monkeypatch.setenv(
        "DOSTYQ_DATABASE_URL",
        server.store.url
        if server.store.is_sqlite
        else server.store.engine.url.render_as_string(hide_password=False),
    )
    assert cli.main(["packet", "apply", str(out)]) == 0
    answer = tmp_path / "a.answer.dostyq"
    # Applying the same request file twice changes nothing on the server.
    counts = server.store.count(records), server.store.count(applied_ops)
    assert cli.main(["packet", "apply", str(out), "--out", str(tmp_path / "again.dostyq")]) == 0
    assert (server.store.count(records), server.store.count(applied_ops)) == counts
    res = ca.load_packet(answer)
    assert a.pending_count() == 0 and a.get("people", pid)["surname"] == "Онлайн" and res.received > 0
    snapshot = a.rows("SELECT id, hlc FROM people ORDER BY id"), ca.cursor
    ca.load_packet(answer)  # loading twice changes nothing
    assert (a.rows("SELECT id, hlc FROM people ORDER BY id"), ca.cursor) == snapshot
    cb.sync()
    assert b.scalar("SELECT count(*) FROM people WHERE surname = 'Флешка'") == 1


def test_rows_always_belong_to_the_enrolled_house(make_client, server):
    a, ca = make_client(HOUSE_A)
    a.set_house("KZ-75-01")  # a wrong choice in Settings after enrolment
    pid = a.insert("people", {"surname": "Қате үй"})
    res = ca.sync()
    assert not res.rejected and a.pending_count() == 0
    assert [r["id"] for r in server.store.rows("people", HOUSE_A)] == [pid]
    assert a.get("people", pid)["house_id"] == HOUSE_A


def test_packet_upload_endpoint(make_client, server, tmp_path):
    a, ca = make_client()
    a.insert("people", {"surname": "Пошта арқылы"})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    r = requests.post(server.url + "/v1/packet", data=request_file.read_bytes(), timeout=10)
    assert r.status_code == 200
    answer = tmp_path / "answer.dostyq"
    answer.write_bytes(r.content)
    ca.load_packet(answer)
    assert a.pending_count() == 0
    assert [row["data"]["surname"] for row in server.store.rows("people", HOUSE_A)] == ["Пошта арқылы"]


def test_integrity_check_repairs_both_sides(make_client, server):
    import sqlalchemy as sa

    a, ca = make_client()
    b, cb = make_client()
    ids = [a.insert("people", {"surname": f"Бүтін {i}"}) for i in range(5)]
    ca.sync(), cb.sync()
    assert cb.local_digest() == ca.local_digest()
    # Faults outside sync: the server lost one row, PC b lost another.
    with server.store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM records WHERE table_name = 'people' AND id = :id"), {"id": ids[0]})
    with b.transaction():
        b.conn.execute("DELETE FROM people WHERE id = ?", (ids[1],))
    assert cb.sync().repaired == []  # checked at the first sync only; the next check is due tomorrow
    cb.force_check = True
    res = cb.sync()
    assert res.repaired == ["people"]
    assert b.get("people", ids[1]) is not None
    assert {r["id"] for r in server.store.rows("people", HOUSE_A)} == set(ids)
    cb.force_check = True
    assert cb.sync().repaired == []


def test_catch_up_over_pages_still_sees_a_same_field_race(make_client):
    """A row is sent at its newest seq, so a PC paging through a backlog can pass the seq of a write before it
    receives the row: conflicts are judged against the last complete catch-up, not the page cursor."""
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Беттер", "notes": "v1"})
    ca.sync(), cb.sync()
    b.update("people", pid, {"notes": "b's note"})  # offline edit on b
    a.update("people", pid, {"notes": "a's note"})  # the race, written early in the backlog
    with a.transaction():
        for i in range(300):
            a.insert("people", {"surname": f"Толтырғыш {i}", "notes": "x" * 300})
    a.update("people", pid, {"phone": "+77010000001"})  # moves the row to the end of the backlog
    ca.sync()
    with b.transaction():
        cb.set_state("page_bytes", 4096)
    cb.max_ops = 0  # pull the whole backlog before sending anything
    res = cb.sync()
    assert res.rounds > 2
    cb.max_ops = 5000
    cb.sync(), ca.sync()
    assert a.get("people", pid)["notes"] == b.get("people", pid)["notes"]
    c = b.one("SELECT * FROM conflicts WHERE field = 'notes'")
    assert c is not None
    assert {json.loads(c["kept_value"]), json.loads(c["other_value"])} == {"a's note", "b's note"}


def test_a_ledger_row_takes_only_a_merge_relink(make_client, server):
    a, ca = make_client()
    donor, other = (
        a.insert("people", {"surname": "Ли", "name": "Ирина"}),
        a.insert("people", {"surname": "Ли"}),
    )
    donation = a.insert(
        "donations", {"received_on": "2026-11-04", "donor_kind": "person", "donor_person_id": other}
    )
    ca.sync()

    def op(n: int, row_id: str, fields: dict) -> dict:
        return {
            "op_id": f"op-relink-{n}",
            "table": "donations",
            "row_id": row_id,
            "kind": "update",
            "fields": fields,
            "hlc": a.clock.now(),
            "created_at": "",
        }

    ops = [
        op(1, donation, {"donor_person_id": donor}),
        op(2, donation, {"donor_person_id": donor, "notes": "x"}),
        op(3, "0190-no-such-row", {"donor_person_id": donor}),
    ]
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=ops))
    assert answer["acks"] == {
        "op-relink-1": "applied",
        "op-relink-2": "rejected:ledger",
        "op-relink-3": "rejected:ledger",
    }
