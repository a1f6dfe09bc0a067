"""The synced schema as a check of values: what an op may write and what a PC can store (docs/DESIGN.md §4).

The rules come from the desktop's table definitions (desktop/schema.py SYNCED_TABLES), so the server, which checks
every op, and the client, which checks every row before it applies it, refuse the same things: an unknown table or
field, a value of the wrong type, a required (NOT NULL) field null or missing from an insert, text over the length
limit, an integer beyond 64 bits. Each check returns None when the values pass, else a short reason such as
"null:surname" (the ack `rejected:<reason>`, the quarantine's reason). Pure Python: no Qt, no database.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from desktop import schema
from sync.protocol import MAX_TEXT_CHARS

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_DEFAULT_RE = re.compile(r"\bDEFAULT\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    kind: str  # text, integer, real
    not_null: bool
    default: Any  # the column's DEFAULT, or None
    has_default: bool

    @property
    def required(self) -> bool:
        """An insert must carry it: NOT NULL and no default to fall back on."""
        return self.not_null and not self.has_default


def _column(declared: str) -> Column:
    words = declared.upper()
    kind = "integer" if words.startswith("INTEGER") else "real" if words.startswith("REAL") else "text"
    match = _DEFAULT_RE.search(declared)
    default: Any = None
    if match:
        raw = match.group(1)
        if raw.startswith("'"):
            default = raw[1:-1].replace("''", "'")
        else:
            default = float(raw) if "." in raw else int(raw)
    return Column(kind, "NOT NULL" in words, default, match is not None)


@cache
def columns(table: str) -> dict[str, Column]:
    """{field: Column} of a synced table (its own fields; the sync columns are the protocol's)."""
    return {name: _column(declared) for name, declared in schema.SYNCED_TABLES[table].fields.items()}


def value_problem(table: str, name: str, value: Any) -> str | None:
    """Why `value` cannot be stored in field `name` of `table`, or None."""
    col = columns(table).get(name)
    if col is None:
        return f"field:{name}"
    if value is None:
        return f"null:{name}" if col.not_null else None
    if col.kind == "text":
        if not isinstance(value, str):
            return f"type:{name}"
        if len(value) > MAX_TEXT_CHARS:
            return f"too_long:{name}"
        return None if _plain_text(value) else f"text:{name}"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT64_MIN <= value <= INT64_MAX else f"integer:{name}"
    if col.kind == "real" and isinstance(value, float):
        return None if math.isfinite(value) else f"type:{name}"
    return f"type:{name}"


def _plain_text(value: str) -> bool:
    """Text every database can hold: no NUL character (PostgreSQL refuses it), no lone surrogate (not UTF-8)."""
    if value.isascii():
        return "\x00" not in value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def check_fields(table: str, fields: dict[str, Any], *, whole: bool) -> str | None:
    """The reason the written fields of an op cannot be stored, or None. `whole`: they make a new row (an insert, or
    a re-sent row the server does not have), so every required field must be there."""
    if table not in schema.SYNCED_TABLES:
        return "table"
    for name, value in fields.items():
        if name in ("house_id", "deleted"):
            continue
        problem = value_problem(table, name, value)
        if problem:
            return problem
    if whole:
        for name in _required(table):
            if name not in fields:
                return f"missing:{name}"
    return None


@cache
def _required(table: str) -> tuple[str, ...]:
    """The fields an insert of `table` must carry, in column order."""
    return tuple(name for name, col in columns(table).items() if col.required)


def check_row(table: str, data: dict[str, Any]) -> str | None:
    """The reason a stored or pulled row (its field values, as the server holds them) cannot be stored on a PC."""
    if table not in schema.SYNCED_TABLES:
        return "table"
    unknown = sorted(set(data) - set(columns(table)))
    if unknown:
        return f"field:{unknown[0]}"
    return check_fields(table, data, whole=True)


def storable(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """Every field of the table with a value a PC can store: missing fields take their column default (None when
    the column has none). A row that passed check_row gives exactly its own values back."""
    out = {}
    for name, col in columns(table).items():
        value = data.get(name)
        out[name] = col.default if value is None and col.not_null else value
    return out


def repaired(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """The row's values with each one that fails the check replaced by a blank the PCs can store (the column's
    default, or '' / 0 for a required field, else null); unknown fields are dropped. Used for an administrator's
    tombstone of a bad row, so the deletion itself can be applied everywhere."""
    out = {}
    for name, col in columns(table).items():
        value = data.get(name)
        if name in data and value_problem(table, name, value) is None:
            out[name] = value
        elif col.not_null:
            out[name] = col.default if col.has_default else ("" if col.kind == "text" else 0)
        elif name in data:
            out[name] = None
    return out
