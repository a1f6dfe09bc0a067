"""Applying a server answer to the house database, inside the caller's store transaction.

The rows written here came from the server, so they bypass the store's write API on purpose: they must not go
back into the outbox. Fields with a local change still waiting in the outbox are merged by the rules of
sync.merge (the same ones the server uses); everything else takes the server's row as it is, so once the outbox is
empty and the cursor is current, every PC holds exactly the server's rows.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from desktop import erasure, people_merge, schema
from desktop.hlc import Stamp
from desktop.store import Store
from sync import conflicts, merge, op_schema, quarantine
from sync.protocol import REJECTED, field_maps, writer_of
from sync.state import get_state


def pending_by_row(store: Store, keys: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], set[str]]:
    """{(table, row_id): fields with a local change not yet acknowledged by the server}."""
    out: dict[tuple[str, str], set[str]] = {}
    for table, row_id, fields in store.conn.execute("SELECT table_name, row_id, fields FROM outbox"):
        key = (table, row_id)
        if keys is not None and key not in keys:
            continue
        out.setdefault(key, set()).update(json.loads(fields))
    return out


def apply_acks(store: Store, acks: dict[str, str]) -> list[tuple[str, str]]:
    """Removes acknowledged ops from the outbox. A rejected op is removed too (it can never be accepted) and
    audited, so nothing vanishes without a trace. Returns the rejected (op_id, reason)."""
    rejected = []
    for op_id, result in acks.items():
        if result.startswith(REJECTED):
            row = store.one("SELECT table_name, row_id, fields FROM outbox WHERE op_id = ?", (op_id,))
            if row:
                rejected.append((op_id, result))
                store.audit(
                    "sync_rejected",
                    row["table_name"],
                    row["row_id"],
                    {"op_id": op_id, "reason": result, "fields": json.loads(row["fields"])},
                )
        store.conn.execute("DELETE FROM outbox WHERE op_id = ?", (op_id,))
    return rejected


CHUNK = 500  # rows written together by the fast path of apply_changes, under one savepoint


def apply_changes(
    store: Store,
    changes: list[dict[str, Any]],
    cursor_before: int,
    now_iso: str,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Writes the server's rows. Returns the number of new conflicts recorded on this PC.

    A row with nothing to merge (no local change waiting for it, no open conflict or quarantine on this PC, no
    re-sending under way) is written together with the rows around it: up to CHUNK of them under one savepoint,
    one sqlite-utils upsert_all per table. Should SQLite refuse one of them, that savepoint rolls back and its rows are
    written one by one, so only the bad row is kept aside. Every other row is merged and written on its own."""
    run = _Run(store, changes, cursor_before, now_iso, on_row)
    batch: list[tuple[dict, dict]] = []
    for change in changes:
        table = change["t"]
        if table in schema.SYNCED_TABLES:
            reason = unstorable(change, run.house)
            if (
                reason is None
                and not run.keep_newer
                and not run.any_open
                and not run.new_conflicts
                and (table, change["id"]) not in run.pending
            ):
                try:
                    batch.append((change, _stored_row(store, change, now_iso)))
                except OverflowError:
                    pass  # left to the row's own path, which keeps it aside
                else:
                    if len(batch) >= CHUNK:
                        run.write(batch)
                        batch = []
                    continue
            if batch:
                run.write(batch)
                batch = []
            run.synced(change, reason)
            continue
        if batch:
            run.write(batch)
            batch = []
        if table in schema.REFERENCE_TABLES:
            _apply_reference(store, table, change)
        elif table == "conflicts":
            if change.get("deleted"):  # withdrawn by the server (the row was erased)
                store.conn.execute("DELETE FROM conflicts WHERE id = ?", (change["id"],))
            else:
                run.new_conflicts += _apply_conflict(store, change["data"])
        elif table == PURGED:
            _apply_purged(store, change)
        # Anything else comes from a newer server; an older PC ignores it rather than failing the sync.
        if on_row is not None:
            on_row()
    if batch:
        run.write(batch)
    new_conflicts = run.new_conflicts
    if run.newest and writer_of(run.newest):
        store.clock.observe(run.newest)
    # An erasure made on another PC, or a conflict about a row already erased here: no erased value waits for review.
    erasable = {c["t"] for c in changes if c["t"] in schema.PERSONAL_FIELDS}
    if erasable or any(c["t"] == "conflicts" for c in changes):
        new_conflicts -= min(
            new_conflicts, erasure.drop_erased_conflicts(store, erasable or schema.PERSONAL_FIELDS)
        )
    if any(c["t"] in people_merge.FOLLOWED_TABLES for c in changes):
        # Rows written on a PC that had not seen a merge of two people move to the survivor (DESIGN.md §4).
        people_merge.follow_merges(store)
    return new_conflicts


