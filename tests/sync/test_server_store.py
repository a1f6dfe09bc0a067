"""Server store rules that need a frozen clock (no HTTP)."""

from __future__ import annotations

from desktop.hlc import Stamp
from sync import protocol
from sync.server.store import ServerStore

NOW = 1_795_000_000.0
YEAR_MS = 365 * 24 * 3600 * 1000


def _req(n: int, ops: list[dict]) -> protocol.SyncRequest:
    return protocol.parse_request({"v": protocol.PROTOCOL_VERSION, "request_id": f"r{n}", "device_id": "dev1",
                                   "schema_version": 1, "cursor": 0, "ops": ops})


def _op(op_id: str, kind: str, fields: dict, stamp: Stamp) -> dict:
    return {"op_id": op_id, "table": "people", "row_id": "p1", "kind": kind, "fields": fields, "hlc": str(stamp)}


def test_clamped_stamps_keep_a_pcs_own_order_across_requests(tmp_path):
    server = ServerStore(f"sqlite:///{tmp_path / 's.sqlite3'}", wall=lambda: NOW)
    _token, token_id, _ = server.enrol(server.new_enrol_code("KZ-71-01"), "dev1")
    who, _ = server.principal_by_id(token_id)
    ahead = int(NOW * 1000) + YEAR_MS
    # Same server millisecond, a year-ahead PC; the later edit has the lower counter.
    server.sync(who, _req(1, [_op("o1", "insert", {"surname": "A", "notes": "first"}, Stamp(ahead, 5, "dev1"))]))
    server.sync(who, _req(2, [_op("o2", "update", {"notes": "second"}, Stamp(ahead + 1, 0, "dev1"))]))
    row = server.rows("people")[0]
    assert row["data"]["notes"] == "second"
    stamps = [Stamp.parse(server.applied()[o]["hlc"]) for o in ("o1", "o2")]
    assert stamps[0] < stamps[1]
    assert all(s.ms <= int(NOW * 1000) + 5 * 60 * 1000 for s in stamps)  # gained at most five minutes
    server.close()
