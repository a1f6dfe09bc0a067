"""Server store rules that need a frozen clock (no HTTP)."""

from __future__ import annotations

from desktop.hlc import Stamp
from sync import protocol
from sync.server.store import ServerStore

NOW = 1_795_000_000.0
YEAR_MS = 365 * 24 * 3600 * 1000


def _req(n: int, ops: list[dict]) -> protocol.SyncRequest:
    return protocol.parse_request(
        {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": f"r{n}",
            "device_id": "dev1",
            "schema_version": 1,
            "cursor": 0,
            "ops": ops,
        }
    )


def _op(op_id: str, kind: str, fields: dict, stamp: Stamp) -> dict:
    return {
        "op_id": op_id,
        "table": "people",
        "row_id": "p1",
        "kind": kind,
        "fields": fields,
        "hlc": str(stamp),
    }


def test_clamped_stamps_keep_a_pcs_own_order_across_requests(tmp_path):
    server = ServerStore(f"sqlite:///{tmp_path / 's.sqlite3'}", wall=lambda: NOW)
    _token, token_id, _ = server.enrol(server.new_enrol_code("KZ-71-01"), "dev1")
    who, _ = server.principal_by_id(token_id)
    ahead = int(NOW * 1000) + YEAR_MS
    # Same server millisecond, a year-ahead PC; the later edit has the lower counter.
    server.sync(
        who, _req(1, [_op("o1", "insert", {"surname": "A", "notes": "first"}, Stamp(ahead, 5, "dev1"))])
    )
    server.sync(who, _req(2, [_op("o2", "update", {"notes": "second"}, Stamp(ahead + 1, 0, "dev1"))]))
    row = server.rows("people")[0]
    assert row["data"]["notes"] == "second"
    stamps = [Stamp.parse(server.applied()[o]["hlc"]) for o in ("o1", "o2")]
    assert stamps[0] < stamps[1]
    assert all(s.ms <= int(NOW * 1000) + 5 * 60 * 1000 for s in stamps)  # gained at most five minutes
    server.close()


def test_restored_backup_makes_devices_fetch_again(tmp_path):
    """After a restore the server's seqs restart below a device's cursor; the device must not skip new rows."""
    import shutil

    from desktop.store import Store
    from sync.client import SyncClient

    db = tmp_path / "s.sqlite3"
    server = ServerStore(f"sqlite:///{db}")

    class Direct:
        def __init__(self, token):
            self.token = token

        def post(self, path, message, auth=True):
            return server.sync(server.authenticate(self.token), protocol.parse_request(message))

    def pc(name):
        store = Store(tmp_path / f"{name}.sqlite")
        token, token_id, house = server.enrol(server.new_enrol_code("KZ-71-01"), store.device_id)
        client = SyncClient(store, Direct(token))
        with store.transaction():
            for key, value in (("token", token), ("token_id", token_id), ("house_id", house)):
                client.set_state(key, value)
            store.set_meta("house_id", house)
        return store, client

    a, ca = pc("a")
    b, cb = pc("b")
    ca.sync(), cb.sync()
    server.close()
    shutil.copy(db, tmp_path / "backup.sqlite3")
    server = ServerStore(f"sqlite:///{db}")
    for i in range(20):
        a.insert("people", {"surname": f"Кейін {i}"})
    ca.sync(), cb.sync()
    assert b.scalar("SELECT count(*) FROM people") == 20
    server.close()
    shutil.copy(tmp_path / "backup.sqlite3", db)  # the disk died; the backup is back
    server = ServerStore(f"sqlite:///{db}")
    server.new_epoch()  # dostyq-server restored
    b.insert("people", {"surname": "Қалпына келгеннен кейін"})
    cb.sync()
    ca.sync()
    assert a.scalar("SELECT count(*) FROM people WHERE surname = 'Қалпына келгеннен кейін'") == 1
    assert ca.state("server_reset_at") and cb.state("server_reset_at")
    # The rows acknowledged after the backup came back from the PCs that hold them, with their own stamps.
    assert len(server.rows("people", "KZ-71-01")) == 21
    assert ca.state("reseed") is None and cb.state("reseed") is None
    ca.sync(), cb.sync()
    rows = "SELECT id, hlc, field_hlc, surname FROM people WHERE house_id = 'KZ-71-01' ORDER BY id"
    assert a.rows(rows) == b.rows(rows)
    assert [(r["id"], r["hlc"]) for r in a.rows(rows)] == [(r["id"], r["hlc"]) for r in server.rows("people")]
    server.close()
