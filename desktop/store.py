"""The local store: one SQLite file per house PC, and the only way synced rows are written.

Every write to a synced table goes through insert()/update()/delete(), which in one transaction write the row,
stamp its HLC and per-field HLC map, derive the local search columns, append an audit entry and append an outbox
entry. A crash at any point leaves either all of that or none of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from desktop import clock, reference, roles, schema, schema_search, text
from desktop.errors import LedgerError, StoreOpenError
from desktop.hlc import HybridClock
from desktop.ids import new_id

_SQLITE_HEADER = b"SQLite format 3\x00"

# What sqlite3 accepts as the parameters of a statement: positional values or named ones.
Params = Sequence[Any] | Mapping[str, Any]

# Fields whose values the audit never keeps (only that they changed).
AUDIT_HIDDEN = frozenset({"secret_hash"})

_OUTBOX_SQL = (
    "INSERT INTO outbox (op_id, table_name, row_id, kind, fields, hlc, created_at, author) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_AUDIT_SQL = (
    "INSERT INTO audit_log (at, actor, action, table_name, row_id, details) VALUES (?, ?, ?, ?, ?, ?)"
)


class _Log:
    """The outbox and audit entries of a batched block (Store.batched), written together when it ends."""

    def __init__(self, house_id: str | None):
        self.house_id = house_id
        self.outbox: list[tuple] = []
        self.audit: list[tuple] = []
        self.last_stamp: str | None = None

    def mark(self) -> tuple[int, int]:
        return len(self.outbox), len(self.audit)

    def drop_after(self, mark: tuple[int, int]) -> None:
        del self.outbox[mark[0] :]
        del self.audit[mark[1] :]


# One clock per database file in this process, so stamps stay monotonic across the threads' connections.
_clocks: dict[str, HybridClock] = {}
_clocks_lock = threading.Lock()


def utc_now_iso(wall: Callable[[], float] = clock.wall) -> str:
    return dt.datetime.fromtimestamp(wall(), dt.UTC).isoformat(timespec="milliseconds")


def _encode(value: Any) -> Any:
    """Lists and dicts are stored as JSON text; everything else as is."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class Store:
    """A connection to the house database. Use one Store per thread (docs/STYLE.md rule 3)."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        actor: roles.Actor = roles.SYSTEM,
        wall: Callable[[], float] = clock.wall,
    ):
        self.path = Path(path)
        self._wall = wall
        # Who acts (desktop/roles.py): the ops layer sets the signed-in account for every op; a script's store
        # acts as the system.
        self.actor: roles.Actor = actor
        self.conn = _connect(self.path)
        self.db = sqlite_utils.Database(self.conn)
        self._depth = 0
        self._log: _Log | None = None
        self._field_hlc: dict[str, str] = {}  # table → its field_hlc JSON with a placeholder for the stamp
        self._ensure_identity()
        if not self.get_meta("reference_seeded"):
            with self.transaction():
                reference.seed(self.conn)
                self.set_meta("reference_seeded", "1")
        with _clocks_lock:
            key = str(self.path.resolve())
            hlc = _clocks.get(key)
            if hlc is None or hlc.device != self.device_id:
                hlc = HybridClock(self.device_id, self.get_meta("hlc_last"), wall=wall)
                _clocks[key] = hlc
        self.clock = hlc

    @property
    def author(self) -> str:
        """What a write records as its author (updated_by, the audit): "<account id>@<device id>" for an
        account's write, this PC's device id alone for the system's own writes (split_author reads both)."""
        account = self.actor.stamp
        return f"{account}@{self.device_id}" if account else self.device_id

    # ---- identity -------------------------------------------------------------------------------------------
    def _ensure_identity(self) -> None:
        # Read first: opening an existing file writes nothing (a reading thread's Store never takes the write lock).
        if not self.get_meta("device_id"):
            with self.transaction():
                if not self.get_meta("device_id"):
                    self.set_meta("device_id", secrets.token_hex(6))
                    # Human-readable numbers (receipts) carry this prefix so two PCs never issue the same number.
                    self.set_meta("device_prefix", secrets.token_hex(2).upper())
        device_id = self.get_meta("device_id")
        assert device_id is not None  # written just above when it was missing
        self.device_id: str = device_id
        self.device_prefix = self.get_meta("device_prefix")

    @property
    def house_id(self) -> str | None:
        return self.get_meta("house_id")

    def set_house(self, house_id: str | None) -> None:
        with self.transaction():
            self.set_meta("house_id", house_id or "")

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row and row[0] != "" else None

    def set_meta(self, key: str, value: str | None) -> None:
        if key == "house_id" and self._log is not None:
            self._log.house_id = value or None
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def next_number(self, series: str) -> str:
        """The next human-readable number of a series on this PC, e.g. 'A1F3-000042'. Call inside a transaction."""
        key = f"counter:{series}"
        current = int(self.get_meta(key) or 0) + 1
        self.set_meta(key, str(current))
        return f"{self.device_prefix}-{current:06d}"

    # ---- transactions ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """BEGIN IMMEDIATE … COMMIT; nested calls become savepoints, so a failing inner block rolls back alone."""
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        log = self._log
        mark = log.mark() if log is not None else None
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                self.conn.execute(f"RELEASE sp{self._depth}")
            if log is not None and mark is not None:
                log.drop_after(mark)  # the entries of the writes just rolled back
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def batched(self) -> Iterator[Store]:
        """A transaction for a bulk write (an import): the outbox and audit entries of its writes are kept in
        memory and written together when the block ends (one executemany each, and the clock's last stamp once),
        as they would have been one by one. A savepoint rolled back inside drops its entries with its rows. Reads
        of the outbox and the audit log inside the block do not see the entries yet."""
        if self._log is not None:
            with self.transaction():
                yield self
            return
        with self.transaction():
            self._log = log = _Log(self.house_id)
            try:
                yield self
                self._log = None
                self.conn.executemany(_OUTBOX_SQL, log.outbox)
                self.conn.executemany(_AUDIT_SQL, log.audit)
                if log.last_stamp is not None:
                    self.set_meta("hlc_last", log.last_stamp)
            finally:
                self._log = None

    # ---- reads ----------------------------------------------------------------------------------------------
    def get(self, table: str, row_id: str, *, include_deleted: bool = False) -> dict | None:
        row = self.conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,)).fetchone()
        if row is None or (not include_deleted and row["deleted"]):
            return None
        return dict(row)

    def rows(self, sql: str, params: Params = ()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Params = ()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def pending_count(self) -> int:
        return self.scalar("SELECT count(*) FROM outbox")

    def open_conflicts_count(self) -> int:
        return self.scalar("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")

    # ---- the write API --------------------------------------------------------------------------------------
    def insert(self, table: str, values: dict[str, Any], *, row_id: str | None = None) -> str:
        spec = _synced(table)
        _check_fields(spec, values)
        row_id = row_id or new_id()
        # In a batch the insert is one statement (its entries wait in memory), atomic without a savepoint.
        with self.transaction() if self._log is None else contextlib.nullcontext(self):
            stamp = self.clock.now()
            now = utc_now_iso(self._wall)
            row = {k: _encode(v) for k, v in values.items()}
            house = self._log.house_id if self._log is not None else self.house_id
            row.update(
                id=row_id,
                house_id=values.get("house_id", house),
                hlc=stamp,
                created_at=now,
                updated_at=now,
                updated_by=self.author,
            )
            row["field_hlc"] = self._all_fields_hlc(spec, stamp)
            if spec.search:
                row.update(_search_columns(spec, row))
            cols = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            # RETURNING gives the row as stored (the columns' defaults filled in) without reading it again.
            stored = self.conn.execute(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks}) RETURNING *', list(row.values())
            ).fetchall()[0]
            fields = {f: stored[f] for f in spec.fields}
            fields["house_id"] = stored["house_id"]
            self._record(table, row_id, "insert", fields, stamp, now, {})
        return row_id

    def _all_fields_hlc(self, spec: schema.Table, stamp: str) -> str:
        """json.dumps({field: stamp for every field}, sort_keys=True), from a template made once per table."""
        template = self._field_hlc.get(spec.name)
        if template is None:
            template = json.dumps(dict.fromkeys(spec.fields, "\x00"), sort_keys=True)
            self._field_hlc[spec.name] = template
        return template.replace('"\\u0000"', json.dumps(stamp))

    def update(self, table: str, row_id: str, changes: dict[str, Any], *, force: bool = False) -> bool:
        """Changes only the fields that differ. Returns False when nothing changed (nothing is recorded).
        `force` records the given fields even if unchanged: a reviewer who keeps a value in a sync conflict makes a
        write, so the decision reaches the other PCs. A ledger row takes only a change of its `links` (the
        person's record it names, moved by a merge of two people)."""
        spec = _synced(table)
        if spec.ledger and not (changes and set(changes) <= set(spec.links)):
            raise LedgerError()
        _check_fields(spec, changes)
        with self.transaction():
            current = self.get(table, row_id, include_deleted=True)
            if current is None:
                raise KeyError(f"{table} {row_id} does not exist")
            encoded = {k: _encode(v) for k, v in changes.items()}
            diff = encoded if force else {k: v for k, v in encoded.items() if current.get(k) != v}
            if not diff:
                return False
            stamp = self.clock.now()
            now = utc_now_iso(self._wall)
            field_hlc = json.loads(current["field_hlc"] or "{}")
            field_hlc.update({f: stamp for f in diff})
            row = dict(diff)
            row.update(
                hlc=stamp,
                field_hlc=json.dumps(field_hlc, sort_keys=True),
                updated_at=now,
                updated_by=self.author,
            )
            if spec.search and any(f in diff for f in spec.search + spec.search_extra):
                row.update(_search_columns(spec, {**current, **diff}))
            sets = ", ".join(f'"{c}" = ?' for c in row)
            self.conn.execute(f'UPDATE "{table}" SET {sets} WHERE id = ?', [*row.values(), row_id])
            self._record(table, row_id, "update", diff, stamp, now, current)
        return True

    def delete(self, table: str, row_id: str) -> bool:
        """Tombstone: the row stays with deleted=1 so the deletion syncs and can be reviewed."""
        return self._set_deleted(table, row_id, 1, "delete")

    def restore(self, table: str, row_id: str) -> bool:
        """Undoes a tombstone (e.g. a reviewer keeps an edit that raced a delete on another PC)."""
        return self._set_deleted(table, row_id, 0, "update")

    def _set_deleted(self, table: str, row_id: str, deleted: int, kind: str) -> bool:
        spec = _synced(table)
        if spec.ledger:
            raise LedgerError()
        with self.transaction():
            current = self.get(table, row_id, include_deleted=True)
            if current is None or current["deleted"] == deleted:
                return False
            stamp = self.clock.now()
            now = utc_now_iso(self._wall)
            field_hlc = json.loads(current["field_hlc"] or "{}")
            field_hlc["deleted"] = stamp
            self.conn.execute(
                f'UPDATE "{table}" SET deleted = ?, hlc = ?, field_hlc = ?, updated_at = ?, updated_by = ? '
                f"WHERE id = ?",
                (
                    deleted,
                    stamp,
                    json.dumps(field_hlc, sort_keys=True),
                    now,
                    self.author,
                    row_id,
                ),
            )
            self._record(table, row_id, kind, {"deleted": deleted}, stamp, now, current)
        return True

    def audit(
        self, action: str, table: str | None = None, row_id: str | None = None, details: Any = None
    ) -> None:
        """An audit entry for something that is not a row write (an export, an override, a login)."""
        entry = (
            utc_now_iso(self._wall),
            self.author,
            action,
            table,
            row_id,
            None if details is None else json.dumps(details, ensure_ascii=False),
        )
        if self._log is not None:
            self._log.audit.append(entry)
        else:
            self.conn.execute(_AUDIT_SQL, entry)

    def _record(
        self, table: str, row_id: str, kind: str, fields: dict, stamp: str, now: str, before: Mapping
    ) -> None:
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        # The audit keeps each field's old and new value ({field: [old, new]}; old is null for an insert).
        changes = {
            f: [None, None] if f in AUDIT_HIDDEN else [before.get(f), v] for f, v in sorted(fields.items())
        }
        author = self.author
        outbox = (new_id(), table, row_id, kind, payload, stamp, now, author)
        audit = (now, author, kind, table, row_id, json.dumps(changes, ensure_ascii=False))
        if self._log is not None:
            self._log.outbox.append(outbox)
            self._log.audit.append(audit)
            self._log.last_stamp = stamp
            return
        self.conn.execute(_OUTBOX_SQL, outbox)
        self.conn.execute(_AUDIT_SQL, audit)
        self.set_meta("hlc_last", stamp)

    # ---- helpers for code that writes rows it received (sync) -------------------------------------------
    def derived_columns(self, table: str, row: dict) -> dict:
        """The local search columns for a row of `table` (empty for tables without search)."""
        spec = _synced(table)
        return _search_columns(spec, row) if spec.search else {}

    def close(self) -> None:
        self.conn.close()


