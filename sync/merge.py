"""The merge rules, shared word for word by the server and the client (docs/DESIGN.md §4).

Per field, the higher HLC stamp wins (stamps are strings that sort in time order; the device suffix breaks ties).
A write is *concurrent* with another when its author had not seen the other one: the other was written by a
different device, at a server seq after the author's cursor. Concurrent writes of different values to the same field
(or an edit against a delete) are conflicts: the loser is kept for a person to review, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sync.protocol import writer_of

CLAMP_AHEAD_MS = 5 * 60 * 1000  # a stamp may be at most this far ahead of the server's clock


def wins(new_stamp: str, cur_stamp: str | None) -> bool:
    return cur_stamp is None or cur_stamp == "" or new_stamp > cur_stamp


def unseen_foreign(stamp: str | None, seq: int | None, author: str, cursor: int) -> bool:
    """Did `author` make its write without having seen this one (written elsewhere, after its cursor)?"""
    return bool(stamp) and writer_of(stamp) != author and (seq or 0) > cursor


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = (int(a) if isinstance(a, bool) else a), (int(b) if isinstance(b, bool) else b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def conflict_id(table: str, row_id: str, field: str, stamp_a: str | None, stamp_b: str | None) -> str:
    """The same conflict gets the same id wherever it is found, so it is stored once."""
    lo, hi = sorted((stamp_a or "", stamp_b or ""))
    digest = hashlib.sha256(f"{table}\n{row_id}\n{field}\n{lo}\n{hi}".encode()).hexdigest()
    return f"cf-{digest[:32]}"


def conflict_record(
    table: str,
    row_id: str,
    field: str,
    kept_value: Any,
    kept_hlc: str | None,
    other_value: Any,
    other_hlc: str | None,
    detected_at: str,
) -> dict:
    return {
        "id": conflict_id(table, row_id, field, kept_hlc, other_hlc),
        "table_name": table,
        "row_id": row_id,
        "field": field,
        "kept_value": json.dumps(kept_value, ensure_ascii=False),
        "kept_hlc": kept_hlc,
        "other_value": json.dumps(other_value, ensure_ascii=False),
        "other_hlc": other_hlc,
        "other_by": writer_of(other_hlc),
        "detected_at": detected_at,
    }
