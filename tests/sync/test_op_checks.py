"""Ops checked against the synced schema, rows a PC cannot store, restores, epochs and authors — on SQLite and
PostgreSQL, through real HTTP."""

from __future__ import annotations

import json

import sqlalchemy as sa

from desktop.hlc import Stamp
from sync import conflicts as sync_conflicts
from sync.server import cli
from sync.server.store import counters, md, records, server_meta
from tests.sync.conftest import HOUSE_A


def _op(op_id: str, kind: str, table: str, row_id: str, fields: dict, stamp: str, **extra) -> dict:
    return {
        "op_id": op_id,
        "table": table,
        "row_id": row_id,
        "kind": kind,
        "fields": fields,
        "hlc": stamp,
        **extra,
    }


def _top(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()


def _epoch(store) -> str:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar_one()


def test_bad_ops_are_rejected_one_by_one_and_every_pc_keeps_syncing(make_client, server):
    a, ca = make_client(HOUSE_A)
    person = a.insert("people", {"surname": "Әлиев", "name": "Бек"})
    ca.sync()
    ops = [
        _op("bad-null", "update", "people", person, {"surname": None}, a.clock.now()),
        _op("bad-missing", "insert", "volunteers", "v-bad", {"status": "active"}, a.clock.now()),
        _op(
            "bad-int",
            "insert",
            "event_volunteers",
            "ev-bad",
            {"event_id": "e1", "volunteer_id": "v1", "minutes": 2**70},
            a.clock.now(),
        ),
        _op("bad-type", "update", "people", person, {"notes": 12}, a.clock.now()),
        _op("good", "update", "people", person, {"notes": "жақсы"}, a.clock.now()),
        _op("early", "update", "people", "p-later", {"notes": "алдымен"}, a.clock.now()),
    ]
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=ops))
    acks = answer["acks"]
    assert acks["bad-null"] == "rejected:null:surname"
    assert acks["bad-missing"] == "rejected:missing:person_id"
    assert acks["bad-int"] == "rejected:integer:minutes"
    assert acks["bad-type"] == "rejected:type:notes"
    assert acks["good"] == "applied"
    assert acks["early"] == "held"  # an update of a row the server does not have: no partial row
    assert [r["id"] for r in server.store.rows("people")] == [person]
    # Its insert arrives: the row is stored whole, then the held edit on top of it.
    insert = _op(
        "late-insert", "insert", "people", "p-later", {"surname": "Кейін", "house_id": HOUSE_A}, a.clock.now()
    )
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[insert]))
    assert answer["acks"]["late-insert"] == "applied"
    later = {r["id"]: r for r in server.store.rows("people")}["p-later"]
    assert later["data"]["surname"] == "Кейін" and later["data"]["notes"] == "алдымен"
    # Every PC, a new one too, syncs the house.
    b, cb = make_client(HOUSE_A)
    cb.sync()
    ca.sync()
    for store in (a, b):
        assert store.get("people", person)["notes"] == "жақсы"
        assert store.get("people", "p-later")["notes"] == "алдымен"
        assert store.scalar("SELECT count(*) FROM volunteers") == 0


def _poison(store, table: str, row_id: str, data: dict) -> None:
    """A record as a server without the schema check stored it."""
    stamp = str(Stamp(1_795_000_000_000, 0, "devx"))
    with store._write() as conn:
        seq = store._next_seq(conn)
        conn.execute(
            records.insert().values(
                table_name=table,
                id=row_id,
                house_id=HOUSE_A,
                server_seq=seq,
                deleted=0,
                hlc=stamp,
                data=json.dumps(data),
                field_hlc=json.dumps(dict.fromkeys(data, stamp)),
                field_seq=json.dumps(dict.fromkeys(data, seq)),
                created_at="2026-11-20T10:00:00.000+00:00",
                updated_at="2026-11-20T10:00:00.000+00:00",
                updated_by="devx",
            )
        )


