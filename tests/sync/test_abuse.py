"""Unauthenticated and authenticated abuse of the server: bombs, deep or huge JSON, code guessing, a stalled loop.

Real uvicorn on a free loopback port, on SQLite and PostgreSQL; every refusal is a 4xx and changes nothing.
"""

from __future__ import annotations

import gzip
import http.client
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests

from desktop.store import Store
from sync import errors, protocol, sealed
from sync.client import SyncClient
from sync.server.limits import Rate, RateLimiter
from sync.server.store import ServerStore
from tests.sync.conftest import HOUSE_A
from tests.sync.test_security import _state

DEEP = b"[" * 1000 + b"]" * 1000
HUGE_INT = b"9" * 5000
GZ = {"Content-Encoding": "gzip"}


def _post(server, path, body: bytes, token: str | None = None, **headers) -> requests.Response:
    h = {"Content-Type": "application/json", **headers}
    if token:
        h["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + path, data=body, headers=h, timeout=30)


def _enrol_body(code: str = "ABCD-EFGH-JKLM", **extra) -> bytes:
    return json.dumps({"v": protocol.PROTOCOL_VERSION, "code": code, "device_id": "pc-x", **extra}).encode()


def _refused(r: requests.Response, status: int, code: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.json()["error"] == code


def test_enrol_gzip_bomb_is_refused_before_inflating(server):
    before = _state(server)
    bomb = gzip.compress(b" " * (60 * 1024 * 1024), compresslevel=9)
    assert 50 * 1024 < len(bomb) < 64 * 1024  # about 59 KiB on the wire
    started = time.monotonic()
    _refused(_post(server, "/v1/enrol", bomb, **GZ), 413, "too_large")
    assert time.monotonic() - started < 0.5
    # Small on the wire, over 16 KiB inflated: refused without inflating more than the limit.
    small = gzip.compress(_enrol_body(label="x" * 40_000))
    assert len(small) < 2048
    _refused(_post(server, "/v1/enrol", small, **GZ), 413, "too_large")
    _refused(_post(server, "/v1/enrol", _enrol_body(label="x" * 20_000)), 413, "too_large")
    assert _state(server) == before


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize(
    "payload", ["deep", "huge_int", "deep_in_field", "huge_int_in_field", "nan", "lone_surrogate"]
)
def test_deep_or_huge_json_is_400_on_every_endpoint(make_client, server, payload, gzipped):
    a, ca = make_client()
    token = ca.state("token")
    good = ca.build_request()
    op = {"op_id": "o1", "table": "people", "row_id": "r1", "kind": "insert", "hlc": a.clock.now()}
    raw_field = {
        "deep": None,
        "huge_int": None,
        "deep_in_field": b"[" * 100 + b"1" + b"]" * 100,
        "huge_int_in_field": HUGE_INT,
        "nan": b"NaN",
        "lone_surrogate": b'"\\ud800"',
    }[payload]

    def with_field(obj: dict, key: str) -> bytes:
        """obj as JSON with `key` holding the raw payload (json.dumps cannot write a 5000-digit int)."""
        text = json.dumps({**obj, key: "@@"}).encode()
        return text.replace(b'"@@"', raw_field)

    if raw_field is None:
        whole = DEEP if payload == "deep" else HUGE_INT
        bodies = {"/v1/enrol": whole, "/v1/sync": whole, "/v1/packet": whole}
    else:
        sync_body = json.dumps(dict(good, ops=[dict(op, fields={"surname": "@@"})])).encode()
        bodies = {
            "/v1/enrol": with_field({"v": protocol.PROTOCOL_VERSION, "code": "ABCD-EFGH"}, "device_id"),
            "/v1/sync": sync_body.replace(b'"@@"', raw_field),
            "/v1/packet": sealed.MAGIC + with_field({"v": 2, "kind": "request"}, "from") + b"\n" + bytes(100),
        }
    before = _state(server)
    for path, body in bodies.items():
        if gzipped and path != "/v1/packet":
            r = _post(server, path, gzip.compress(body), token if path == "/v1/sync" else None, **GZ)
        else:
            r = _post(server, path, body, token if path == "/v1/sync" else None)
        _refused(r, 400, "malformed")
    assert _state(server) == before
    assert requests.get(server.url + "/health", timeout=5).status_code == 200


def test_bad_query_parameters_get_the_error_body(server):
    token, _ = server.store.add_coordinator("KZ-71")
    auth = {"Authorization": f"Bearer {token}"}
    for params in ({}, {"month": "2026-10", "x": "1", "format": ["csv", "pdf"]}):
        r = requests.get(server.url + "/v1/reports/rollup", params=params, headers=auth, timeout=10)
        if params:
            assert r.status_code == 200  # unknown and repeated parameters are not an error
            continue
        _refused(r, 400, "malformed")
        assert "month" in r.json()["detail"]


def _from(server, source: str, path: str, body: bytes = b"{}") -> tuple[int, dict, dict]:
    """POST from a chosen loopback address (the whole 127/8 reaches a server on 127.0.0.1)."""
    host = urlsplit(server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_enrol_code_guessing_gets_429_with_retry_after(server, clock, tmp_path):
    before = _state(server)
    answers = [_from(server, "127.0.0.1", "/v1/enrol", _enrol_body(f"GUESS-{i:04d}"))[0] for i in range(30)]
    refused = [s for s in answers if s == 429]
    assert answers[0] == 400 and len(refused) >= 20, answers
    status, headers, body = _from(server, "127.0.0.1", "/v1/enrol", _enrol_body("GUESS-LAST"))
    assert status == 429 and body["error"] == "rate_limited"
    wait = int(headers["retry-after"])
    assert 1 <= wait <= 60
    # Even the right code waits: a guesser cannot tell a hit from a miss while refused. The PC says how long.
    code = server.store.new_enrol_code("KZ-71-01")
    pc = Store(tmp_path / "pc.sqlite")
    with pytest.raises(errors.TooManyRequests) as err:
        SyncClient.enrol(pc, server.url, code)
    assert f"{wait} s" in err.value.message
    # Another address is not held up by this one.
    assert _from(server, "127.0.0.2", "/v1/enrol", _enrol_body("OTHER-ADDR"))[0] == 400
    # Once the wait is over, the address may try again.
    clock.advance(wait)
    SyncClient.enrol(pc, server.url, code)
    assert pc.get_meta("house_id") == "KZ-71-01"
    pc.close()
    assert _state(server)[1:] == before[1:]  # no row, op or request from the refused attempts


def test_packet_flood_gets_429_with_retry_after(server, clock):
    answers = [_from(server, "127.0.0.1", "/v1/packet", b"not a packet")[0] for i in range(100)]
    assert answers[0] == 400 and answers[-1] == 429, answers
    status, headers, body = _from(server, "127.0.0.1", "/v1/packet", b"not a packet")
    assert status == 429 and body["error"] == "rate_limited" and int(headers["retry-after"]) >= 1
    clock.advance(int(headers["retry-after"]))
    assert _from(server, "127.0.0.1", "/v1/packet", b"not a packet")[0] == 400


# The server of the /health check runs in a process of its own: in this one, a decoder that holds the interpreter
# lock would stop the test's own clock as well as the server's loop.
_SERVE = """
import sys, threading
import uvicorn
from sync.server.app import create_app
from sync.server.limits import Rate, RateLimiter
from sync.server.store import ServerStore
server = uvicorn.Server(uvicorn.Config(create_app(ServerStore(sys.argv[1])), host="127.0.0.1", port=0,
                                       log_level="warning"))
threading.Thread(target=lambda: (sys.stdin.read(), setattr(server, "should_exit", True)), daemon=True).start()
thread = threading.Thread(target=server.run)
thread.start()
while not server.started and thread.is_alive():
    thread.join(0.01)
print(server.servers[0].sockets[0].getsockname()[1], flush=True)
thread.join()
"""


@pytest.fixture
def own_process(tmp_path):
    """A server in a process of its own on a SQLite file (the decoder does not depend on the database)."""
    db_url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    store = ServerStore(db_url)  # makes the schema before the server process opens it
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        port = int(proc.stdout.readline())
        yield SimpleNamespace(url=f"http://127.0.0.1:{port}", store=store)
    finally:
        proc.stdin.close()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        store.close()


def test_health_answers_while_a_big_body_is_decoded(own_process):
    server = own_process
    token, _, _ = server.store.enrol(server.store.new_enrol_code(HOUSE_A), "pc-big")
    # 12 MB of JSON numbers, 12 KiB gzipped: the decoder takes most of a second over it, or more.
    body = gzip.compress(b'{"v":1,"ops":[' + b"0," * 6_000_000 + b"0]}")
    before = _state(server)
    result: dict = {}

    def big():
        headers = {"Authorization": f"Bearer {token}", **GZ}
        result["status"] = requests.post(
            server.url + "/v1/sync", data=body, headers=headers, timeout=60
        ).status_code
        result["done"] = time.monotonic()

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(0.1)
    slowest, asked_in_flight = 0.0, 0
    while thread.is_alive() and asked_in_flight < 20:
        started, in_flight = time.monotonic(), "done" not in result
        assert requests.get(server.url + "/health", timeout=10).status_code == 200
        if in_flight:
            asked_in_flight += 1
            slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.05)
    thread.join(60)
    assert result["status"] == 400
    assert asked_in_flight >= 1, "the big request ended before /health was asked"
    assert slowest < 0.5, f"/health took {slowest:.2f} s while the body was decoded"
    assert _state(server) == before


def test_rate_limiter_buckets():
    now = [100.0]
    limiter = RateLimiter(Rate(per_minute=6, burst=2), monotonic=lambda: now[0], max_addresses=3)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 10]  # one token every 10 s
    now[0] += 4
    assert limiter.take("a") == 6  # a refused request spends nothing: the wait only shrinks
    now[0] += 6
    assert limiter.take("a") == 0 and limiter.take("a") == 10
    now[0] += 3600
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 10]  # refilled up to the burst, no further
    # Past max_addresses the least recently seen address is forgotten (and starts again with a full bucket).
    for address in ("b", "c", "d"):
        limiter.take(address)
    assert limiter.take("a") == 0
    with pytest.raises(ValueError):
        Rate(per_minute=0, burst=1)


