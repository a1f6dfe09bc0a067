"""Rows pulled from the server that this PC cannot store, kept aside with the reason (docs/DESIGN.md §4).

A row that fails the synced schema check (sync.op_schema) or that SQLite refuses is not written: it is kept in the
`conflicts` table as an entry of field UNAPPLIED ("could not be applied" in *Needs review*) holding the reason and
the row as it came, and the sync goes on with every other row (the cursor moves past it). The entry closes itself
when a later version of the row applies (e.g. the administrator's tombstone, `dostyq-server rows tombstone`); a
person may also dismiss it. The local integrity digest counts the kept row as the server's, so a quarantine does
not start a repair at each check.
"""

from __future__ import annotations

import hashlib
import json

from desktop.store import Store

UNAPPLIED = "*"  # the `field` of a quarantine entry in `conflicts`
DISMISSED = "dismissed"  # its resolution when a person closed it (the row stays unapplied)


def keep(store: Store, change: dict, reason: str, now_iso: str) -> int:
    """Records the row that could not be applied. Returns 1 when it is new (or open again), 0 when already kept."""
    table, row_id, stamp = str(change.get("t")), str(change.get("id")), str(change.get("hlc") or "")
    entry = hashlib.sha256(f"{table}\n{row_id}\n{stamp}\n{UNAPPLIED}".encode()).hexdigest()[:32]
    cur = store.conn.execute(
        "INSERT INTO conflicts (id, table_name, row_id, field, kept_value, kept_hlc, other_value, "
        "other_hlc, other_by, detected_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?) "
        # Closed by a fetch from scratch (release_all) and still not storable: open again.
        "ON CONFLICT(id) DO UPDATE SET resolved_at = NULL, resolution = NULL WHERE resolution = 'superseded'",
        (
            f"qa-{entry}",
            table,
            row_id,
            UNAPPLIED,
            json.dumps(reason),
            json.dumps(change, ensure_ascii=False, default=str),
            stamp,
            change.get("updated_by") if isinstance(change.get("updated_by"), str) else None,
            now_iso,
        ),
    )
    if cur.rowcount:
        # The audit names the row and the reason only, never the values.
        store.audit("sync_unapplied", table, row_id, {"reason": reason, "hlc": stamp})
    return cur.rowcount


def release(store: Store, table: str, row_id: str, now_iso: str) -> None:
    """A later version of the row was applied: its quarantine entries close."""
    store.conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = 'superseded' "
        "WHERE table_name = ? AND row_id = ? AND field = ? AND resolved_at IS NULL",
        (now_iso, table, row_id, UNAPPLIED),
    )


def release_all(store: Store, now_iso: str) -> None:
    """The server's history restarts (a reset): every row comes again, and those still unstorable are kept again."""
    store.conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = 'superseded' WHERE field = ? AND resolved_at IS NULL",
        (now_iso, UNAPPLIED),
    )


def kept_rows(store: Store) -> dict[str, dict[str, tuple[str, int]]]:
    """{table: {row_id: (hlc, deleted)}} of the rows kept aside, as the server holds them (for the digest)."""
    out: dict[str, dict[str, tuple[str, int]]] = {}
    for table, row_id, other_value in store.conn.execute(
        "SELECT table_name, row_id, other_value FROM conflicts WHERE field = ? "
        "AND (resolved_at IS NULL OR resolution = ?) ORDER BY detected_at",
        (UNAPPLIED, DISMISSED),
    ):
        try:
            change = json.loads(other_value)
        except ValueError:
            continue
        if isinstance(change, dict):
            out.setdefault(table, {})[row_id] = (
                str(change.get("hlc") or ""),
                int(bool(change.get("deleted"))),
            )
    return out