def test_poisoned_server_rows_are_quarantined_and_everything_else_syncs(make_client, server, capsys):
    a, ca = make_client(HOUSE_A)
    ca.sync()
    before = a.insert("people", {"surname": "Бұрын"})
    ca.sync()
    _poison(server.store, "volunteers", "v-poison", {"status": "active", "person_id": None})
    _poison(
        server.store,
        "event_volunteers",
        "ev-poison",
        {"event_id": "e", "volunteer_id": "v", "minutes": 2**70},
    )
    after = a.insert("people", {"surname": "Кейін"})
    ca.sync()
    b, cb = make_client(HOUSE_A)  # a new PC enrolling
    cb.sync()
    top = _top(server.store)
    for store, client in ((a, ca), (b, cb)):
        assert {before, after} <= {r["id"] for r in store.rows("SELECT id FROM people")}
        assert client.cursor == top
        assert store.scalar("SELECT count(*) FROM volunteers") == 0
        assert store.scalar("SELECT count(*) FROM event_volunteers") == 0
        held = [c for c in sync_conflicts.open_conflicts(store) if c.is_unapplied]
        assert sorted((c.table, c.row_id, c.kept_value) for c in held) == [
            ("event_volunteers", "ev-poison", "integer:minutes"),
            ("volunteers", "v-poison", "null:person_id"),
        ]
    # The administrator finds the rows, looks at one and tombstones it; the PCs drop it.
    data = ["--data", "unused"]
    url = server.store.url
    import os

    os.environ["DOSTYQ_DATABASE_URL"] = url
    try:
        assert cli.main([*data, "rows", "list"]) == 0
        listed = capsys.readouterr().out
        assert "v-poison" in listed and "ev-poison" in listed and before not in listed
        assert cli.main([*data, "rows", "show", "volunteers", "v-poison"]) == 0
        assert "null:person_id" in capsys.readouterr().out
        assert cli.main([*data, "rows", "show", "volunteers", "no-such-row"]) == 1
        out = capsys.readouterr()
        assert "Traceback" not in out.err and "no-such-row" in out.err
        assert (
            cli.main([*data, "rows", "tombstone", "houses", HOUSE_A]) == 1
        )  # reference rows are not for this
        capsys.readouterr()
        assert cli.main([*data, "rows", "tombstone", "volunteers", "v-poison"]) == 0
        assert cli.main([*data, "rows", "tombstone", "event_volunteers", "ev-poison"]) == 0
        capsys.readouterr()
        assert cli.main([*data, "rows", "list"]) == 0
        assert "poison" not in capsys.readouterr().out
    finally:
        del os.environ["DOSTYQ_DATABASE_URL"]
    ca.sync(), cb.sync()
    for store in (a, b):
        assert not [c for c in sync_conflicts.open_conflicts(store) if c.is_unapplied]
        assert store.scalar("SELECT deleted FROM volunteers WHERE id = 'v-poison'") == 1


def test_an_impossible_cursor_resets_that_device_alone(make_client, server):
    a, ca = make_client(HOUSE_A)
    _b, cb = make_client(HOUSE_A)
    a.insert("people", {"surname": "Бір"})
    ca.sync(), cb.sync()
    epoch = _epoch(server.store)
    trick = dict(cb.build_request(), cursor=_top(server.store) + 10_000)
    answer = cb.transport.post("/v1/sync", trick)
    assert answer.get("reset") is True and answer["cursor"] <= _top(server.store)
    assert _epoch(server.store) == epoch  # no server-wide epoch
    a.insert("people", {"surname": "Екі"})
    result = ca.sync()
    assert ca.state("server_reset_at") is None and ca.state("reseed") is None
    assert result.received <= 2  # a fetched only what was new, not the whole house again


def _snapshot(store) -> dict:
    with store.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(sa.select(t)).mappings()] for t in md.sorted_tables}


def _restore(store, snap: dict) -> None:
    with store.engine.begin() as conn:
        for table in reversed(md.sorted_tables):
            conn.execute(table.delete())
        for table in md.sorted_tables:
            if snap[table.name]:
                conn.execute(table.insert(), snap[table.name])


def test_after_a_restore_a_pc_holding_an_edit_of_a_newer_row_recovers(make_client, server):
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_A)
    person = a.insert("people", {"surname": "Ертеде"})
    ca.sync(), cb.sync()
    backup = _snapshot(server.store)
    volunteer = a.insert("volunteers", {"person_id": person, "status": "active"})
    ca.sync(), cb.sync()
    assert b.get("volunteers", volunteer) is not None
    a.update("volunteers", volunteer, {"notes": "қалпына келтіруден кейін"})  # waiting in a's outbox
    _restore(server.store, backup)
    server.store.new_epoch()  # dostyq-server restored
    for _ in range(3):
        ca.sync(), cb.sync()
    row = {r["id"]: r for r in server.store.rows("volunteers")}[volunteer]
    assert row["data"]["person_id"] == person and row["data"]["notes"] == "қалпына келтіруден кейін"
    for store in (a, b):
        assert store.get("volunteers", volunteer)["notes"] == "қалпына келтіруден кейін"
        assert store.pending_count() == 0
        assert not [c for c in sync_conflicts.open_conflicts(store) if c.is_unapplied]


def test_a_pc_cannot_stamp_its_op_with_another_pcs_device(make_client, server):
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_A)
    person = a.insert("people", {"surname": "Ортақ"})
    ca.sync(), cb.sync()
    b.update("people", person, {"notes": "B-ның өзгерісі"})
    cb.sync()  # a has not seen it
    later = Stamp.parse(b.clock.now())
    forged = str(Stamp(later.ms + 1000, 0, b.device_id))
    op = _op(
        "forged", "update", "people", person, {"notes": "A басып жазды"}, forged, by=f"acct@{b.device_id}"
    )
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op]))
    assert answer["acks"]["forged"] == "conflict"
    row = {r["id"]: r for r in server.store.rows("people")}[person]
    assert row["updated_by"] == f"acct@{a.device_id}"
    assert row["hlc"].endswith(a.device_id)
    kept = [r for r in server.store.rows("conflicts") if r["data"]["row_id"] == person]
    assert kept and kept[0]["data"]["other_value"] == json.dumps("B-ның өзгерісі", ensure_ascii=False)


