"""An erased person is erased on every PC and on the server, and never resurrected by another PC's edit."""

from __future__ import annotations

from desktop import erasure
from desktop.hlc import Stamp
from sync import protocol
from sync.server.store import ServerStore
from tests.sync.conftest import HOUSE_A

NOW = 1_795_000_000.0


def _req(n: int, ops: list[dict], device: str = "dev1") -> protocol.SyncRequest:
    return protocol.parse_request(
        {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": f"r{n}",
            "device_id": device,
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


def test_server_keeps_an_erased_row_blank_against_a_later_edit(tmp_path):
    server = ServerStore(f"sqlite:///{tmp_path / 's.sqlite3'}", wall=lambda: NOW)
    _token, token_id, _ = server.enrol(server.new_enrol_code(HOUSE_A), "dev1")
    who, _ = server.principal_by_id(token_id)
    ms = int(NOW * 1000)
    server.sync(
        who,
        _req(1, [_op("o1", "insert", {"surname": "Серікова", "phone": "+77011234567"}, Stamp(ms, 0, "a"))]),
    )
    server.sync(
        who,
        _req(
            2,
            [
                _op(
                    "o2",
                    "update",
                    {"surname": "—", "phone": None, "erased_on": "2026-11-20"},
                    Stamp(ms + 1, 0, "a"),
                )
            ],
        ),
    )
    # Another PC that had not seen the erasure edits the phone, with a later stamp: it stays blank, no conflict.
    server.sync(who, _req(3, [_op("o3", "update", {"phone": "+77019999999"}, Stamp(ms + 2, 0, "b"))]))
    [row] = server.rows("people")
    assert row["data"]["phone"] is None and row["data"]["surname"] == "—" and row["data"]["erased_on"]
    assert "77019999999" not in str(server.rows("conflicts"))
    server.close()


def test_client_apply_keeps_its_erasure_against_the_servers_edit(make_client):
    a, ca = make_client()
    b, cb = make_client()
    pid = a.insert("people", {"surname": "Серікова", "name": "Дана", "phone": "+77011234567"})
    ca.sync(), cb.sync()
    b.update("people", pid, {"phone": "+77019999999"})
    cb.sync()  # the server has B's phone
    erasure.erase_person(a, pid)  # A erased before it saw it
    ca.sync(), cb.sync(), ca.sync()
    for store in (a, b):
        row = store.get("people", pid)
        assert row["erased_on"] and row["phone"] is None and row["surname"] == "—"
        assert "77019999999" not in str(store.rows("SELECT * FROM conflicts"))


def test_an_offline_edit_against_an_erasure_on_two_pcs_and_the_server(make_client, server):
    """PC 2 edits the phone offline while PC 1 erases; after both sync, everyone holds the erased row."""
    pc1, c1 = make_client()
    pc2, c2 = make_client()
    pid = pc1.insert(
        "people", {"surname": "Әбілов", "name": "Нұрлан", "iin": "900304300123", "phone": "+77011234567"}
    )
    vid = pc1.insert("volunteers", {"person_id": pid, "emergency_contact": "+77015550000"})
    c1.sync(), c2.sync()
    erasure.erase_person(pc1, pid)
    # PC 2, offline, had not seen it: its edits carry later stamps and would win any field by stamp.
    pc2.update("people", pid, {"phone": "+77017777777", "notes": "жаңа нөмір"})
    pc2.update("volunteers", vid, {"emergency_contact": "+77016666666"})
    c1.sync()
    c2.sync()
    c1.sync()
    for store in (pc1, pc2):
        person = store.get("people", pid)
        assert person["erased_on"] and person["phone"] is None and person["notes"] is None
        assert person["iin"] is None and person["surname"] == "—"
        assert store.get("volunteers", vid)["emergency_contact"] is None
        assert store.pending_count() == 0
        assert store.open_conflicts_count() == 0
    [row] = [r for r in server.store.rows("people", HOUSE_A) if r["id"] == pid]
    assert row["data"]["phone"] is None and row["data"]["notes"] is None and row["data"]["erased_on"]
    [vol] = [r for r in server.store.rows("volunteers", HOUSE_A) if r["id"] == vid]
    assert vol["data"]["emergency_contact"] is None
    assert "77017777777" not in str(server.store.rows("conflicts", HOUSE_A))


def test_a_conflict_found_before_the_erasure_is_withdrawn_on_the_server_and_every_pc(
    make_client, server, clock
):
    """Two PCs edited the phone at once (a conflict for review, stored on the server and on both PCs); then the
    person withdraws consent on one PC. No PC, not even one enrolled later, keeps the old phones for review."""
    pc1, c1 = make_client()
    pc2, c2 = make_client()
    pid = pc1.insert("people", {"surname": "Жұмабаева", "name": "Әсел", "phone": "+77011234567"})
    c1.sync(), c2.sync()
    pc1.update("people", pid, {"phone": "+77017654321"})
    clock.advance(1)
    pc2.update("people", pid, {"phone": "+77019998877"})
    c1.sync(), c2.sync(), c1.sync()
    assert pc1.open_conflicts_count() + pc2.open_conflicts_count() >= 1
    assert "77017654321" in str(server.store.rows("conflicts", HOUSE_A))
    erasure.erase_person(pc1, pid)
    c1.sync(), c2.sync()
    pc3, c3 = make_client()
    c3.sync()
    for store in (pc1, pc2, pc3):
        assert store.open_conflicts_count() == 0
        assert "77017654321" not in str(store.rows("SELECT * FROM conflicts"))
        assert "77019998877" not in str(store.rows("SELECT * FROM conflicts"))
    held = str([r for r in server.store.rows("conflicts", HOUSE_A) if not r["deleted"]])
    assert "77017654321" not in held and "77019998877" not in held
    assert "77017654321" not in str(server.store.rows("conflicts", HOUSE_A))