def split_author(stamp: str | None) -> tuple[str, str]:
    """(account id, device id) of an author stamp. A plain 12-hex device id is a system write of that PC; any other
    stamp without "@" is an account id written before the stamp named the PC."""
    if not stamp:
        return "", ""
    if "@" in stamp:
        account, _, device = stamp.rpartition("@")
        return account, device
    if len(stamp) == 12 and all(ch in "0123456789abcdef" for ch in stamp):
        return "", stamp
    return stamp, ""


def _synced(table: str) -> schema.Table:
    try:
        return schema.SYNCED_TABLES[table]
    except KeyError:
        raise ValueError(f"{table!r} is not a synced table") from None


def _check_fields(spec: schema.Table, values: dict) -> None:
    unknown = set(values) - set(spec.fields) - {"house_id"}
    if unknown:
        raise ValueError(f"{spec.name} has no field(s) {sorted(unknown)}")


def _search_columns(spec: schema.Table, row: dict) -> dict:
    name = " ".join(str(row.get(f) or "") for f in spec.search).strip()
    name = text.normalize(name)
    extra = " ".join(str(row.get(f) or "") for f in spec.search_extra).strip()
    keys = text.keys(name)  # folded once for every column
    columns = {
        "name_fold": keys[0],
        "name_loose": keys[1],
        "name_sort": keys[2],
        # FTS matches the exact folded form, the loose one and the Latin key, plus the extras (IIN, phone).
        "search_text": schema_search.search_text_of(keys, extra),
    }
    if spec.name in schema_search.INFIX_TABLES:
        columns["name_infix"] = schema_search.infix_of(keys)
    return columns


