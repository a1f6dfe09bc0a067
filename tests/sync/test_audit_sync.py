"""The author of a change reaches the other PCs of the house: the account's name and the PC's label show in Needs
review and in the audit, through a real sync; rows stamped the old way (a device id) still read."""

from __future__ import annotations

from desktop import accounts, audit, roles
from desktop.accounts import AccountInput
from sync import conflicts


def test_the_person_and_the_pc_label_reach_the_other_pc_and_show_in_needs_review(make_client, clock):
    a, ca = make_client()
    b, cb = make_client()
    admin = accounts.create_first_administrator(
        a, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    a.actor = admin
    assert audit.set_pc_label(a, "Кабинет 2") == "Кабинет 2"
    pid = a.insert("people", {"surname": "Серікова", "name": "Дана"})
    ca.sync(), cb.sync()
    stamp = b.get("people", pid)["updated_by"]
    assert stamp == f"{admin.account_id}@{a.device_id}"
    assert audit.author_label(b, stamp) == "Айгерім Сейітова · Кабинет 2"
    assert audit.pc_labels(b)[a.device_id] == "Кабинет 2"

    a.update("people", pid, {"phone": "+77010000001"})
    clock.advance(1)
    b.update("people", pid, {"phone": "+77010000002"})  # b's own (system) write, stamped with its device
    ca.sync(), cb.sync(), ca.sync()
    [seen_on_b] = conflicts.open_conflicts(b)
    assert seen_on_b.other_value == "+77010000001"
    assert seen_on_b.other_who == "Айгерім Сейітова · Кабинет 2"
    [seen_on_a] = conflicts.open_conflicts(a)
    assert seen_on_a.other_who == audit.author_label(a, seen_on_a.other_by)
    assert seen_on_a.other_by == seen_on_b.other_by


def test_a_row_stamped_with_a_plain_device_id_still_names_its_pc(make_client):
    a, ca = make_client()
    b, cb = make_client()
    a.actor = roles.SYSTEM
    pid = a.insert("people", {"surname": "Ахметов"})
    ca.sync(), cb.sync()
    assert b.get("people", pid)["updated_by"] == a.device_id
    assert audit.author_label(b, a.device_id) == audit.default_pc_label(a.device_id)