class _Run:
    """The state of one apply_changes call."""

    def __init__(
        self,
        store: Store,
        changes: list[dict[str, Any]],
        cursor_before: int,
        now_iso: str,
        on_row: Callable[[], None] | None,
    ):
        self.store, self.cursor_before, self.now_iso, self.on_row = store, cursor_before, now_iso, on_row
        self.me = store.device_id
        keys = {(c["t"], c["id"]) for c in changes if c["t"] in schema.SYNCED_TABLES}
        self.pending = pending_by_row(store, keys) if keys else {}
        self.new_conflicts = 0
        self.newest = ""
        self.any_open = store.scalar("SELECT 1 FROM conflicts WHERE resolved_at IS NULL LIMIT 1") is not None
        self.house = get_state(store, "house_id") or store.house_id
        # Re-sending every row (the server lost history, or an integrity repair): a newer local field than the
        # server's is kept, so the re-sent row brings it back instead of this PC taking the server's older copy.
        self.keep_newer = bool(get_state(store, "reseed"))

    def write(self, batch: list[tuple[dict, dict]]) -> None:
        """Rows with nothing to merge, written together; one by one when SQLite refuses any of them."""
        store = self.store
        by_table: dict[str, list[dict]] = {}
        for change, row in batch:
            by_table.setdefault(change["t"], []).append(row)
        try:
            with store.transaction():
                for table, rows in by_table.items():
                    # The same INSERT … ON CONFLICT(id) DO UPDATE as _upsert, as multi-row VALUES: 1.5x the rows/s
                    # of one executemany (bench/client_apply.py).
                    store.db.table(table).upsert_all(rows, pk="id", batch_size=CHUNK)
        except (sqlite3.IntegrityError, OverflowError):
            for change, _ in batch:
                self.synced(change, None)
            return
        for change, _ in batch:
            self.newest = max(self.newest, change.get("hlc") or "")
            if self.on_row is not None:
                self.on_row()

    def synced(self, change: dict, reason: str | None) -> None:
        """One row of a synced table, merged with the local changes waiting for it; `reason` why it cannot be
        stored (unstorable) or None."""
        store, table = self.store, change["t"]
        if reason is None:
            try:
                with store.transaction():
                    self.new_conflicts += _apply_row(
                        store,
                        change,
                        self.pending.get((table, change["id"]), set()),
                        self.me,
                        self.cursor_before,
                        self.now_iso,
                        self.keep_newer,
                    )
            except (sqlite3.IntegrityError, OverflowError) as exc:
                reason = f"store:{type(exc).__name__}"
        if reason is not None:
            # A row this PC cannot store is kept aside for review; every other row goes on syncing.
            self.new_conflicts += quarantine.keep(store, change, reason, self.now_iso)
            self.any_open = True
            if self.on_row is not None:
                self.on_row()
            return
        if self.any_open:
            quarantine.release(store, table, change["id"], self.now_iso)
        if self.any_open or self.new_conflicts:
            row = store.conn.execute(
                f'SELECT field_hlc FROM "{table}" WHERE id = ?', (change["id"],)
            ).fetchone()
            conflicts.close_superseded(store, table, change["id"], json.loads(row[0] or "{}"), self.now_iso)
        self.newest = max(self.newest, change.get("hlc") or "")
        if self.on_row is not None:
            self.on_row()