def test_untrusted_json_limits():
    depth = protocol.MAX_JSON_DEPTH
    assert protocol.loads_untrusted(b"[" * depth + b"]" * depth) is not None
    for raw in (
        b"[" * (depth + 1) + b"]" * (depth + 1),
        b'{"a":' * (depth + 1) + b"1" + b"}" * (depth + 1),
        b"[" * 100_000 + b"]" * 100_000,
        b"1" * (protocol.MAX_INT_DIGITS + 1),
        b"-" + b"1" * (protocol.MAX_INT_DIGITS + 1),
        b"[1e999]",
        b'{"x":NaN}',
        b"-Infinity",
        b"[" + b"0," * protocol.MAX_JSON_VALUES + b"0]",
        b"\xff",
    ):
        with pytest.raises(protocol.ProtocolError) as err:
            protocol.loads_untrusted(raw)
        assert err.value.code == "malformed", raw[:40]
    assert protocol.loads_untrusted(b"[-18446744073709551615, 18446744073709551615, 1.5e300]") == [
        -(2**64 - 1),
        2**64 - 1,
        1.5e300,
    ]
    # What a real request holds passes unchanged.
    message = {"v": 1, "ops": [{"fields": {"n": 2**63 - 1, "s": "Қайрат", "f": 0.5, "b": True, "z": None}}]}
    assert protocol.decode_untrusted(protocol.encode(message)) == message
    # The client's own decoder turns deep or over-long JSON into a ProtocolError too, not a RecursionError.
    for raw in (DEEP, HUGE_INT):
        with pytest.raises(protocol.ProtocolError):
            protocol.decode(raw, gzipped=False)
