"""House scope, tokens, coordinators and bad requests — on SQLite and PostgreSQL, through real HTTP."""

from __future__ import annotations

import gzip
import json

import pytest
import requests
import sqlalchemy as sa

from desktop.store import Store
from sync import errors, protocol, sealed
from sync.client import HttpTransport, SyncClient
from sync.server.app import apply_packet
from sync.server.store import applied_ops, devices, enrol_codes, records, seen_requests
from tests.sync.conftest import HOUSE_A, HOUSE_B


def _state(server) -> tuple:
    """Everything a refused request must leave untouched."""
    s = server.store
    with s.engine.connect() as conn:
        seq = conn.execute(sa.text("SELECT value FROM counters WHERE name = 'seq'")).scalar_one()
        rows = conn.execute(
            sa.select(records.c.table_name, records.c.id, records.c.server_seq, records.c.data).order_by(
                records.c.table_name, records.c.id
            )
        ).all()
    return seq, tuple(map(tuple, rows)), s.count(applied_ops), s.count(seen_requests)


def _post(server, path, body: bytes, token: str | None = None, **headers) -> requests.Response:
    h = {"Content-Type": "application/json", **headers}
    if token:
        h["Authorization"] = f"Bearer {token}"
    return requests.post(server.url + path, data=body, headers=h, timeout=10)


def test_house_a_cannot_read_or_write_house_b(make_client, server):
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_B)
    secret = b.insert("people", {"surname": "Құпия", "name": "Адам", "iin": "900101300123"})
    cb.sync()
    op_b = server.store.applied()  # B's op ids, to replay them from A
    # Read: A's sync never returns B's rows, nor B's conflicts.
    ca.sync()
    assert a.get("people", secret) is None
    assert a.scalar("SELECT count(*) FROM people WHERE house_id = ?", (HOUSE_B,)) == 0
    before = _state(server)
    stamp = a.clock.now()
    attacks = [
        {
            "op_id": "x-update",
            "table": "people",
            "row_id": secret,
            "kind": "update",
            "fields": {"surname": "Hacked"},
            "hlc": stamp,
        },
        {
            "op_id": "x-delete",
            "table": "people",
            "row_id": secret,
            "kind": "delete",
            "fields": {"deleted": 1},
            "hlc": stamp,
        },
        {
            "op_id": "x-insert",
            "table": "people",
            "row_id": "new-row-in-b",
            "kind": "insert",
            "fields": {"surname": "Planted", "house_id": HOUSE_B},
            "hlc": stamp,
        },
        *(
            {
                "op_id": op_id,
                "table": "people",
                "row_id": secret,
                "kind": "update",
                "fields": {"surname": "Z"},
                "hlc": stamp,
            }
            for op_id in op_b
        ),
    ]
    answer = ca.transport.post("/v1/sync", dict(ca.build_request(), ops=attacks))
    assert all(v == "rejected:house" for v in answer["acks"].values()), answer["acks"]
    assert all(c["house_id"] in (None, HOUSE_A) for c in answer["changes"])
    after = _state(server)
    assert after[1] == before[1]  # no row changed
    cb.sync()
    assert b.get("people", secret)["surname"] == "Құпия"
    # Reports endpoint: a device token is not a coordinator.
    r = requests.get(
        server.url + "/v1/reports", headers={"Authorization": f"Bearer {ca.state('token')}"}, timeout=5
    )
    assert r.status_code == 403
    # Sync files: A cannot pass a file off as B's (signed with A's key), nor read B's answer.
    req = cb.build_request()
    server_box = {sealed.SERVER: server.store.file_public_keys()["box_key"]}
    forged = sealed.seal(
        "request",
        cb.state("token_id"),
        server.store.now_ms(),
        protocol.encode(req),
        ca.state("file_sign_key"),
        server_box,
    )
    r = _post(server, "/v1/packet", forged)
    assert r.status_code == 403 and r.json()["error"] == "bad_signature"
    good = apply_packet(
        server.store,
        sealed.seal(
            "request",
            cb.state("token_id"),
            server.store.now_ms(),
            protocol.encode(req),
            cb.state("file_sign_key"),
            server_box,
        ),
    )
    path = a.path.parent / "b-answer.dostyq"
    path.write_bytes(good)
    with pytest.raises(errors.BadPacket):
        ca.load_packet(path)


def test_revoked_token_is_refused(make_client, server):
    a, ca = make_client()
    a.insert("people", {"surname": "Жоғалған ноутбук"})
    token_id = ca.state("token_id")
    assert server.store.revoke(token_id)
    before = _state(server)
    with pytest.raises(errors.DeviceRevoked) as err:
        ca.sync()
    assert "administrator" in err.value.message
    assert a.pending_count() == 1  # local work untouched
    r = _post(
        server,
        "/v1/sync",
        protocol.encode(ca.build_request()),
        ca.state("token"),
        **{"Content-Encoding": "gzip"},
    )
    assert r.status_code == 403 and r.json()["error"] == "revoked"
    assert _state(server) == before


