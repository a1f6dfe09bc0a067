"""The demo house's accounts, one per role, with the passwords the README lists (a demo database only)."""

from __future__ import annotations

import datetime as dt
import random

from desktop import accounts, roles
from desktop.store import Store

# login, display name, role, password or PIN
DEMO_ACCOUNTS = (
    ("admin", "Айгерім Сейітова", roles.ADMIN, "demo-admin"),
    ("coordinator", "Марат Жақсылықов", roles.COORDINATOR, "demo-coordinator"),
    ("staff", "Ольга Ким", roles.STAFF, "demo-staff"),
    ("volunteer", "Дана Ержанқызы", roles.VOLUNTEER, "1234"),
)


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    if accounts.has_accounts(store):
        return
    login, name, _role, secret = DEMO_ACCOUNTS[0]
    admin = accounts.create_first_administrator(
        store, accounts.AccountInput(login, name, roles.ADMIN, secret, secret)
    )
    previous, store.actor = store.actor, admin
    try:
        for login, name, role, secret in DEMO_ACCOUNTS[1:]:
            accounts.save_account(store, accounts.AccountInput(login, name, role, secret, secret))
    finally:
        store.actor = previous
    store.set_meta("demo", "1")
