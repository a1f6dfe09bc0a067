"""A PC restored from its backup syncs safely with a real server: nothing the server has is lost or doubled."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from desktop import backup, backup_file
from tests.sync.conftest import HOUSE_A

PASSWORD = "жаңа-жыл-2027"


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch):
    monkeypatch.setattr(backup_file, "SCRYPT_N", 1 << 12)


def _people(store) -> dict[str, dict]:
    return {r["id"]: r for r in store.rows("SELECT id, surname, name, deleted FROM people")}


def test_back_up_change_sync_restore_sync_holds_every_row_once(make_client, server, tmp_path):
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    usb = tmp_path / "usb"
    usb.mkdir()
    recovery = backup.set_up(a, str(usb), PASSWORD, PASSWORD)

    synced = [a.insert("people", {"surname": f"Бұрын {i}", "name": "Айгүл"}) for i in range(3)]
    ca.sync()
    unsent = a.insert("people", {"surname": "Жіберілмеген", "name": "Ерлан"})  # still in the outbox
    made = backup.make_backup(a.path, backup.settings(a), dt.datetime(2026, 11, 20, 18, 0))

    # After the backup: more work on this PC and on another, all synced.
    later = a.insert("people", {"surname": "Кейін", "name": "Дана"})
    a.update("people", synced[0], {"name": "Айгүл (өзгерді)"})
    a.delete("people", synced[1])
    ca.sync()
    cb.sync()
    b.update("people", synced[2], {"name": "Басқа ПК"})
    from_b = b.insert("people", {"surname": "Залдан", "name": "Бақыт"})
    cb.sync()
    with a.transaction():
        a.next_number("aid")
    a_numbers = a.get_meta("counter:aid")

    result = backup.restore(a, made, recovery, dt.datetime(2026, 11, 21, 9, 0))
    assert result.preview.unsent == 1 and dict(result.preview.counts)["People"] == 4
    assert set(_people(a)) == {*synced, unsent} and a.pending_count() == 1

    ca.sync()
    a.insert("people", {"surname": "Қалпына келгеннен соң", "name": "Нұр"})  # work goes on after the restore
    ca.sync()
    cb.sync()

    on_server = server.store.rows("people", HOUSE_A)
    ids = Counter(r["id"] for r in on_server)
    assert all(n == 1 for n in ids.values())
    assert len(ids) == 3 + 1 + 1 + 1 + 1
    for store in (a, b):
        people = _people(store)
        assert set(people) == set(ids)
        assert people[synced[0]]["name"] == "Айгүл (өзгерді)"
        assert people[synced[1]]["deleted"] == 1
        assert people[synced[2]]["name"] == "Басқа ПК"
        assert {later, from_b, unsent} <= set(people)
        assert store.pending_count() == 0
        assert store.open_conflicts_count() == 0
    assert Counter(r["data"]["surname"] for r in on_server)["Жіберілмеген"] == 1
    assert int(a.get_meta("counter:aid")) >= int(a_numbers)
    # The server's and the PC's digests agree (the integrity check found nothing to repair).
    ca.force_check = True
    assert not ca.sync().repaired
