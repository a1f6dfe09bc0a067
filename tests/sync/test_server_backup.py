"""`dostyq-server backup` and `restore`, end to end on a real uvicorn (SQLite and PostgreSQL): a backup, more
syncs, a restore into a fresh database, the server restarted, and every PC converges with nothing lost or
duplicated. Also rotation and the commands' plain refusals."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop.store import Store
from sync.client import HttpTransport, SyncClient
from sync.server import backups, cli
from sync.server.store import ServerStore, md
from tests.sync.conftest import HOUSE_A, start_server


class Site:
    """A server process's life: its store and uvicorn, stopped and started again on another database."""

    def __init__(self, url: str):
        self.url = url
        self.store = ServerStore(url)
        self.live = start_server(self.store)

    def stop(self) -> None:
        self.live.stop()
        self.live.thread.join(10)
        self.store.close()


def _pc(site: Site, tmp_path: Path, name: str) -> tuple[Store, SyncClient]:
    store = Store(tmp_path / f"{name}.sqlite")
    SyncClient.enrol(store, site.live.url, site.store.new_enrol_code(HOUSE_A), label=name)
    return store, SyncClient(store)


def _repoint(pcs: list, site: Site) -> list:
    moved = []
    for store, client in pcs:
        if isinstance(client.transport, HttpTransport):
            client.transport.close()
        client.set_state("server_url", site.live.url)
        moved.append((store, SyncClient(store)))
    return moved


def _sync_all(pcs, rounds: int = 2) -> None:
    for _ in range(rounds):
        for _store, client in pcs:
            client.sync()


def _live(store: Store) -> dict[str, str]:
    return {r["id"]: r["surname"] for r in store.rows("SELECT id, surname FROM people WHERE deleted = 0")}


def _fresh(db_url: str, tmp_path: Path) -> str:
    """A new, empty database of the same kind."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored' / 'server.sqlite3'}"
    engine = sa.create_engine(db_url)
    md.drop_all(engine)
    engine.dispose()
    return db_url


def test_restore_drill_every_pc_converges(db_url, tmp_path, monkeypatch, capsys):
    site = Site(db_url)
    pcs = [_pc(site, tmp_path, name) for name in ("office", "hall", "library")]
    (a, _ca), (b, _cb), (c, _cc) = pcs
    early = [a.insert("people", {"surname": f"Ертеде {i}"}) for i in range(4)]
    from_b = b.insert("people", {"surname": "Залдан"})
    _sync_all(pcs)

    monkeypatch.setenv("DOSTYQ_DATABASE_URL", db_url)
    assert cli.main(["backup", str(tmp_path / "backups")]) == 0
    (made,) = backups.backups(tmp_path / "backups")
    assert f"backup written: {made}" in capsys.readouterr().out

    # After the backup: edits, a delete, new rows, all acknowledged by the server that will be lost.
    a.update("people", early[0], {"surname": "Ертеде 0, өзгерді"})
    b.delete("people", early[1])
    later_a = a.insert("people", {"surname": "Кейін, кеңседе"})
    later_c = c.insert("people", {"surname": "Кейін, кітапханада"})
    c.update("people", from_b, {"surname": "Залдан, түзетілді"})
    _sync_all(pcs)
    unsent = b.insert("people", {"surname": "Жіберілмеген"})  # still in the hall's outbox
    expected = _live(a) | {unsent: "Жіберілмеген"}
    assert early[1] not in expected and len(expected) == 7
    site.stop()

    # The restore refuses a database that is not empty, then goes into a fresh one.
    assert cli.main(["restore", str(made)]) == 2
    assert "not empty" in capsys.readouterr().err
    fresh = _fresh(db_url, tmp_path)
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", fresh)
    assert cli.main(["restore", str(made)]) == 0
    assert "new history epoch" in capsys.readouterr().out

    site = Site(fresh)
    try:
        restored = {r["id"] for r in site.store.rows("people", HOUSE_A)}
        assert restored == {*early, from_b}  # what the backup held
        pcs = _repoint(pcs, site)
        _sync_all(pcs, rounds=3)

        on_server = site.store.rows("people", HOUSE_A)
        assert Counter(r["data"]["surname"] for r in on_server if not r["deleted"]) == Counter(
            expected.values()
        )
        assert {r["id"]: r["data"]["surname"] for r in on_server if not r["deleted"]} == expected
        assert next(r for r in on_server if r["id"] == early[1])["deleted"] == 1
        for store, client in pcs:
            assert _live(store) == expected
            assert store.pending_count() == 0
            assert store.open_conflicts_count() == 0
            client.force_check = True
            assert client.sync().repaired == []
        assert {later_a, later_c, unsent} <= set(expected)
    finally:
        for store, client in pcs:
            if isinstance(client.transport, HttpTransport):
                client.transport.close()
            store.close()
        site.stop()


def test_backups_rotate_and_a_sqlite_backup_opens(tmp_path, monkeypatch, capsys, clock):
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    ServerStore(url).close()
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", url)
    folder = tmp_path / "daily"
    for _ in range(5):
        assert cli.main(["backup", str(folder), "--keep", "3"]) == 0
        clock.advance(86400)
    kept = backups.backups(folder)
    assert [p.name for p in kept] == [
        "dostyq-server-20261122-070000.sqlite3",
        "dostyq-server-20261123-070000.sqlite3",
        "dostyq-server-20261124-070000.sqlite3",
    ]
    assert "old backup removed" in capsys.readouterr().out
    assert not list(folder.glob("*.partial"))
    # Two backups in one second do not overwrite each other.
    assert cli.main(["backup", str(folder), "--keep", "9"]) == 0
    assert cli.main(["backup", str(folder), "--keep", "9"]) == 0
    assert backups.backups(folder)[-1].name == "dostyq-server-20261125-070000-1.sqlite3"
    copy = ServerStore(f"sqlite:///{kept[-1]}", seed=False)
    try:
        assert copy.rows("houses")
    finally:
        copy.close()


def test_expected_failures_are_one_plain_line(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    ServerStore(url).close()
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", url)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cases = [
        (["backup", str(blocker / "sub")], "cannot write backups to"),
        (["backup", str(tmp_path / "b"), "--keep", "0"], "--keep must be at least 1"),
        (["restore", str(tmp_path / "missing.dump")], "cannot read"),
        (["restore", str(blocker)], "is not a backup of the server"),
    ]
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00rest")
    cases.append((["restore", str(dump)], "is a PostgreSQL backup; the server's database is SQLite"))
    other = tmp_path / "other.sqlite3"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    cases.append((["restore", str(other)], "is not a backup of the server"))
    for argv, message in cases:
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1, (argv, err)


@pytest.mark.postgres
def test_postgres_backup_needs_its_tools(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DOSTYQ_DATABASE_URL", pg_url)
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on the PATH, and none in DOSTYQ_PG_BIN
    monkeypatch.setenv("DOSTYQ_PG_BIN", str(tmp_path))
    monkeypatch.setattr(backups, "_PG_LIB", tmp_path)
    assert cli.main(["backup", str(tmp_path / "b")]) == 2
    assert "pg_dump not found" in capsys.readouterr().err
