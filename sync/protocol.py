"""The sync protocol shared by the desktop client and the server (docs/DESIGN.md §4).

One exchange is one POST of a gzip JSON `SyncRequest`; the answer is a gzip JSON `SyncResponse`. The same messages
travel as sealed sync files when no link exists (sneakernet, sync.sealed). Pure Python: no Qt, no HTTP, no database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import zlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PROTOCOL_VERSION = 1

# Limits that keep a single request bounded on both sides.
MAX_BODY_BYTES = 8 * 1024 * 1024  # compressed request body
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # after gunzip (guards against gzip bombs)
MAX_ENROL_BYTES = 16 * 1024  # an enrolment request, on the wire and after gunzip
# What a message from outside may hold (decode_untrusted): a deeper nesting, a longer integer, more values, or a
# NaN/Infinity is refused as malformed before any model sees it.
MAX_JSON_DEPTH = 32
# Far more than any 64-bit integer (20 digits): a wider one reaches the schema check and is refused per op, while
# thousands of digits (slow to parse) refuse the whole body.
MAX_INT_DIGITS = 40
MAX_JSON_VALUES = 2_500_000  # a full request of 5000 ops of 200 stamped fields fits
MAX_OPS_PER_REQUEST = 5000
MAX_TEXT_CHARS = 100_000
DEFAULT_PAGE_BYTES = 64 * 1024
MIN_PAGE_BYTES = 4 * 1024
MAX_PAGE_BYTES = 4 * 1024 * 1024

STAMP_RE = re.compile(r"^\d{13}-[0-9a-f]{4}-[A-Za-z0-9_.]{1,64}$")
ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
AUTHOR_RE = re.compile(r"^([A-Za-z0-9_.:-]{1,80}@)?[A-Za-z0-9_.]{0,64}$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

Scalar = str | int | float | bool | None

# Ack results. A rejected op carries a reason after a colon, e.g. "rejected:house".
APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"


class ProtocolError(ValueError):
    """A message that does not follow the protocol. `code` is a stable machine word for the HTTP error body."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class Op(BaseModel):
    """One outbox entry: a write made on a device."""

    model_config = ConfigDict(extra="forbid")
    op_id: str = Field(pattern=ID_RE.pattern)
    table: str = Field(pattern=NAME_RE.pattern)
    row_id: str = Field(pattern=ID_RE.pattern)
    # "replay": a whole row re-sent from a PC after the server lost it (restored backup), with its field stamps.
    kind: Literal["insert", "update", "delete", "replay"]
    fields: dict[str, Scalar]
    hlc: str = Field(pattern=STAMP_RE.pattern)
    created_at: str = Field(default="", max_length=40)
    field_hlc: dict[str, str] | None = None
    # Who wrote it: "<account id>@<device id>" (desktop Store.author); empty from a PC that sends no author.
    by: str = Field(default="", pattern=AUTHOR_RE.pattern)

    @field_validator("field_hlc")
    @classmethod
    def _stamps_ok(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None:
            if len(value) > 200:
                raise ValueError("too many fields")
            for name, stamp in value.items():
                if not NAME_RE.match(name) or not STAMP_RE.match(stamp):
                    raise ValueError(f"bad field stamp for {name!r}")
        return value

    @field_validator("fields")
    @classmethod
    def _fields_ok(cls, value: dict[str, Scalar]) -> dict[str, Scalar]:
        if len(value) > 200:
            raise ValueError("too many fields")
        for name, item in value.items():
            if not NAME_RE.match(name):
                raise ValueError(f"bad field name {name!r}")
            if isinstance(item, str) and len(item) > MAX_TEXT_CHARS:
                raise ValueError(f"field {name} is too long")
        return value


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: int
    request_id: str = Field(pattern=ID_RE.pattern)  # a fresh nonce per attempt: a replayed request is refused
    device_id: str = Field(pattern=ID_RE.pattern)
    schema_version: int = Field(ge=1)
    cursor: int = Field(ge=0)
    # The cursor of the device's last complete catch-up (an answer with more=false): every field write at a seq up
    # to it has reached the device. Mid catch-up the cursor alone does not say that: a row is sent at its newest
    # seq, so one written before the cursor may still be on a later page. Absent: equal to cursor.
    known: int | None = Field(default=None, ge=0)
    page_bytes: int = Field(default=DEFAULT_PAGE_BYTES, ge=MIN_PAGE_BYTES, le=MAX_PAGE_BYTES)
    clock: str = Field(default="", max_length=100)
    epoch: str = Field(default="", max_length=40)  # the server history the cursor belongs to
    check: bool = False  # asks for per-table digests of the house's rows (integrity check)
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS_PER_REQUEST)


class SyncResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: int
    acks: dict[str, str]
    changes: list[dict[str, Any]]
    cursor: int
    more: bool
    server_time: int  # ms since the epoch, for the client's clock correction
    request_id: str = ""  # echoed, so an answer file can be matched to the request file it answers
    reset: bool = False  # the server's history restarted (restored backup): changes are from seq 0
    epoch: str = ""  # sent when it differs from the request's
    digest: dict[str, str] | None = None  # {table: "count:hash"} when asked for, on the last page


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: int
    code: str = Field(min_length=4, max_length=40)
    device_id: str = Field(pattern=ID_RE.pattern)
    label: str = Field(default="", max_length=200)
    # The PC's public keys for sync files (base64 of 32 bytes): Ed25519 to check its files, X25519 to write to it.
    sign_key: str | None = Field(default=None, max_length=64)
    box_key: str | None = Field(default=None, max_length=64)


class EnrolResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: int
    token: str
    token_id: str
    house_id: str
    server_time: int
    # The server's public keys for sync files, when the request carried the PC's.
    server_sign_key: str | None = None
    server_box_key: str | None = None


class KeysRequest(BaseModel):
    """An enrolled PC that has no sync-file keys yet sends its public keys (POST /v1/keys, with its token)."""

    model_config = ConfigDict(extra="forbid")
    v: int
    sign_key: str = Field(max_length=64)
    box_key: str = Field(max_length=64)


# ---- encoding ----------------------------------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_in_pieces(obj: Any) -> bytes:
    """The same bytes as dumps(obj), made one top-level value (and one element of a top-level list) at a time.

    The C encoder holds the interpreter lock for the whole of one call: a request of thousands of ops in one call
    would stop the app's UI thread for as long. Piece by piece, the lock changes hands between pieces."""
    if not isinstance(obj, dict):
        return dumps(obj)
    parts = []
    for key, value in obj.items():
        body = b"[" + b",".join(dumps(v) for v in value) + b"]" if isinstance(value, list) else dumps(value)
        parts.append(dumps(key) + b":" + body)
    return b"{" + b",".join(parts) + b"}"


def encode(obj: Any, level: int = 6, *, in_pieces: bool = False) -> bytes:
    """Compact JSON, gzipped (mtime 0 so equal messages give equal bytes); `in_pieces` as for dumps_in_pieces."""
    raw = dumps_in_pieces(obj) if in_pieces else dumps(obj)
    return gzip.compress(raw, compresslevel=level, mtime=0)


