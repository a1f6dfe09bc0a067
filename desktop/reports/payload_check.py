"""The summary schema a submitted monthly report must follow: aggregates only.

The server checks every submitted payload with `payload_problem` before storing it, and the roll-up checks every
stored one again before summing it, so a payload that is not a plain house summary never reaches a coordinator
and never breaks a roll-up. A payload is refused when it has a key the schema does not know, a figure that is not
a number, free text where a code belongs, text longer than a label, a value shaped like an IIN or a phone number
anywhere, a house other than the submitting one, or a month that is not a valid YYYY-MM.

Labels (the kk/ru names of programmes, categories, event kinds, items and units, the house's own names) are the
only text; they are checked for IIN- and phone-shaped numbers like everything else.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from desktop.reports.summary import PAYLOAD_SCHEMA, SERIES_KEYS

MONTH_RE = re.compile(r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
HOUSE_RE = re.compile(r"^[A-Z]{2}-[0-9A-Z]{1,4}(-[0-9A-Za-z]{1,8})?$")
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)?)?$")
# Ten digits or more, possibly split by spaces, dashes, dots or brackets: an IIN, a BIN or a phone number.
_LONG_NUMBER = re.compile(r"\d(?:[\s\-().]{0,2}\d){9,}")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

MAX_PAYLOAD_BYTES = 512 * 1024
MAX_LABEL = 200
MAX_CODES = 2000  # entries of one breakdown (programmes, items, …)
# A house's month never comes near a billion of anything; a bigger "figure" could be an IIN or a phone number.
MAX_FIGURE = 10**9

NUM = "num"


class _Map:
    """A breakdown: code → the same shape for every code."""

    def __init__(self, shape: Any) -> None:
        self.shape = shape


_REACHED = {k: NUM for k in ("total", "women", "men", "children", "elderly")}
_REACH = {
    "entries": NUM,
    "people": NUM,
    "households": NUM,
    "quantity": NUM,
    "reached": _REACHED,
    "anonymous": NUM,
}
FIGURES = {
    "events": {
        "held": NUM,
        "cancelled": NUM,
        "by_kind": _Map(NUM),
        "attendance": _REACHED,
        "performances": NUM,
        "groups_performing": NUM,
        "associations_involved": NUM,
    },
    "volunteers": {"active": NUM, "new": NUM, "minutes": NUM},
    "aid": dict(_REACH, by_programme=_Map(_REACH), by_category=_Map(_REACH), items=_Map(NUM)),
    "donations": {"count": NUM, "value_kzt": NUM, "items": _Map(NUM)},
    "stock": _Map(NUM),
    "groups": {"creative_groups": NUM, "associations": NUM},
}
NAME_TABLES = ("programmes", "categories", "kinds", "items", "units")
TOP_KEYS = {
    "month",
    "org",
    "current",
    "previous",
    "year_ago",
    "series",
    "names",
    "houses",
    "partial",
    "houses_missing",
    "generated_at",
    "schema",
}


class PayloadProblem(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def personal_shaped(text: str) -> bool:
    """True when `text` holds a number shaped like an IIN, a BIN or a phone number (ten digits or more)."""
    return bool(_LONG_NUMBER.search(text))


def code_personal(code: str) -> bool:
    """A code holding an IIN- or phone-shaped number. Row ids (UUIDs, whose hex is full of digits) are the app's
    own and pass; a figure cannot hold such a number either (MAX_FIGURE)."""
    return not UUID_RE.match(code) and personal_shaped(code)


def _code(value: Any) -> str:
    if not isinstance(value, str) or not CODE_RE.match(value):
        raise PayloadProblem("code")
    if code_personal(value):
        raise PayloadProblem("personal")
    return value


def _label(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) > MAX_LABEL:
        raise PayloadProblem("text")
    if personal_shaped(value):
        raise PayloadProblem("personal")


def _number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PayloadProblem("figure")
    if isinstance(value, float) and not math.isfinite(value):
        raise PayloadProblem("figure")
    if abs(value) > MAX_FIGURE:
        raise PayloadProblem("figure")


def _shape(value: Any, shape: Any, complete: bool = False) -> None:
    """`value` follows `shape`. The month's blocks may leave figures out (the roll-up starts from zeros), but an
    entry of a breakdown has every figure of its shape (`complete`), as the renderers read them all."""
    if shape == NUM:
        _number(value)
    elif isinstance(shape, _Map):
        if not isinstance(value, dict) or len(value) > MAX_CODES:
            raise PayloadProblem("shape")
        for code, inner in value.items():
            _code(code)
            _shape(inner, shape.shape, True)
    else:
        if not isinstance(value, dict):
            raise PayloadProblem("shape")
        for key, inner in value.items():
            if key not in shape:
                raise PayloadProblem("key")
            _shape(inner, shape[key], complete)
        if complete and set(value) != set(shape):
            raise PayloadProblem("shape")


def _month(value: Any) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value):
        raise PayloadProblem("month")
    return value


def check_payload(
    payload: Any, *, house: str, month: str | None = None, latest_month: str | None = None
) -> dict:
    """The payload as a dict when it is a plain summary of `house` (the submitting token's house) for `month`, not
    after `latest_month`; raises PayloadProblem with a short reason code otherwise."""
    if isinstance(payload, (str, bytes)):
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise PayloadProblem("too_large")
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError):
            raise PayloadProblem("json") from None
    if not isinstance(payload, dict):
        raise PayloadProblem("shape")
    if set(payload) - TOP_KEYS:
        raise PayloadProblem("key")
    own = _month(payload.get("month"))
    if month is not None and own != month:
        raise PayloadProblem("month")
    if latest_month is not None and own > latest_month:
        raise PayloadProblem("future")
    schema = payload.get("schema", PAYLOAD_SCHEMA)
    if isinstance(schema, bool) or schema != PAYLOAD_SCHEMA:
        raise PayloadProblem("schema")
    org = payload.get("org", {})
    if not isinstance(org, dict) or set(org) - {"code", "name_kk", "name_ru", "region_code"}:
        raise PayloadProblem("key")
    if org.get("code", house) != house:
        raise PayloadProblem("house")
    _label(org.get("name_kk"))
    _label(org.get("name_ru"))
    if org.get("region_code") not in (None, ""):
        _code(org.get("region_code"))
    if payload.get("houses", [house]) != [house] or payload.get("houses_missing", []) != []:
        raise PayloadProblem("house")
    for part in ("current", "previous", "year_ago"):
        if part in payload:
            _shape(payload[part], FIGURES)
    series = payload.get("series", [])
    if not isinstance(series, list) or len(series) > 24:
        raise PayloadProblem("shape")
    for point in series:
        if not isinstance(point, dict) or set(point) - {"month", *SERIES_KEYS}:
            raise PayloadProblem("key")
        _month(point.get("month"))
        for key in SERIES_KEYS:
            if key in point:
                _number(point[key])
    names = payload.get("names", {})
    if not isinstance(names, dict) or set(names) - set(NAME_TABLES):
        raise PayloadProblem("key")
    for entries in names.values():
        if not isinstance(entries, dict) or len(entries) > MAX_CODES:
            raise PayloadProblem("shape")
        for code, labels in entries.items():
            _code(code)
            # [kk, ru] or, for an item, [kk, ru, unit kk, unit ru] (an item may have no unit).
            if not isinstance(labels, list) or len(labels) not in (2, 4):
                raise PayloadProblem("shape")
            if not all(isinstance(text, str) for text in labels[:2]):
                raise PayloadProblem("text")
            for text in labels:
                _label(text)
    if not isinstance(payload.get("partial", False), bool):
        raise PayloadProblem("shape")
    stamp = payload.get("generated_at", "")
    if not isinstance(stamp, str) or (stamp and not STAMP_RE.match(stamp)):
        raise PayloadProblem("shape")
    return payload


def payload_problem(payload: Any, **kwargs) -> str | None:
    """check_payload's reason code, or None for a good payload."""
    try:
        check_payload(payload, **kwargs)
    except PayloadProblem as exc:
        return exc.reason
    return None
