"""The fault harness's tricks (tests/sync/harness.py `run_seed(tricks=True)`): what an attacker or an unlucky
administrator does to the server while the house works on.

- poisoned ops: a PC's token sends ops the PCs could not store (a required field null, an insert missing a required
  field, an integer beyond 64 bits, a number in a text field) and an update of a row no one has: each must be
  rejected or held, never stored;
- poisoned rows: records written straight into the server's database as a server without the check stored them;
  every PC must keep them aside (quarantine) and sync everything else;
- an epoch trick: a request with a cursor beyond every seq given out; that PC alone is reset, the epoch stays;
- a restore: the server's database goes back to a snapshot taken earlier, then `dostyq-server restored`; the PCs
  must bring back every write acknowledged after the snapshot.
"""

from __future__ import annotations

import json
import random
import uuid

import sqlalchemy as sa

from desktop import schema
from desktop.hlc import Stamp
from sync import merge, protocol, quarantine
from sync.server.store import ServerStore, counters, md, records, server_meta

POISONED_ROWS = (
    ("volunteers", "v-poison", {"status": "active", "person_id": None}),
    ("event_volunteers", "ev-poison", {"event_id": "e", "volunteer_id": "v", "minutes": 2**70}),
)


def _top(server: ServerStore) -> int:
    with server.engine.connect() as conn:
        return conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()


def epoch(server: ServerStore) -> str:
    with server.engine.connect() as conn:
        return conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar_one()


def _request(pc, ops: list[dict], cursor: int | None = None) -> protocol.SyncRequest:
    return protocol.parse_request(
        {
            "v": protocol.PROTOCOL_VERSION,
            "request_id": str(uuid.uuid4()),
            "device_id": pc.store.device_id,
            "schema_version": schema.SCHEMA_VERSION,
            "cursor": pc.client.cursor if cursor is None else cursor,
            "epoch": pc.client.state("epoch") or "",
            "ops": ops,
        }
    )


def poison_ops(server: ServerStore, pc, house: str, rng: random.Random) -> int:
    """Sends bad ops with the PC's token (the answer is dropped). Returns how many were stored all the same."""
    live = pc.store.rows("SELECT id FROM people WHERE house_id = ? LIMIT 5", (house,))
    target = rng.choice(live)["id"] if live else "p-none"
    stamp = pc.store.clock.now
    tag = uuid.uuid4().hex[:12]
    ops = [
        {"op_id": f"bad-null-{tag}", "table": "people", "row_id": target, "kind": "update",
         "fields": {"surname": None}, "hlc": stamp()},
        {"op_id": f"bad-type-{tag}", "table": "people", "row_id": target, "kind": "update",
         "fields": {"notes": rng.randrange(10**6)}, "hlc": stamp()},
        {"op_id": f"bad-missing-{tag}", "table": "volunteers", "row_id": f"v-{tag}", "kind": "insert",
         "fields": {"status": "active", "house_id": house}, "hlc": stamp()},
        {"op_id": f"bad-int-{tag}", "table": "event_volunteers", "row_id": f"ev-{tag}", "kind": "insert",
         "fields": {"event_id": "e", "volunteer_id": "v", "minutes": 2**64 + rng.randrange(10), "house_id": house},
         "hlc": stamp()},
        {"op_id": f"bad-orphan-{tag}", "table": "people", "row_id": f"p-orphan-{tag}", "kind": "update",
         "fields": {"notes": "никому"}, "hlc": stamp()},
    ]  # fmt: skip
    who = server.authenticate(pc.transport.token)
    answer = server.sync(who, _request(pc, ops))
    acks = answer["acks"]
    stored = sum(1 for op in ops[:-1] if not acks[op["op_id"]].startswith(protocol.REJECTED))
    return stored + (acks[ops[-1]["op_id"]] != "held")


def poison_rows(server: ServerStore, house: str, now_ms: int) -> None:
    stamp = str(Stamp(now_ms, 0, "devx"))
    with server._write() as conn:
        for table, row_id, data in POISONED_ROWS:
            seq = server._next_seq(conn)
            conn.execute(
                records.insert().values(
                    table_name=table, id=row_id, house_id=house, server_seq=seq, deleted=0, hlc=stamp,
                    data=json.dumps(data), field_hlc=json.dumps(dict.fromkeys(data, stamp)),
                    field_seq=json.dumps(dict.fromkeys(data, seq)), created_at="2026-11-20T10:00:00.000+00:00",
                    updated_at="2026-11-20T10:00:00.000+00:00", updated_by="devx",
                )
            )  # fmt: skip


def quarantine_missing(pcs) -> int:
    """PCs that do not hold every poisoned row aside, or that stored one."""
    missing = 0
    for pc in pcs:
        kept = quarantine.kept_rows(pc.store)
        for table, row_id, _data in POISONED_ROWS:
            stored = pc.store.scalar(f'SELECT count(*) FROM "{table}" WHERE id = ?', (row_id,))
            missing += int(row_id not in kept.get(table, {}) or bool(stored))
    return missing


def epoch_trick(server: ServerStore, pc) -> int:
    """An impossible cursor from one PC; its answer is applied. Returns 1 if the server's epoch moved or the PC was
    not reset."""
    before = epoch(server)
    who = server.authenticate(pc.transport.token)
    answer = server.sync(who, _request(pc, [], cursor=_top(server) + 1_000_000))
    pc.client.apply_response(answer)
    return int(epoch(server) != before or not answer.get("reset"))


def snapshot(server: ServerStore) -> dict:
    with server.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(sa.select(t)).mappings()] for t in md.sorted_tables}


def restore(server: ServerStore, snap: dict) -> set[str]:
    """The database back to `snap`, then `dostyq-server restored`. Returns the op ids the server forgot."""
    forgotten = set(server.applied())
    with server._write() as conn:
        for table in reversed(md.sorted_tables):
            conn.execute(table.delete())
        for table in md.sorted_tables:
            if snap[table.name]:
                conn.execute(table.insert(), snap[table.name])
    server.new_epoch()
    return forgotten - set(server.applied())


def kept_or_superseded(row: dict | None, values: dict, stamp: str, written_ms: float) -> bool:
    """A write the server forgot in a restore is not lost when its row holds its value, or a write made later."""
    if row is None:
        return False
    field_hlc = protocol.field_maps(row)[0]
    limit = min(Stamp.parse(stamp).ms, int(written_ms) + merge.CLAMP_AHEAD_MS)
    for name, value in values.items():
        now = row["deleted"] if name == "deleted" else row["data"].get(name)
        if merge.same_value(now, value):
            continue
        other = field_hlc.get(name)
        if not other or Stamp.parse(other).ms < limit:
            return False
    return True
