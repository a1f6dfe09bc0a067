"""The "Needs review" list: sync conflicts kept for a person, and their resolution.

Resolving is an ordinary store write of the chosen value (or a restore, for an edit that raced a delete), so the
decision syncs like any edit; other PCs close their copy of the conflict when that newer write reaches them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop import accounts, audit, schema
from desktop.store import Store, utc_now_iso
from sync import quarantine

KEPT, OTHER = "kept", "other"


@dataclass(frozen=True)
class Conflict:
    id: str
    table: str
    row_id: str
    field: str  # "deleted" for an edit against a delete
    row_label: str
    kept_value: Any
    kept_hlc: str
    other_value: Any
    other_hlc: str
    other_by: str  # the losing write's author stamp ("<account id>@<device id>", or a device id)
    detected_at: str
    other_who: str = ""  # "<person> · <PC label>" of that author

    @property
    def is_delete(self) -> bool:
        return self.field == "deleted"

    @property
    def is_unapplied(self) -> bool:
        """A row from the server this PC could not store (sync.quarantine): `kept_value` is the reason."""
        return self.field == quarantine.UNAPPLIED


def _label(store: Store, table: str, row_id: str, unapplied: str | None = None) -> str:
    """A short human name for the row: the fields a person recognises it by (of the row as it came from the
    server, for one that could not be applied)."""
    spec = schema.SYNCED_TABLES.get(table)
    row = store.get(table, row_id, include_deleted=True) if spec else None
    if unapplied is not None:
        came = _load(unapplied)
        row = came.get("data") if isinstance(came, dict) and isinstance(came.get("data"), dict) else None
    if not row or spec is None:
        return row_id
    parts = [str(row[f]) for f in (spec.search or ()) if row.get(f)]
    if not parts:
        parts = [
            str(row[f]) for f in ("number", "month", "received_on", "given_on") if f in row and row.get(f)
        ]
    return " ".join(parts) or row_id


def unapplied(c) -> str | None:
    return c["other_value"] if c["field"] == quarantine.UNAPPLIED else None


def open_conflicts(store: Store, limit: int = 500) -> list[Conflict]:
    out = []
    names, pcs = accounts.display_names(store), audit.pc_labels(store)
    for c in store.rows(
        "SELECT * FROM conflicts WHERE resolved_at IS NULL ORDER BY detected_at DESC, id LIMIT ?", (limit,)
    ):
        out.append(
            Conflict(
                c["id"],
                c["table_name"],
                c["row_id"],
                c["field"],
                _label(store, c["table_name"], c["row_id"], unapplied(c)),
                _load(c["kept_value"]),
                c["kept_hlc"] or "",
                _load(c["other_value"]),
                c["other_hlc"] or "",
                c["other_by"] or "",
                c["detected_at"],
                audit.author_label(store, c["other_by"], names, pcs) if c["other_by"] else "",
            )
        )
    return out


def resolve(store: Store, conflict_id: str, choice: str) -> None:
    """Keeps one value. `kept` re-records the value now in the row; `other` writes the value that lost."""
    if choice not in (KEPT, OTHER):
        raise ValueError(choice)
    with store.transaction():
        c = store.one("SELECT * FROM conflicts WHERE id = ?", (conflict_id,))
        if c is None or c["resolved_at"]:
            return
        table, row_id, field = c["table_name"], c["row_id"], c["field"]
        row = store.get(table, row_id, include_deleted=True)
        if field == quarantine.UNAPPLIED:
            # Nothing to write: the row stays unapplied until a newer version of it arrives.
            choice, row = quarantine.DISMISSED, None
        if row is not None:
            if field == "deleted":
                # The kept side is the delete; the other side the edits it raced.
                if choice == OTHER:
                    store.restore(table, row_id)
                    edits = _load(c["other_value"])
                    if isinstance(edits, dict) and edits:
                        store.update(table, row_id, edits, force=True)
                elif not row["deleted"]:
                    store.delete(table, row_id)
            else:
                value = row[field] if choice == KEPT else _load(c["other_value"])
                store.update(table, row_id, {field: value}, force=True)
        store.conn.execute(
            "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?",
            (utc_now_iso(), choice, conflict_id),
        )
        store.audit("conflict_resolved", table, row_id, {"field": field, "choice": choice})


def close_superseded(store: Store, table: str, row_id: str, field_hlc: dict, now_iso: str) -> int:
    """Open conflicts of this row whose field has since been written with a newer stamp than both sides."""
    closed = 0
    for c in store.rows(
        "SELECT id, field, kept_hlc, other_hlc FROM conflicts "
        "WHERE table_name = ? AND row_id = ? AND resolved_at IS NULL",
        (table, row_id),
    ):
        stamp = field_hlc.get(c["field"])
        if stamp and stamp > (c["kept_hlc"] or "") and stamp > (c["other_hlc"] or ""):
            store.conn.execute(
                "UPDATE conflicts SET resolved_at = ?, resolution = 'superseded' WHERE id = ?",
                (now_iso, c["id"]),
            )
            closed += 1
    return closed


def _load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
