"""Sync files carried by hand: unreadable on the way, unforgeable from a copy of the server database, a replay gets
only its own acks, old files expire, a changed byte is refused, refusals are clean messages, sizes are checked
before reading."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import os
import tracemalloc

import pytest
import requests
import sqlalchemy as sa
from conftest import HOUSE_A

from desktop import clock
from desktop.store import Store
from sync import errors, protocol
from sync.client import SyncClient
from sync.server.app import apply_packet
from sync.server.store import SEEN_REQUESTS_DAYS, applied_ops, devices, records, server_meta

SURNAME = "Құпияқызы"
IIN = "900101300017"


def _views(data: bytes):
    """Every way a reader without keys can look at a file: its bytes, and any base64 or gzip inside them."""
    yield data
    try:
        env = json.loads(data.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        env = None
    pieces = [v for v in env.values() if isinstance(v, str)] if isinstance(env, dict) else []
    for piece in pieces:
        try:
            raw = base64.b64decode(piece, validate=True)
        except ValueError:
            continue
        yield raw
        try:
            yield gzip.decompress(raw)
        except OSError:
            pass


def _readable(data: bytes, text: str) -> bool:
    return any(text.encode("utf-8") in view for view in _views(data))


def _hmac_file(token_id: str, key: bytes, message: dict) -> bytes:
    """A file keyed by what the server stores (the token hash), as sync files were once signed."""
    body = protocol.encode(message, level=9)
    mac = hmac.new(key, f"dostyq-sync-packet\nrequest\n{token_id}\n".encode(), hashlib.sha256)
    mac.update(body)
    envelope = {
        "magic": "dostyq-sync-packet",
        "v": protocol.PROTOCOL_VERSION,
        "kind": "request",
        "token_id": token_id,
        "body": base64.b64encode(body).decode("ascii"),
        "sig": mac.hexdigest(),
    }
    return json.dumps(envelope, separators=(",", ":")).encode("ascii")


def _state(server) -> tuple[int, int]:
    return server.store.count(records), server.store.count(applied_ops)


def _cli_env(monkeypatch, server) -> None:
    monkeypatch.setenv(
        "DOSTYQ_DATABASE_URL",
        server.store.url
        if server.store.is_sqlite
        else server.store.engine.url.render_as_string(hide_password=False),
    )


def test_sync_files_carry_no_name_or_iin_in_clear(make_client, server, tmp_path):
    a, ca = make_client()
    b, cb = make_client()
    b.insert("people", {"surname": "Басқа" + SURNAME, "iin": "850505400021"})
    cb.sync()
    a.insert("people", {"surname": SURNAME, "iin": IIN})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    data = request_file.read_bytes()
    assert not _readable(data, SURNAME) and not _readable(data, IIN)
    answer = apply_packet(server.store, data)
    assert not _readable(answer, SURNAME) and not _readable(answer, "850505400021")
    path = tmp_path / "answer.dostyq"
    path.write_bytes(answer)
    ca.load_packet(path)
    assert a.scalar("SELECT count(*) FROM people WHERE iin = '850505400021'") == 1


def test_a_file_forged_from_the_server_database_is_refused(make_client, server, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    a, ca = make_client()
    a.insert("people", {"surname": "Бар"})
    ca.sync()
    # Everything a copy of the database holds: the device rows (token hashes, keys) and the server's meta.
    with server.store.engine.connect() as conn:
        row = conn.execute(sa.select(devices).where(devices.c.id == ca.state("token_id"))).mappings().one()
        meta = dict(conn.execute(sa.select(server_meta.c.key, server_meta.c.value)).all())
    request = dict(
        ca.build_request(),
        ops=[
            {
                "op_id": "forged-op-1",
                "table": "people",
                "row_id": "forged-row-1",
                "kind": "insert",
                "fields": {"surname": "Қолдан", "house_id": HOUSE_A},
                "hlc": "1700000000000-0000-" + a.device_id,
            }
        ],
    )
    before = _state(server)
    hmac_forged = _hmac_file(row["id"], bytes.fromhex(row["token_hash"]), request)
    with pytest.raises(protocol.ProtocolError):
        apply_packet(server.store, hmac_forged)
    from sync import sealed

    server_keys = sealed.server_public_keys(meta)
    signed_forged = sealed.seal(
        "request",
        row["id"],
        server.store.now_ms(),
        protocol.encode(request),
        sealed.raw_private(Ed25519PrivateKey.generate()),
        {sealed.SERVER: server_keys["box_key"]},
    )
    with pytest.raises(protocol.ProtocolError) as err:
        apply_packet(server.store, signed_forged)
    assert err.value.code == "bad_signature"
    assert _state(server) == before


def test_a_replayed_request_file_gets_only_its_own_acks(make_client, server, tmp_path):
    a, ca = make_client()
    b, cb = make_client()
    a.insert("people", {"surname": "Файлмен"})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    apply_packet(server.store, request_file.read_bytes())
    # Later, another PC writes a row; the old request file is posted again.
    b.insert("people", {"surname": "Кейін жазылған"})
    cb.sync()
    before = _state(server)
    again = tmp_path / "again.dostyq"
    again.write_bytes(apply_packet(server.store, request_file.read_bytes()))
    assert _state(server) == before
    ca.load_packet(again)
    assert a.pending_count() == 0  # its own ack came back
    assert a.scalar("SELECT count(*) FROM people WHERE surname = 'Кейін жазылған'") == 0


def test_an_old_request_file_expires(make_client, server, tmp_path):
    a, ca = make_client()
    a.insert("people", {"surname": "Ескі файл"})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    real = server.store.wall
    server.store.wall = lambda: real() + 31 * 86400
    before = _state(server)
    try:
        with pytest.raises(protocol.ProtocolError) as err:
            apply_packet(server.store, request_file.read_bytes())
    finally:
        server.store.wall = real
    assert err.value.code == "expired"
    assert _state(server) == before
    # A file is refused as too old before the server forgets its request id, so no repeat passes for new.
    day_ms = 86400 * 1000
    assert protocol.FILE_MAX_AGE_DAYS * day_ms + protocol.FILE_MAX_AHEAD_MS < SEEN_REQUESTS_DAYS * day_ms


def test_a_changed_byte_is_refused_both_ways(make_client, server, tmp_path):
    a, ca = make_client()
    a.insert("people", {"surname": "Өзгертілген"})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    data = request_file.read_bytes()
    before = _state(server)
    for at in (len(data) // 3, len(data) // 2, len(data) - 5):
        changed = bytearray(data)
        changed[at] ^= 0x01
        with pytest.raises(protocol.ProtocolError):
            apply_packet(server.store, bytes(changed))
    assert _state(server) == before
    answer = bytearray(apply_packet(server.store, data))
    answer[len(answer) // 2] ^= 0x01
    path = tmp_path / "answer.dostyq"
    path.write_bytes(bytes(answer))
    with pytest.raises(errors.BadPacket):
        ca.load_packet(path)
    assert a.pending_count() == 1


def test_packet_apply_prints_clean_messages(make_client, server, tmp_path, monkeypatch, capsys):
    from sync.server import cli

    _cli_env(monkeypatch, server)
    a, ca = make_client()
    a.insert("people", {"surname": "Кесілген"})
    request_file = tmp_path / "req.dostyq"
    ca.save_packet(request_file)
    data = request_file.read_bytes()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    tampered = tmp_path / "tampered.dostyq"
    tampered.write_bytes(bytes(changed))
    junk = tmp_path / "junk.dostyq"
    junk.write_bytes(b"PK\x03\x04 not a sync file")
    for path in (tampered, junk, tmp_path / "missing.dostyq"):
        assert cli.main(["packet", "apply", str(path)]) != 0
        err = capsys.readouterr().err
        assert err.strip() and "Traceback" not in err
    old_file = tmp_path / "old.dostyq"
    SyncClient(a, wall=lambda: clock.wall() - 40 * 86400).save_packet(old_file)
    assert cli.main(["packet", "apply", str(old_file)]) != 0
    assert str(protocol.FILE_MAX_AGE_DAYS) in capsys.readouterr().err  # the file's age limit is named
    assert server.store.revoke(ca.state("token_id"))
    assert cli.main(["packet", "apply", str(request_file)]) != 0
    err = capsys.readouterr().err
    assert "revoked" in err.lower() and "Traceback" not in err
    assert not (tmp_path / "req.answer.dostyq").exists()


def test_load_sync_file_checks_the_size_before_reading(make_client, tmp_path):
    _a, ca = make_client()
    huge = tmp_path / "huge.dostyq"
    with open(huge, "wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: 300 MB on paper
    tracemalloc.start()
    try:
        with pytest.raises(errors.BadPacket) as err:
            ca.load_packet(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak
    assert "MB" in err.value.message and str(protocol.MAX_FILE_BYTES // (1024 * 1024)) in err.value.message
    os.remove(huge)


def test_a_pc_without_keys_gets_them_on_its_next_online_sync(make_client, server, tmp_path):
    from sync.state import put_state

    a, ca = make_client()
    # A PC enrolled before sync files had keys: no keys on either side.
    with a.transaction():
        for key in ("file_sign_key", "file_box_key", "server_sign_key", "server_box_key"):
            put_state(a, key, None)
    from sync.server.schema import device_keys

    with server.store.engine.begin() as conn:
        conn.execute(device_keys.delete())
    a.insert("people", {"surname": "Кілтсіз"})
    with pytest.raises(errors.NoFileKeys) as err:
        ca.save_packet(tmp_path / "req.dostyq")
    assert "internet" in err.value.message
    ca.sync()
    a.insert("people", {"surname": "Кілтті"})
    ca.save_packet(tmp_path / "req.dostyq")
    answer = tmp_path / "answer.dostyq"
    answer.write_bytes(apply_packet(server.store, (tmp_path / "req.dostyq").read_bytes()))
    ca.load_packet(answer)
    assert a.pending_count() == 0


def test_after_a_restore_pcs_send_their_keys_again(make_client, server, tmp_path):
    from sync.server.schema import device_keys

    a, ca = make_client()
    a.insert("people", {"surname": "Сақтықта"})
    ca.sync()
    # A backup from before the PC had keys is restored, and the administrator runs `dostyq-server restored`.
    with server.store.engine.begin() as conn:
        conn.execute(device_keys.delete())
    server.store.new_epoch()
    ca.sync()
    assert server.store.device_keys_of(ca.state("token_id")) is not None
    a.insert("people", {"surname": "Қалпына келгеннен кейін"})
    ca.save_packet(tmp_path / "req.dostyq")
    answer = tmp_path / "answer.dostyq"
    answer.write_bytes(apply_packet(server.store, (tmp_path / "req.dostyq").read_bytes()))
    ca.load_packet(answer)
    assert a.pending_count() == 0


def test_a_pc_never_online_enrols_by_file(server, tmp_path, monkeypatch, capsys):
    from sync.server import cli

    _cli_env(monkeypatch, server)
    enrol_file = tmp_path / "house.enrol.dostyq"
    assert cli.main(["enrol-file", HOUSE_A, "--out", str(enrol_file)]) == 0
    assert str(enrol_file) in capsys.readouterr().out
    store = Store(tmp_path / "offline.sqlite")
    try:
        assert SyncClient.enrol_from_file(store, enrol_file) == HOUSE_A
        client = SyncClient(store)
        pid = store.insert("people", {"surname": "Алыстағы"})
        # A first file whose enrolment names another PC than its request is refused before the code is spent.
        from sync import sealed

        keys = {"sign_key": client.state("file_sign_key"), "box_key": client.state("file_box_key")}
        odd = dict(
            client.build_request(),
            enrol={"code": client.state("enrol_code"), "device_id": "another-pc", **sealed.public_keys(keys)},
        )
        odd_file = sealed.seal(
            "request",
            "",
            server.store.now_ms(),
            protocol.encode(odd),
            keys["sign_key"],
            {sealed.SERVER: client.state("server_box_key")},
        )
        devices_before = server.store.count(devices)
        with pytest.raises(protocol.ProtocolError):
            apply_packet(server.store, odd_file)
        assert server.store.count(devices) == devices_before
        request_file = tmp_path / "first.dostyq"
        client.save_packet(request_file)
        answer = tmp_path / "first.answer.dostyq"
        answer.write_bytes(apply_packet(server.store, request_file.read_bytes()))
        client.load_packet(answer)
        assert client.enrolled and store.pending_count() == 0
        assert [r["id"] for r in server.store.rows("people", HOUSE_A)] == [pid]
        # The code was used once: the same first file again enrols no second PC.
        before = server.store.count(devices)
        apply_packet(server.store, request_file.read_bytes())
        assert server.store.count(devices) == before
    finally:
        store.close()


def test_damaged_and_hostile_files_are_refused_without_a_server_error(make_client, server):
    import random

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sync import sealed
    from sync.server.store import AuthError, EnrolError

    a, ca = make_client()
    a.insert("people", {"surname": "Бүлінген"})
    request = ca.build_request()
    server_box = server.store.file_public_keys()["box_key"]
    good = sealed.seal(
        "request",
        ca.state("token_id"),
        server.store.now_ms(),
        protocol.encode(request),
        ca.state("file_sign_key"),
        {sealed.SERVER: server_box},
    )
    rng = random.Random(14)
    hostile = [good[:n] for n in (0, 10, len(sealed.MAGIC) + 5, len(good) // 2, len(good) - 1)]
    for _ in range(150):
        changed = bytearray(good)
        for at in rng.sample(range(len(changed)), rng.randint(1, 4)):
            changed[at] ^= rng.randrange(1, 256)
        hostile.append(bytes(changed))
    # A header with a low-order ephemeral key, and a self-signed "first file" of nested JSON.
    box = sealed.read(good)
    header = dict(box.header, eph=base64.b64encode(bytes(32)).decode())
    hostile.append(sealed.MAGIC + json.dumps(header).encode() + b"\n" + good[-200:])
    key = sealed.raw_private(Ed25519PrivateKey.generate())
    deep = gzip.compress(b"[" * 100_000 + b"]" * 100_000)
    hostile.append(sealed.seal("request", "", server.store.now_ms(), deep, key, {sealed.SERVER: server_box}))
    before = _state(server)
    for data in hostile:
        with pytest.raises((protocol.ProtocolError, AuthError, EnrolError)):
            apply_packet(server.store, data)
    assert _state(server) == before
    r = requests.post(server.url + "/v1/packet", data=hostile[-2], timeout=10)
    assert 400 <= r.status_code < 500 and r.json()["error"]


def test_keys_endpoint_takes_only_a_device_token_and_whole_keys(make_client, server):
    _a, ca = make_client()
    before = server.store.device_keys_of(ca.state("token_id"))
    coordinator, _ = server.store.add_coordinator("KZ-71")

    def post(token, body):
        return requests.post(
            server.url + "/v1/keys",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=10,
        )

    good = {"v": protocol.PROTOCOL_VERSION, "sign_key": before["sign_key"], "box_key": before["box_key"]}
    assert post(None, good).status_code == 401
    assert post(coordinator, good).status_code == 403
    r = post(ca.state("token"), dict(good, box_key=base64.b64encode(b"short").decode()))
    assert r.status_code == 400 and r.json()["error"] == "malformed"
    assert server.store.device_keys_of(ca.state("token_id")) == before
    r = post(ca.state("token"), good)
    assert r.status_code == 200 and r.json()["server_box_key"] == server.store.file_public_keys()["box_key"]
