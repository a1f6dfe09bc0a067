"""The merge rules, shared word for word by the server and the client (docs/DESIGN.md §4).

Per field, the higher HLC stamp wins (stamps are strings that sort in time order; the device suffix breaks ties).
A write is *concurrent* with another when its author had not seen the other one: the other was written by a
different device, at a server seq after the author's cursor. Concurrent writes of different values to the same field
(or an edit against a delete) are conflicts: the loser is kept for a person to review, never silently dropped.

`merge_fields` is the one merge loop: the server runs it with an op against its stored row, the client with its
unacknowledged local fields against the server's row. Which side checks edit against delete, and when, differs
(each looks from its own side); the conflict each records is built here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from desktop.schema import PERSONAL_FIELDS
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


def name_authors(records: list[dict], *authors: str | None) -> list[dict]:
    """Puts the account in each conflict's `other_by` (the device of the losing stamp): the first of `authors`
    ("<account id>@<device id>" stamps, e.g. the op's and the stored row's) written on that device. Records are
    changed in place and returned."""
    for record in records:
        for author in authors:
            if author and "@" in author and author.rpartition("@")[2] == record["other_by"]:
                record["other_by"] = author
                break
    return records


def merge_fields(
    table: str,
    row_id: str,
    mine: dict[str, tuple[Any, str]],
    theirs: dict[str, tuple[Any, str | None, int | None]],
    author: str,
    cursor: int,
    now_iso: str,
) -> tuple[list[str], list[dict]]:
    """The one merge loop. `mine` holds the writes being merged, {field: (value, stamp)}, made by `author` having
    seen up to server seq `cursor`; `theirs` the other side's {field: (value, stamp, server seq)} of the same
    fields. Per field, the higher stamp wins; when the other write was concurrent (unseen by `author`) and the
    values differ, the loser is recorded (the side that lost its own write records it only if that write was
    really `author`'s). Returns the fields `mine` wins, in order, and the conflict records."""
    won: list[str] = []
    found: list[dict] = []
    for name, (value, stamp) in mine.items():
        other_value, other_stamp, other_seq = theirs[name]
        concurrent = unseen_foreign(other_stamp, other_seq, author, cursor)
        differs = not same_value(value, other_value)
        if wins(stamp, other_stamp):
            won.append(name)
            if concurrent and differs:
                found.append(
                    conflict_record(table, row_id, name, value, stamp, other_value, other_stamp, now_iso)
                )
        elif concurrent and differs and writer_of(stamp) == author:
            found.append(
                conflict_record(table, row_id, name, other_value, other_stamp, value, stamp, now_iso)
            )
    return won, found


def keep_erased(table: str, values: dict, found: list[dict]) -> list[dict]:
    """Never resurrected: once a row's `erased_on` is set (on either side, it merges like any field), its
    personal fields are blank whatever stamp another PC's edit carries, and no conflict keeps an erased value for
    review. Blanks `values` in place; returns the conflicts that may be kept."""
    blanks = PERSONAL_FIELDS.get(table)
    if not blanks or not values.get("erased_on"):
        return found
    values.update(blanks)
    return [c for c in found if c["field"] not in blanks and c["field"] != "deleted"]


def edit_against_delete(
    table: str, row_id: str, delete_stamp: str | None, edits: Any, edit_stamp: str | None, now_iso: str
) -> dict:
    """An edit that never saw the row's deletion: the deletion is kept, the edit shown for review."""
    return conflict_record(table, row_id, "deleted", 1, delete_stamp, edits, edit_stamp, now_iso)


def delete_against_edits(
    table: str,
    row_id: str,
    delete_stamp: str | None,
    values: dict,
    field_hlc: dict,
    field_seq: dict,
    author: str,
    cursor: int,
    now_iso: str,
) -> dict | None:
    """A deletion by `author` made without having seen some edits of the row: the edits (values of the fields
    whose stamps in `field_hlc` / seqs in `field_seq` are foreign and after `cursor`) are shown for review."""
    edited = {
        f: values.get(f)
        for f, s in field_hlc.items()
        if f != "deleted" and unseen_foreign(s, field_seq.get(f), author, cursor)
    }
    if not edited:
        return None
    newest = max(field_hlc[f] for f in edited)
    return conflict_record(table, row_id, "deleted", 1, delete_stamp, edited, newest, now_iso)
