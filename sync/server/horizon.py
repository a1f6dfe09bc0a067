"""Tombstones purged below the house's horizon: the lowest position of its enrolled, not revoked devices.

Every sync records where its device stands (device_cursors): the cursor it sent, or the lower `known` seq its pending
ops were written against, or 0 when its cursor was reset (held in memory up to POSITION_FLUSH_S, so the stored one
is older and lower). A device with no position in this history epoch (enrolled
but never synced, or not synced since `dostyq-server restored`) counts as 0 and holds everything. A deleted row at or
below the horizon has reached every device that could hold it; a device enrolled later starts from the live rows
(cursor 0) and never needed it. So `purge` deletes such tombstones, with what is left of them:

- the conflict records about a purged row (a reviewer could still restore a row while its conflict is younger than
  CONFLICT_HOLD_DAYS, so such a tombstone is kept until then);
- applied ops that no stored field names any more, below a horizon at least SEEN_REQUESTS_DAYS old (purge_runs): by
  then every device holds their acks and no request file can still carry them.

Each purged row leaves its id and the stamp and seq of its delete in purged_rows. A device that comes back from
behind them (a PC restored from an old backup of its own sends a cursor below them) receives one `purged` change per
such row and drops its copy; an op or re-sent row no newer than the delete (an outbox op of that backup, a re-send
after a reset or an integrity repair) is acknowledged as a duplicate without being applied, and the PC is told the
same. So a purged row never comes back, which is what its tombstone did.

Revoked devices and coordinators do not hold the horizon. Rows of every house (house_id '') keep their tombstones.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop.hlc import Stamp
from sync.protocol import DUPLICATE, SyncRequest
from sync.server.db import iso
from sync.server.exchange import SEEN_REQUESTS_DAYS, ExchangeMixin
from sync.server.identity import Principal
from sync.server.schema import (
    CENTRAL,
    applied_ops,
    counters,
    device_cursors,
    devices,
    held_ops,
    purge_runs,
    purged_rows,
    records,
)

log = logging.getLogger("dostyq.server.purge")

CONFLICT_HOLD_DAYS = 30
PURGED_KEEP_DAYS = 400  # a PC keeps a backup of each of the last 12 months
PURGED = "purged"  # the `t` of a change telling a PC that a row it may hold was purged (sync/apply.py)
_CHUNK = 500


@dataclass(frozen=True)
class Purged:
    house: str
    horizon: int
    top: int
    tombstones: int
    conflicts: int
    applied_ops: int
    held_by: str | None  # the token id of a device at the horizon, when it is below the newest seq


class HorizonMixin(ExchangeMixin):
    # Positions wait in memory this long before they are written (a purge of this process writes them first): the
    # stored one is then older, so lower, which only keeps more. It saves a commit per sync.
    POSITION_FLUSH_S = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._held_positions = _Positions()
        super().__init__(*args, **kwargs)

    # ---- where each device stands ----------------------------------------------------------------------------
    def sync(self, who: Principal, req: SyncRequest) -> dict:
        house = who.house_id if who.role == "device" else None
        stale = self._stale_ops(house, req) if house and req.ops else {}
        if stale:
            req = req.model_copy(update={"ops": [op for op in req.ops if op.op_id not in stale]})
        answer = super().sync(who, req)
        reset = bool(answer.get("reset"))
        position = 0 if reset else min(req.cursor, req.cursor if req.known is None else req.known)
        # A cursor below the highest this device sent before (or its first request to this process): it may have
        # moved back (restored from a backup of its own), so the purged rows of the seqs it now fetches, page after
        # page until it is past that cursor again, are named to it.
        before = self._positions().high_cursor.get(who.pk)
        behind = (before is None or req.cursor < before) and not reset and 0 < req.cursor < answer["cursor"]
        self._record_position(who.pk, answer.get("epoch") or req.epoch, position, 0 if reset else req.cursor)
        if house and (stale or behind):
            answer["acks"].update({op_id: DUPLICATE for op_id in stale})
            told = self._obituaries(house, req.cursor if behind else None, answer["cursor"], stale.values())
            if told:
                answer["changes"] = [*answer["changes"], *told]
        return answer

    def _positions(self) -> _Positions:
        return self._held_positions

    def close(self) -> None:
        self.flush_positions()
        super().close()

    def _stale_ops(self, house: str, req: SyncRequest) -> dict[str, tuple[str, str]]:
        """{op_id: (table, row id)} of the ops about a purged row that are no newer than its delete."""
        ids = list({op.row_id for op in req.ops})
        gone: dict[tuple[str, str], str] = {}
        with self.engine.connect() as conn:
            # Most houses have no purged row: one look at the index, not the ops' row ids a few hundred at a time.
            any_purged = sa.select(purged_rows.c.id).where(purged_rows.c.house_id == house).limit(1)
            if conn.execute(any_purged).first() is None:
                return {}
            for part in _chunks(ids):
                for table, row_id, hlc in conn.execute(
                    sa.select(purged_rows.c.table_name, purged_rows.c.id, purged_rows.c.hlc).where(
                        purged_rows.c.house_id == house, purged_rows.c.id.in_(part)
                    )
                ):
                    gone[(table, row_id)] = hlc
        out = {}
        for op in req.ops:
            deleted_at = gone.get((op.table, op.row_id))
            if deleted_at is not None and _not_newer(op.hlc, deleted_at):
                out[op.op_id] = (op.table, op.row_id)
        return out

    def _obituaries(
        self, house: str, after: int | None, upto: int, named: Iterable[tuple[str, str]]
    ) -> list[dict]:
        """`purged` changes: the purged rows of seqs in (after, upto], and the ones named."""
        wanted = set(named)
        found: dict[tuple[str, str], dict] = {}
        with self.engine.connect() as conn:
            q = sa.select(purged_rows).where(purged_rows.c.house_id == house)
            if after:
                ranged = q.where(purged_rows.c.server_seq > after, purged_rows.c.server_seq <= upto)
                for r in conn.execute(ranged).mappings():
                    found[(r["table_name"], r["id"])] = dict(r)
            for part in _chunks([row_id for _table, row_id in wanted]):
                for r in conn.execute(q.where(purged_rows.c.id.in_(part))).mappings():
                    if (r["table_name"], r["id"]) in wanted:
                        found[(r["table_name"], r["id"])] = dict(r)
        return [
            {
                "t": PURGED,
                "id": r["id"],
                "table": r["table_name"],
                "house_id": house,
                "seq": r["server_seq"],
                "hlc": r["hlc"],
                "deleted": 1,
                "data": {},
            }
            for r in sorted(found.values(), key=lambda r: r["server_seq"])
        ]

    def _record_position(self, token_id: str, epoch: str, position: int, cursor: int) -> None:
        """After the exchange, outside its transaction: a purge in between still sees the device's previous,
        lower position, which only keeps more."""
        held = self._positions()
        now = self.wall()
        with held.lock:
            held.waiting[token_id] = {"epoch": epoch, "cursor": position, "at": iso(now)}
            held.high_cursor[token_id] = max(cursor, held.high_cursor.get(token_id, 0)) if cursor else 0
            due = now - held.flushed_at >= self.POSITION_FLUSH_S or now < held.flushed_at
        if due:
            self.flush_positions()

    def flush_positions(self) -> None:
        """Writes the positions waiting in memory."""
        held = self._positions()
        with held.lock:
            waiting, held.waiting = held.waiting, {}
            held.flushed_at = self.wall()
        if not waiting:
            return
        txn = self._write() if self.is_sqlite else self.engine.begin()
        with txn as conn:
            for token_id, values in sorted(waiting.items()):
                done = conn.execute(
                    device_cursors.update().where(device_cursors.c.token_id == token_id).values(**values)
                )
                if done.rowcount == 0:
                    try:
                        with conn.begin_nested():
                            conn.execute(device_cursors.insert().values(token_id=token_id, **values))
                    except sa.exc.IntegrityError:  # another server process inserted it first
                        conn.execute(
                            device_cursors.update()
                            .where(device_cursors.c.token_id == token_id)
                            .values(**values)
                        )

    def horizon(self, house: str) -> tuple[int, str | None]:
        """(horizon, a token id holding it or None) of `house` now."""
        self.flush_positions()
        with self.engine.connect() as conn:
            return self._horizon(conn, house, self._epoch(conn))

    def _horizon(self, conn: Connection, house: str, epoch: str) -> tuple[int, str | None]:
        top = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
        found = conn.execute(
            sa.select(devices.c.id, device_cursors.c.epoch, device_cursors.c.cursor)
            .select_from(devices.outerjoin(device_cursors, device_cursors.c.token_id == devices.c.id))
            .where(devices.c.role == "device", devices.c.house_id == house, devices.c.revoked_at.is_(None))
            .order_by(devices.c.id)
        ).all()
        horizon, holder = top, None
        for token_id, seen_epoch, cursor in found:
            position = min(int(cursor), top) if cursor is not None and seen_epoch == epoch else 0
            if position < horizon:
                horizon, holder = position, token_id
        return horizon, holder

    # ---- purge -----------------------------------------------------------------------------------------------
    def purge_houses(self) -> list[str]:
        """Every house with synced rows (reference rows aside)."""
        with self.engine.connect() as conn:
            return sorted(
                h
                for (h,) in conn.execute(
                    sa.select(records.c.house_id).where(records.c.house_id != CENTRAL).distinct()
                )
            )

    def purge(self, house: str | None = None) -> list[Purged]:
        """Purges one house, or every house, each in its own write transaction."""
        self.flush_positions()
        return [self._purge_house(h) for h in ([house] if house is not None else self.purge_houses())]

    def _purge_house(self, house: str) -> Purged:
        now = self.wall()
        now_iso = iso(now)
        with self._write() as conn:
            epoch = self._epoch(conn)
            horizon, holder = self._horizon(conn, house, epoch)
            top = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
            held_rows = _open_conflicts(conn, house, iso(now - CONFLICT_HOLD_DAYS * 86400))
            doomed: dict[str, list[str]] = {}
            obituaries = []
            for table, row_id, seq, hlc, field_hlc in conn.execute(
                sa.select(
                    records.c.table_name,
                    records.c.id,
                    records.c.server_seq,
                    records.c.hlc,
                    records.c.field_hlc,
                ).where(records.c.house_id == house, records.c.deleted == 1, records.c.server_seq <= horizon)
            ):
                if (table, row_id) not in held_rows:
                    doomed.setdefault(table, []).append(row_id)
                    obituaries.append(
                        {
                            "table_name": table,
                            "id": row_id,
                            "house_id": house,
                            "server_seq": seq,
                            "hlc": json.loads(field_hlc or "{}").get("deleted") or hlc,
                            "purged_at": now_iso,
                        }
                    )
            tombstones = sum(len(ids) for ids in doomed.values())
            conflicts = _conflicts_about(conn, house, doomed)
            conflicts = [c for c in conflicts if c not in set(doomed.get("conflicts", ()))]
            for table, ids in [*doomed.items(), ("conflicts", conflicts)]:
                for part in _chunks(ids):
                    conn.execute(
                        records.delete().where(records.c.table_name == table, records.c.id.in_(part))
                    )
                    conn.execute(
                        purged_rows.delete().where(
                            purged_rows.c.table_name == table, purged_rows.c.id.in_(part)
                        )
                    )
            for i in range(0, len(obituaries), _CHUNK):
                conn.execute(purged_rows.insert(), obituaries[i : i + _CHUNK])
            conn.execute(
                purged_rows.delete().where(
                    purged_rows.c.house_id == house,
                    purged_rows.c.purged_at < iso(now - PURGED_KEEP_DAYS * 86400),
                )
            )
            forgotten = self._forget_applied(conn, house, epoch, iso(now - SEEN_REQUESTS_DAYS * 86400))
            conn.execute(
                purge_runs.delete().where(purge_runs.c.house_id == house, purge_runs.c.at == now_iso)
            )
            conn.execute(
                purge_runs.insert().values(
                    house_id=house,
                    at=now_iso,
                    epoch=epoch,
                    horizon=horizon,
                    tombstones=tombstones,
                    applied_ops=forgotten,
                )
            )
            _prune_runs(conn, house, iso(now - SEEN_REQUESTS_DAYS * 86400))
        return Purged(
            house, horizon, top, tombstones, len(conflicts), forgotten, holder if horizon < top else None
        )

    def _forget_applied(self, conn: Connection, house: str, epoch: str, old_iso: str) -> int:
        """Applied ops below the horizon of a purge at least SEEN_REQUESTS_DAYS old that no stored field names."""
        old = conn.execute(
            sa.select(sa.func.max(purge_runs.c.horizon)).where(
                purge_runs.c.house_id == house, purge_runs.c.epoch == epoch, purge_runs.c.at <= old_iso
            )
        ).scalar()
        if not old:
            return 0
        named: set[int] = set()
        for seq, field_seq in conn.execute(
            sa.select(records.c.server_seq, records.c.field_seq).where(records.c.house_id == house)
        ):
            named.add(int(seq))
            named.update(int(s) for s in json.loads(field_seq or "{}").values())
        waiting = {
            op_id
            for (op_id,) in conn.execute(sa.select(held_ops.c.op_id).where(held_ops.c.house_id == house))
        }
        gone = [
            op_id
            for op_id, seq in conn.execute(
                sa.select(applied_ops.c.op_id, applied_ops.c.server_seq).where(
                    applied_ops.c.house_id == house, applied_ops.c.server_seq <= old
                )
            )
            if int(seq) not in named and op_id not in waiting
        ]
        for part in _chunks(gone):
            conn.execute(applied_ops.delete().where(applied_ops.c.op_id.in_(part)))
        return len(gone)


class _Positions:
    """The positions of this process not yet written, and the highest cursor each device sent here (0 after a
    reset)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: dict[str, dict] = {}
        self.high_cursor: dict[str, int] = {}
        self.flushed_at = 0.0


