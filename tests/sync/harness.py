"""Fault harness: N house PCs, random writes, a lossy network, kills mid-apply, clocks off by a year.

The network is the only thing simulated: each PC's transport calls the real server store in-process and, by the
seeded dice, drops the request before the server sees it, drops the answer after the server committed, delivers a
request twice, or holds a copy back and delivers it later. PCs are killed in the middle of applying an answer and
reopened from disk. Time is a shared fake clock; each PC sees it through its own skew.

After healing (a few fault-free rounds) `run_seed` checks: every op reached the server (lost), no op was applied
twice and no ledger row exists twice (duplicated), every PC's rows equal the server's (diverged), and every write
that lost to a write its author had not seen is in a conflicts table (conflicts_missing).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from desktop import schema
from desktop.store import Store
from sync import merge, protocol
from sync.client import Refused, SyncClient, TransportTimeout
from sync.server.store import AuthError, EnrolError, Replayed, ServerStore
from tests.sync import harness_tricks as tricks_mod

HOUSE = "KZ-71-01"
YEAR_S = 365 * 24 * 3600
TABLES = ("people", "donations", "donation_lines")
EDIT_FIELDS = ("phone", "notes", "locality")


class Killed(BaseException):
    """The PC lost power in the middle of applying an answer."""


class FakeTime:
    def __init__(self, start: float):
        self.t = start

    def __call__(self) -> float:
        return self.t


@dataclass
class Faults:
    drop_before: float = 0.15
    drop_after: float = 0.10
    duplicate: float = 0.05
    hold_back: float = 0.05
    kill_mid_apply: float = 0.15

    @classmethod
    def none(cls) -> Faults:
        return cls(0, 0, 0, 0, 0)


class LossyTransport:
    """Stands in for HTTP: same messages (gzip JSON bytes both ways), real server store, seeded faults."""

    def __init__(self, server: ServerStore, rng: random.Random, net: Network):
        self.server, self.rng, self.net = server, rng, net
        self.token: str | None = None
        self.faults = Faults()

    def post(self, path: str, message: dict, auth: bool = True) -> dict:
        wire = protocol.encode(message)
        if path == "/v1/enrol":
            req = protocol.decode(wire)
            try:
                token, token_id, house = self.server.enrol(
                    req["code"], req["device_id"], req.get("label", "")
                )
            except EnrolError as exc:
                raise Refused(exc.status, exc.code) from None
            self.token = token
            return {
                "v": protocol.PROTOCOL_VERSION,
                "token": token,
                "token_id": token_id,
                "house_id": house,
                "server_time": self.server.now_ms(),
            }
        self.net.deliver_held(self.rng)
        f = self.faults
        if self.rng.random() < f.drop_before:
            raise TransportTimeout("request lost")
        if self.rng.random() < f.hold_back:
            self.net.held.append((self, wire))
            raise TransportTimeout("request delayed")
        answer = self._serve(wire)
        if self.rng.random() < f.duplicate:
            self.net.stats["replays_refused"] += self._serve_quietly(wire)
        if self.rng.random() < f.drop_after:
            raise TransportTimeout("answer lost after commit")
        return protocol.decode(protocol.encode(answer))

    def _serve(self, wire: bytes) -> dict:
        try:
            who = self.server.authenticate(self.token)
            return self.server.sync(who, protocol.parse_request(protocol.decode(wire)))
        except AuthError as exc:
            raise Refused(exc.status, exc.code) from None
        except protocol.ProtocolError as exc:
            raise Refused(409 if exc.code == "replayed" else 400, exc.code) from None

    def _serve_quietly(self, wire: bytes) -> int:
        try:
            self._serve(wire)
        except Refused as exc:
            return int(exc.code == "replayed")
        return 0


@dataclass
class Network:
    held: list = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)

    def deliver_held(self, rng: random.Random) -> None:
        keep = []
        for transport, wire in self.held:
            if rng.random() < 0.5:
                # A late copy of a request whose sender already gave up on it: its answer goes nowhere.
                try:
                    transport._serve(wire)
                except (Refused, Replayed):
                    pass
            else:
                keep.append((transport, wire))
        self.held[:] = keep


@dataclass
class Write:
    op_id: str
    device: str
    table: str
    row_id: str
    values: dict  # field -> value
    stamp: str
    base: dict  # field -> the stamp the PC had before this write (None for a new row)


@dataclass
class Pc:
    path: Path
    wall: object
    transport: LossyTransport
    store: Store | None = None
    client: SyncClient | None = None

    def open(self) -> None:
        self.store = Store(self.path, wall=self.wall)
        self.client = SyncClient(self.store, self.transport, wall=self.wall)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store = self.client = None


@dataclass
class Result:
    seeds: int = 0
    ops: int = 0
    lost: int = 0
    duplicated: int = 0
    diverged: int = 0
    conflicts_missing: int = 0
    conflicts_expected: int = 0
    # Tricks (tests/sync/harness_tricks.py): bad ops stored, PCs not holding a poisoned row aside, epoch moved.
    poison_stored: int = 0
    quarantine_missing: int = 0
    epoch_moved: int = 0
    faults: Counter = field(default_factory=Counter)

    def add(self, other: Result) -> None:
        for name in (
            "seeds",
            "ops",
            "lost",
            "duplicated",
            "diverged",
            "conflicts_missing",
            "conflicts_expected",
            "poison_stored",
            "quarantine_missing",
            "epoch_moved",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.faults.update(other.faults)


_TEMPLATE: dict[str, Path] = {}


def _server_template() -> Path:
    """Seeding the reference data once and copying the file keeps each seed fast."""
    if "path" not in _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="dostyq-harness-")) / "template.sqlite3"
        ServerStore(f"sqlite:///{path}").close()
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


def run_seed(
    seed: int,
    workdir: Path,
    n_pcs: int = 3,
    steps: int = 200,
    server_url: str | None = None,
    tricks: bool = False,
) -> Result:
    """One seeded run. `tricks` adds poisoned ops and rows, impossible cursors and a restore of the server's
    database from a snapshot (tests/sync/harness_tricks.py), on their own dice so the other faults stay the same."""
    rng = random.Random(seed)
    clock = FakeTime(1_795_000_000.0 + rng.random() * 1000)  # 2026-11
    if server_url is None:
        db = workdir / "server.sqlite3"
        shutil.copy(_server_template(), db)
        server_url = f"sqlite:///{db}"
    server = ServerStore(server_url, wall=clock)
    applied_count: Counter = Counter()
    server.on_apply = lambda op_id: applied_count.update([op_id])
    net = Network()
    skews = [0.0, YEAR_S, -YEAR_S, 240.0, -3600.0]
    pcs: list[Pc] = []
    for i in range(n_pcs):
        skew = skews[i % len(skews)] if i else rng.choice(skews)
        wall = _skewed(clock, skew)
        pc = Pc(workdir / f"pc{i}.sqlite", wall, LossyTransport(server, random.Random(rng.random()), net))
        pc.open()
        pc.transport.faults = Faults.none()
        SyncClient.enrol(
            pc.store, "http://harness.invalid", server.new_enrol_code(HOUSE), transport=pc.transport
        )
        pc.transport.faults = Faults()
        pcs.append(pc)
    writes: list[Write] = []
    ledger_rows = Counter()
    trick_rng = random.Random(seed * 7919 + 1)
    tricked = Result()
    snap: dict | None = None
    forgotten: set[str] = set()
    written_at: dict[str, float] = {}

    def record(pc: Pc, table: str, row_id: str, before: dict | None, prev_seq: int) -> None:
        for op in pc.store.rows("SELECT * FROM outbox WHERE seq > ? ORDER BY seq", (prev_seq,)):
            fields = json.loads(op["fields"])
            fields.pop("house_id", None)
            base = json.loads(before["field_hlc"]) if before else {}
            writes.append(
                Write(
                    op["op_id"],
                    pc.store.device_id,
                    op["table_name"],
                    op["row_id"],
                    fields,
                    op["hlc"],
                    {f: base.get(f) for f in fields},
                )
            )

    def last_seq(pc: Pc) -> int:
        return pc.store.scalar("SELECT coalesce(max(seq), 0) FROM outbox") or 0

    for step in range(steps):
        if tricks:
            if step == steps // 6:
                tricks_mod.poison_rows(server, HOUSE, int(clock() * 1000))
            if step == steps // 3:
                snap = tricks_mod.snapshot(server)
            if step == 2 * steps // 3 and snap is not None:
                forgotten |= tricks_mod.restore(server, snap)
                # Ops the restored server forgot count again from zero: applying one once more is not a double.
                for op_id in forgotten:
                    applied_count.pop(op_id, None)
                net.stats["restores"] += 1
            roll_trick = trick_rng.random()
            if roll_trick < 0.03:
                tricked.poison_stored += tricks_mod.poison_ops(
                    server, trick_rng.choice(pcs), HOUSE, trick_rng
                )
                net.stats["poisoned_requests"] += 1
            elif roll_trick < 0.05:
                tricked.epoch_moved += tricks_mod.epoch_trick(server, trick_rng.choice(pcs))
                net.stats["epoch_tricks"] += 1
        for w in writes[len(written_at) :]:
            written_at[w.op_id] = clock()
        clock.t += rng.random() * 5
        pc = rng.choice(pcs)
        s = pc.store
        roll = rng.random()
        live = s.rows("SELECT id, field_hlc FROM people WHERE deleted = 0 AND house_id = ?", (HOUSE,))
        mark = last_seq(pc)
        if roll < 0.2 or not live:
            row_id = s.insert(
                "people",
                {
                    "surname": rng.choice(["Ахметов", "Ким", "Ли", "Сейтқали"]),
                    "name": f"n{rng.randrange(1000)}",
                    "notes": "жаңа",
                },
            )
            record(pc, "people", row_id, None, mark)
        elif roll < 0.5:
            target = rng.choice(live)
            before = s.get("people", target["id"])
            changes = {
                f: f"{f}-{rng.randrange(10**9)}" for f in rng.sample(EDIT_FIELDS, rng.choice((1, 1, 2)))
            }
            s.update("people", target["id"], changes)
            record(pc, "people", target["id"], before, mark)
        elif roll < 0.55:
            target = rng.choice(live)
            before = s.get("people", target["id"])
            s.delete("people", target["id"])
            record(pc, "people", target["id"], before, mark)
        elif roll < 0.7:
            with s.transaction():
                don = s.insert(
                    "donations",
                    {
                        "received_on": "2026-11-20",
                        "donor_kind": "anonymous",
                        "number": s.next_number("donation"),
                    },
                )
                ledger_rows["donations"] += 1
                for _ in range(rng.choice((1, 2))):
                    s.insert(
                        "donation_lines",
                        {
                            "donation_id": don,
                            "item_id": "item-flour",
                            "quantity": rng.choice((1, 2.5, 10)),
                            "value_kzt": 1500,
                        },
                    )
                    ledger_rows["donation_lines"] += 1
            for op in s.rows("SELECT * FROM outbox WHERE seq > ? ORDER BY seq", (mark,)):
                record_fields = json.loads(op["fields"])
                record_fields.pop("house_id", None)
                writes.append(
                    Write(
                        op["op_id"], s.device_id, op["table_name"], op["row_id"], record_fields, op["hlc"], {}
                    )
                )
        else:
            _sync_once(pc, rng, net)

    # Heal: the link comes back clean; everyone syncs until nothing moves.
    for pc in pcs:
        pc.transport.faults = Faults.none()
    for transport, wire in list(net.held):
        try:
            transport._serve(wire)
        except (Refused, Replayed):
            pass
    net.held.clear()
    for _ in range(6):
        for pc in pcs:
            pc.client.sync()
    for w in writes[len(written_at) :]:
        written_at[w.op_id] = clock()
    result = _check(server, pcs, writes, applied_count, ledger_rows, forgotten, written_at)
    if tricks:
        result.poison_stored = tricked.poison_stored
        result.epoch_moved = tricked.epoch_moved
        result.quarantine_missing = tricks_mod.quarantine_missing(pcs)
    # A repair means a PC's rows differed from the server's at a check: never expected without a real fault.
    net.stats["integrity_repairs"] += sum(
        pc.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync_integrity_repair'") for pc in pcs
    )
    net.stats["integrity_checks"] += sum(1 for pc in pcs if pc.client.state("last_check_at"))
    result.faults = net.stats
    for pc in pcs:
        pc.close()
    server.close()
    return result


def _skewed(clock: FakeTime, skew: float):
    return lambda: clock() + skew


def _sync_once(pc: Pc, rng: random.Random, net: Network) -> None:
    kill = rng.random() < pc.transport.faults.kill_mid_apply
    if kill:
        countdown = [rng.randrange(1, 40)]

        def maybe_die() -> None:
            countdown[0] -= 1
            if countdown[0] <= 0:
                raise Killed()

        pc.client.on_apply_row = maybe_die
    # Sometimes only a few ops fit a request, so answers arrive while older ops still wait in the outbox.
    pc.client.max_ops = rng.choice((1, 3, protocol.MAX_OPS_PER_REQUEST))
    try:
        pc.client.sync(max_rounds=rng.choice((1, 2, 50)))
    except Killed:
        net.stats["killed_mid_apply"] += 1
        pc.close()
        pc.open()
        return
    except Exception as exc:  # noqa: BLE001 - an unreachable server is the expected outcome of a dropped request
        net.stats[type(exc).__name__] += 1
    if pc.client is not None:
        pc.client.on_apply_row = None


def _norm(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _client_rows(store: Store, table: str) -> list:
    spec = schema.SYNCED_TABLES[table]
    out = []
    for row in store.rows(f'SELECT * FROM "{table}" WHERE house_id = ? ORDER BY id', (HOUSE,)):
        out.append(
            (
                row["id"],
                row["deleted"],
                tuple(_norm(row[f]) for f in spec.fields),
                json.dumps(json.loads(row["field_hlc"]), sort_keys=True),
            )
        )
    return out


def _server_rows(server: ServerStore, table: str) -> list:
    spec = schema.SYNCED_TABLES[table]
    out = []
    for row in server.rows(table, HOUSE):
        out.append(
            (
                row["id"],
                row["deleted"],
                tuple(_norm(row["data"].get(f)) for f in spec.fields),
                json.dumps(protocol.field_maps(row)[0], sort_keys=True),
            )
        )
    return out


def table_hash(rows: list) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()


def _check(
    server: ServerStore,
    pcs: list[Pc],
    writes: list[Write],
    applied_count: Counter,
    ledger_rows: Counter,
    forgotten: set[str] | None = None,
    written_at: dict[str, float] | None = None,
) -> Result:
    """`forgotten`: op ids a restored server lost (their writes come back in the PCs' re-sent rows)."""
    res = Result(seeds=1, ops=len(writes))
    applied = server.applied()
    forgotten = forgotten or set()
    final_rows = {(t, r["id"]): r for t in TABLES for r in server.rows(t, HOUSE)}

    def lost(w: Write) -> bool:
        if w.op_id in applied and not applied[w.op_id]["result"].startswith("rejected"):
            return False
        if w.op_id not in forgotten:
            return True
        row = final_rows.get((w.table, w.row_id))
        return not tricks_mod.kept_or_superseded(row, w.values, w.stamp, (written_at or {})[w.op_id] * 1000)

    res.lost = sum(1 for w in writes if lost(w))
    res.lost += sum(1 for pc in pcs if pc.store.pending_count())
    res.duplicated = sum(n - 1 for n in applied_count.values() if n > 1)
    for table in ("donations", "donation_lines"):
        on_server = len(server.rows(table, HOUSE))
        res.duplicated += max(0, on_server - ledger_rows[table])
        res.lost += max(0, ledger_rows[table] - on_server)
    server_hash = {t: table_hash(_server_rows(server, t)) for t in TABLES}
    res.diverged = sum(
        1 for pc in pcs if any(table_hash(_client_rows(pc.store, t)) != server_hash[t] for t in TABLES)
    )
    # Ground truth for conflicts, from the writes themselves.
    eff = {w.op_id: applied[w.op_id]["hlc"] for w in writes if w.op_id in applied}
    orig_to_eff = {applied[w.op_id]["orig_hlc"]: eff[w.op_id] for w in writes if w.op_id in applied}
    recorded: set[tuple] = set()
    for c in server.rows("conflicts", HOUSE):
        d = c["data"]
        recorded.update(
            {
                (d["table_name"], d["row_id"], d["field"], d["kept_hlc"]),
                (d["table_name"], d["row_id"], d["field"], d["other_hlc"]),
            }
        )
    for pc in pcs:
        for d in pc.store.rows("SELECT * FROM conflicts"):
            recorded.update(
                {
                    (d["table_name"], d["row_id"], d["field"], d["kept_hlc"]),
                    (d["table_name"], d["row_id"], d["field"], d["other_hlc"]),
                }
            )
    by_field: dict[tuple, list[tuple[Write, str]]] = {}
    # The review of a field written after a restored snapshot cannot be judged: the server's record of it is gone.
    unjudged = {(w.table, w.row_id, f) for w in writes if w.op_id in forgotten for f in w.values}
    for w in writes:
        if w.op_id not in eff:
            continue
        for f in w.values:
            if (w.table, w.row_id, f) in unjudged:
                continue
            by_field.setdefault((w.table, w.row_id, f), []).append((w, eff[w.op_id]))
    final = {(t, r["id"]): r for t in TABLES for r in server.rows(t, HOUSE)}
    for (table, row_id, f), items in by_field.items():
        based_on = {orig_to_eff.get(w.base.get(f), w.base.get(f)) for w, _ in items if w.base.get(f)}
        row = final[(table, row_id)]
        winner_value = row["deleted"] if f == "deleted" else row["data"].get(f)
        for w, stamp in items:
            if stamp in based_on or stamp == protocol.field_maps(row)[0].get(f):
                continue
            if merge.same_value(w.values[f], winner_value):
                continue
            res.conflicts_expected += 1
            if (table, row_id, f, stamp) not in recorded and (table, row_id, f, w.stamp) not in recorded:
                res.conflicts_missing += 1
    return res


def run(seeds: range, steps: int = 200, n_pcs: int = 3, tricks: bool = False) -> Result:
    total = Result()
    for seed in seeds:
        workdir = Path(tempfile.mkdtemp(prefix=f"dostyq-seed{seed}-"))
        try:
            total.add(run_seed(seed, workdir, n_pcs=n_pcs, steps=steps, tricks=tricks))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return total
