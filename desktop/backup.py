"""Backups of the house database: encrypted, made every day the app runs, rotated, checked after writing, and
restored from Settings.

Keys. Setting backups up makes an X25519 key pair and a random authentication key. The private key and the
authentication key (together, the *backup secret*) are wrapped twice with AES-GCM: by a key derived from the
administrator's backup password (scrypt) and by a random recovery key shown once. The local `meta` table keeps the
public key, the authentication key and both wrapped copies, so the daily backup needs no password; a copy of the
database alone does not open any backup (the private key is only ever stored wrapped).

File format (`dostyq-backup-YYYY-MM-DD-HHMMSS.dqbackup`):

    MAGIC (8 bytes) | version (1 byte) | header length (u32, big-endian) | header (UTF-8 JSON)
    chunks: length (u32, big-endian; the top bit marks the final chunk) | AES-GCM ciphertext

The header carries the KDF parameters, the salts, both wrapped copies of the backup secret, the public key and the
file's ephemeral public key. Each file's key is HKDF-SHA256 over the X25519 shared secret (ephemeral × public),
salted with the authentication key, so only the holder of that key can make a backup that opens. Chunks are 1 MiB
of the SQLite snapshot; each nonce is the chunk's counter and the final flag, and each chunk is authenticated with
the hash of the header, so a changed header, a reordered, changed or missing chunk (truncation) is detected.

Rotation keeps the newest backup of each of the last 7 days, 4 ISO weeks and 12 months that have one (`keep`).

Restore decrypts into the database's own folder, checks and migrates the copy, keeps the current database as a
pre-restore copy beside it and copies the backup into the live database with SQLite's backup API in one step (the
other connections see the restored data on their next read). The restored outbox and sync cursor are the backup's:
ops it still holds are resent (the server answers a known op_id as a duplicate) and every row the server received
after the backup is pulled again and merged by HLC, so nothing is lost or doubled.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop import roles, schema
from desktop.backup_file import (  # the file itself: keys, format, encryption
    RECOVERY_BYTES,
    BackupDamaged,
    BackupTooNew,
    NotABackup,
    _decrypt_body,
    _encrypt_file,
    _new_keys,
    _open_with_secret,
    _read_header,
    format_recovery_key,
)
from desktop.backup_folder import SUFFIX, rotate  # the folder: names, listing, rotation
from desktop.errors import DostyqError, StoreOpenError, ValidationError, register_field_labels
from desktop.i18n import N_
from desktop.roles import requires

Progress = Callable[[int, int], None]

PAGES_PER_STEP = 256
MIN_PASSWORD = 8

# Keys of the local `meta` table.
META_FOLDER = "backup_folder"
META_KEYS = "backup_keys"
META_LAST_AT = "backup_last_at"
META_LAST_ERROR = "backup_last_error"
META_CREATED = "backup_created_at"  # written into the snapshot itself: when the backup was made

register_field_labels(
    {"password": N_("Password"), "password2": N_("Repeat the password"), "folder": N_("Folder")}
)


# ---- errors ---------------------------------------------------------------------------------------------------
class BackupError(DostyqError):
    template = N_("The backup could not be written to {path}: {detail}")


class BackupFolderMissing(DostyqError):
    template = N_(
        "The backup folder {path} is not available (is the USB stick plugged in?). No backup was made."
    )


class BackupNotSetUp(DostyqError):
    template = N_("Backups are not set up yet: choose a folder and a backup password first.")


class BackupVerifyError(DostyqError):
    template = N_("The backup written to {path} did not read back correctly and was removed: {detail}")


class RestoreError(DostyqError):
    template = N_("The backup could not be restored: {detail}. The database was not changed.")


# ---- settings (meta) ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class BackupSettings:
    folder: str | None
    keys: dict | None  # public key, authentication key and the wrapped backup secret (see the module text)
    last_at: str | None  # ISO time in Almaty of the last good backup
    last_error: str | None

    @property
    def set_up(self) -> bool:
        return bool(self.folder and self.keys)

    @property
    def last_date(self) -> dt.date | None:
        return dt.datetime.fromisoformat(self.last_at).date() if self.last_at else None

    def due(self, today: dt.date) -> bool:
        """Is today's automatic backup still to be made?"""
        return self.set_up and self.last_date != today


