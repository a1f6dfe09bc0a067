import json
import sqlite3

import pytest

from desktop import schema
from desktop.errors import LedgerError
from desktop.hlc import Stamp
from desktop.store import Store


def outbox(store):
    return store.rows("SELECT * FROM outbox ORDER BY seq")


def test_fresh_file_has_every_table_and_schema_version(store):
    names = {r["name"] for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    expected = set(schema.SYNCED_TABLES) | set(schema.REFERENCE_TABLES) | set(schema.LOCAL_TABLES)
    assert expected <= names
    assert store.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1


def test_insert_stamps_row_and_appends_outbox_in_one_go(store):
    pid = store.insert("people", {"surname": "Нұрланұлы", "name": "Қайрат", "languages": ["kk", "ru"]})
    row = store.get("people", pid)
    assert row["house_id"] == "KZ-55-01"
    field_hlc = json.loads(row["field_hlc"])
    assert set(field_hlc) == set(schema.SYNCED_TABLES["people"].fields)
    assert all(stamp == row["hlc"] for stamp in field_hlc.values())
    assert row["languages"] == '["kk", "ru"]'
    [op] = outbox(store)
    assert (op["table_name"], op["row_id"], op["kind"], op["hlc"]) == ("people", pid, "insert", row["hlc"])
    assert json.loads(op["fields"])["name"] == "Қайрат"


def test_update_records_only_changed_fields_with_newer_stamp(store):
    pid = store.insert("people", {"surname": "Иванов", "name": "Иван"})
    first = store.get("people", pid)
    assert store.update("people", pid, {"name": "Иван", "phone": "+77011234567"}) is True
    assert (
        store.update("people", pid, {"phone": "+77011234567"}) is False
    )  # nothing changed, nothing recorded
    row = store.get("people", pid)
    stamps = json.loads(row["field_hlc"])
    assert stamps["phone"] == row["hlc"] > first["hlc"]
    assert stamps["name"] == first["hlc"]
    ops = outbox(store)
    assert [op["kind"] for op in ops] == ["insert", "update"]
    assert json.loads(ops[1]["fields"]) == {"phone": "+77011234567"}


def test_delete_is_a_tombstone(store):
    pid = store.insert("people", {"surname": "Ким", "name": "Елена"})
    assert store.delete("people", pid) is True
    assert store.get("people", pid) is None
    assert store.get("people", pid, include_deleted=True)["deleted"] == 1
    assert outbox(store)[-1]["kind"] == "delete"
    assert store.delete("people", pid) is False


def test_ledger_rows_cannot_be_edited_or_deleted(store):
    shift = store.insert("volunteer_shifts", {"volunteer_id": "v", "check_in": "2026-01-05T09:00:00+05:00"})
    with pytest.raises(LedgerError):
        store.update("volunteer_shifts", shift, {"minutes": 5})
    with pytest.raises(LedgerError):
        store.delete("volunteer_shifts", shift)


def test_failed_transaction_leaves_no_row_and_no_outbox_entry(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("people", {"surname": "A", "name": "B"})
        raise RuntimeError("power cut")
    assert store.scalar("SELECT count(*) FROM people") == 0
    assert outbox(store) == []


def test_inner_savepoint_rolls_back_alone(store):
    with store.transaction():
        store.insert("people", {"surname": "Kept", "name": "X"})
        with pytest.raises(ValueError), store.transaction():
            store.insert("people", {"surname": "Dropped", "name": "Y"})
            raise ValueError
    assert [r["surname"] for r in store.rows("SELECT surname FROM people")] == ["Kept"]
    assert len(outbox(store)) == 1


def test_unknown_field_is_refused_before_writing(store):
    with pytest.raises(ValueError):
        store.insert("people", {"surname": "A", "shoe_size": 42})
    assert outbox(store) == []


def test_search_columns_follow_the_name(store):
    pid = store.insert("people", {"surname": "Нұрланұлы", "name": "Қайрат"})
    row = store.get("people", pid)
    assert row["name_fold"] == "нұрланұлы қайрат"
    assert row["name_loose"] == "нурланулы кайрат"
    store.update("people", pid, {"name": "Әсел"})
    hits = store.rows(
        "SELECT p.id FROM people_fts f JOIN people p ON p.rowid = f.rowid WHERE people_fts MATCH ?",
        ['"асел"'],
    )
    assert [h["id"] for h in hits] == [pid]


def test_clock_stays_monotonic_across_reopen_even_if_wall_clock_goes_back(tmp_path):
    path = tmp_path / "h.sqlite"
    s1 = Store(path, wall=lambda: 2_000_000_000.0)
    pid = s1.insert("people", {"surname": "A"})
    stamp1 = s1.get("people", pid)["hlc"]
    s1.close()
    from desktop import store as store_module

    store_module._clocks.clear()  # a new process
    s2 = Store(path, wall=lambda: 1_000_000_000.0)  # the PC clock was set back
    s2.update("people", pid, {"surname": "B"})
    assert Stamp.parse(s2.get("people", pid)["hlc"]) > Stamp.parse(stamp1)
    s2.close()


def test_receipt_numbers_carry_the_device_prefix(store):
    with store.transaction():
        a, b = store.next_number("aid"), store.next_number("aid")
    assert a.startswith(store.device_prefix + "-") and a != b


def test_reference_data_is_seeded_once_without_outbox(store):
    assert store.scalar("SELECT count(*) FROM regions") == 20
    assert store.scalar("SELECT count(*) FROM aid_items WHERE house_id IS NULL") > 10
    assert store.pending_count() == 0


def test_database_is_usable_from_plain_sqlite(store):
    store.insert("people", {"surname": "Әбенов", "name": "Мұрат"})
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT surname FROM people").fetchone()[0] == "Әбенов"
    conn.close()
