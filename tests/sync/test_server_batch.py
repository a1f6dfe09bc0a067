"""The bulk apply of a sync request (sync.server.batch) decides every op exactly as the one-op-at-a-time path does:
the same acks, rows, conflicts, held ops, applied ops and seqs, on SQLite and PostgreSQL; and a server killed in the
middle of a request keeps whole chunks and applies the rest once when the PC sends its ops again."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import clock
from desktop.hlc import Stamp
from sync import protocol
from sync.client import HttpTransport
from sync.server import exchange
from sync.server.db import to_json
from sync.server.store import ServerStore, applied_ops, counters, records, server_meta
from tests.sync.conftest import HOUSE_A, HOUSE_B, _reset_pg

NOW = 1_795_000_000.0
NOW_MS = int(NOW * 1000)
YEAR_MS = 365 * 24 * 3600 * 1000


def _req(n: int, device: str, ops: list[dict], cursor: int = 0) -> protocol.SyncRequest:
    return protocol.parse_request(
        {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": f"r{n}",
            "device_id": device,
            "schema_version": 1,
            "cursor": cursor,
            "ops": ops,
        }
    )


def _op(
    op_id: str, kind: str, row_id: str, fields: dict, ms: int, device: str, table: str = "people"
) -> dict:
    return {
        "op_id": op_id,
        "table": table,
        "row_id": row_id,
        "kind": kind,
        "fields": fields,
        "hlc": str(Stamp(ms, 0, device)),
    }


def _scenario(url: str, bulk: bool) -> dict:
    """A request of 1,400 ops over several chunks, with every kind of decision in it; returns what it left."""
    store = ServerStore(url, wall=lambda: NOW)
    store.bulk_apply = bulk
    principals = {}
    for device, house in (("dev1", HOUSE_A), ("dev2", HOUSE_A), ("devb", HOUSE_B)):
        _t, token_id, _ = store.enrol(store.new_enrol_code(house), device)
        principals[device] = store.principal_by_id(token_id)[0]
    # A write the database itself refuses (the op checks pass it): the op is rejected, never its neighbours.
    with store.engine.begin() as conn:
        if store.is_sqlite:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.id = 'p-refused' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            conn.exec_driver_sql("ALTER TABLE records ADD CONSTRAINT refuse CHECK (id <> 'p-refused')")
    t = NOW_MS - 60_000
    store.sync(principals["devb"], _req(1, "devb", [_op("b1", "insert", "pb", {"surname": "B"}, t, "devb")]))
    first = store.sync(
        principals["dev1"],
        _req(
            2,
            "dev1",
            [
                _op("a1", "insert", "pa-old", {"surname": "Old", "notes": "n0"}, t, "dev1"),
                # An update of a row the server does not have yet: held until its insert comes.
                _op("a2", "update", "p-late", {"notes": "held"}, t + 1, "dev1"),
            ],
        ),
    )
    cursor = first["cursor"]
    # Another PC of the house edits the same field after dev1's cursor: dev1's edit below is a conflict.
    store.sync(
        principals["dev2"],
        _req(3, "dev2", [_op("c1", "update", "pa-old", {"notes": "dev2"}, t + 2, "dev2")], cursor),
    )
    ops: list[dict] = []
    ms = t + 10
    for i in range(1000):
        ops.append(_op(f"i{i}", "insert", f"p{i}", {"surname": f"S{i}", "notes": "x"}, ms + i, "dev1"))
        if i == 450:
            ops.append(_op("dup", "update", "p3", {"notes": "dup"}, ms + i, "dev1"))
            ops.append(_op("h1", "update", "p-new", {"notes": "before its insert"}, ms + i, "dev1"))
    ms += 2000
    ops += [
        _op(f"u{i}", "update", f"p{i}", {"notes": f"edit {i}", "name": "N"}, ms + i, "dev1")
        for i in range(300)
    ]
    ms += 1000
    ops += [
        _op("dup", "update", "p3", {"notes": "dup again"}, ms, "dev1"),  # the same op id: a duplicate
        _op("h2", "insert", "p-new", {"surname": "New"}, ms + 1, "dev1"),  # releases h1
        _op("h3", "insert", "p-late", {"surname": "Late"}, ms + 2, "dev1"),  # releases a2
        _op("x1", "update", "pb", {"notes": "not mine"}, ms + 3, "dev1"),  # another house's row
        _op("x2", "update", "p1", {"nonsense": 1}, ms + 4, "dev1"),  # no such field
        _op("x3", "insert", "q1", {"a": 1}, ms + 5, "dev1", table="no_such_table"),
        _op("x4", "insert", "p2", {"surname": "again"}, ms + 6, "dev1"),  # an insert of a row that exists
        _op("x5", "update", "p4", {"notes": "stamped a year ahead"}, NOW_MS + YEAR_MS, "dev1"),
        _op("x6", "update", "p6", {"notes": "older"}, t - 10_000, "dev1"),  # loses to the stored stamp
        _op("x7", "update", "pa-old", {"notes": "dev1"}, ms + 8, "dev1"),  # against dev2's edit: a conflict
        _op("x8", "delete", "p5", {}, ms + 9, "dev1"),
        _op("x9", "update", "p5", {"notes": "after delete"}, ms + 10, "dev1"),
        _op("x10", "insert", "p-refused", {"surname": "R"}, ms + 11, "dev1"),  # the database refuses it
        _op(
            "d1",
            "insert",
            "don1",
            {"received_on": "2026-11-20", "donor_kind": "anonymous"},
            ms,
            "dev1",
            "donations",
        ),
        _op("d2", "update", "don1", {"donor_kind": "person"}, ms + 12, "dev1", "donations"),  # a ledger row
    ]
    assert len(ops) > 2 * exchange.APPLY_CHUNK
    answer = store.sync(principals["dev1"], _req(4, "dev1", ops, cursor))
    again = store.sync(principals["dev1"], _req(5, "dev1", ops[:600], answer["cursor"]))["acks"]
    names = {who.pk: device for device, who in principals.items()}
    left = {
        "acks": answer["acks"],
        "again": {op["op_id"]: again[op["op_id"]] for op in ops[:600]},
        "cursor": answer["cursor"],
        "changes": answer["changes"],
        "people": store.rows("people"),
        "conflicts": store.rows("conflicts"),
        "donations": store.rows("donations"),
        # Token ids are random: each applied op named by its PC instead.
        "applied": {
            op_id: {**row, "device_pk": names[row["device_pk"]]} for op_id, row in store.applied().items()
        },
        "held": store.held(),
    }
    store.close()
    return left


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_bulk_apply_decides_as_one_op_at_a_time(database, tmp_path, request):
    if database == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'one.sqlite3'}", f"sqlite:///{tmp_path / 'bulk.sqlite3'}"]
    else:
        urls = [request.getfixturevalue("pg_url")] * 2
    if database == "postgres":
        _reset_pg(urls[0])
    one = _scenario(urls[0], bulk=False)
    if database == "postgres":
        _reset_pg(urls[1])
    bulk = _scenario(urls[1], bulk=True)
    for key in one:
        assert bulk[key] == one[key], key
    acks = bulk["acks"]
    # The scenario does reach every decision.
    assert acks["i0"] == "applied" and acks["u0"] == "applied" and acks["dup"] == "duplicate"
    assert acks["h1"] == "held" and acks["h2"] == "applied" and acks["h3"] == "applied"
    assert (
        acks["x1"] == "rejected:house" and acks["x2"] == "rejected:field" and acks["x3"] == "rejected:table"
    )
    assert acks["x7"] == "conflict" and bulk["conflicts"]
    assert acks["d1"] == "applied" and acks["d2"] == "rejected:ledger"
    assert set(bulk["again"].values()) == {"duplicate"}
    assert bulk["held"] == []
    applied = bulk["applied"]
    assert applied["a2"]["result"] != "held"  # released when its row came
    assert Stamp.parse(applied["x5"]["hlc"]).ms <= NOW_MS + 5 * 60 * 1000
    assert acks["x10"] == "rejected:store"
    seqs = [a["server_seq"] for a in applied.values()]
    assert len(seqs) == len(set(seqs))


class _ServerProcess:
    """uvicorn in a process of its own, as the server runs in production, so it can be killed with SIGKILL."""

    def __init__(self, db_url: str):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "sync.server.app:app_from_env", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env={**os.environ, "DOSTYQ_DATABASE_URL": db_url, "PYTHONPATH": str(root)},
            cwd=root,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline and self.proc.poll() is None, "the server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)


def test_a_server_killed_between_chunks_keeps_whole_chunks_and_applies_the_rest_once(db_url):
    store = ServerStore(db_url)
    device = "killed1"
    token, _token_id, _ = store.enrol(store.new_enrol_code(HOUSE_A), device)
    now = int(clock.wall() * 1000)
    ops = [
        _op(f"k{i}", "insert", f"row{i}", {"surname": f"S{i}", "notes": "first upload"}, now, device)
        for i in range(5000)
    ]

    def request() -> dict:
        return {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": str(uuid.uuid4()),
            "device_id": device,
            "schema_version": 1,
            "cursor": 0,
            "ops": ops,
        }

    def applied() -> int:
        with store.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(applied_ops).where(applied_ops.c.op_id.like("k%"))
            ).scalar_one()

    server = _ServerProcess(db_url)
    transport = HttpTransport(server.url, token)
    sender = threading.Thread(target=lambda: _post_ignoring_the_cut(transport, request()))
    sender.start()
    deadline = time.monotonic() + 120
    while applied() == 0:
        assert time.monotonic() < deadline, "no chunk was committed"
        time.sleep(0.002)
    server.kill()
    sender.join(60)
    transport.close()
    kept = applied()
    assert 0 < kept < len(ops), kept  # killed in the middle of the request
    assert kept % exchange.APPLY_CHUNK == 0  # whole chunks, never part of one
    with store.engine.connect() as conn:
        top = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
        newest = max(
            conn.execute(sa.select(sa.func.max(records.c.server_seq))).scalar_one(),
            conn.execute(sa.select(sa.func.max(applied_ops.c.server_seq))).scalar_one(),
        )
    assert top >= newest  # the counter was committed with the seqs it gave out

    # The PC sends its ops again (a fresh request id, as after any lost answer): the rest are applied, none twice.
    server = _ServerProcess(db_url)
    transport = HttpTransport(server.url, token)
    try:
        answer = transport.post("/v1/sync", request())
    finally:
        transport.close()
        server.kill()
    results = [answer["acks"][op["op_id"]] for op in ops]
    assert results.count("duplicate") == kept
    assert results.count("applied") == len(ops) - kept
    assert applied() == len(ops)
    assert len(store.rows("people", HOUSE_A)) == len(ops)
    store.close()


def _post_ignoring_the_cut(transport: HttpTransport, message: dict) -> None:
    with contextlib.suppress(Exception):  # the server is killed under it
        transport.post("/v1/sync", message)


def test_an_impossible_cursor_resets_a_device_whose_request_spans_chunks(tmp_path):
    """The reset is decided before the first chunk: the request's own chunks raise the top seq past the cursor."""
    store = ServerStore(f"sqlite:///{tmp_path / 's.sqlite3'}", wall=lambda: NOW)
    _t, token_id, _ = store.enrol(store.new_enrol_code(HOUSE_A), "dev1")
    who = store.principal_by_id(token_id)[0]
    first = store.sync(who, _req(0, "dev1", []))
    top, epoch = first["cursor"], first["epoch"]
    ops = [
        _op(f"o{i}", "insert", f"r{i}", {"surname": f"S{i}"}, NOW_MS - 1000, "dev1")
        for i in range(3 * exchange.APPLY_CHUNK)
    ]
    req = _req(1, "dev1", ops, cursor=top + exchange.APPLY_CHUNK).model_copy(update={"epoch": epoch})
    answer = store.sync(who, req)
    assert answer.get("reset") is True
    assert set(answer["acks"].values()) == {"applied"}
    store.close()