def inflate(data: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """gunzip with a ceiling on the output, so a small bomb cannot exhaust memory."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ProtocolError("malformed", "not gzip") from exc
    if len(out) > limit or d.unconsumed_tail:
        raise ProtocolError("too_large", "inflated body over the limit")
    if not d.eof:
        raise ProtocolError("malformed", "truncated gzip")
    return out


def _hand_over(obj: dict) -> dict:
    """The object hook of an interruptible decode: the interpreter may switch threads at each Python call."""
    return obj


def decode(
    data: bytes, gzipped: bool = True, limit: int = MAX_INFLATED_BYTES, *, interruptible: bool = False
) -> Any:
    """JSON (gunzipped first if `gzipped`). The C decoder holds the interpreter lock for the whole of one call (a
    6 MB page: about 80 ms); `interruptible` calls a Python hook per object, so other threads (the app's UI
    thread) run every few milliseconds while a big answer decodes, for about 7 % more decoding time."""
    raw = inflate(data, limit) if gzipped else data
    if len(raw) > limit:
        raise ProtocolError("too_large")
    try:
        return json.loads(raw.decode("utf-8"), object_hook=_hand_over if interruptible else None)
    except RecursionError:
        raise ProtocolError("malformed", "JSON nested too deep") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError("malformed", "not JSON") from exc
    except ValueError as exc:  # an integer of more digits than int() takes
        raise ProtocolError("malformed", "number too long") from exc


def _bounded_int(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_INT_DIGITS:
        raise ProtocolError("malformed", f"integer of more than {MAX_INT_DIGITS} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ProtocolError("malformed", "number out of range")
    return value


def _no_constant(text: str) -> None:
    raise ProtocolError("malformed", f"{text} is not a JSON number")


def _check_shape(obj: Any) -> None:
    """At most MAX_JSON_DEPTH levels and MAX_JSON_VALUES values, walked without recursion."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    values = 0
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        values += len(children)
        if depth > MAX_JSON_DEPTH:
            raise ProtocolError("malformed", f"JSON nested deeper than {MAX_JSON_DEPTH}")
        if values > MAX_JSON_VALUES:
            raise ProtocolError("malformed", f"more than {MAX_JSON_VALUES} JSON values")
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _check_text(obj: Any) -> None:
    """Every string and key is UTF-8 (a lone surrogate from a \\ud800 escape is not: it could never be stored or
    sent on)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ProtocolError("malformed", "text with a lone surrogate") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads_untrusted(raw: bytes) -> Any:
    """JSON from outside (a request, a file): limited in depth, integer length, values; NaN and Infinity refused.

    Every number and object calls a Python hook, so a thread decoding a huge body lets the others run (the
    server's event loop answers /health meanwhile). Any refusal is a ProtocolError("malformed"), never a
    RecursionError or ValueError of the decoder."""
    try:
        obj = json.loads(
            raw.decode("utf-8"),
            object_hook=_hand_over,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except ProtocolError:
        raise
    except RecursionError:
        raise ProtocolError("malformed", f"JSON nested deeper than {MAX_JSON_DEPTH}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError("malformed", "not JSON") from exc
    if isinstance(obj, (dict, list)):
        _check_shape(obj)
    if _SURROGATE_ESCAPE.search(raw):  # a surrogate escape somewhere (a pair is fine): look at every string
        _check_text(obj)
    return obj


def decode_untrusted(data: bytes, gzipped: bool = True, limit: int = MAX_INFLATED_BYTES) -> Any:
    """decode() of a message from outside: inflated to at most `limit` bytes, then loads_untrusted. Slow on
    purpose-made bodies: call it off the event loop."""
    raw = inflate(data, limit) if gzipped else data
    if len(raw) > limit:
        raise ProtocolError("too_large", f"body over {limit} bytes")
    return loads_untrusted(raw)


def check_version(obj: Any) -> None:
    if not isinstance(obj, dict):
        raise ProtocolError("malformed", "not an object")
    v = obj.get("v")
    if not isinstance(v, int):
        raise ProtocolError("malformed", "no protocol version")
    if v != PROTOCOL_VERSION:
        raise ProtocolError("protocol_version", f"client {v}, server {PROTOCOL_VERSION}")


def parse_request(obj: Any) -> SyncRequest:
    check_version(obj)
    try:
        return SyncRequest.model_validate(obj)
    except ValidationError as exc:
        raise ProtocolError("malformed", _first_error(exc)) from None


def parse_response(obj: Any) -> SyncResponse:
    check_version(obj)
    changes = obj.get("changes")
    if isinstance(changes, list) and all(type(c) is dict for c in changes):
        # Checked here in Python: pydantic-core would copy thousands of rows in one call that holds the
        # interpreter lock (30 ms for 6000), stopping the app's UI thread. sync.apply reads each row's fields.
        try:
            resp = SyncResponse.model_validate({**obj, "changes": []})
        except ValidationError as exc:
            raise ProtocolError("malformed", _first_error(exc)) from None
        resp.changes = changes
        return resp
    try:
        return SyncResponse.model_validate(obj)
    except ValidationError as exc:
        raise ProtocolError("malformed", _first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"[:300]


# ---- tokens ------------------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What the server stores instead of a token. Tokens are 256-bit random, so a plain SHA-256 is enough."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- sync files (sneakernet) -------------------------------------------------------------------------------------

# A request or answer file, or an enrolment file, on disk (checked with os.stat before it is read).
MAX_FILE_BYTES = 16 * 1024 * 1024
# A request file older than this (by the time inside its signed header, against the server's clock) is refused.
# With the allowance below it stays under the server's memory of request ids (30 days), so a file is refused as
# too old before its request id is forgotten: a repeat is always known as one.
FILE_MAX_AGE_DAYS = 28
# How far ahead of the server's clock a file may be dated (a PC clock a little fast).
FILE_MAX_AHEAD_MS = 86400 * 1000
# The "kind" of an enrolment file (JSON: house, one-time code, the server's public keys; `dostyq-server enrol-file`).
ENROL_FILE_KIND = "dostyq-enrol-file"


def field_maps(change: dict) -> tuple[dict[str, str], dict[str, int]]:
    """The per-field stamps and seqs of a change row, filling in what the server left out as implied."""
    field_hlc = change.get("field_hlc")
    if field_hlc is None:
        field_hlc = {name: change["hlc"] for name in change.get("data") or {}} if change.get("hlc") else {}
    field_seq = change.get("field_seq")
    if field_seq is None:
        field_seq = {name: change.get("seq", 0) for name in field_hlc}
    return field_hlc, field_seq


def table_digest(rows) -> str:
    """Count and hash of a table's live rows, from (id, hlc, deleted) tuples in any order; computed the same way on
    the server and on a PC, so equal digests mean equal rows. Tombstones are left out: the server purges them once
    every PC has seen them (sync/server/horizon.py) while the PCs keep theirs, and a row live on one side only
    still shows."""
    lines = sorted(f"{row_id}\t{hlc}\t0\n" for row_id, hlc, deleted in rows if not deleted)
    digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:16]
    return f"{len(lines)}:{digest}"


def writer_of(stamp: str | None) -> str:
    """The device part of an HLC stamp."""
    return stamp.split("-", 2)[2] if stamp and stamp.count("-") >= 2 else ""
