"""The audit: old → new values, filters, the XLSX export, who may read it, and erasure's blanking."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from desktop import accounts, audit, roles
from desktop.accounts import AccountInput
from desktop.audit import AuditFilter
from desktop.roles import PermissionDenied


@pytest.fixture
def admin(store, clock):
    return accounts.create_first_administrator(
        store, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "жаз-2026-key", "жаз-2026-key")
    )


@pytest.fixture
def staff(store, admin):
    store.actor = admin
    account_id = accounts.save_account(
        store, AccountInput("marat", "Марат Ахметов", roles.STAFF, "parol-2026", "parol-2026")
    )
    return roles.actor_for(account_id, "Марат Ахметов", roles.STAFF)


def test_an_update_keeps_the_old_and_the_new_value(store, admin):
    store.actor = admin
    person = store.insert("people", {"surname": "Ли", "name": "Ирина"})
    store.update("people", person, {"name": "Ирина", "phone": "+77011234567"})
    details = json.loads(
        store.scalar("SELECT details FROM audit_log WHERE action = 'update' AND row_id = ?", (person,))
    )
    assert details == {"phone": [None, "+77011234567"]}
    store.update("people", person, {"phone": "+77017654321"})
    [latest, first_update, insert] = audit.list_entries(store, AuditFilter(table="people", row_id=person))[:3]
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("phone", "+77011234567", "+77017654321")]
    assert first_update.action == "update" and insert.action == "insert"
    assert ("surname", None, "Ли") in [(c.field, c.old, c.new) for c in insert.changes]
    assert latest.person == "Айгерім Сейітова" and latest.pc == audit.pc_label(store)
    assert latest.record == "Ли Ирина"
    assert "+77011234567 → +77017654321" in audit.changes_text(latest)


def test_a_delete_and_a_secret(store, admin):
    store.actor = admin
    person = store.insert("people", {"surname": "Ли"})
    store.delete("people", person)
    [deleted] = audit.list_entries(store, AuditFilter(row_id=person), limit=1)
    assert deleted.action == "delete" and [(c.field, c.old, c.new) for c in deleted.changes] == [
        ("deleted", 0, 1)
    ]
    # A password's hash never enters the audit, only that it changed.
    account = audit.list_entries(store, AuditFilter(table="accounts", row_id=admin.account_id))[-1]
    assert account.action == "insert"
    assert [(c.old, c.new) for c in account.changes if c.field == "secret_hash"] == [(None, None)]


def test_filters_by_person_table_and_date(store, clock, admin, staff):
    store.actor = admin
    store.insert("people", {"surname": "Ахметова"})
    clock.advance(dt.timedelta(days=2))
    store.actor = staff
    event = store.insert("events", {"title_kk": "Наурыз", "starts_at": "2026-03-22T10:00:00+05:00"})
    store.actor = admin
    mine = audit.list_entries(store, AuditFilter(account_id=staff.account_id))
    assert [(e.action, e.table, e.row_id) for e in mine] == [("insert", "events", event)]
    assert mine[0].who == f"Марат Ахметов · {audit.pc_label(store)}"
    assert {e.table for e in audit.list_entries(store, AuditFilter(table="people"))} == {"people"}
    today = dt.date(2026, 11, 22)
    assert [e.row_id for e in audit.list_entries(store, AuditFilter(date_from=today))] == [event]
    earlier = audit.list_entries(store, AuditFilter(date_to=today - dt.timedelta(days=1)))
    assert event not in [e.row_id for e in earlier] and earlier
    assert audit.count_entries(store, AuditFilter(date_from=today)) == 1
    assert "events" in audit.tables(store) and (staff.account_id, "Марат Ахметов") in audit.people(store)


def test_entries_written_before_values_were_kept_still_read(store, admin):
    store.conn.execute(
        "INSERT INTO audit_log (at, actor, action, table_name, row_id, details) VALUES (?, ?, ?, ?, ?, ?)",
        ("2026-01-05T10:00:00.000+00:00", store.device_id, "update", "people", "p-old", json.dumps(["name"])),
    )
    store.actor = admin
    [old] = audit.list_entries(store, AuditFilter(row_id="p-old"))
    assert old.person == "" and old.pc == audit.pc_label(store)
    assert [(c.field, c.values_kept) for c in old.changes] == [("name", False)]


@pytest.mark.parametrize("role", [roles.VOLUNTEER, roles.STAFF, roles.COORDINATOR])
def test_only_the_administrator_reads_the_audit(store, role):
    store.actor = roles.actor_for("acc-x", "X", role)
    with pytest.raises(PermissionDenied):
        audit.list_entries(store, AuditFilter())
    with pytest.raises(PermissionDenied):
        audit.export_xlsx(store, AuditFilter(), "x.xlsx")


def test_the_export_reads_back(store, admin, tmp_path, lang):
    store.actor = admin
    person = store.insert("people", {"surname": "Ли", "name": "Ирина"})
    store.update("people", person, {"name": "Ирина-Мария"})
    lang("ru")
    path = tmp_path / "audit.xlsx"
    written = audit.export_xlsx(store, AuditFilter(table="people"), str(path))
    assert written == 2
    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["Когда", "Человек", "Компьютер"]
    assert ["Изменено", "Люди", "Ли Ирина-Мария"] == rows[1][3:6]
    assert rows[1][7:] == ["Ирина", "Ирина-Мария"] and rows[1][1] == "Айгерім Сейітова"
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'audit_export'") == 1


def test_forget_values_blanks_a_rows_values_and_keeps_the_rest(store, admin):
    store.actor = admin
    person = store.insert("people", {"surname": "Ли", "iin": "900101400013"})
    store.update("people", person, {"iin": "900101400024"})
    store.audit("aid_override", "people", person, {"reason": "Ли просила"})
    other = store.insert("people", {"surname": "Ким"})
    assert audit.forget_values(store, "people", person) == 3
    entries = audit.list_entries(store, AuditFilter(row_id=person))
    assert [e.action for e in entries] == ["aid_override", "update", "insert"]
    assert all(c.old is None and c.new is None for e in entries for c in e.changes)
    assert [c.field for c in entries[1].changes] == ["iin"] and entries[1].person == "Айгерім Сейітова"
    assert entries[0].details == {"reason": None}
    [kept] = audit.list_entries(store, AuditFilter(row_id=other))
    assert ("surname", None, "Ким") in [(c.field, c.old, c.new) for c in kept.changes]


def test_the_pc_label_is_set_in_settings_and_kept_in_devices(store, admin):
    store.actor = admin
    assert audit.pc_label(store) == f"PC {store.device_id[:4]}"
    assert audit.set_pc_label(store, " Кабинет 2 ") == "Кабинет 2"
    assert audit.pc_label(store) == "Кабинет 2"
    assert store.get("devices", store.device_id)["label"] == "Кабинет 2"
    assert (
        audit.author_label(store, f"{admin.account_id}@{store.device_id}") == "Айгерім Сейітова · Кабинет 2"
    )
    # Rows stamped the old way: a plain device id, or a plain account id.
    assert audit.author_label(store, store.device_id) == "Кабинет 2"
    assert audit.author_label(store, admin.account_id) == "Айгерім Сейітова"
    store.actor = roles.actor_for("acc-s", "S", roles.STAFF)
    with pytest.raises(PermissionDenied):
        audit.set_pc_label(store, "x")


def test_every_synced_table_has_a_name_on_screen(lang):
    from desktop.schema import SYNCED_TABLES
    from desktop.table_labels import TABLE_LABELS, table_label

    assert set(TABLE_LABELS) == set(SYNCED_TABLES)
    lang("kk")
    assert table_label("aid_given") == "Берілген көмек"
    assert table_label("a_table_of_a_newer_version") == "a_table_of_a_newer_version"


def test_the_export_writes_typed_formulas_as_text(store, admin, tmp_path):
    store.actor = admin
    person = store.insert("people", {"surname": '=HYPERLINK("http://x","y")', "name": "@SUM(A1)"})
    store.update("people", person, {"name": "-2+3"})
    path = tmp_path / "audit.xlsx"
    audit.export_xlsx(store, AuditFilter(table="people"), str(path))
    cells = [c for r in openpyxl.load_workbook(path).active.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "@SUM(A1)" in values and "-2+3" in values