def settings(store) -> BackupSettings:
    keys = store.get_meta(META_KEYS)
    return BackupSettings(
        folder=store.get_meta(META_FOLDER),
        keys=json.loads(keys) if keys else None,
        last_at=store.get_meta(META_LAST_AT),
        last_error=store.get_meta(META_LAST_ERROR),
    )


@requires("backups")
def set_up(store, folder: str, password: str, password2: str) -> str:
    """Makes new backup keys and remembers the folder. Returns the recovery key, to be shown once.

    Backups made before keep opening with the password and recovery key of their own time."""
    check_password(password, password2)
    if not folder:
        raise ValidationError("folder", N_("Choose the folder (or USB stick) for the backups."))
    recovery = secrets.token_bytes(RECOVERY_BYTES)
    keys = _new_keys(password, recovery)
    with store.transaction():
        store.set_meta(META_FOLDER, str(folder))
        store.set_meta(META_KEYS, json.dumps(keys, sort_keys=True))
        store.set_meta(META_LAST_ERROR, None)
        store.audit("backup_set_up", details={"folder": str(folder)})
    return format_recovery_key(recovery)


@requires("backups")
def change_folder(store, folder: str) -> None:
    if not folder:
        raise ValidationError("folder", N_("Choose the folder (or USB stick) for the backups."))
    with store.transaction():
        store.set_meta(META_FOLDER, str(folder))
        store.audit("backup_folder_changed", details={"folder": str(folder)})


def record_result(store, at: dt.datetime | None, error: DostyqError | None = None) -> None:
    """Remembers the last automatic or manual backup (its time) or why it failed (the untranslated message and
    its fields, so it shows in whichever language is current)."""
    with store.transaction():
        if at is not None:
            store.set_meta(META_LAST_AT, at.isoformat(timespec="seconds"))
        store.set_meta(
            META_LAST_ERROR,
            json.dumps({"template": error.template, "params": _plain(error.params)}) if error else None,
        )


def last_error(config: BackupSettings) -> DostyqError | None:
    if not config.last_error:
        return None
    data = json.loads(config.last_error)
    return DostyqError(data["template"], **data["params"])


def _plain(params: dict) -> dict:
    return {k: v if isinstance(v, (int, float)) else str(v) for k, v in params.items()}


def check_password(password: str, password2: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            "password", N_("The password needs at least {count} characters."), count=MIN_PASSWORD
        )
    if password != password2:
        raise ValidationError("password2", N_("The two passwords are not the same."))


def backup_name(now: dt.datetime) -> str:
    return f"dostyq-backup-{now:%Y-%m-%d-%H%M%S}{SUFFIX}"


def _snapshot(
    source: sqlite3.Connection | str | os.PathLike, dest: Path, now: dt.datetime, progress=None
) -> None:
    """A consistent copy of the database (SQLite's online backup), as one self-contained file."""
    if isinstance(source, sqlite3.Connection):
        conn = source
    else:  # read-write, never create: a database that is not there is an error, not an empty backup
        conn = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=rw", uri=True, timeout=10)
    try:
        target = sqlite3.connect(dest)
        try:
            conn.backup(
                target,
                pages=PAGES_PER_STEP,
                progress=(lambda status, remaining, total: progress(total - remaining, total))
                if progress
                else None,
            )
            target.execute("PRAGMA journal_mode = DELETE")
            target.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (META_CREATED, now.isoformat(timespec="seconds")),
            )
            target.commit()
        finally:
            target.close()
    finally:
        if conn is not source:
            conn.close()