def test_tokens_and_codes_are_stored_hashed(server, tmp_path):
    code = server.store.new_enrol_code(HOUSE_A)
    a = Store(tmp_path / "hash.sqlite")
    SyncClient.enrol(a, server.url, code)
    token = SyncClient(a).state("token")
    coordinator_token, _ = server.store.add_coordinator("KZ-71")
    with server.store.engine.connect() as conn:
        dump = json.dumps(
            [list(map(str, r)) for t in (devices, enrol_codes) for r in conn.execute(sa.select(t)).all()]
        )
    assert token not in dump and coordinator_token not in dump
    assert code.replace("-", "") not in dump and code not in dump
    assert protocol.token_hash(token) in dump
    a.close()


def test_coordinator_sees_submitted_summaries_of_region_only(make_client, server):
    a, ca = make_client(HOUSE_A)  # KZ-71
    b, cb = make_client(HOUSE_B)  # KZ-75
    a.insert("people", {"surname": "Жеке", "name": "Дерек", "iin": "900101300123"})
    a.insert(
        "monthly_reports",
        {
            "month": "2026-10",
            "status": "submitted",
            "submitted_at": "2026-11-01",
            "payload": {
                "month": "2026-10",
                "current": {"events": {"held": 4}, "volunteers": {"minutes": 120}},
            },
        },
    )
    a.insert(
        "monthly_reports",
        {
            "month": "2026-11",
            "status": "draft",
            "payload": {"month": "2026-11", "current": {"events": {"held": 1}}},
        },
    )
    b.insert(
        "monthly_reports",
        {
            "month": "2026-10",
            "status": "submitted",
            "payload": {"month": "2026-10", "current": {"events": {"held": 9}}},
        },
    )
    ca.sync(), cb.sync()
    token, _ = server.store.add_coordinator("KZ-71", "Astana coordinator")
    r = requests.get(server.url + "/v1/reports", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert r.status_code == 200
    reports = r.json()["reports"]
    assert [(x["house_id"], x["month"]) for x in reports] == [(HOUSE_A, "2026-10")]
    assert json.loads(reports[0]["payload"]) == {
        "month": "2026-10",
        "current": {"events": {"held": 4}, "volunteers": {"minutes": 120}},
    }
    assert "900101300123" not in r.text and "Дерек" not in r.text
    # A coordinator token cannot sync (that would hand it personal rows).
    r = _post(server, "/v1/sync", protocol.encode(ca.build_request()), token, **{"Content-Encoding": "gzip"})
    assert r.status_code == 403


@pytest.mark.parametrize(
    "case",
    [
        "no_token",
        "bad_token",
        "not_gzip",
        "not_json",
        "missing_fields",
        "bad_op",
        "too_many_ops",
        "oversized",
        "gzip_bomb",
        "old_version",
        "new_version",
        "new_schema",
        "replayed",
    ],
)
def test_bad_requests_get_4xx_and_change_nothing(make_client, server, case):
    a, ca = make_client()
    a.insert("people", {"surname": "Тест"})
    token = ca.state("token")
    good = ca.build_request()
    gz = {"Content-Encoding": "gzip"}
    if case == "replayed":
        assert _post(server, "/v1/sync", protocol.encode(good), token, **gz).status_code == 200
    before = _state(server)
    expect = {
        "no_token": (401, "unauthorized"),
        "bad_token": (401, "unauthorized"),
        "not_gzip": (400, "malformed"),
        "not_json": (400, "malformed"),
        "missing_fields": (400, "malformed"),
        "bad_op": (400, "malformed"),
        "too_many_ops": (400, "malformed"),
        "oversized": (413, "too_large"),
        "gzip_bomb": (413, "too_large"),
        "old_version": (426, "protocol_version"),
        "new_version": (426, "protocol_version"),
        "new_schema": (426, "schema_version"),
        "replayed": (409, "replayed"),
    }[case]
    body, tok = protocol.encode(good), token
    if case == "no_token":
        tok = None
    elif case == "bad_token":
        tok = "not-a-token"
    elif case == "not_gzip":
        body = b"\x1f\x8b garbage"
    elif case == "not_json":
        body = gzip.compress(b"{not json")
    elif case == "missing_fields":
        body = protocol.encode({"v": protocol.PROTOCOL_VERSION, "ops": []})
    elif case == "bad_op":
        bad = dict(good, ops=[dict(good["ops"][0], hlc="yesterday")])
        body = protocol.encode(bad)
    elif case == "too_many_ops":
        body = protocol.encode(dict(good, ops=good["ops"] * (protocol.MAX_OPS_PER_REQUEST + 1)))
    elif case == "oversized":
        body = b"\x00" * (protocol.MAX_BODY_BYTES + 10)
    elif case == "gzip_bomb":
        body = gzip.compress(b" " * (protocol.MAX_INFLATED_BYTES + 1024))
    elif case == "old_version":
        body = protocol.encode(dict(good, v=0))
    elif case == "new_version":
        body = protocol.encode(dict(good, v=protocol.PROTOCOL_VERSION + 1))
    elif case == "new_schema":
        body = protocol.encode(dict(good, schema_version=999))
    r = _post(server, "/v1/sync", body, tok, **gz)
    assert (r.status_code, r.json()["error"]) == expect
    assert _state(server) == before
    assert a.pending_count() == 1


def test_client_errors_are_clear(server, tmp_path):
    s = Store(tmp_path / "pc.sqlite")
    with pytest.raises(errors.BadServerUrl):
        SyncClient.enrol(s, "sync.example", "ABCD-EFGH-JKLM")
    with pytest.raises(errors.EnrolCodeInvalid):
        SyncClient.enrol(s, server.url, "ABCD-EFGH-JKLM")
    code = server.store.new_enrol_code(HOUSE_A, hours=-1)
    with pytest.raises(errors.EnrolCodeExpired):
        SyncClient.enrol(s, server.url, code)
    code = server.store.new_enrol_code(HOUSE_A)
    SyncClient.enrol(s, server.url, code)
    other = Store(tmp_path / "other.sqlite")
    with pytest.raises(errors.EnrolCodeUsed):
        SyncClient.enrol(other, server.url, code)
    # Nothing listens on port 9 of the loopback: unreachable, quickly, with the URL in the message.
    with pytest.raises(errors.ServerUnreachable) as err:
        SyncClient.enrol(
            other,
            "http://127.0.0.1:9",
            server.store.new_enrol_code(HOUSE_A),
            transport=HttpTransport("http://127.0.0.1:9", timeout=(2, 2)),
        )
    assert "127.0.0.1:9" in err.value.message
    assert other.get_meta("house_id") is None


def test_protocol_mismatch_message(make_client, server, monkeypatch):
    a, ca = make_client()
    monkeypatch.setattr("sync.outgoing.PROTOCOL_VERSION", protocol.PROTOCOL_VERSION + 1)
    with pytest.raises(errors.ProtocolMismatch) as err:
        ca.sync()
    assert str(protocol.PROTOCOL_VERSION) in err.value.message
    assert a.pending_count() == 0 and ca.state("last_error") == "protocol_version"


def test_coordinator_downloads_the_regional_rollup(make_client, server, tmp_path, monkeypatch):
    import datetime as dt

    from desktop.reports.submission import submit_month
    from sync.server import cli

    server.store.add_house("KZ-71-02", "Астана №2 Достық үйі", "Дом дружбы Астаны №2", "KZ-71")
    a, ca = make_client(HOUSE_A)
    b, cb = make_client(HOUSE_B)
    submit_month(a, "2026-10", today=dt.date(2026, 11, 5))
    submit_month(b, "2026-10", today=dt.date(2026, 11, 5))
    ca.sync(), cb.sync()
    token, _ = server.store.add_coordinator("KZ-71")
    r = requests.get(
        server.url + "/v1/reports/rollup",
        params={"month": "2026-10", "format": "xlsx", "lang": "ru"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert r.headers["X-Dostyq-Houses-Missing"] == "KZ-71-02"
    assert "KZ-71_2026-10_ru.xlsx" in r.headers["Content-Disposition"]
    # A device token, or a bad month, is refused.
    r = requests.get(
        server.url + "/v1/reports/rollup",
        params={"month": "2026-10"},
        headers={"Authorization": f"Bearer {ca.state('token')}"},
        timeout=5,
    )
    assert r.status_code == 403
    r = requests.get(
        server.url + "/v1/reports/rollup",
        params={"month": "10/2026"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert r.status_code == 400
    # The same roll-up from the admin CLI.
    monkeypatch.setenv(
        "DOSTYQ_DATABASE_URL",
        server.store.url
        if server.store.is_sqlite
        else server.store.engine.url.render_as_string(hide_password=False),
    )
    out = tmp_path / "rollup.csv"
    assert (
        cli.main(["report", "--region", "KZ-71", "--month", "2026-10", "--format", "csv", "--out", str(out)])
        == 0
    )
    assert out.stat().st_size > 0
