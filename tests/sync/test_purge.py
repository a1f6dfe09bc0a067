"""Tombstones purged below the horizon of a house's devices, with a real uvicorn and several PCs (SQLite and
PostgreSQL): a device behind holds them, a revoked one does not, and every PC (one enrolled after the purge too)
ends with the same rows."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time

import sqlalchemy as sa

from desktop import backup, backup_file
from sync import protocol
from sync.server import cli
from sync.server.horizon import PurgeTimer
from sync.server.schema import applied_ops, device_cursors
from tests.sync.conftest import HOUSE_A, HOUSE_B


def _server_people(server, house=HOUSE_A) -> dict[str, dict]:
    return {r["id"]: r for r in server.store.rows("people", house)}


def _live(store) -> dict[str, str]:
    return {r["id"]: r["surname"] for r in store.rows("SELECT id, surname FROM people WHERE deleted = 0")}


def _converged(server, *pcs) -> None:
    on_server = {i: r["data"]["surname"] for i, r in _server_people(server).items() if not r["deleted"]}
    for store, client in pcs:
        assert _live(store) == on_server
        assert store.pending_count() == 0
        client.force_check = True
        assert client.sync().repaired == []  # the integrity check agrees though the server dropped tombstones


def _sync_all(*clients) -> None:
    # Twice: a device's position is the cursor it sends, so its next sync confirms what the last one fetched.
    for _ in range(2):
        for client in clients:
            client.sync()


def test_purge_after_every_device_synced_removes_the_tombstones(make_client, server):
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    kept = a.insert("people", {"surname": "Қалады"})
    gone = [a.insert("people", {"surname": f"Өшеді {i}"}) for i in range(3)]
    _sync_all(ca, cb)
    for row_id in gone:
        b.delete("people", row_id)
    other = b.insert("people", {"surname": "Басқа үй"})
    _sync_all(cb, ca)
    assert {i for i, r in _server_people(server).items() if r["deleted"]} == set(gone)

    (done,) = server.store.purge(HOUSE_A)
    assert done.tombstones == 3 and done.held_by is None and done.horizon == done.top
    assert set(_server_people(server)) == {kept, other}
    assert server.store.purge(HOUSE_A)[0].tombstones == 0

    a.update("people", kept, {"surname": "Қалады, өзгерді"})
    _sync_all(ca, cb)
    _converged(server, (a, ca), (b, cb))
    assert b.get("people", kept)["surname"] == "Қалады, өзгерді"


def test_a_device_behind_holds_the_tombstones_until_it_syncs(make_client, server):
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    c, cc = make_client(name="library")
    row = a.insert("people", {"surname": "Кітапханада да бар"})
    _sync_all(ca, cb, cc)
    a.delete("people", row)
    _sync_all(ca, cb)  # the library PC is offline

    (done,) = server.store.purge(HOUSE_A)
    assert done.tombstones == 0 and done.held_by == cc.state("token_id")
    assert _server_people(server)[row]["deleted"] == 1

    cc.sync()  # it fetches the delete; the position it sent is still before it
    assert server.store.purge(HOUSE_A)[0].tombstones == 0
    assert c.get("people", row, include_deleted=True)["deleted"] == 1
    cc.sync()
    assert server.store.purge(HOUSE_A)[0].tombstones == 1
    assert row not in _server_people(server)
    _converged(server, (a, ca), (b, cb), (c, cc))


def test_a_revoked_device_does_not_hold_the_horizon_and_a_new_pc_gets_the_right_state(make_client, server):
    a, ca = make_client(name="office")
    _laptop, cb = make_client(name="lost laptop")
    rows = [a.insert("people", {"surname": f"Адам {i}"}) for i in range(4)]
    _sync_all(ca, cb)
    a.delete("people", rows[0])
    a.update("people", rows[1], {"surname": "Адам 1, жаңа"})
    _sync_all(ca)
    assert server.store.purge(HOUSE_A)[0].tombstones == 0  # the laptop has not seen the delete

    assert server.store.revoke(cb.state("token_id"))
    (done,) = server.store.purge(HOUSE_A)
    assert done.tombstones == 1 and done.held_by is None
    assert rows[0] not in _server_people(server)

    # A PC enrolled after the purge starts from the live rows and agrees with the others.
    d, cd = make_client(name="new desk")
    _sync_all(cd, ca)
    assert _live(d) == {rows[1]: "Адам 1, жаңа", rows[2]: "Адам 2", rows[3]: "Адам 3"}
    assert d.get("people", rows[0], include_deleted=True) is None
    d.delete("people", rows[3])
    _sync_all(cd, ca)
    _converged(server, (a, ca), (d, cd))
    assert server.store.purge(HOUSE_A)[0].tombstones == 1


def test_a_pc_enrolled_but_never_synced_holds_the_horizon(make_client, server):
    a, ca = make_client(name="office")
    row = a.insert("people", {"surname": "Ескі"})
    _sync_all(ca)
    a.delete("people", row)
    _sync_all(ca)
    server.store.new_enrol_code(HOUSE_A)  # a code alone is no device
    assert server.store.purge(HOUSE_A)[0].tombstones == 1

    row = a.insert("people", {"surname": "Тағы"})
    _sync_all(ca)
    b, cb = make_client(name="hall")  # enrolled, never synced: it counts at seq 0
    a.delete("people", row)
    _sync_all(ca)
    assert server.store.purge(HOUSE_A)[0].tombstones == 0
    _sync_all(cb)
    assert server.store.purge(HOUSE_A)[0].tombstones == 1
    _converged(server, (a, ca), (b, cb))


def test_each_house_has_its_own_horizon(make_client, server):
    a, ca = make_client(HOUSE_A, name="a")
    make_client(HOUSE_A, name="a-offline")
    b, cb = make_client(HOUSE_B, name="b")
    ra = a.insert("people", {"surname": "А үйі"})
    rb = b.insert("people", {"surname": "Б үйі"})
    _sync_all(ca, cb)
    a.delete("people", ra)
    b.delete("people", rb)
    _sync_all(ca, cb)
    purged = {p.house: p.tombstones for p in server.store.purge()}
    assert purged == {HOUSE_A: 0, HOUSE_B: 1}
    assert ra in _server_people(server, HOUSE_A) and rb not in _server_people(server, HOUSE_B)


def test_a_reset_device_counts_from_zero(make_client, server):
    a, ca = make_client(name="office")
    row = a.insert("people", {"surname": "Бір"})
    _sync_all(ca)
    server.store.flush_positions()
    with server.store.engine.connect() as conn:
        (position,) = conn.execute(sa.select(device_cursors.c.cursor)).one()
    assert position > 0
    server.store.new_epoch()  # as after `dostyq-server restored`: no position of the new epoch yet
    a.delete("people", row)
    assert server.store.horizon(HOUSE_A)[0] == 0
    _sync_all(ca)
    assert server.store.horizon(HOUSE_A)[0] > 0
    assert server.store.purge(HOUSE_A)[0].tombstones == 1


def test_applied_ops_are_forgotten_only_below_an_old_horizon(make_client, server, clock):
    a, ca = make_client(name="office")
    rows = [a.insert("people", {"surname": f"Ж {i}"}) for i in range(3)]
    _sync_all(ca)
    a.delete("people", rows[0])
    a.update("people", rows[1], {"surname": "Ж 1, жаңа"})
    _sync_all(ca)
    ops = server.store.count(applied_ops)
    assert ops == 5
    first = server.store.purge(HOUSE_A)[0]
    assert first.tombstones == 1 and first.applied_ops == 0  # a request file may still carry them
    clock.advance(29 * 86400)
    assert server.store.purge(HOUSE_A)[0].applied_ops == 0
    clock.advance(2 * 86400)
    # Below the horizon of 31 days ago: the purged row's insert and delete go; the ops whose writes the rows still
    # carry stay (a re-sent row is checked against them), rows[1]'s insert too (its other fields are its writes).
    assert server.store.purge(HOUSE_A)[0].applied_ops == 2
    assert server.store.count(applied_ops) == 3
    a.update("people", rows[2], {"surname": "Ж 2, жаңа"})
    _sync_all(ca)
    _converged(server, (a, ca))


def test_purge_command_and_the_serving_timer(make_client, server, capsys, monkeypatch):
    a, ca = make_client(name="office")
    make_client(name="offline")
    row = a.insert("people", {"surname": "Бұйрық"})
    _sync_all(ca)
    a.delete("people", row)
    _sync_all(ca)
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", server.store.url)
    assert cli.main(["purge", "--house", HOUSE_A]) == 0
    out = capsys.readouterr().out
    assert f"{HOUSE_A}: 0 tombstones" in out and "held back by device" in out

    for token in server.store.list_devices(HOUSE_A):
        if token["label"] == "offline":
            server.store.revoke(token["id"])
    timer = PurgeTimer(server.store, hours=24).start()
    try:
        deadline = time.monotonic() + 20
        while timer.runs < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert timer.runs == 1  # at start, then not before a day
    finally:
        timer.stop.set()
        timer.thread.join(10)
    assert row not in _server_people(server)


def test_a_pc_restored_from_an_old_backup_drops_the_purged_rows(make_client, server, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_file, "SCRYPT_N", 1 << 12)
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    rows = [a.insert("people", {"surname": f"Көшірмеде {i}"}) for i in range(3)]
    _sync_all(ca, cb)
    usb = tmp_path / "usb"
    usb.mkdir()
    recovery = backup.set_up(a, str(usb), "құпия-сөз-2026", "құпия-сөз-2026")
    edited = a.insert("people", {"surname": "Жіберілмеген"})  # in the backup's outbox
    made = backup.make_backup(a.path, backup.settings(a), dt.datetime(2026, 11, 20, 18, 0))
    _sync_all(ca, cb)
    assert b.delete("people", rows[0]) and b.delete("people", edited)
    _sync_all(cb, ca)
    assert server.store.purge(HOUSE_A)[0].tombstones == 2

    # The office PC comes back from its backup: those rows are live there and its cursor is before their deletes;
    # its outbox still holds the insert of one of them.
    backup.restore(a, made, recovery, dt.datetime(2026, 11, 21, 9, 0))
    assert {rows[0], edited} <= set(_live(a)) and a.pending_count() == 1
    ca.sync()
    assert rows[0] not in _live(a) and edited not in _live(a)
    assert a.pending_count() == 0
    assert rows[0] not in _server_people(server) and edited not in _server_people(server)
    _converged(server, (a, ca), (b, cb))


def test_rows_re_sent_after_a_purge_do_not_come_back(make_client, server):
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    rows = [a.insert("people", {"surname": f"Қайта {i}"}) for i in range(2)]
    _sync_all(ca, cb)
    # The hall PC lost its delete's sync state: as after an integrity repair, it re-sends every row it holds.
    a.delete("people", rows[0])
    _sync_all(ca, cb)
    assert server.store.purge(HOUSE_A)[0].tombstones == 1
    with b.transaction():  # a fault outside sync: the hall PC lost the delete
        b.conn.execute("UPDATE people SET deleted = 0 WHERE id = ?", (rows[0],))
    cb.force_check = True
    assert cb.sync().repaired == [
        "people"
    ]  # it re-sends its rows; the purged one is refused and dropped here
    _sync_all(cb, ca)
    assert rows[0] not in _server_people(server)
    assert rows[0] not in _live(b)
    _converged(server, (a, ca), (b, cb))
    # A write newer than the delete is a new life of the row: it is taken (as it would have been over a tombstone).
    b.conn.execute("UPDATE people SET deleted = 0 WHERE id = ?", (rows[0],))
    b.update("people", rows[0], {"surname": "Қайта 0, тірілді"})
    cb.force_check = True
    cb.sync()
    _sync_all(cb, ca)
    assert _server_people(server)[rows[0]]["deleted"] == 0
    assert _live(a)[rows[0]] == "Қайта 0, тірілді"


def test_serve_purges_at_start(make_client, server):
    a, ca = make_client(name="office")
    row = a.insert("people", {"surname": "Сервер іске қосылғанда"})
    _sync_all(ca)
    a.delete("people", row)
    _sync_all(ca)
    server.store.flush_positions()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DOSTYQ_DATABASE_URL": server.store.url, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "serve", "--port", str(port), "--purge-hours", "24"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while row in _server_people(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert row not in _server_people(server)  # a second server process on the same database purged it
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_restored_pc_catching_up_page_by_page_drops_every_purged_row(
    make_client, server, tmp_path, monkeypatch
):
    monkeypatch.setattr(backup_file, "SCRYPT_N", 1 << 12)
    a, ca = make_client(name="office")
    b, cb = make_client(name="hall")
    rows = [a.insert("people", {"surname": f"Бет {i}"}) for i in range(2)]
    _sync_all(ca, cb)
    usb = tmp_path / "usb"
    usb.mkdir()
    recovery = backup.set_up(a, str(usb), "құпия-сөз-2026", "құпия-сөз-2026")
    made = backup.make_backup(a.path, backup.settings(a), dt.datetime(2026, 11, 20, 18, 0))
    b.delete("people", rows[0])
    for i in range(150):
        b.insert("people", {"surname": f"Толтырма {i}", "notes": "ұзын жазба " * 20})
    b.delete("people", rows[1])  # far beyond the first page the restored PC fetches
    _sync_all(cb, ca)
    assert server.store.purge(HOUSE_A)[0].tombstones == 2

    backup.restore(a, made, recovery, dt.datetime(2026, 11, 21, 9, 0))
    ca.set_state("page_bytes", protocol.MIN_PAGE_BYTES)
    result = ca.sync()
    assert result.received > 150  # several pages
    assert rows[0] not in _live(a) and rows[1] not in _live(a)
    _converged(server, (a, ca), (b, cb))
