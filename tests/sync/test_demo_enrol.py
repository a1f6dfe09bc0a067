"""A demo database never reaches the server, and a PC holding records says how many before they upload
(SQLite and PostgreSQL servers)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from desktop import demo, pc_state
from desktop.store import Store
from sync import enrol as sync_enrol
from sync import errors
from sync.client import SyncClient
from sync.server.schema import devices
from tests.sync.conftest import HOUSE_A


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store(path)
    demo.fill(store, today=dt.date(2026, 11, 25))
    store.close()
    return path


def _devices(server) -> int:
    with server.store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(devices)).scalar_one()


def test_a_demo_database_is_marked_and_refuses_to_enrol(server, demo_db, tmp_path, lang):
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(demo_db.read_bytes())
    store = Store(copy)
    try:
        assert store.get_meta("demo") == "1"
        pending = store.pending_count()
        code = server.store.new_enrol_code(HOUSE_A)
        lang("ru")
        with pytest.raises(errors.SyncError) as refused:
            SyncClient.enrol(store, server.url, code, label="demo")
        assert isinstance(refused.value, sync_enrol.DemoDatabase)
        assert "демо" in refused.value.message.lower()
        assert _devices(server) == 0  # nothing reached the server: not even the code was spent
        assert server.store.rows("people", HOUSE_A) == []
        assert store.pending_count() == pending and not SyncClient(store).enrolled
        # The code still works for a real PC.
        real = Store(tmp_path / "real.sqlite")
        assert SyncClient.enrol(real, server.url, code, label="real") == HOUSE_A
        real.close()
    finally:
        store.close()


def test_records_to_upload_counts_what_waits_by_kind(store):
    assert sum(pc_state.records_to_upload(store).values()) == 0
    people = [store.insert("people", {"surname": f"Тестов{n}", "name": "Ерлан"}) for n in range(3)]
    store.update("people", people[0], {"name": "Ерлан-Бек"})  # two writes of one record: one record
    store.insert("events", {"title_kk": "Наурыз", "title_ru": "Наурыз", "starts_at": "2026-03-22T10:00"})
    counts = pc_state.records_to_upload(store)
    assert counts["people"] == 3 and counts["events"] == 1 and sum(counts.values()) == 4
    check = pc_state.enrolment_check(store)
    assert check.demo is False and check.total == 4


def test_the_demo_year_is_counted_as_demo(demo_db):
    store = Store(demo_db)
    try:
        check = pc_state.enrolment_check(store)
        assert check.demo and check.counts["people"] >= 300
    finally:
        store.close()


def test_a_pc_holding_records_uploads_them_after_enrolment(make_client, server, tmp_path):
    store = Store(tmp_path / "old-pc.sqlite")
    store.insert("people", {"surname": "Бұрынғы", "name": "Жазба"})
    assert SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A)) == HOUSE_A
    assert SyncClient(store).sync().sent == 1
    assert [r["data"]["surname"] for r in server.store.rows("people", HOUSE_A)] == ["Бұрынғы"]
    store.close()