def test_a_write_transaction_is_one_transaction_from_its_start(db_url):
    """Its first statements are reads and its chunk writes in a savepoint: nothing is seen outside before the
    commit (pysqlite would otherwise let the savepoint open, and its release commit, a transaction of its own)."""
    store = ServerStore(db_url, seed=False)
    other = sa.create_engine(db_url)
    try:
        with store._write() as conn:
            seq = store._next_seq(conn)
            with conn.begin_nested():
                conn.execute(server_meta.insert().values(key="probe", value=str(seq)))
            with other.connect() as outside:
                seen = outside.execute(
                    sa.select(server_meta.c.value).where(server_meta.c.key == "probe")
                ).first()
                top = outside.execute(
                    sa.select(counters.c.value).where(counters.c.name == "seq")
                ).scalar_one()
            assert seen is None and top == seq - 1
        with other.connect() as outside:
            assert (
                outside.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
                == seq
            )
    finally:
        other.dispose()
        store.close()


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _JSON_VALUES, max_size=6))
def test_stored_json_is_the_plain_encoders(value):
    """The rows' JSON (data, field stamps and seqs) is written by an encoder made once: byte for byte what the
    standard library's dumps writes with the same settings, keys sorted, non-ASCII kept."""
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert to_json(value) == expected
    assert to_json([value]) == f"[{expected}]"
