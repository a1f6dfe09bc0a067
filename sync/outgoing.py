"""Building one request: the outbox's ops up to about a page of compressed bytes, the cursor, the clock and, after
the server lost history, a page of this PC's rows to re-send (docs/DESIGN.md §4)."""

from __future__ import annotations

import hashlib
import json
import uuid

from desktop import schema
from desktop.store import Store
from sync import protocol
from sync.protocol import PROTOCOL_VERSION
from sync.state import get_state

# Where the next page of re-sent rows starts ([table index, rowid]), "done" after the last, None if none were sent.
ReseedNext = list[int] | str | None


def build_request(
    store: Store, page: int, max_ops: int = protocol.MAX_OPS_PER_REQUEST, *, check: bool = False
) -> tuple[dict, ReseedNext]:
    """The request of the next exchange and where re-sending continues once its ops are acked."""
    # The token belongs to one house, so everything this PC sends belongs to it (the server refuses the rest).
    house = get_state(store, "house_id") or store.house_id
    ops: list[dict] = []
    raw = 0
    # gzip shrinks op JSON 4-8×; stop at about one page of compressed bytes.
    for row in store.conn.execute(
        "SELECT op_id, table_name, row_id, kind, fields, hlc, created_at, author FROM outbox ORDER BY seq LIMIT ?",
        (max_ops,),
    ):
        fields = json.loads(row["fields"])
        if "house_id" in fields and fields["house_id"] != house:
            fields["house_id"] = house
        op = {
            "op_id": row["op_id"],
            "table": row["table_name"],
            "row_id": row["row_id"],
            "kind": row["kind"],
            "fields": fields,
            "hlc": row["hlc"],
            "created_at": row["created_at"],
            **({"by": row["author"]} if row["author"] else {}),
        }
        size = len(protocol.dumps(op))
        if ops and raw + size > page * 4:
            break
        ops.append(op)
        raw += size
    reseed_next: ReseedNext = None
    if len(ops) < max_ops and raw < page * 4 and get_state(store, "reseed"):
        raw, reseed_next = _add_replay_ops(store, ops, house, page * 4 - raw, max_ops)
    cursor = int(get_state(store, "cursor") or 0)
    known = int(get_state(store, "known") or 0)
    request = {
        "v": PROTOCOL_VERSION,
        "request_id": str(uuid.uuid4()),
        "device_id": store.device_id,
        "schema_version": schema.SCHEMA_VERSION,
        "cursor": cursor,
        "page_bytes": page,
        **({"known": known} if known != cursor else {}),
        "clock": store.clock.last,
        "epoch": get_state(store, "epoch") or "",
        "ops": ops,
        **({"check": True} if check else {}),
    }
    return request, reseed_next


def _add_replay_ops(
    store: Store, ops: list[dict], house: str | None, budget: int, max_ops: int
) -> tuple[int, ReseedNext]:
    """After the server lost history (restored backup), this PC re-sends every row it holds of its house, a page
    at a time, with the rows' own field stamps. Returns the bytes added and where the next page starts."""
    position = json.loads(get_state(store, "reseed") or "[0, 0]")
    tables = list(schema.SYNCED_TABLES)
    index, after = int(position[0]), int(position[1])
    used = 0
    while index < len(tables):
        table = tables[index]
        spec = schema.SYNCED_TABLES[table]
        cols = ", ".join(f'"{c}"' for c in ["id", "hlc", "field_hlc", "deleted", "created_at", *spec.fields])
        rows = store.conn.execute(
            f'SELECT rowid AS rid, {cols} FROM "{table}" WHERE house_id = ? AND rowid > ? ORDER BY rowid '
            f"LIMIT 200",
            (house, after),
        ).fetchall()
        for row in rows:
            field_hlc = json.loads(row["field_hlc"] or "{}")
            if not field_hlc or not row["hlc"]:
                after = row["rid"]
                continue
            fields = {f: row[f] for f in spec.fields if f in field_hlc}
            fields["house_id"] = house
            if "deleted" in field_hlc:
                fields["deleted"] = row["deleted"]
            # Two PCs may hold the same row at the same newest stamp but with different fields (one kept a newer
            # field the restored server lost): the op id names this PC and every field stamp, so neither is taken
            # for a repeat of the other.
            stamps = json.dumps(field_hlc, sort_keys=True)
            key = f"{table}\n{row['id']}\n{row['hlc']}\n{store.device_id}\n{stamps}"
            digest = hashlib.sha256(key.encode()).hexdigest()[:32]
            op = {
                "op_id": f"rp-{digest}",
                "table": table,
                "row_id": row["id"],
                "kind": "replay",
                "fields": fields,
                "hlc": row["hlc"],
                "created_at": row["created_at"] or "",
                "field_hlc": field_hlc,
            }
            size = len(protocol.dumps(op))
            if ops and (used + size > budget or len(ops) >= max_ops):
                return used, [index, after]
            ops.append(op)
            used += size
            after = row["rid"]
        if len(rows) < 200:
            index, after = index + 1, 0
    return used, "done"
