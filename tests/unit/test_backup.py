import datetime as dt
import sqlite3

import pytest

from desktop import backup, backup_file, backup_folder
from desktop.backup import (
    BackupFolderMissing,
    BackupNotSetUp,
    BackupVerifyError,
    check_database_file,
)
from desktop.backup_file import BackupDamaged, NotABackup, WrongSecret
from desktop.errors import StoreOpenError, ValidationError

PASSWORD = "көктем-2026"
NOW = dt.datetime(2026, 11, 25, 18, 30)


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch):
    monkeypatch.setattr(backup_file, "SCRYPT_N", 1 << 12)


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def ready(store, usb):
    """A store with backups set up; returns the recovery key."""
    return backup.set_up(store, str(usb), PASSWORD, PASSWORD)


def _people(store, n):
    for i in range(n):
        store.insert("people", {"surname": f"Ахметов{i}", "name": "Асхат"})


def test_round_trip_with_password_and_with_recovery_key(store, usb, ready, tmp_path):
    _people(store, 300)
    steps = []
    path = backup.make_backup(store.path, backup.settings(store), NOW, lambda d, t: steps.append((d, t)))
    assert path.name == "dostyq-backup-2026-11-25-183000.dqbackup"
    assert steps[-1] == (100, 100) and [d for d, _t in steps] == sorted(d for d, _t in steps)
    raw = path.read_bytes()
    assert (
        raw.startswith(backup_file.MAGIC) and "Ахметов".encode() not in raw and b"SQLite format 3" not in raw
    )
    for secret in (PASSWORD, ready, ready.lower().replace("-", " ")):
        info = backup.preview(path, secret)
        assert dict(info.counts)["People"] == 300
        assert info.house_id == "KZ-55-01" and info.made_at == "2026-11-25T18:30:00"
        assert info.unsent == 300
    assert len(ready.split("-")) == 8 and all(len(g) == 4 for g in ready.split("-"))


def test_daily_backups_need_no_password_and_the_settings_hold_no_private_key(store, ready):
    config = backup.settings(store)
    assert config.set_up and set(config.keys) >= {"public", "wrapped_by_password", "wrapped_by_recovery"}
    assert "private" not in str(config.keys)