def _connect(path: Path) -> sqlite3.Connection:
    """Opens (or creates) the database, refusing files it must not touch. Order matters: every check that can
    refuse runs before anything is written (WAL mode and migrations both write)."""
    shown = str(path)
    if path.exists():
        if path.is_dir():
            raise StoreOpenError("not_sqlite", path=shown)
        with open(path, "rb") as fh:
            header = fh.read(16)
        if header and header != _SQLITE_HEADER:
            raise StoreOpenError("not_sqlite", path=shown)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise StoreOpenError("read_only", path=shown)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise StoreOpenError("read_only", path=shown)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=True)
        conn.row_factory = sqlite3.Row
        found = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreOpenError("corrupt", path=shown, detail=str(exc)) from exc
    if found > schema.SCHEMA_VERSION:
        conn.close()
        raise StoreOpenError("too_new", path=shown, found=found, known=schema.SCHEMA_VERSION)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, found)
    except sqlite3.OperationalError as exc:
        conn.close()
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StoreOpenError("read_only", path=shown) from exc
        raise
    return conn


def _migrate(conn: sqlite3.Connection, found: int) -> None:
    for number, migration in enumerate(schema.MIGRATIONS[found:], start=found + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                conn.execute("ROLLBACK")
                continue
            migration(conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