PURGED = "purged"  # sync/server/horizon.py


def _apply_purged(store: Store, change: dict) -> None:
    """The server purged a row every PC had seen deleted, and this PC came back from behind its delete (restored
    from an old backup): its copy becomes a tombstone too, unless it holds a write newer than the delete."""
    table, row_id, stamp = change.get("table"), change.get("id"), change.get("hlc")
    if not isinstance(row_id, str) or not isinstance(stamp, str):
        return
    if table == "conflicts":
        store.conn.execute("DELETE FROM conflicts WHERE id = ?", (row_id,))
        return
    if table not in schema.SYNCED_TABLES:
        return
    row = store.conn.execute(
        f'SELECT deleted, hlc, field_hlc FROM "{table}" WHERE id = ?', (row_id,)
    ).fetchone()
    if row is None or row["deleted"]:
        return
    try:
        deleted_at, mine = Stamp.parse(stamp), Stamp.parse(row["hlc"] or stamp)
    except ValueError:
        return
    if (mine.ms, mine.counter) > (deleted_at.ms, deleted_at.counter):
        return
    field_hlc = json.loads(row["field_hlc"] or "{}")
    field_hlc["deleted"] = stamp
    store.conn.execute(
        f'UPDATE "{table}" SET deleted = 1, hlc = ?, field_hlc = ? WHERE id = ?',
        (stamp, json.dumps(field_hlc, sort_keys=True), row_id),
    )


def unstorable(change: dict, house: str | None) -> str | None:
    """Why a pulled row of a synced table cannot be stored on this PC (sync.op_schema), or None."""
    if not isinstance(change.get("data"), dict) or not isinstance(change.get("id"), str):
        return "malformed"
    if change.get("house_id") not in (None, "", house):
        return "house"
    return op_schema.check_row(change["t"], change["data"])


def _apply_reference(store: Store, table: str, change: dict) -> None:
    columns = schema.REFERENCE_TABLES[table]
    data = change["data"]
    row = {c: data.get(c) for c in columns if c in data}
    row["code"] = change["id"]
    for col, default in (("name_kk", ""), ("name_ru", ""), ("sort", 0), ("active", 1), ("hlc", "")):
        if row.get(col) is None:
            row[col] = default
    _upsert(store, table, "code", row)


def _apply_conflict(store: Store, data: dict) -> int:
    columns = schema.LOCAL_TABLES["conflicts"]
    row = {c: data.get(c) for c in columns if c in data}
    cur = store.conn.execute(
        f"INSERT OR IGNORE INTO conflicts ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )
    return cur.rowcount


def record_conflict(store: Store, record: dict) -> int:
    return _apply_conflict(store, record)


def _apply_row(
    store: Store,
    change: dict,
    pending: set[str],
    me: str,
    cursor_before: int,
    now_iso: str,
    keep_newer: bool = False,
) -> int:
    table, row_id = change["t"], change["id"]
    data = change["data"]
    srv_hlc, srv_seq = field_maps(change)
    values = op_schema.storable(table, data)
    deleted = int(change.get("deleted") or 0)
    field_hlc = dict(srv_hlc)
    conflicts = 0
    local = None
    if pending or keep_newer:
        local = store.conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,)).fetchone()
    if local is not None and keep_newer:
        _keep_newer_fields(store, local, pending, values, field_hlc, srv_hlc)
        deleted = int(values.pop("deleted", deleted))
    if local is not None and pending:
        local_hlc = json.loads(local["field_hlc"] or "{}")
        mine = {
            name: (local["deleted"] if name == "deleted" else local[name], local_hlc[name])
            for name in pending
            if local_hlc.get(name) is not None
        }
        won, found = merge.merge_fields(
            table,
            row_id,
            mine,
            {
                name: (
                    deleted if name == "deleted" else values.get(name),
                    srv_hlc.get(name),
                    srv_seq.get(name),
                )
                for name in mine
            },
            me,
            cursor_before,
            now_iso,
        )
        merge.name_authors(found, change.get("updated_by"), local["updated_by"])
        for name in won:
            l_value, l_stamp = mine[name]
            if name == "deleted":
                deleted = int(l_value)
            else:
                values[name] = l_value
            field_hlc[name] = l_stamp
        authors = (change.get("updated_by"), local["updated_by"])
        for record in merge.name_authors(merge.keep_erased(table, dict(values), found), *authors):
            conflicts += record_conflict(store, record)
        # Edit against delete, seen from this side.
        edits = [f for f in pending if f != "deleted" and writer_of(local_hlc.get(f, "")) == me]
        if (
            deleted
            and not local["deleted"]
            and edits
            and merge.unseen_foreign(srv_hlc.get("deleted"), srv_seq.get("deleted"), me, cursor_before)
        ):
            newest = max(local_hlc[f] for f in edits)
            record = merge.edit_against_delete(
                table, row_id, srv_hlc["deleted"], {f: local[f] for f in edits}, newest, now_iso
            )
            for kept in merge.name_authors(merge.keep_erased(table, dict(values), [record]), *authors):
                conflicts += record_conflict(store, kept)
        if "deleted" in pending and local["deleted"]:
            against_edits = merge.delete_against_edits(
                table, row_id, local_hlc["deleted"], values, srv_hlc, srv_seq, me, cursor_before, now_iso
            )
            if against_edits is not None:
                conflicts += record_conflict(store, merge.name_authors([against_edits], *authors)[0])
    _upsert(store, table, "id", _row_of(store, change, values, deleted, field_hlc, now_iso))
    return conflicts


