"""Accounts: the first administrator, sign-in with a password or PIN, the lock-out, accounts managed by the
administrator only, hashes never in the clear."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from desktop import accounts, roles
from desktop.accounts import AccountInput, SignInError
from desktop.errors import DostyqError, ValidationErrors
from desktop.roles import PermissionDenied
from desktop.store import Store


@pytest.fixture
def admin(store, clock):
    return accounts.create_first_administrator(
        store, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "жаз-2026-key", "жаз-2026-key")
    )


def test_the_first_administrator_is_made_once(store, admin):
    assert admin.role == roles.ADMIN and admin.can("accounts")
    with pytest.raises(DostyqError):
        accounts.create_first_administrator(
            store, AccountInput("other", "Other", roles.ADMIN, "x" * 9, "x" * 9)
        )
    row = store.one("SELECT * FROM accounts")
    assert row["secret_hash"].startswith("$argon2id$") and "жаз" not in json.dumps(row, ensure_ascii=False)
    outbox = store.one("SELECT fields FROM outbox WHERE table_name = 'accounts'")["fields"]
    assert "жаз-2026-key" not in outbox


def test_sign_in_with_the_password_and_wrong_tries_lock(store, admin, clock):
    actor = accounts.sign_in(store, "Aigerim ", "жаз-2026-key")
    assert (actor.account_id, actor.display_name, actor.role) == (
        admin.account_id,
        "Айгерім Сейітова",
        "administrator",
    )
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInError) as caught:
            accounts.sign_in(store, "aigerim", "wrong")
        assert caught.value.tries_left == left
    with pytest.raises(SignInError) as caught:
        accounts.sign_in(store, "aigerim", "wrong")
    assert caught.value.until is not None and "locked" in caught.value.message
    # Locked: even the right password waits.
    with pytest.raises(SignInError) as caught:
        accounts.sign_in(store, "aigerim", "жаз-2026-key")
    assert caught.value.until is not None
    clock.advance(dt.timedelta(minutes=accounts.LOCK_MINUTES, seconds=1))
    assert accounts.sign_in(store, "aigerim", "жаз-2026-key").account_id == admin.account_id


def test_an_unknown_login_reads_like_a_wrong_password(store, admin):
    with pytest.raises(SignInError) as unknown:
        accounts.sign_in(store, "nobody-here", "whatever1")
    with pytest.raises(SignInError) as wrong:
        accounts.sign_in(store, "aigerim", "whatever1")
    assert unknown.value.message == wrong.value.message


def test_the_administrator_manages_accounts_and_a_volunteer_signs_in_with_a_pin(store, admin, clock):
    store.actor = admin
    volunteer_id = accounts.save_account(store, AccountInput("dana", "Дана", roles.VOLUNTEER, "4821", "4821"))
    with pytest.raises(ValidationErrors) as caught:
        accounts.save_account(store, AccountInput("Dana", "", "chief", "12", "13"))
    assert {e.field for e in caught.value.errors} == {
        "login",
        "display_name",
        "role",
        "secret",
        "secret_again",
    }
    store.actor = roles.SYSTEM
    actor = accounts.sign_in(store, "dana", "4821")
    assert actor.role == roles.VOLUNTEER and not actor.can("records.write")
    store.actor = actor
    with pytest.raises(PermissionDenied):
        accounts.save_account(store, AccountInput("dana", "Дана", roles.ADMIN), volunteer_id)
    with pytest.raises(PermissionDenied):
        accounts.list_accounts(store)
    store.actor = admin
    listed = accounts.list_accounts(store)
    assert all("secret_hash" not in row for row in listed)
    assert accounts.list_accounts(store, offset=1, limit=1) == listed[1:2]  # the Accounts page reads pages
    with pytest.raises(DostyqError):
        accounts.save_account(store, AccountInput("aigerim", "Айгерім", roles.STAFF), admin.account_id)


def test_a_deactivated_account_cannot_sign_in(store, admin, clock):
    store.actor = admin
    staff_id = accounts.save_account(
        store, AccountInput("marat", "Марат", roles.STAFF, "parol-2026", "parol-2026")
    )
    accounts.save_account(store, AccountInput("marat", "Марат", roles.STAFF, active=False), staff_id)
    with pytest.raises(SignInError):
        accounts.sign_in(store, "marat", "parol-2026")
    assert ("marat", "Марат") not in accounts.sign_in_names(store)


def test_writes_carry_the_account_and_the_audit_names_it(store, admin):
    store.actor = admin
    person = store.insert("people", {"surname": "Ли", "name": "Ирина"})
    assert store.get("people", person)["updated_by"] == f"{admin.account_id}@{store.device_id}"
    assert accounts.display_names(store)[admin.account_id] == "Айгерім Сейітова"


def test_a_first_version_database_gets_the_accounts_table(tmp_path):
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    from desktop import schema

    schema.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = Store(path)
    tables = {r["name"] for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"accounts", "sign_in_failures"} <= tables and "users" not in tables
    assert store.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
    store.close()
