"""Accounts travel inside the house only: an account made on one PC signs in on the house's other PC after a sync,
and a PC of another house never receives it (nor its hash)."""

from __future__ import annotations

import sqlalchemy as sa

from desktop import accounts, roles
from desktop.accounts import AccountInput
from sync.server import schema
from tests.sync.conftest import HOUSE_A, HOUSE_B


def test_an_account_signs_in_on_every_pc_of_its_house_and_nowhere_else(make_client, server, clock):
    pc1, client1 = make_client(HOUSE_A, "front-desk")
    pc2, client2 = make_client(HOUSE_A, "office")
    other, client_other = make_client(HOUSE_B, "other-house")
    admin = accounts.create_first_administrator(
        pc1, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    pc1.actor = admin
    accounts.save_account(pc1, AccountInput("dana", "Дана", roles.VOLUNTEER, "4821", "4821"))
    person = pc1.insert("people", {"surname": "Ли", "name": "Ирина"})
    pc1.actor = roles.SYSTEM
    client1.sync()
    client2.sync()
    client_other.sync()

    assert accounts.sign_in(pc2, "dana", "4821").role == roles.VOLUNTEER
    assert accounts.sign_in(pc2, "aigerim", "parol-2026").account_id == admin.account_id
    # Every PC of the house can name the account (the audit and Needs review show it).
    assert pc2.get("people", person) is not None
    assert accounts.display_names(pc2)[admin.account_id] == "Айгерім Сейітова"
    # Another house: no account, no hash, not even in what its PC received.
    assert other.scalar("SELECT count(*) FROM accounts") == 0
    assert not accounts.has_accounts(other)
    # On the server the accounts are kept under their house only.
    with server.store.engine.connect() as conn:
        kept = conn.execute(
            sa.select(schema.records.c.house_id).where(schema.records.c.table_name == "accounts")
        ).all()
    assert sorted(house for (house,) in kept) == [HOUSE_A, HOUSE_A]
