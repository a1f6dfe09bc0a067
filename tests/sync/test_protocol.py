"""Messages, encoding limits, sealed sync files and the merge rules, without a server."""

from __future__ import annotations

import gzip

import pytest

from desktop.hlc import HybridClock, Stamp
from sync import merge, protocol, sealed
from sync.protocol import ProtocolError


def _request(**over):
    req = {
        "v": protocol.PROTOCOL_VERSION,
        "request_id": "r1",
        "device_id": "abc123",
        "schema_version": 1,
        "cursor": 0,
        "ops": [
            {
                "op_id": "o1",
                "table": "people",
                "row_id": "p1",
                "kind": "update",
                "fields": {"phone": "+77010000001"},
                "hlc": "1795000000000-0000-abc123",
            }
        ],
    }
    req.update(over)
    return req


def test_encode_decode_round_trip_keeps_kazakh_text():
    msg = _request(ops=[])
    msg["clock"] = "Қайрат әңғүұөһі"
    assert protocol.decode(protocol.encode(msg)) == msg
    assert protocol.encode(msg) == protocol.encode(msg)  # deterministic bytes


@pytest.mark.parametrize(
    "over,code",
    [
        ({"v": 2}, "protocol_version"),
        ({"v": "1"}, "malformed"),
        ({"cursor": -1}, "malformed"),
        ({"extra": 1}, "malformed"),
        (
            {
                "ops": [
                    {
                        "op_id": "o1",
                        "table": "people; drop",
                        "row_id": "p",
                        "kind": "update",
                        "fields": {},
                        "hlc": "1795000000000-0000-abc",
                    }
                ]
            },
            "malformed",
        ),
        (
            {
                "ops": [
                    {
                        "op_id": "o1",
                        "table": "people",
                        "row_id": "p",
                        "kind": "merge",
                        "fields": {},
                        "hlc": "1795000000000-0000-abc",
                    }
                ]
            },
            "malformed",
        ),
        (
            {
                "ops": [
                    {
                        "op_id": "o1",
                        "table": "people",
                        "row_id": "p",
                        "kind": "update",
                        "fields": {"x": [1]},
                        "hlc": "1795000000000-0000-abc",
                    }
                ]
            },
            "malformed",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_code(over, code):
    with pytest.raises(ProtocolError) as err:
        protocol.parse_request(_request(**over))
    assert err.value.code == code


def test_gzip_bomb_and_truncation_are_refused():
    with pytest.raises(ProtocolError) as err:
        protocol.inflate(gzip.compress(b"0" * 5000), limit=1000)
    assert err.value.code == "too_large"
    with pytest.raises(ProtocolError) as err:
        protocol.inflate(gzip.compress(b"0" * 5000)[:-12])
    assert err.value.code == "malformed"


def test_sync_files_are_signed_sealed_and_tamper_evident():
    pc, server, other = sealed.new_keys(), sealed.new_keys(), sealed.new_keys()
    body = protocol.encode(_request())
    data = sealed.seal(
        "request",
        "t1",
        1795000000000,
        body,
        pc["sign_key"],
        {sealed.SERVER: sealed.public_keys(server)["box_key"]},
    )
    assert b"+77010000001" not in data
    box = sealed.read(data)
    assert box.header["from"] == "t1" and sealed.recipients(box) == [sealed.SERVER]
    signature, opened = sealed.decrypt(box, server["box_key"], sealed.SERVER)
    sealed.verify(box, signature, opened, sealed.public_keys(pc)["sign_key"])
    assert protocol.decode(opened) == _request()
    # Signed by someone else: the signature does not match the PC's key.
    with pytest.raises(ProtocolError) as err:
        sealed.verify(box, signature, opened, sealed.public_keys(other)["sign_key"])
    assert err.value.code == "bad_signature"
    # Not a recipient: nothing opens.
    with pytest.raises(ProtocolError) as err:
        sealed.decrypt(box, other["box_key"], None)
    assert err.value.code == "not_addressed"
    # The sender's name in the header is bound to the content.
    with pytest.raises(ProtocolError) as err:
        sealed.decrypt(
            sealed.read(data.replace(b'"from":"t1"', b'"from":"t2"')), server["box_key"], sealed.SERVER
        )
    assert err.value.code == "tampered"
    with pytest.raises(ProtocolError) as err:
        sealed.decrypt(sealed.read(data[:-1] + bytes([data[-1] ^ 1])), server["box_key"], sealed.SERVER)
    assert err.value.code == "tampered"
    with pytest.raises(ProtocolError):
        sealed.read(b"PK\x03\x04 a zip file")
    # An answer for several PCs: each opens it with its own key.
    readers = {"t1": sealed.public_keys(pc)["box_key"], "t9": sealed.public_keys(other)["box_key"]}
    answer = sealed.seal("response", sealed.SERVER, 1795000000000, body, server["sign_key"], readers)
    for me, keys in (("t1", pc), ("t9", other)):
        assert sealed.decrypt(sealed.read(answer), keys["box_key"], me)[1] == body


def test_higher_stamp_wins_and_device_breaks_ties():
    assert merge.wins("1795000000001-0000-aaa", "1795000000000-ffff-zzz")
    assert merge.wins("1795000000000-0001-aaa", "1795000000000-0000-zzz")
    assert merge.wins("1795000000000-0000-bbb", "1795000000000-0000-aaa")
    assert not merge.wins("1795000000000-0000-aaa", "1795000000000-0000-aaa")
    assert merge.wins("1795000000000-0000-aaa", None)


def test_unseen_foreign_means_another_pc_after_my_cursor():
    stamp = "1795000000000-0000-other"
    assert merge.unseen_foreign(stamp, 10, "me", 9)
    assert not merge.unseen_foreign(stamp, 10, "me", 10)  # already pulled
    assert not merge.unseen_foreign("1795000000000-0000-me", 10, "me", 0)  # my own write
    assert not merge.unseen_foreign(None, None, "me", 0)


def test_conflict_id_is_the_same_from_both_sides():
    a = merge.conflict_record("people", "p1", "phone", "1", "s2-x-a", "2", "s1-x-b", "now")
    b = merge.conflict_record("people", "p1", "phone", "2", "s1-x-b", "1", "s2-x-a", "now")
    assert a["id"] == b["id"] and a["other_by"] == "b"


def test_numbers_compare_by_value():
    assert merge.same_value(2, 2.0) and merge.same_value(True, 1) and not merge.same_value("2", 2)


def test_hlc_observe_keeps_causality_after_clock_correction():
    wall = [1795000000.0]
    clock = HybridClock("dev", wall=lambda: wall[0])
    remote = str(Stamp(1795000000000 + 120_000, 3, "srv"))
    clock.observe(remote)
    assert clock.now() > remote
    clock.offset_ms = -1000
    assert clock.now() > remote  # never goes backwards
