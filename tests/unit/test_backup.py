import datetime as dt
import sqlite3

import pytest

from desktop.backup import BackupError, backup, check_database_file
from desktop.errors import StoreOpenError


def test_backup_is_a_complete_checked_copy(store, tmp_path):
    for n in range(500):
        store.insert("people", {"surname": f"Ахметов{n}", "name": "Асхат"})
    steps = []
    path = backup(
        store.conn,
        tmp_path / "usb",
        dt.datetime(2026, 11, 25, 18, 30),
        progress=lambda done, total: steps.append((done, total)),
    )
    assert path.name == "dostyq-backup-2026-11-25-183000.sqlite"
    copy = sqlite3.connect(path)
    assert copy.execute("SELECT count(*) FROM people").fetchone()[0] == 500
    assert copy.execute("SELECT count(*) FROM outbox").fetchone()[0] == 500
    copy.close()
    assert steps and steps[-1][0] == steps[-1][1]
    assert not list((tmp_path / "usb").glob("*.partial"))


def test_backup_to_an_unwritable_place_says_where(store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BackupError) as err:
        backup(store.conn, blocker / "sub", dt.datetime(2026, 1, 1))
    assert str(blocker / "sub") in err.value.message


def test_chosen_database_file_is_checked(tmp_path):
    good = tmp_path / "other.sqlite"
    check_database_file(good)  # a new file is fine: it becomes an empty house database
    assert good.exists()
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"PK\x03\x04 spreadsheet")
    with pytest.raises(StoreOpenError):
        check_database_file(bad)
