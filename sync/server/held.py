"""Ops held for a row the server does not have yet (docs/DESIGN.md §4, "Held ops").

An update or delete can reach the server before the insert of its row: after a restored backup, a PC sends its
pending edit of a row written after the backup before it re-sends the row itself; on a file round, a PC's edit may
travel ahead of the other PC's insert. Such an op is acknowledged `held` and kept in `held_ops` (never as a partial
row, which no PC could store). When the row's insert (or a re-sent whole row) arrives, the held ops of that row
are merged in arrival order with the stamps and cursor they came with. A held op whose row never arrives is
dropped after HELD_DAYS, its ack then `rejected:no_row`; an administrator sees the held ops with
`dostyq-server rows list` and drops one with `rows tombstone`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.protocol import REJECTED, Op
from sync.server.batch import batch_of
from sync.server.db import StoreBase, iso, to_json
from sync.server.identity import Principal
from sync.server.schema import applied_ops, held_ops

HELD = "held"
HELD_DAYS = 90
MAX_HELD_PER_HOUSE = 10_000


class HeldMixin(StoreBase):
    def _hold(
        self, conn: Connection, who: Principal, op: Op, stamp: str, cursor: int
    ) -> tuple[str, int | None]:
        house = who.house_id or ""
        count = conn.execute(
            sa.select(sa.func.count()).select_from(held_ops).where(held_ops.c.house_id == house)
        ).scalar_one()
        if count >= MAX_HELD_PER_HOUSE:
            return f"{REJECTED}:no_row", None
        seq = self._next_seq(conn)
        batch = batch_of(conn)
        if batch is not None:
            batch.held_rows.add((op.table, op.row_id))
        kept = op.model_copy(update={"hlc": stamp})
        conn.execute(
            held_ops.insert().values(
                op_id=op.op_id,
                house_id=house,
                table_name=op.table,
                row_id=op.row_id,
                server_seq=seq,
                op=to_json(kept.model_dump()),
                cursor=cursor,
                received_at=self.now_iso(),
            )
        )
        return HELD, seq

    def _release_held(
        self, conn: Connection, who: Principal, table: str, row_id: str, merge: Callable[..., tuple[str, Any]]
    ) -> None:
        """Merges (with `merge`, the exchange's) the held ops of a row that now exists, oldest first."""
        batch = batch_of(conn)
        if batch is not None:
            if (table, row_id) not in batch.held_rows:
                return  # the chunk read the held ops of its rows in bulk: none for this one
            batch.held_rows.discard((table, row_id))
            batch.settle()
        waiting = (
            conn.execute(
                sa.select(held_ops)
                .where(
                    held_ops.c.house_id == (who.house_id or ""),
                    held_ops.c.table_name == table,
                    held_ops.c.row_id == row_id,
                )
                .order_by(held_ops.c.server_seq)
            )
            .mappings()
            .all()
        )
        for held in waiting:
            op = Op.model_validate(json.loads(held["op"]))
            result, _seq = merge(conn, who, op, op.hlc, op.hlc.split("-", 2)[2], held["cursor"])
            conn.execute(held_ops.delete().where(held_ops.c.op_id == held["op_id"]))
            conn.execute(
                applied_ops.update().where(applied_ops.c.op_id == held["op_id"]).values(result=result)
            )

    def _prune_held(self, conn: Connection) -> None:
        horizon = iso(self.wall() - HELD_DAYS * 86400)
        old = [
            r[0] for r in conn.execute(sa.select(held_ops.c.op_id).where(held_ops.c.received_at < horizon))
        ]
        if old:
            self._drop_held(conn, old)

    def _drop_held(self, conn: Connection, op_ids: list[str]) -> None:
        conn.execute(held_ops.delete().where(held_ops.c.op_id.in_(op_ids)))
        conn.execute(
            applied_ops.update().where(applied_ops.c.op_id.in_(op_ids)).values(result=f"{REJECTED}:no_row")
        )

    def held(self, house: str | None = None) -> list[dict]:
        """The held ops (administrator's view, tests), oldest first."""
        q = sa.select(held_ops).order_by(held_ops.c.server_seq)
        if house is not None:
            q = q.where(held_ops.c.house_id == house)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]