@contextlib.contextmanager
def _private_dir(near: Path | None = None) -> Iterator[Path]:
    """A folder only this user can read, for the plain snapshot while it is encrypted or checked."""
    path = Path(tempfile.mkdtemp(prefix="dostyq-backup-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _integrity(path: Path) -> str:
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _phases(progress: Progress | None, *weights: int) -> list[Progress | None]:
    """Splits one progress bar (0..100) into consecutive phases of the given weights."""
    if progress is None:
        return [None] * len(weights)
    out: list[Progress | None] = []
    start = 0
    for weight in weights:

        def phase(done: int, total: int, start=start, weight=weight) -> None:
            progress(start + (weight * done // total if total else weight), 100)

        out.append(phase)
        start += weight
    return out


def make_backup(
    source: sqlite3.Connection | str | os.PathLike,
    config: BackupSettings,
    now: dt.datetime,
    progress: Progress | None = None,
    *,
    actor: roles.Actor = roles.SYSTEM,
) -> Path:
    """Writes an encrypted backup of `source` (a database path, opened here for reading, or a connection) into
    the configured folder, reads it back (decrypt + integrity check), then rotates the folder. Returns the path.

    Needs no password. Runs without the app's connections: the general pool may call it. The daily backup is the
    PC's own (SYSTEM); one made by hand needs an account that may make backups."""
    roles.require(actor, "backups")
    if not config.set_up:
        raise BackupNotSetUp()
    assert config.folder is not None and config.keys is not None  # set_up says so
    folder = Path(config.folder)
    if not folder.is_dir():
        raise BackupFolderMissing(path=str(folder))
    target = folder / backup_name(now)
    partial = target.with_name(target.name + ".partial")
    snap_p, enc_p, check_p = _phases(progress, 30, 40, 30)
    with _private_dir() as work:
        plain = work / "snapshot.sqlite"
        try:
            _snapshot(source, plain, now, snap_p)
            if (status := _integrity(plain)) != "ok":
                raise BackupError(path=str(target), detail=status)
            key, digest = _encrypt_file(plain, partial, config.keys, enc_p)
            os.replace(partial, target)  # only a complete file gets the final name
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise BackupError(path=str(target), detail=str(exc)) from exc
        plain.unlink()
        try:
            _verify(target, key, digest, work / "check.sqlite", check_p)
        except (BackupDamaged, NotABackup, OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            detail = exc.message if isinstance(exc, DostyqError) else str(exc)
            raise BackupVerifyError(path=str(target), detail=detail) from exc
    rotate(folder)
    return target


def _verify(path: Path, key: bytes, digest: bytes, out: Path, progress=None) -> None:
    """Reads the file back from its folder with the key it was written with: every chunk must open, the plaintext
    must be the snapshot, and SQLite must find the database sound."""
    shown = str(path)
    with open(path, "rb") as fh, open(out, "wb") as fout:
        _header, aad = _read_header(fh, shown)
        if _decrypt_body(fh, key, aad, fout, shown, progress) != digest:
            raise BackupDamaged(path=shown)
    if (status := _integrity(out)) != "ok":
        raise BackupDamaged(path=shown, detail=status)


# ---- preview and restore --------------------------------------------------------------------------------------
# What a preview counts: (table, label), live rows only.
PREVIEW_TABLES = (
    ("people", N_("People")),
    ("volunteers", N_("Volunteers")),
    ("events", N_("Events")),
    ("creative_groups", N_("Creative groups")),
    ("aid_given", N_("Aid given")),
    ("donations", N_("Donations")),
)


@dataclasses.dataclass(frozen=True)
class BackupPreview:
    path: str
    made_at: str | None  # ISO, Almaty
    house_id: str | None
    house_name: str | None
    schema_version: int
    counts: list[tuple[str, int]]  # (untranslated label, rows)
    unsent: int  # changes still in the outbox (sent again after a restore)


def preview(path: str | os.PathLike, secret_text: str) -> BackupPreview:
    """What a backup holds, read from its decrypted snapshot. Needs no database of the app."""
    path = Path(path)
    with _private_dir() as work:
        plain = work / "preview.sqlite"
        _open_with_secret(path, secret_text, plain)
        return _describe(plain, str(path))


def _describe(plain: Path, shown: str) -> BackupPreview:
    try:
        conn = sqlite3.connect(_read_only_uri(plain), uri=True)
    except sqlite3.Error as exc:
        raise BackupDamaged(path=shown) from exc
    try:

        def meta(key: str) -> str | None:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row and row[0] else None

        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = [
            (label, int(conn.execute(f'SELECT count(*) FROM "{table}" WHERE deleted = 0').fetchone()[0]))
            for table, label in PREVIEW_TABLES
            if table in tables
        ]
        house = meta("house_id")
        name = None
        if house and "houses" in tables:
            row = conn.execute("SELECT name_kk, name_ru FROM houses WHERE code = ?", (house,)).fetchone()
            if row:
                from desktop.i18n import current_language

                name = (row[0] if current_language() == "kk" else row[1]) or row[0] or row[1]
        unsent = int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0]) if "outbox" in tables else 0
        return BackupPreview(shown, meta(META_CREATED), house, name, version, counts, unsent)
    except sqlite3.Error as exc:
        raise BackupDamaged(path=shown) from exc
    finally:
        conn.close()


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    preview: BackupPreview
    pre_restore: Path  # the database as it was before, kept beside it


# Kept from the current database when the backup is of this same PC: receipt counters and the HLC never go back
# (a number or stamp given out after the backup is not given out again), and the backup settings and sync
# credentials stay the current ones.
_CARRIED_META = (META_FOLDER, META_KEYS, META_LAST_AT)
_CARRIED_SYNC = ("server_url", "token", "token_id", "clock_offset_ms")


@requires("backups")
def restore(store, path: str | os.PathLike, secret_text: str, now: dt.datetime) -> RestoreResult:
    """Replaces the database of `store` (the writer's) with the backup, after checking it. The current database is
    kept as `<name>.pre-restore-<time>.sqlite` beside it. The other connections see the restored data on their
    next read; the app reopens them so no one keeps the old identity."""
    path = Path(path)
    db_path = Path(store.path)
    pre = db_path.with_name(f"{db_path.stem}.pre-restore-{now:%Y-%m-%d-%H%M%S}.sqlite")
    with _private_dir(db_path.parent) as work:
        plain = work / "restore.sqlite"
        _open_with_secret(path, secret_text, plain)
        if (status := _integrity(plain)) != "ok":
            raise BackupDamaged(path=str(path), detail=status)
        info = _describe(plain, str(path))
        if info.schema_version > schema.SCHEMA_VERSION:
            raise BackupTooNew(path=str(path), found=info.schema_version, known=schema.SCHEMA_VERSION)
        try:
            _prepare(plain, store)
            _copy(store.conn, pre)
            source = sqlite3.connect(plain)
            try:
                source.backup(store.conn)  # every page in one step: the live database changes all at once
            finally:
                source.close()
        except (OSError, sqlite3.Error, StoreOpenError) as exc:
            with contextlib.suppress(OSError):
                pre.unlink(missing_ok=True)
            detail = exc.message if isinstance(exc, DostyqError) else str(exc)
            raise RestoreError(detail=detail) from exc
    with store.transaction():
        store.audit(
            "backup_restored",
            details={"file": path.name, "made_at": info.made_at, "pre_restore": pre.name},
        )
    return RestoreResult(info, pre)


def _copy(conn: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()


def _prepare(plain: Path, store) -> None:
    """Brings the decrypted copy to this version's schema and carries forward what must not go back."""
    from desktop.store import Store

    Store(plain).close()  # runs any pending migration on the copy
    conn = sqlite3.connect(plain, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")

        def get(key: str) -> str | None:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row and row[0] else None

        def put(key: str, value: str | None) -> None:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

        if store.get_meta(META_KEYS):
            for key in _CARRIED_META:
                put(key, store.get_meta(key))
        if get("device_id") == store.device_id:
            for row in store.conn.execute("SELECT key, value FROM meta WHERE key LIKE 'counter:%'"):
                put(row[0], str(max(int(row[1] or 0), int(get(row[0]) or 0))))
            put("hlc_last", max(store.get_meta("hlc_last") or "", get("hlc_last") or "") or None)
            current = dict(store.conn.execute("SELECT key, value FROM sync_state").fetchall())
            restored = dict(conn.execute("SELECT key, value FROM sync_state").fetchall())
            if current.get("token") and current.get("house_id") == restored.get("house_id"):
                for key in _CARRIED_SYNC:
                    conn.execute(
                        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, current.get(key)),
                    )
        else:
            # Another PC's backup (a replacement PC): that PC may have given out numbers after the backup was made,
            # and they reach this PC by sync later. A series of its own keeps every receipt number unique.
            put("device_prefix", _unused_prefix(conn))
        put(META_CREATED, None)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _unused_prefix(conn: sqlite3.Connection) -> str:
    """A receipt-number prefix that no number in the database carries."""
    used = {
        row[0]
        for table in ("aid_given", "donations")
        for row in conn.execute(f"SELECT DISTINCT substr(number, 1, 4) FROM {table} WHERE number IS NOT NULL")
    }
    if own := conn.execute("SELECT value FROM meta WHERE key = 'device_prefix'").fetchone():
        used.add(own[0])
    while (prefix := secrets.token_hex(2).upper()) in used:
        pass
    return prefix


# ---- other files ----------------------------------------------------------------------------------------------
def sqlite_version() -> str:
    """The version of the SQLite library the database is kept with (for the About text)."""
    return sqlite3.sqlite_version


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