def _not_newer(stamp: str, than: str) -> bool:
    try:
        mine, theirs = Stamp.parse(stamp), Stamp.parse(than)
    except ValueError:
        return False
    return (mine.ms, mine.counter) <= (theirs.ms, theirs.counter)


def _open_conflicts(conn: Connection, house: str, since_iso: str) -> set[tuple[str, str]]:
    """(table, row id) of the rows named by a conflict record younger than `since_iso`."""
    out = set()
    for data, created_at in conn.execute(
        sa.select(records.c.data, records.c.created_at).where(
            records.c.table_name == "conflicts", records.c.house_id == house, records.c.deleted == 0
        )
    ):
        if created_at >= since_iso:
            out.add(_about(data))
    return out


def _conflicts_about(conn: Connection, house: str, doomed: dict[str, list[str]]) -> list[str]:
    """Ids of the conflict records about the rows being purged."""
    wanted = {(t, i) for t, ids in doomed.items() if t != "conflicts" for i in ids}
    if not wanted:
        return []
    return [
        conflict_id
        for conflict_id, data in conn.execute(
            sa.select(records.c.id, records.c.data).where(
                records.c.table_name == "conflicts", records.c.house_id == house
            )
        )
        if _about(data) in wanted
    ]


def _about(data: str) -> tuple[str, str]:
    record = json.loads(data)
    return str(record.get("table_name")), str(record.get("row_id"))