def test_the_check_follows_the_desktop_schema():
    from sync import op_schema

    assert op_schema.check_fields("people", {"surname": "А", "notes": None}, whole=False) is None
    assert op_schema.check_fields("people", {"surname": "А\x00"}, whole=False) == "text:surname"
    assert op_schema.check_fields("people", {"surname": "\ud800"}, whole=False) == "text:surname"
    assert op_schema.check_fields("people", {"nope": 1}, whole=False) == "field:nope"
    assert op_schema.check_fields("nope", {}, whole=False) == "table"
    assert op_schema.check_fields("event_volunteers", {"minutes": 2**63}, whole=False) == "integer:minutes"
    assert op_schema.check_fields("event_volunteers", {"minutes": 2**63 - 1}, whole=False) is None
    assert (
        op_schema.check_fields("donation_lines", {"quantity": float("nan")}, whole=False) == "type:quantity"
    )
    assert op_schema.check_fields("donation_lines", {"quantity": 2}, whole=False) is None
    # An insert needs every NOT NULL field without a default; one with a default may be left out.
    assert op_schema.check_fields("volunteers", {"status": "active"}, whole=True) == "missing:person_id"
    assert op_schema.check_fields("volunteers", {"person_id": "p"}, whole=True) is None
    assert op_schema.storable("volunteers", {"person_id": "p"})["skills"] == "[]"
    fixed = op_schema.repaired("event_volunteers", {"event_id": None, "minutes": 2**70, "extra": 1})
    assert fixed == {"event_id": "", "volunteer_id": "", "minutes": 0}
    assert op_schema.check_row("event_volunteers", fixed) is None


def _replay_op(op_id: str, table: str, row_id: str, fields: dict, field_hlc: dict) -> dict:
    return {
        "op_id": op_id,
        "table": table,
        "row_id": row_id,
        "kind": "replay",
        "fields": fields,
        "hlc": max(field_hlc.values()),
        "created_at": "",
        "field_hlc": field_hlc,
    }


def test_a_re_sent_row_cannot_pass_off_a_write_as_another_pcs(make_client, server):
    """A re-sent whole row carries other PCs' stamps (after a restore that is how their edits come back). Over a
    field that other PC itself wrote on this server since the epoch began, a newer stamp in its name is not taken:
    the server keeps its value and records the difference for review."""
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_A)
    person = a.insert("people", {"surname": "Ортақ"})
    ca.sync(), cb.sync()
    b.update("people", person, {"notes": "B-ның өзгерісі"})
    cb.sync()
    later = Stamp.parse(b.clock.now())
    forged = str(Stamp(later.ms + 1000, 0, b.device_id))
    op = _replay_op(
        "rp-forged", "people", person, {"notes": "A басып жазды", "house_id": HOUSE_A}, {"notes": forged}
    )
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op]))
    assert answer["acks"]["rp-forged"] == "conflict"
    row = {r["id"]: r for r in server.store.rows("people")}[person]
    assert row["data"]["notes"] == "B-ның өзгерісі"
    kept = [r["data"] for r in server.store.rows("conflicts") if r["data"]["row_id"] == person]
    assert kept and kept[0]["other_value"] == json.dumps("A басып жазды", ensure_ascii=False)
    # A row the server lacks is still taken from a re-sent copy, whoever's stamps it carries.
    gap = str(Stamp(later.ms + 2000, 0, b.device_id))
    op = _replay_op(
        "rp-gap", "people", "p-lost", {"surname": "Жоғалған", "house_id": HOUSE_A}, {"surname": gap}
    )
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op]))
    assert answer["acks"]["rp-gap"] == "applied"
    assert {r["id"]: r for r in server.store.rows("people")}["p-lost"]["data"]["surname"] == "Жоғалған"


def test_after_a_restore_a_re_sent_row_brings_back_another_pcs_later_edit(make_client, server):
    """The restored server holds the backup's older copy: PC A's re-sent row brings back B's edit made after the
    backup, even though B's stamp is not A's (B may be a PC that is gone)."""
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_A)
    person = a.insert("people", {"surname": "Ортақ", "notes": "бұрын"})
    ca.sync(), cb.sync()
    server.store.new_epoch()  # as `dostyq-server restored` after bringing back a backup of this moment
    later = Stamp.parse(b.clock.now())
    edit = str(Stamp(later.ms + 1000, 0, b.device_id))
    op = _replay_op("rp-back", "people", person, {"notes": "B кейін", "house_id": HOUSE_A}, {"notes": edit})
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=[op]))
    assert answer["acks"]["rp-back"] == "applied"
    row = {r["id"]: r for r in server.store.rows("people")}[person]
    assert row["data"]["notes"] == "B кейін"
