"""Generated inputs for the server's endpoints (Hypothesis strategies), shared by tests/sync/test_fuzz_server.py
and bench/fuzz_sync.py.

Each input is a `Probe`: an HTTP request (method, path, body, headers, query). The generators start from what a
real PC sends (a well-formed sync request with ops, an enrolment request, a signed sync file) and bend it: wrong
types, unknown tables and fields, out-of-range numbers, huge or deep JSON written as raw bytes, truncated or lying
gzip, garbage. `Fuzzer` posts probes to a live server and counts 5xx answers and refused inputs that changed the
database.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa
from hypothesis import strategies as st

from desktop.schema import SCHEMA_VERSION
from sync import protocol, sealed
from sync.server.store import ServerStore, applied_ops, devices, records

TABLES = [
    "people",
    "events",
    "event_attendance",
    "monthly_reports",
    "volunteers",
    "houses",
    "regions",
    "audit_log",
]
FIELDS = [
    "surname",
    "name",
    "iin",
    "phone",
    "house_id",
    "deleted",
    "birth_date",
    "payload",
    "month",
    "status",
]
# Raw JSON that json.dumps cannot write, or that a decoder must refuse without falling over.
RAW_VALUES = [
    b"9" * 5000,
    b"-" + b"9" * 25,
    b"18446744073709551616",
    b"9223372036854775808",
    b"1e999",
    b"-1e999",
    b"NaN",
    b"Infinity",
    b"[" * 40 + b"]" * 40,
    b"[" * 2000 + b"]" * 2000,
    b'{"a":' * 50 + b"1" + b"}" * 50,
    b'"\\ud800"',
    b'"\xff\xfe"',
    b"0.1e-999999",
]
MARK = "\u0000raw\u0000"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**19, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", '=HYPERLINK("x")', "900101300123", "x" * 5000, MARK]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz_0123456789"
_ID_CHARS = _NAME_CHARS + "ABCXYZ.:-"
names = st.sampled_from(FIELDS) | st.text(_NAME_CHARS, min_size=1, max_size=64) | st.text(max_size=12)
ids = st.sampled_from(["r1", "r2", "p-1", "KZ-71", "KZ-71-01"]) | st.text(_ID_CHARS, min_size=1, max_size=81)
devices_ = st.sampled_from(["fuzzpc", "otherpc", "central"]) | st.text(_ID_CHARS, max_size=65)


@dataclass
class Probe:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def _one_in(rnd: random.Random, n: int) -> bool:
    """True about once in n calls. Shape decisions come from a seeded Random that Hypothesis hands each probe:
    its own choices lean on purpose towards repeats and edges, which would skew the mix of probes."""
    return rnd.randrange(n) == 0


def _stamp(ms: int, counter: int, device: str) -> str:
    return f"{ms:013d}-{counter:04x}-{device}"


def dumps_with_raw(obj, raw: list[bytes]) -> bytes:
    """JSON of `obj`, each MARK string replaced by the next raw value (or kept as text when none is left)."""
    text = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    pieces = text.split(json.dumps(MARK).encode())
    out = pieces[0]
    for piece, value in zip(pieces[1:], itertools.cycle(raw or [b'"x"']), strict=False):
        out += value + piece
    return out


@st.composite
def ops(draw, device: str, fresh_id: Callable[[], str]) -> dict:
    """Three in four well-formed (a real table, kind and stamp, known field names), the rest anything."""
    rnd = draw(st.randoms(use_true_random=True))
    if not _one_in(rnd, 4):
        op: dict = {
            "op_id": fresh_id(),
            "table": draw(st.sampled_from(TABLES)),
            "row_id": draw(st.sampled_from(["r1", "r2", "r3"]) | st.builds(lambda: fresh_id())),
            "kind": draw(st.sampled_from(["insert", "update", "delete", "replay"])),
            "fields": draw(st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=5)),
            "hlc": _stamp(
                draw(st.integers(1_700_000_000_000, 1_900_000_000_000)), draw(st.integers(0, 9)), device
            ),
        }
        return op
    op = {
        "op_id": draw(ids),
        "table": draw(st.sampled_from(TABLES) | st.text(max_size=10)),
        "row_id": draw(ids),
        "kind": draw(st.sampled_from(["insert", "update", "delete", "replay", "upsert", ""])),
        "fields": draw(st.dictionaries(names, scalars, max_size=6)),
        "hlc": draw(
            st.builds(_stamp, st.integers(0, 9_999_999_999_999), st.integers(0, 0xFFFF), devices_)
            | st.text(max_size=20)
        ),
    }
    if draw(st.booleans()):
        op["field_hlc"] = draw(st.dictionaries(names, st.text(max_size=30), max_size=3))
    if draw(st.booleans()):
        op["by"] = draw(st.sampled_from(["", "acc-1@" + device, "x" * 150]) | st.text(max_size=20))
    if _one_in(rnd, 10):
        op[draw(st.text(max_size=8))] = draw(json_values)
    return op


def _bend(draw, rnd: random.Random, message: dict) -> dict:
    """Drops, replaces or adds one top-level key now and then."""
    message = dict(message)
    choice = rnd.randrange(6)
    keys = sorted(message)
    if choice == 0 and keys:
        message.pop(draw(st.sampled_from(keys)))
    elif choice == 1 and keys:
        message[draw(st.sampled_from(keys))] = draw(json_values)
    elif choice == 2:
        message[draw(st.text(max_size=10))] = draw(json_values)
    return message


@st.composite
def _wire(draw, obj, gzip_ok: bool = True) -> tuple[bytes, dict[str, str]]:
    """The JSON bytes (raw values spliced in), maybe gzipped, maybe mangled, and the headers saying so."""
    rnd = draw(st.randoms(use_true_random=True))
    raw = draw(st.lists(st.sampled_from(RAW_VALUES), max_size=2))
    body = dumps_with_raw(obj, raw) if not isinstance(obj, bytes) else obj
    mangle = rnd.randrange(10)
    if mangle == 0:
        body = body[: rnd.randrange(max(len(body), 1))]
    elif mangle == 1:
        at = rnd.randrange(len(body) + 1)
        body = body[:at] + draw(st.binary(max_size=8)) + body[at:]
    gz = gzip_ok and rnd.random() < 0.5
    headers: dict[str, str] = {"Content-Type": "application/json"}
    if gz:
        body = gzip.compress(body, mtime=0)
        if _one_in(rnd, 10):
            body = body[: len(body) // 2]  # truncated gzip
    if gz != (gzip_ok and _one_in(rnd, 10)):  # now and then the header lies
        headers["Content-Encoding"] = "gzip"
    if gzip_ok and _one_in(rnd, 20):
        headers["Content-Encoding"] = draw(st.sampled_from(["br", "deflate", "gzip, gzip", "x"]))
    return body, headers


@dataclass
class Target:
    """A live server, one device token of a house and one coordinator token, to aim the probes at."""

    url: str
    store: ServerStore
    token: str
    token_id: str
    device_id: str
    coordinator: str
    keys: dict = field(default_factory=dict)  # the PC's sync-file key pair (private halves)
    national: str = ""  # a national coordinator token
    server_box_key: str = ""
    counter: itertools.count = field(default_factory=itertools.count)

    def fresh_id(self) -> str:
        return f"fz-{next(self.counter)}"


@st.composite
def sync_probes(draw, target: Target) -> Probe:
    rnd = draw(st.randoms(use_true_random=True))
    if _one_in(rnd, 20):
        body, headers = draw(_wire(draw(st.binary(max_size=200))))
    else:
        message = {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": target.fresh_id(),
            "device_id": target.device_id,
            "schema_version": SCHEMA_VERSION,
            "cursor": draw(st.sampled_from([0, 0, 1, 10**6]) | st.integers()),
            "ops": draw(st.lists(ops(target.device_id, target.fresh_id), max_size=4)),
        }
        if draw(st.booleans()):
            message["page_bytes"] = draw(st.integers(0, 8 * 1024 * 1024))
        if _one_in(rnd, 4):
            message["check"] = draw(st.booleans())
        body, headers = draw(_wire(_bend(draw, rnd, message) if _one_in(rnd, 3) else message))
    token = rnd.choice([target.token] * 8 + ["", "x", target.coordinator])
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Probe("POST", "/v1/sync", body, headers)


@st.composite
def enrol_probes(draw, target: Target) -> Probe:
    rnd = draw(st.randoms(use_true_random=True))
    if _one_in(rnd, 10):
        body, headers = draw(_wire(draw(st.binary(max_size=200))))
    else:
        message = {
            "v": draw(st.sampled_from([protocol.PROTOCOL_VERSION] * 6 + [0, 2, "1", None])),
            "code": draw(st.sampled_from(["ABCD-EFGH-JKLM", "", "x" * 50, MARK]) | st.text(max_size=20)),
            "device_id": draw(ids | st.text(max_size=10)),
        }
        if draw(st.booleans()):
            message["label"] = draw(st.text(max_size=30) | st.just("x" * 20_000))
        body, headers = draw(_wire(_bend(draw, rnd, message)))
    return Probe("POST", "/v1/enrol", body, headers)


@st.composite
def packet_probes(draw, target: Target) -> Probe:
    rnd = draw(st.randoms(use_true_random=True))
    kind = rnd.randrange(4)
    if kind == 0:
        body = draw(st.binary(max_size=300))
    else:
        request = {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": target.fresh_id(),
            "device_id": target.device_id,
            "schema_version": SCHEMA_VERSION,
            "cursor": 0,
            "ops": draw(st.lists(ops(target.device_id, target.fresh_id), max_size=3)),
        }
        if kind == 1:  # sealed and signed with the PC's keys: the inner message is what is bent
            inner, _ = draw(_wire(_bend(draw, rnd, request) if _one_in(rnd, 3) else request, gzip_ok=False))
            body = sealed.seal(
                "request",
                target.token_id,
                target.store.now_ms(),
                gzip.compress(inner, mtime=0),
                target.keys["sign_key"],
                {sealed.SERVER: target.server_box_key},
            )
            if _one_in(rnd, 5):
                body = body[: rnd.randrange(len(body) + 1)]
        else:  # a header of any content after the magic line
            header = {
                "v": draw(st.sampled_from([2, 2, 2, 1, MARK])),
                "kind": draw(st.sampled_from(["request", "response", MARK])),
                "from": draw(st.sampled_from([target.token_id, "", "nope", MARK])),
                "created": draw(st.sampled_from([target.store.now_ms(), 0, -1, MARK]) | st.integers()),
                "eph": draw(st.sampled_from(["", "!!", MARK]) | st.builds(_b64, st.binary(max_size=40))),
                "to": draw(
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "id": st.sampled_from([sealed.SERVER, "x"]),
                                "n": st.text(max_size=16),
                                "k": st.text(max_size=64),
                            }
                        ),
                        max_size=3,
                    )
                    | st.just(MARK)
                ),
            }
            raw, _ = draw(_wire(_bend(draw, rnd, header), gzip_ok=False))
            body = sealed.MAGIC + raw.replace(b"\n", b" ") + b"\n" + draw(st.binary(max_size=200))
    return Probe("POST", "/v1/packet", body, {"Content-Type": "application/octet-stream"})


@st.composite
def report_probes(draw, target: Target) -> Probe:
    rnd = draw(st.randoms(use_true_random=True))
    path = draw(st.sampled_from(["/v1/reports", "/v1/reports/rollup"]))
    params = draw(
        st.dictionaries(
            st.sampled_from(["month", "format", "lang", "x"]),
            st.sampled_from(["2026-10", "2026-13", "", "xlsx", "csv", "kk", "ru", "../../etc"])
            | st.text(max_size=12),
            max_size=3,
        )
    )
    if (
        path.endswith("rollup")
        and params.get("month") == "2026-10"
        and params.get("format", "xlsx") == "xlsx"
    ):
        params["format"] = (
            "csv"  # a real roll-up is built for a valid month: the cheapest format keeps it quick
        )
    token = rnd.choice([target.coordinator, target.coordinator, target.token, "", "x"])
    return Probe("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {}, params=params)


@st.composite
def national_probes(draw, target: Target) -> Probe:
    """The national coordinator's endpoints: queries checked against their schema after the token."""
    rnd = draw(st.randoms(use_true_random=True))
    path = draw(st.sampled_from(["/v1/reports/national", "/v1/reports/national/rollup"]))
    params = draw(
        st.dictionaries(
            st.sampled_from(["month", "format", "lang", "region", "x"]),
            st.sampled_from(
                ["2026-10", "2026-13", "0000-01", "9999-12", "", "csv", "hxl", "both", "kk", "../x"]
            )
            | st.text(max_size=12),
            max_size=3,
        )
    )
    if path.endswith("rollup") and params.get("format", "xlsx") == "xlsx":
        params["format"] = "csv"  # the cheapest format keeps a real roll-up quick
    token = rnd.choice([target.national, target.national, target.coordinator, target.token, "", "x"])
    return Probe("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {}, params=params)


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


ENDPOINTS: dict[str, Callable[[Target], st.SearchStrategy[Probe]]] = {
    "sync": sync_probes,
    "enrol": enrol_probes,
    "packet": packet_probes,
    "reports": report_probes,
    "national": national_probes,
}


def digest(store: ServerStore) -> str:
    """The state a refused input must leave alone: every row of records, applied_ops and devices."""
    h = hashlib.sha256()
    with store.engine.connect() as conn:
        for table in (records, applied_ops, devices):
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode("utf-8"))
    return h.hexdigest()