def test_wrong_password_is_a_clear_error(store, ready):
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    with pytest.raises(WrongSecret) as err:
        backup.preview(path, "not-the-password")
    assert str(path) in err.value.message
    with pytest.raises(WrongSecret):
        backup.preview(path, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")


@pytest.mark.parametrize("where", ["header", "first chunk", "last byte"])
def test_a_changed_byte_is_detected(store, ready, where):
    _people(store, 50)
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    data = bytearray(path.read_bytes())
    at = {"header": 20, "first chunk": len(data) // 2, "last byte": len(data) - 1}[where]
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises((BackupDamaged, WrongSecret)):
        backup.preview(path, PASSWORD)


def test_truncation_is_detected_even_at_a_chunk_boundary(store, ready, monkeypatch):
    monkeypatch.setattr(backup_file, "CHUNK", 4096)
    _people(store, 200)
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    data = path.read_bytes()
    with open(path, "rb") as fh:
        backup_file._read_header(fh, "x")
        start = fh.tell()
    # Cut right after the first chunk: what is left is a well-formed file with no final chunk.
    first = start + 4 + int.from_bytes(data[start : start + 4], "big")
    for cut in (first, len(data) - 10, start + 2):
        path.write_bytes(data[:cut])
        with pytest.raises(BackupDamaged):
            backup.preview(path, PASSWORD)
    path.write_bytes(data + b"extra")
    with pytest.raises(BackupDamaged):
        backup.preview(path, PASSWORD)


def test_other_files_are_not_backups(tmp_path):
    other = tmp_path / "dostyq-backup-2026-01-01-000000.dqbackup"
    other.write_bytes(b"SQLite format 3\x00 plain")
    with pytest.raises(NotABackup):
        backup.preview(other, PASSWORD)


def test_set_up_checks_the_password(store, usb):
    with pytest.raises(ValidationError) as err:
        backup.set_up(store, str(usb), "short", "short")
    assert err.value.field == "password"
    with pytest.raises(ValidationError) as err:
        backup.set_up(store, str(usb), PASSWORD, PASSWORD + "x")
    assert err.value.field == "password2"
    with pytest.raises(ValidationError) as err:
        backup.set_up(store, "", PASSWORD, PASSWORD)
    assert err.value.field == "folder"


def test_not_set_up_and_missing_folder_are_messages(store, usb, tmp_path):
    with pytest.raises(BackupNotSetUp):
        backup.make_backup(store.path, backup.settings(store), NOW)
    backup.set_up(store, str(tmp_path / "stick-not-plugged"), PASSWORD, PASSWORD)
    with pytest.raises(BackupFolderMissing) as err:
        backup.make_backup(store.path, backup.settings(store), NOW)
    assert "stick-not-plugged" in err.value.message
    backup.record_result(store, None, err.value)
    assert backup.last_error(backup.settings(store)).message == err.value.message


def test_a_backup_that_does_not_read_back_is_removed(store, usb, ready, monkeypatch):
    real = backup._encrypt_file

    def spoiled(src, dst, keys, progress=None):
        answer = real(src, dst, keys, progress)
        data = bytearray(dst.read_bytes())
        data[-5] ^= 0xFF  # the medium changed a byte after writing
        dst.write_bytes(bytes(data))
        return answer

    monkeypatch.setattr(backup, "_encrypt_file", spoiled)
    with pytest.raises(BackupVerifyError):
        backup.make_backup(store.path, backup.settings(store), NOW)
    assert list(usb.iterdir()) == []


def test_due_once_a_day(store, ready):
    config = backup.settings(store)
    assert config.due(NOW.date())
    backup.record_result(store, NOW)
    config = backup.settings(store)
    assert not config.due(NOW.date()) and config.due(NOW.date() + dt.timedelta(days=1))


# ---- rotation --------------------------------------------------------------------------------------------------
def _daily(start: dt.date, days: int, hour: int = 9) -> list[dt.datetime]:
    return [dt.datetime.combine(start + dt.timedelta(days=i), dt.time(hour)) for i in range(days)]


def test_rotation_keeps_7_daily_4_weekly_12_monthly():
    stamps = _daily(dt.date(2025, 1, 1), 730)  # two whole years, one backup a day
    kept = backup_folder.keep(stamps)
    newest = stamps[-1]
    assert newest.date() == dt.date(2026, 12, 31)
    days = sorted({s.date() for s in kept}, reverse=True)
    assert days[:7] == [newest.date() - dt.timedelta(days=i) for i in range(7)]
    # Weekly: the newest of ISO weeks 53 (Thursday 31 December: 2026 has 53 weeks), 52, 51 and 50 (Sundays).
    assert {dt.datetime(2026, 12, d, 9) for d in (31, 27, 20, 13)} <= kept
    assert dt.datetime(2026, 12, 6, 9) not in kept  # Sunday of week 49: a fifth week
    # Monthly: the last day of each month back to January 2026, nothing of 2025.
    months = [(s.year, s.month) for s in kept if s.date() == _month_end(s.date())]
    assert sorted(months) == [(2026, m) for m in range(1, 13)]
    assert all(s.year == 2026 for s in kept)
    assert len(kept) <= 7 + 4 + 12


def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def test_rotation_across_a_month_end_and_a_leap_day():
    stamps = _daily(dt.date(2028, 2, 20), 15)  # to 5 March 2028, through 29 February
    kept = backup_folder.keep(stamps)
    days = {s.date() for s in kept}
    # The last 7 days (28 February to 5 March); 29 February is also the newest of its month; Sunday 27 February
    # the newest of ISO week 8; Sunday 20 February of week 7; nothing else.
    assert days == {dt.date(2028, 2, d) for d in (20, 27, 28, 29)} | {
        dt.date(2028, 3, d) for d in range(1, 6)
    }


def test_rotation_keeps_the_newest_of_a_day_and_counts_only_days_with_backups():
    stamps = [dt.datetime(2026, 12, 31, 9), dt.datetime(2026, 12, 31, 18), dt.datetime(2027, 1, 1, 0, 10)]
    stamps += _daily(dt.date(2026, 10, 1), 3)  # then a gap of two months
    kept = backup_folder.keep(stamps)
    assert dt.datetime(2026, 12, 31, 9) not in kept and dt.datetime(2026, 12, 31, 18) in kept
    assert dt.datetime(2027, 1, 1, 0, 10) in kept
    assert {dt.datetime(2026, 10, d, 9) for d in (1, 2, 3)} <= kept  # still among the last 7 backup days


def test_rotate_removes_files_in_the_folder(store, usb, ready, clock):
    config = backup.settings(store)
    made = []
    for day in range(20):
        made.append(
            backup.make_backup(store.path, config, dt.datetime(2026, 12, 12, 10) + dt.timedelta(days=day))
        )
    left = {b.path for b in backup_folder.list_backups(usb)}
    assert made[-1] in left and made[0] not in left
    assert len(left) == len(backup_folder.keep(b.made_at for b in backup_folder.list_backups(usb)))
    assert all(b.size > 0 for b in backup_folder.list_backups(usb))


# ---- restore (without a server; with one in tests/sync/test_backup_restore_sync.py) -----------------------------
def test_restore_replaces_the_database_and_keeps_a_pre_restore_copy(store, usb, ready):
    _people(store, 3)
    number_before = store.next_number("aid")
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    _people(store, 2)
    with store.transaction():
        number_after = store.next_number("aid")
    reader = sqlite3.connect(store.path)  # another connection, as the app's reader thread has
    result = backup.restore(store, path, ready, NOW + dt.timedelta(hours=1))
    assert result.preview.counts[0] == ("People", 3)
    assert store.scalar("SELECT count(*) FROM people") == 3
    assert reader.execute("SELECT count(*) FROM people").fetchone()[0] == 3
    reader.close()
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    pre = sqlite3.connect(result.pre_restore)
    assert pre.execute("SELECT count(*) FROM people").fetchone()[0] == 5
    pre.close()
    # Numbers given out after the backup are not given out again; the backup settings stay.
    with store.transaction():
        assert store.next_number("aid") > number_after > number_before
    assert backup.settings(store).set_up
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup_restored'") == 1
    assert not [p for p in store.path.parent.iterdir() if p.name.startswith("dostyq-backup-")]


def test_a_replacement_pc_restoring_a_backup_gives_out_receipt_numbers_of_its_own(
    store, usb, ready, tmp_path
):
    from desktop.store import Store

    with store.transaction():
        before = store.next_number("aid")
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    with store.transaction():
        after_backup = store.next_number("aid")  # given out by the old PC, reaches the new one by sync later
    replacement = Store(tmp_path / "new-pc.sqlite")
    replacement.set_house("KZ-55-01")
    backup.restore(replacement, path, ready, NOW + dt.timedelta(days=3))
    replacement.close()
    restored = Store(tmp_path / "new-pc.sqlite")
    try:
        assert restored.device_id == store.device_id  # the restored records keep their PC
        assert restored.device_prefix not in (store.device_prefix, None)
        with restored.transaction():
            number = restored.next_number("aid")
        assert number not in (before, after_backup)
        assert number.startswith(f"{restored.device_prefix}-")
    finally:
        restored.close()


def test_a_failed_restore_changes_nothing(store, usb, ready):
    _people(store, 3)
    path = backup.make_backup(store.path, backup.settings(store), NOW)
    with pytest.raises(WrongSecret):
        backup.restore(store, path, "wrong password", NOW)
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(BackupDamaged):
        backup.restore(store, path, PASSWORD, NOW)
    assert store.scalar("SELECT count(*) FROM people") == 3
    assert not list(store.path.parent.glob("*.pre-restore-*"))


def test_backup_to_an_unwritable_place_says_where(store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    backup.set_up(store, str(blocker), PASSWORD, PASSWORD)
    with pytest.raises(BackupFolderMissing) as err:
        backup.make_backup(store.path, backup.settings(store), NOW)
    assert str(blocker) in err.value.message


def test_chosen_database_file_is_checked(tmp_path):
    good = tmp_path / "other.sqlite"
    check_database_file(good)  # a new file is fine: it becomes an empty house database
    assert good.exists()
    bad = tmp_path / "report.xlsx"
    bad.write_bytes(b"PK\x03\x04 spreadsheet")
    with pytest.raises(StoreOpenError):
        check_database_file(bad)


def test_a_database_that_is_not_there_is_not_backed_up_as_an_empty_one(store, usb, ready, tmp_path):
    with pytest.raises(backup.BackupError):
        backup.make_backup(tmp_path / "gone.sqlite", backup.settings(store), NOW)
    assert not (tmp_path / "gone.sqlite").exists() and list(usb.iterdir()) == []
