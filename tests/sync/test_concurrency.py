"""Many PCs syncing at once through real HTTP: seq order is commit order, so a reader's cursor never skips a row."""

from __future__ import annotations

import statistics
import threading
import time
import uuid

import pytest

from desktop import clock, schema
from desktop.hlc import Stamp
from desktop.store import Store
from sync import protocol
from sync.client import HttpTransport, SyncClient
from sync.server.store import ServerStore, records
from tests.sync.conftest import HOUSE_A, HOUSE_B, _reset_pg, start_server


def test_concurrent_writers_never_make_a_reader_skip_rows(server, tmp_path):
    def pc(name):
        store = Store(tmp_path / f"{name}.sqlite")
        SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A))
        store.close()

    for name in ("w0", "w1", "w2", "w3", "reader"):
        pc(name)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(name: str) -> None:
        try:
            store = Store(tmp_path / f"{name}.sqlite")
            client = SyncClient(store)
            for round_ in range(8):
                with store.transaction():
                    for i in range(5):
                        store.insert("people", {"surname": f"{name}-{round_}-{i}"})
                client.sync()
            client.transport.close()
            store.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            store = Store(tmp_path / "reader.sqlite")
            client = SyncClient(store)
            for _ in range(400):
                if stop.is_set():
                    break
                client.sync()
            client.transport.close()
            store.close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    read = threading.Thread(target=reader)
    read.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    read.join(120)
    assert not errors, errors
    # One more exchange from the reader's saved cursor: anything skipped while writers raced would be missing now.
    store = Store(tmp_path / "reader.sqlite")
    SyncClient(store).sync()
    assert store.scalar("SELECT count(*) FROM people") == 4 * 8 * 5
    store.close()


@pytest.mark.timing
def test_a_big_upload_does_not_hold_up_another_house(server, make_client, tmp_path):
    """House A's 5,000-op first upload is applied in short chunk transactions: house B's no-change sync gets in
    between two chunks instead of waiting for the whole upload (which took 11 s on SQLite and 25 s on PostgreSQL
    when one transaction held the seq lock for all of it)."""
    _store_b, client_b = make_client(HOUSE_B)
    client_b.sync()
    base = []
    for _ in range(5):
        t0 = time.perf_counter()
        assert client_b.sync().received == 0
        base.append(time.perf_counter() - t0)
    device = "bigupload1"
    token, _token_id, _ = server.store.enrol(server.store.new_enrol_code(HOUSE_A), device)
    upload = HttpTransport(server.url, token)
    now = int(clock.wall() * 1000)
    ops = [
        {
            "op_id": str(uuid.uuid4()),
            "table": "people",
            "row_id": str(uuid.uuid4()),
            "kind": "insert",
            "fields": {"surname": f"Фамилия {i}", "notes": "бірінші жүктеу"},
            "hlc": str(Stamp(now, i, device)),
        }
        for i in range(5000)
    ]
    request = {
        "v": protocol.PROTOCOL_VERSION,
        "request_id": str(uuid.uuid4()),
        "device_id": device,
        "schema_version": schema.SCHEMA_VERSION,
        "cursor": 0,
        "ops": ops,
    }
    applying = threading.Event()
    server.store.on_apply = lambda _op_id: applying.set()  # called once the upload's first chunk is in
    done: dict[str, float] = {}

    def upload_a() -> None:
        answer = upload.post("/v1/sync", request)
        done["a"] = time.perf_counter()
        done["applied"] = sum(1 for r in answer["acks"].values() if r == "applied")

    thread = threading.Thread(target=upload_a)
    started = time.perf_counter()
    thread.start()
    assert applying.wait(120)
    t0 = time.perf_counter()
    assert client_b.sync().received == 0
    done["b"] = time.perf_counter()
    thread.join(180)
    upload.close()
    server.store.on_apply = None
    extra_ms = (done["b"] - t0 - statistics.median(base)) * 1000
    upload_ms = (done["a"] - started) * 1000
    print(
        f"house B's no-change sync during the upload: +{extra_ms:.0f} ms; the upload took {upload_ms:.0f} ms"
    )
    assert done["applied"] == 5000
    # B is answered while A's upload is still being applied, and long before it is done.
    assert done["b"] < done["a"]
    assert extra_ms < max(1000.0, upload_ms / 4)


@pytest.mark.postgres
def test_a_no_change_sync_on_postgresql_takes_no_seq_lock(pg_url, tmp_path):
    """While a write transaction holds the seq lock, a PC's no-change sync is still answered; the rows that
    transaction writes reach the PC on its next sync."""
    _reset_pg(pg_url)
    server = ServerStore(pg_url)
    live = start_server(server)
    store = Store(tmp_path / "pc.sqlite")
    try:
        SyncClient.enrol(store, live.url, server.new_enrol_code(HOUSE_B))
        client = SyncClient(store)
        store.insert("people", {"surname": "Mine"})
        client.sync()  # sends its keys, its row and asks for the integrity check: all take the lock
        assert "check" not in client.build_request()
        with server._write() as conn:
            seq = server._next_seq(conn)
            conn.execute(
                records.insert().values(
                    table_name="people",
                    id="p-late",
                    house_id=HOUSE_B,
                    server_seq=seq,
                    deleted=0,
                    hlc=f"{int(clock.wall() * 1000):013d}-0000-other",
                    data='{"surname":"Late"}',
                    field_hlc="{}",
                    field_seq="{}",
                    created_at="2026-11-20T07:00:00.000+00:00",
                    updated_at="2026-11-20T07:00:00.000+00:00",
                    updated_by="other",
                )
            )
            t0 = time.perf_counter()
            assert client.sync().received == 0  # answered with the lock held, and without the uncommitted row
            waited = time.perf_counter() - t0
        assert waited < 30
        assert client.sync().received == 1
        assert store.scalar("SELECT surname FROM people WHERE id = 'p-late'") == "Late"
        client.transport.close()
    finally:
        store.close()
        live.stop()
        live.thread.join(10)
        server.close()