def _prune_runs(conn: Connection, house: str, old_iso: str) -> None:
    """Keeps the runs of the last SEEN_REQUESTS_DAYS and the newest one before them."""
    newest_old = conn.execute(
        sa.select(sa.func.max(purge_runs.c.at)).where(
            purge_runs.c.house_id == house, purge_runs.c.at <= old_iso
        )
    ).scalar()
    if newest_old:
        conn.execute(purge_runs.delete().where(purge_runs.c.house_id == house, purge_runs.c.at < newest_old))


def _chunks(items: Iterable[str]) -> Iterable[list[str]]:
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class PurgeTimer:
    """The serving process's purge: once at start, then every `hours`, in a thread of its own."""

    def __init__(self, store: HorizonMixin, hours: float):
        self.store = store
        self.seconds = hours * 3600
        self.stop = threading.Event()
        self.runs = 0
        self.thread = threading.Thread(target=self._run, name="dostyq-purge", daemon=True)

    def start(self) -> PurgeTimer:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                done = self.store.purge()
                log.info(
                    "purge: %d tombstones, %d applied ops removed in %d houses",
                    sum(p.tombstones for p in done),
                    sum(p.applied_ops for p in done),
                    len(done),
                )
            except Exception:  # the next run tries again; the server keeps serving
                log.exception("purge failed")
            self.runs += 1
            self.stop.wait(self.seconds)
