"""Copies of the house database: a consistent snapshot taken while the app runs (SQLite's online backup),
checked before it is called done, and a check that a file chosen by the user is a database Dostyq can use."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from desktop.errors import DostyqError, StoreOpenError
from desktop.i18n import N_
from desktop.roles import requires

PAGES_PER_STEP = 256


class BackupError(DostyqError):
    template = N_("The backup could not be written to {path}: {detail}")


def backup_name(now: dt.datetime) -> str:
    return f"dostyq-backup-{now:%Y-%m-%d-%H%M%S}.sqlite"


def backup(
    conn: sqlite3.Connection,
    target_dir: str | os.PathLike,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Writes a snapshot of `conn`'s database into target_dir and verifies it; returns the file's path."""
    target = Path(target_dir) / backup_name(now)
    partial = target.with_suffix(".partial")
    try:
        Path(target_dir).mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(partial)
        try:
            conn.backup(
                dest,
                pages=PAGES_PER_STEP,
                progress=(lambda status, remaining, total: progress(total - remaining, total))
                if progress
                else None,
            )
            if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(path=str(target), detail="integrity check failed")
        finally:
            dest.close()
        os.replace(partial, target)  # only a complete, checked copy gets the final name
    except (OSError, sqlite3.Error) as exc:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # the folder itself is unusable: there is nothing to clean up
        raise BackupError(path=str(target), detail=str(exc)) from exc
    return target


def sqlite_version() -> str:
    """The version of the SQLite library the database is kept with (for the About text)."""
    return sqlite3.sqlite_version


@requires("backups")
def backup_store(
    store, target_dir: str | os.PathLike, now: dt.datetime, progress: Callable[[int, int], None] | None = None
) -> Path:
    """backup() of a Store's database (for an op: the store is the writer thread's)."""
    return backup(store.conn, target_dir, now, progress)


def check_database_file(path: str | os.PathLike) -> None:
    """Raises StoreOpenError if Dostyq could not use this file (opening it runs any pending migration)."""
    from desktop.store import Store

    path = Path(path)
    if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
        raise StoreOpenError("not_sqlite", path=str(path))
    Store(path).close()


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"