def _stored_row(store: Store, change: dict, now_iso: str) -> dict:
    """The row as stored when nothing merges into it: the server's copy (what _apply_row writes without local
    changes)."""
    return _row_of(
        store,
        change,
        op_schema.storable(change["t"], change["data"]),
        int(change.get("deleted") or 0),
        dict(field_maps(change)[0]),
        now_iso,
    )


def _row_of(store: Store, change: dict, values: dict, deleted: int, field_hlc: dict, now_iso: str) -> dict:
    table = change["t"]
    merge.keep_erased(table, values, [])
    row = dict(values)
    row.update(
        id=change["id"],
        house_id=change.get("house_id"),
        deleted=deleted,
        hlc=max(field_hlc.values()) if field_hlc else (change.get("hlc") or ""),
        field_hlc=json.dumps(field_hlc, sort_keys=True),
        created_at=change.get("created_at") or now_iso,
        updated_at=change.get("updated_at") or now_iso,
        updated_by=change.get("updated_by"),
    )
    if schema.SYNCED_TABLES[table].search:
        row.update(store.derived_columns(table, row))
    return row


def _keep_newer_fields(
    store: Store, local, pending: set[str], values: dict, field_hlc: dict, srv_hlc: dict
) -> None:
    """The local fields (not waiting in the outbox) written later than the server's copy: kept in `values` and
    `field_hlc` (`deleted` too, when it is newer). A local stamp beyond what the server would accept (now + the
    clamp) is not kept: the server stores such a write with a clamped stamp, and that copy is the one to take."""
    local_hlc = json.loads(local["field_hlc"] or "{}")
    limit = store.clock.physical_ms() + merge.CLAMP_AHEAD_MS
    for name, stamp in local_hlc.items():
        if (
            name in pending
            or not merge.wins(stamp, srv_hlc.get(name))
            or name not in values
            and name != "deleted"
        ):
            continue
        if int(stamp.split("-", 1)[0]) > limit:
            continue
        values[name] = local[name]
        field_hlc[name] = stamp


def _upsert(store: Store, table: str, key: str, row: dict) -> None:
    cols = tuple(row)
    store.conn.execute(_upsert_sql(table, key, cols), [row[c] for c in cols])


@functools.cache
def _upsert_sql(table: str, key: str, cols: tuple[str, ...]) -> str:
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key)
    return (
        f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
        f'VALUES ({", ".join("?" for _ in cols)}) ON CONFLICT("{key}") DO UPDATE SET {updates}'
    )
