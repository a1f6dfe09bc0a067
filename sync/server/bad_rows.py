"""The administrator's view of rows the PCs cannot store (`dostyq-server rows list|show|tombstone`).

A row stored before the server checked every op (sync.op_schema), or written straight into the database, may fail
the synced schema check; each PC then keeps it aside ("could not be applied") and syncs the rest. The administrator
lists such rows and the held ops (sync.server.held), looks at one, and tombstones it: a delete at a new server seq
whose failing values are blanked, so every PC can apply it and closes its quarantine entry.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from desktop import schema
from desktop.hlc import Stamp
from sync import op_schema
from sync.server.db import to_json
from sync.server.held import HeldMixin
from sync.server.schema import held_ops, records

SERVER_DEVICE = "server"  # the device part of the stamps of the administrator's tombstones


class UnknownRow(LookupError):
    pass


class BadRowsMixin(HeldMixin):
    def bad_rows(self, house: str | None = None) -> list[dict]:
        """{table, id, house_id, seq, reason} of every synced row that fails the check, in seq order."""
        out = []
        q = (
            sa.select(
                records.c.table_name, records.c.id, records.c.house_id, records.c.server_seq, records.c.data
            )
            .where(records.c.table_name.in_(list(schema.SYNCED_TABLES)))
            .order_by(records.c.server_seq)
        )
        if house is not None:
            q = q.where(records.c.house_id == house)
        with self.engine.connect() as conn:
            for table, row_id, row_house, seq, data in conn.execute(q.execution_options(yield_per=500)):
                reason = _reason(table, data)
                if reason:
                    out.append(
                        {"table": table, "id": row_id, "house_id": row_house, "seq": seq, "reason": reason}
                    )
        return out

    def bad_row(self, table: str, row_id: str) -> dict:
        """One row as stored, with the reason it fails (None if it passes) and the ops held for it."""
        if table not in schema.SYNCED_TABLES:
            raise UnknownRow(table)
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(records).where(records.c.table_name == table, records.c.id == row_id))
                .mappings()
                .first()
            )
        held = [h for h in self.held() if h["table_name"] == table and h["row_id"] == row_id]
        if row is None and not held:
            raise UnknownRow(f"{table} {row_id}")
        return {
            "row": dict(row) if row is not None else None,
            "reason": _reason(table, row["data"]) if row is not None else None,
            "held": held,
        }

    def tombstone(self, table: str, row_id: str) -> int | None:
        """Deletes the row at a new server seq, its failing values blanked, and drops the ops held for it.
        Returns the tombstone's seq (None when only held ops were dropped). Only rows of synced tables: reference
        rows have their own commands."""
        if table not in schema.SYNCED_TABLES:
            raise UnknownRow(table)
        with self._write() as conn:
            row = (
                conn.execute(sa.select(records).where(records.c.table_name == table, records.c.id == row_id))
                .mappings()
                .first()
            )
            held = [
                r[0]
                for r in conn.execute(
                    sa.select(held_ops.c.op_id).where(
                        held_ops.c.table_name == table, held_ops.c.row_id == row_id
                    )
                )
            ]
            if row is None and not held:
                raise UnknownRow(f"{table} {row_id}")
            if held:
                self._drop_held(conn, held)
            if row is None:
                return None
            data = json.loads(row["data"])
            fixed = op_schema.repaired(table, data)
            field_hlc, field_seq = json.loads(row["field_hlc"]), json.loads(row["field_seq"])
            newest = max([row["hlc"], *field_hlc.values()])
            stamp = str(Stamp(max(self.now_ms(), Stamp.parse(newest).ms + 1), 0, SERVER_DEVICE))
            seq = self._next_seq(conn)
            # The blanked fields and `deleted` take the tombstone's stamp; dropped (unknown) fields go.
            for name in (set(fixed) | set(data)) - {n for n in fixed if n in data and fixed[n] == data[n]}:
                if name in fixed:
                    field_hlc[name], field_seq[name] = stamp, seq
                else:
                    field_hlc.pop(name, None)
                    field_seq.pop(name, None)
            field_hlc["deleted"], field_seq["deleted"] = stamp, seq
            conn.execute(
                records.update()
                .where(records.c.table_name == table, records.c.id == row_id)
                .values(
                    server_seq=seq,
                    deleted=1,
                    hlc=stamp,
                    data=to_json(fixed),
                    field_hlc=to_json(field_hlc),
                    field_seq=to_json(field_seq),
                    updated_at=self.now_iso(),
                    updated_by=SERVER_DEVICE,
                )
            )
            return seq


def _reason(table: str, data_json: str) -> str | None:
    try:
        data = json.loads(data_json)
    except ValueError:
        return "malformed"
    if not isinstance(data, dict):
        return "malformed"
    return op_schema.check_row(table, data)