@dataclass
class Tally:
    inputs: int = 0
    answers_5xx: int = 0
    changed_after_refusal: int = 0
    status: dict[int, int] = field(default_factory=dict)
    examples_5xx: list[str] = field(default_factory=list)


class Fuzzer:
    """Sends probes to the target and tallies them per endpoint."""

    def __init__(self, target: Target):
        self.target = target
        self.session = requests.Session()
        self.tally: dict[str, Tally] = {name: Tally() for name in ENDPOINTS}
        self._last = digest(target.store)  # nothing but these probes writes to the target's database

    def send(self, name: str, probe: Probe) -> int:
        before = self._last
        resp = self.session.request(
            probe.method,
            self.target.url + probe.path,
            data=probe.body or None,
            headers=probe.headers,
            params=probe.params,
            timeout=60,
        )
        tally = self.tally[name]
        tally.inputs += 1
        tally.status[resp.status_code] = tally.status.get(resp.status_code, 0) + 1
        if resp.status_code >= 500:
            tally.answers_5xx += 1
            if len(tally.examples_5xx) < 5:
                tally.examples_5xx.append(f"{probe.path} {probe.body[:200]!r} → {resp.status_code}")
        self._last = digest(self.target.store)
        if 400 <= resp.status_code < 500 and self._last != before:
            tally.changed_after_refusal += 1
        return resp.status_code

    def close(self) -> None:
        self.session.close()


def make_target(url: str, store: ServerStore, house: str = "KZ-71-01") -> Target:
    device_id = "fuzzpc"
    token, token_id, _ = store.enrol(store.new_enrol_code(house), device_id, "fuzz")
    coordinator, _ = store.add_coordinator(house.rsplit("-", 1)[0], "fuzz")
    national, _ = store.add_national_coordinator("fuzz")
    keys = sealed.new_keys()
    public = sealed.public_keys(keys)
    store.set_device_keys(store.principal_by_id(token_id)[0], public["sign_key"], public["box_key"])
    server_box = store.file_public_keys()["box_key"]
    return Target(
        url,
        store,
        token,
        token_id,
        device_id,
        coordinator,
        keys=keys,
        server_box_key=server_box,
        national=national,
    )
