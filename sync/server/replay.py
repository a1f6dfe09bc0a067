"""A row re-sent whole by a PC (after a restore, a reset or a repair), and the conflicts the exchange stores for
review: the parts of one sync request that write whole rows and conflict records rather than one op's fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop import schema
from desktop.hlc import Stamp
from sync import merge, op_schema
from sync.protocol import APPLIED, CONFLICT, REJECTED, Op
from sync.server.db import to_json, writer
from sync.server.held import HeldMixin
from sync.server.identity import Principal
from sync.server.schema import applied_ops, devices, records, server_meta
from sync.server.summaries import REPORTS_TABLE, SummariesMixin


class ReplayMixin(SummariesMixin, HeldMixin):
    # The exchange's merge of one op (ExchangeMixin._merge): held ops of a replayed row are merged with it.
    _merge: Callable[..., tuple[str, int | None]]
    # The exchange's row access, through the chunk's batch when there is one (sync.server.batch).
    _read_row: Callable[..., Any]
    _write_row: Callable[..., None]
    _settle: Callable[[Connection], None]

    def _epoch_seq(self, conn: Connection) -> int:
        value = conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "epoch_seq")).scalar()
        return int(value) if value and value.isdigit() else 0

    def _written_by_its_pc(self, conn: Connection, house: str, seq: int, stamp: str) -> bool:
        """Whether the field write stored at `seq` came from the PC its stamp names (its own op, not another PC's
        re-sent copy of it)."""
        self._settle(conn)
        device = conn.execute(
            sa.select(devices.c.device_id)
            .select_from(applied_ops.join(devices, devices.c.id == applied_ops.c.device_pk))
            .where(applied_ops.c.server_seq == seq, applied_ops.c.house_id == house)
            .limit(1)
        ).scalar()
        return device is not None and device == Stamp.parse(stamp).device

    def _store_conflicts(
        self, conn: Connection, who: Principal, found: list[dict], stamp: str, author: str
    ) -> None:
        """Conflicts for review, each stored once (its id is the same wherever it is found); every PC of the house
        receives them."""
        now_iso = self.now_iso()
        for record in found:
            if self._read_row(conn, "conflicts", record["id"]) is None:
                self._write_row(
                    conn,
                    "conflicts",
                    record["id"],
                    {
                        "house_id": who.house_id,
                        "server_seq": self._next_seq(conn),
                        "deleted": 0,
                        "hlc": stamp,
                        "data": to_json(record),
                        "field_hlc": "{}",
                        "field_seq": "{}",
                        "created_at": now_iso,
                        "updated_at": now_iso,
                        "updated_by": author,
                    },
                    insert=True,
                )

    def _withdraw_erased_conflicts(
        self, conn: Connection, house: str, table: str, row_id: str, now_iso: str
    ) -> None:
        """Conflicts stored before the row was erased may hold an erased value: each becomes a tombstone that keeps
        only what it was about, and the PCs drop it on their next sync."""
        blanks = {*schema.PERSONAL_FIELDS[table], "deleted"}
        stored = conn.execute(
            sa.select(records.c.id, records.c.data).where(
                records.c.table_name == "conflicts", records.c.house_id == house, records.c.deleted == 0
            )
        ).all()
        for record_id, text in stored:
            found = json.loads(text)
            if (
                found.get("table_name") != table
                or found.get("row_id") != row_id
                or found.get("field") not in blanks
            ):
                continue
            kept = {k: found.get(k) for k in ("id", "table_name", "row_id", "field")}
            conn.execute(
                records.update()
                .where(records.c.table_name == "conflicts", records.c.id == record_id)
                .values(deleted=1, data=to_json(kept), server_seq=self._next_seq(conn), updated_at=now_iso)
            )

    def _replay(self, conn: Connection, who: Principal, op: Op, now_ms: int) -> tuple[str, int | None]:
        """A row re-sent whole by a PC after this database lost it (restored backup): merged field by field with
        the row's own stamps. These writes were all reviewed when first made, so no conflict is recorded."""
        spec = schema.SYNCED_TABLES.get(op.table)
        if spec is None:
            return f"{REJECTED}:table", None
        fields = dict(op.fields)
        if fields.pop("house_id", who.house_id) != who.house_id:
            return f"{REJECTED}:house", None
        if set(fields) - set(spec.fields) - {"deleted"} or not op.field_hlc:
            return f"{REJECTED}:field", None
        if op.table == REPORTS_TABLE:
            self._settle(conn)
            problem = self.report_op_problem(conn, who.house_id or "", op.row_id, fields, op.kind)
            if problem:
                return f"{REJECTED}:{problem}", None
        row = self._read_row(conn, op.table, op.row_id)
        if row is not None and row["house_id"] != who.house_id:
            return f"{REJECTED}:house", None
        problem = op_schema.check_fields(op.table, fields, whole=row is None)
        if problem:
            return f"{REJECTED}:{problem}"[:80], None
        if row is None:
            data, field_hlc, field_seq, deleted = {}, {}, {}, 0
        else:
            data = json.loads(row["data"])
            field_hlc, field_seq = json.loads(row["field_hlc"]), json.loads(row["field_seq"])
            deleted = row["deleted"]
        limit = now_ms + merge.CLAMP_AHEAD_MS
        seq = None
        epoch_seq = self._epoch_seq(conn)
        found: list[dict] = []
        for name, value in fields.items():
            given = op.field_hlc.get(name)
            if not given:
                continue
            stamp = Stamp.parse(given)
            stored_stamp = field_hlc.get(name)
            if (
                who.device_id
                and stamp.device != who.device_id
                and stored_stamp
                and field_seq.get(name, 0) > epoch_seq
                and merge.wins(given, stored_stamp)
                and self._written_by_its_pc(conn, who.house_id or "", field_seq[name], stored_stamp)
            ):
                # Another PC's write, re-sent by this one, over what that PC itself wrote here since the epoch
                # began: never taken silently (a re-sent row could otherwise pass off any write as another
                # PC's). A person sees both values in Needs review.
                stored = deleted if name == "deleted" else data.get(name)
                if not merge.same_value(value, stored):
                    found.append(
                        merge.conflict_record(
                            op.table, op.row_id, name, stored, stored_stamp, value, given, self.now_iso()
                        )
                    )
                continue
            if stamp.ms > limit:
                # A write stamped ahead of the clamp, as its PC still holds it: when this server already has the
                # field with that value, it is the same write (stored with its clamped stamp), not a newer one.
                stored = deleted if name == "deleted" else data.get(name)
                if name in field_hlc and merge.same_value(value, stored):
                    continue
                given = str(Stamp(limit, stamp.counter, stamp.device))
            if not merge.wins(given, field_hlc.get(name)):
                continue
            if seq is None:
                seq = self._next_seq(conn)
            if name == "deleted":
                deleted = int(bool(value))
            else:
                data[name] = value
            field_hlc[name], field_seq[name] = given, seq
        found = merge.keep_erased(op.table, data, found)
        self._store_conflicts(conn, who, found, op.hlc, writer(op.hlc))
        if seq is None:
            # The server already has this row as new or newer (or kept its own and recorded the difference).
            return (CONFLICT if found else APPLIED), None
        merge.keep_erased(op.table, data, [])
        hlc = max(field_hlc.values())
        when = op.created_at or self.now_iso()
        values = {
            "house_id": who.house_id,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": hlc,
            "data": to_json(data),
            "field_hlc": to_json(field_hlc),
            "field_seq": to_json(field_seq),
            "updated_at": when,
            "updated_by": writer(hlc),
        }
        if row is None:
            self._write_row(conn, op.table, op.row_id, {"created_at": when, **values}, insert=True)
            self._release_held(conn, who, op.table, op.row_id, self._merge)
        else:
            self._write_row(conn, op.table, op.row_id, values, insert=False)
        return APPLIED, seq
