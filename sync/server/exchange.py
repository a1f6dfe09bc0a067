"""The exchange: one sync request applied, and the page of changes sent back.

Each op is deduplicated by op_id, its stamp clamped, and merged field by field (sync.merge); every write and every
applied op takes the next server seq. The answer carries the acks, the changes after the device's cursor (up to a
page of bytes), the new cursor and, when the history epoch changed, the new epoch.

Bulk apply: the ops go in chunks of `APPLY_CHUNK`. A chunk's rows, applied op ids and held rows are read with one
SELECT … IN (…) each, the ops are merged in memory in request order (each sees what the ones before it wrote) and
the chunk is written with one statement per table (sync.server.batch). A chunk the database refuses in bulk is done
again one op at a time, each in its own savepoint, so a refused write rejects only its own op (`rejected:store`).

Houses never wait for each other's big uploads: each chunk is its own short write transaction, holding the seq
lock (db._WriteTxn) only while it reads, merges and writes its own ops; the request's last chunk shares its
transaction with the acks and the changes page. Seq order stays commit order (seqs are handed out and committed
inside the lock), so a reader with cursor c never later sees a change with seq ≤ c appear. A request cut between
chunks leaves its earlier chunks applied: every op is deduplicated by op_id and the acks of applied ops are sent
again on the device's next exchange, so the retry changes nothing twice. The request id is checked before the first
chunk and recorded with the last, so a retried request file is applied in full, and a replayed one refused.

On PostgreSQL a no-change sync takes no seq lock at all (db._ReadingTxn): it reads the committed counter first and
the changes only up to it, and writes only its request id and its device's last_seen_at.
"""

from __future__ import annotations

import json
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop import schema
from desktop.hlc import Stamp
from sync import merge, op_schema
from sync.protocol import (
    APPLIED,
    CONFLICT,
    DUPLICATE,
    PROTOCOL_VERSION,
    REJECTED,
    Op,
    ProtocolError,
    SyncRequest,
)
from sync.protocol import table_digest as protocol_digest
from sync.server.batch import BATCH, Batch, batch_of
from sync.server.db import EPOCH_READ, iso, to_json, writer
from sync.server.identity import AuthError, Principal
from sync.server.replay import ReplayMixin
from sync.server.schema import CENTRAL, applied_ops, devices, records, seen_requests, server_meta
from sync.server.summaries import REPORTS_TABLE

_STAMP_DEVICE_RE = re.compile(r"^[A-Za-z0-9_.]{1,64}$")
# Request ids are remembered this long; an older replay is still harmless (every op is deduplicated by op_id).
SEEN_REQUESTS_DAYS = 30
# Ops applied per write transaction: a request of more ops is applied in several, so a big upload holds the seq
# lock for one chunk at a time and the other houses' syncs get in between.
APPLY_CHUNK = 250


class Replayed(ProtocolError):
    def __init__(self) -> None:
        super().__init__("replayed", "this request was already received")


class ExchangeMixin(ReplayMixin):
    # False: every op in its own savepoint, read and written one at a time (the path a refused bulk write falls
    # back to; tests compare the two).
    bulk_apply = True

    # ---- history epoch ---------------------------------------------------------------------------------------
    def _epoch(self, conn: Connection) -> str:
        read = conn.info.get(EPOCH_READ)
        if read:
            return read
        value = conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar()
        return value or self.new_epoch(conn)

    def new_epoch(self, conn: Connection | None = None) -> str:
        """Starts a new history epoch (after restoring a backup): every PC re-fetches and re-sends its rows."""
        if conn is None:
            with self._write() as c:
                return self.new_epoch(c)
        value = secrets.token_hex(4)
        top = self._top_seq(conn)
        conn.execute(server_meta.delete().where(server_meta.c.key.in_(("epoch", "epoch_seq"))))
        conn.execute(server_meta.insert().values(key="epoch", value=value))
        # What this database held when the epoch began (after a restore: the backup's rows).
        conn.execute(server_meta.insert().values(key="epoch_seq", value=str(top)))
        return value

    # ---- sync ------------------------------------------------------------------------------------------------
    def sync(self, who: Principal, req: SyncRequest) -> dict:
        if who.role != "device" or not who.house_id:
            raise AuthError("forbidden", 403)
        if who.device_id and req.device_id != who.device_id:
            raise AuthError("device_mismatch", 403)
        if req.schema_version > schema.SCHEMA_VERSION:
            raise ProtocolError(
                "schema_version", f"device {req.schema_version}, server {schema.SCHEMA_VERSION}"
            )
        house = who.house_id
        acks: dict[str, str] = {}
        chunks = [req.ops[i : i + APPLY_CHUNK] for i in range(0, len(req.ops), APPLY_CHUNK)] or [[]]
        view: tuple[bool, str, int] | None = None
        # All chunks but the last: a short write transaction each, so other houses' syncs get in between.
        for n, chunk in enumerate(chunks[:-1]):
            with self._write() as conn:
                if (
                    n == 0
                    and conn.execute(
                        sa.select(seen_requests.c.request_id).where(
                            seen_requests.c.request_id == req.request_id
                        )
                    ).first()
                ):
                    raise Replayed()
                # Decided once, by the first transaction: later chunks raise the top seq past an impossible cursor.
                view = view or self._view(conn, req)
                last_stamp = self._last_stamp(conn, who)
                acks.update(self._apply_chunk(conn, who, chunk, view[2], self.now_ms(), last_stamp))
                conn.execute(
                    devices.update()
                    .where(devices.c.id == who.pk)
                    .values(last_hlc=str(last_stamp[0]) if last_stamp else None)
                )
        # A no-change sync on PostgreSQL takes no seq lock: it gives out no seq, reads up to the newest committed
        # one, and writes only its own request id and its device's last_seen_at (sqlite has one writer anyway).
        reading = not req.ops and not req.check and not self.is_sqlite
        with self._reading() if reading else self._write() as conn:
            try:
                conn.execute(
                    seen_requests.insert().values(
                        request_id=req.request_id, device_pk=who.pk, at=self.now_iso()
                    )
                )
            except sa.exc.IntegrityError:
                raise Replayed() from None
            reset, epoch, known = view or self._view(conn, req)
            if reset:
                req = req.model_copy(update={"cursor": 0, "known": 0})
            last_stamp = self._last_stamp(conn, who) if req.ops else []
            acks.update(self._apply_chunk(conn, who, chunks[-1], known, self.now_ms(), last_stamp))
            # Acks of this device's ops applied after its cursor: covers answers lost on the way back.
            for op_id, result in conn.execute(
                sa.select(applied_ops.c.op_id, applied_ops.c.result).where(
                    applied_ops.c.device_pk == who.pk, applied_ops.c.server_seq > req.cursor
                )
            ):
                acks.setdefault(op_id, result)
            changes, cursor, more = self._changes(conn, house, req.cursor, req.page_bytes)
            digest = self._digest(conn, house) if req.check and not more else None
            seen: dict[str, str | None] = {"last_seen_at": self.now_iso()}
            if req.ops:  # with no op, the stored stamp stands (another request of the PC may be raising it)
                seen["last_hlc"] = str(last_stamp[0]) if last_stamp else None
            conn.execute(devices.update().where(devices.c.id == who.pk).values(**seen))
        if changes == [] and not req.ops and secrets.randbelow(100) == 0:
            with self._write() as conn:
                self._prune_seen(conn)
                self._prune_held(conn)
        return {
            "v": PROTOCOL_VERSION,
            "acks": acks,
            "changes": changes,
            "cursor": cursor,
            "more": more,
            "server_time": self.now_ms(),
            "request_id": req.request_id,
            **({"reset": True} if reset else {}),
            **({"epoch": epoch} if req.epoch != epoch else {}),
            **({"digest": digest} if digest else {}),
        }

    def _view(self, conn: Connection, req: SyncRequest) -> tuple[bool, str, int]:
        """(reset, epoch, known): whether the device's cursor belongs to this history, and what it has seen."""
        top = self._top_seq(conn)
        epoch = self._epoch(conn)
        # A cursor of another epoch, or beyond every seq given out (this device's state is not this server's
        # history): this device alone fetches everything again and re-sends what it holds. Only the
        # administrator's `dostyq-server restored` starts a new epoch for every PC.
        reset = (req.cursor > 0 and req.epoch != epoch) or req.cursor > top
        if reset:
            return True, epoch, 0
        return False, epoch, req.cursor if req.known is None else min(req.known, req.cursor)

    def _last_stamp(self, conn: Connection, who: Principal) -> list[Stamp]:
        last = conn.execute(sa.select(devices.c.last_hlc).where(devices.c.id == who.pk)).scalar_one_or_none()
        return [Stamp.parse(last)] if last else []

    def _prune_seen(self, conn: Connection) -> None:
        horizon = iso(self.wall() - SEEN_REQUESTS_DAYS * 86400)
        conn.execute(seen_requests.delete().where(seen_requests.c.at < horizon))

    def _apply_chunk(
        self,
        conn: Connection,
        who: Principal,
        ops: list[Op],
        cursor: int,
        now_ms: int,
        last_stamp: list[Stamp],
    ) -> dict[str, str]:
        """The ops of one chunk merged in memory and written in bulk (sync.server.batch). Should the database
        refuse the bulk write, or an op fail to merge, the chunk is done again one op at a time, each in its own
        savepoint, exactly as the checks of that path decide."""
        if not ops:
            return {}
        if not self.bulk_apply:
            return {op.op_id: self._apply_op_alone(conn, who, op, cursor, now_ms, last_stamp) for op in ops}
        mark, before = self._seq_mark(conn), list(last_stamp)
        acks: dict[str, str] = {}
        batch = Batch(conn, who.house_id or "")
        conn.info[BATCH] = batch
        bulk = True
        try:
            with conn.begin_nested():
                batch.prefetch(ops)
                for op in ops:
                    acks[op.op_id] = self._apply_op(conn, who, op, cursor, now_ms, last_stamp)
                batch.flush()
        except (sa.exc.DBAPIError, OverflowError, UnicodeError, ValueError):
            self._seq_rewind(conn, mark)
            last_stamp[:] = before
            bulk = False
        finally:
            conn.info.pop(BATCH, None)
        if bulk:
            if self.on_apply:
                for op_id in batch.done:
                    self.on_apply(op_id)
            return acks
        acks = {}
        for op in ops:
            acks[op.op_id] = self._apply_op_alone(conn, who, op, cursor, now_ms, last_stamp)
        return acks

    def _apply_op_alone(
        self, conn: Connection, who: Principal, op: Op, cursor: int, now_ms: int, last_stamp: list[Stamp]
    ) -> str:
        """One op in its own savepoint: a write the database refuses rejects this op, never its neighbours."""
        before = list(last_stamp)
        mark = self._seq_mark(conn)
        try:
            with conn.begin_nested():
                return self._apply_op(conn, who, op, cursor, now_ms, last_stamp)
        except (sa.exc.DBAPIError, OverflowError, UnicodeError, ValueError):
            last_stamp[:] = before
            self._seq_rewind(conn, mark)
        with conn.begin_nested():
            conn.execute(
                applied_ops.insert().values(
                    op_id=op.op_id,
                    device_pk=who.pk,
                    house_id=who.house_id,
                    result=f"{REJECTED}:store",
                    server_seq=self._next_seq(conn),
                    hlc=op.hlc,
                    orig_hlc=op.hlc,
                    applied_at=self.now_iso(),
                )
            )
        return f"{REJECTED}:store"

    def _apply_op(
        self, conn: Connection, who: Principal, op: Op, cursor: int, now_ms: int, last_stamp: list[Stamp]
    ) -> str:
        batch = batch_of(conn)
        if batch is not None:
            prev = batch.applied.get(op.op_id)
            prev_house = prev[1] if prev is not None else None
        else:
            found = conn.execute(
                sa.select(applied_ops.c.result, applied_ops.c.house_id).where(applied_ops.c.op_id == op.op_id)
            ).first()
            prev, prev_house = found, (found.house_id if found is not None else None)
        if prev is not None:
            # The same op again (a retry after a lost answer): nothing changes. Another house learns nothing.
            return DUPLICATE if prev_house == who.house_id else f"{REJECTED}:house"
        orig_hlc = op.hlc
        op = _as_token_device(op, who)
        author = writer(op.hlc)
        if op.kind == "replay":
            stamp = op.hlc
            result, seq = self._replay(conn, who, op, now_ms)
        else:
            stamp = self._clamp(op.hlc, now_ms, last_stamp)
            result, seq = self._merge(conn, who, op, stamp, author, cursor)
        if seq is None:
            seq = self._next_seq(conn)
        values = {
            "op_id": op.op_id,
            "device_pk": who.pk,
            "house_id": who.house_id,
            "result": result,
            "server_seq": seq,
            "hlc": stamp,
            "orig_hlc": orig_hlc,
            "applied_at": self.now_iso(),
        }
        if batch is not None:
            batch.add_applied(values)
            if not result.startswith(REJECTED):
                batch.done.append(op.op_id)
            return result
        conn.execute(applied_ops.insert().values(**values))
        if self.on_apply and not result.startswith(REJECTED):
            self.on_apply(op.op_id)
        return result

    # ---- rows, through the chunk's batch when there is one ---------------------------------------------------
    def _read_row(self, conn: Connection, table: str, row_id: str):
        batch = batch_of(conn)
        if batch is not None:
            return batch.get(table, row_id)
        return (
            conn.execute(sa.select(records).where(records.c.table_name == table, records.c.id == row_id))
            .mappings()
            .first()
        )

    def _write_row(self, conn: Connection, table: str, row_id: str, values: dict, *, insert: bool) -> None:
        batch = batch_of(conn)
        if batch is not None:
            (batch.insert if insert else batch.update)(table, row_id, values)
        elif insert:
            conn.execute(records.insert().values(table_name=table, id=row_id, **values))
        else:
            conn.execute(
                records.update().where(records.c.table_name == table, records.c.id == row_id).values(**values)
            )

    def _settle(self, conn: Connection) -> None:
        """Before SQL of its own on records or applied ops: the chunk's pending writes go to the database."""
        batch = batch_of(conn)
        if batch is not None:
            batch.settle()

    def _clamp(self, stamp_text: str, now_ms: int, last: list[Stamp]) -> str:
        """A stamp beyond now + 5 min is pulled back to now + 5 min, but never below this device's previous op,
        so a PC's own edits keep their order. `last` holds (and receives) the device's newest stored stamp."""
        stamp = Stamp.parse(stamp_text)
        limit = now_ms + merge.CLAMP_AHEAD_MS
        if stamp.ms <= limit:
            if not last or stamp > last[0]:
                last[:] = [stamp]
            return stamp_text
        clamped = Stamp(limit, stamp.counter, stamp.device)
        if last and clamped <= last[0]:
            clamped = Stamp(last[0].ms, last[0].counter + 1, stamp.device)
            if clamped.counter > 0xFFFF:
                clamped = Stamp(last[0].ms + 1, 0, stamp.device)
        last[:] = [clamped]
        return str(clamped)

    def _merge(
        self, conn: Connection, who: Principal, op: Op, stamp: str, author: str, cursor: int
    ) -> tuple[str, int | None]:
        spec = schema.SYNCED_TABLES.get(op.table)
        if spec is None:
            return f"{REJECTED}:table", None
        fields = dict(op.fields)
        if op.kind == "delete":
            if set(fields) - {"deleted"}:
                return f"{REJECTED}:field", None
            fields = {"deleted": 1}
        else:
            claimed = fields.pop("house_id", who.house_id)
            if claimed != who.house_id:
                return f"{REJECTED}:house", None
            # `deleted` may travel in an update: a restored tombstone (Store.restore).
            if fields.keys() - spec.fields.keys() - ({"deleted"} if op.kind == "update" else set()):
                return f"{REJECTED}:field", None
            problem = op_schema.check_fields(op.table, fields, whole=op.kind == "insert")
            if problem:
                return f"{REJECTED}:{problem}"[:80], None
        if op.table == REPORTS_TABLE:
            self._settle(conn)
            problem = self.report_op_problem(conn, who.house_id or "", op.row_id, fields, op.kind)
            if problem:
                return f"{REJECTED}:{problem}", None
        # A ledger row never changes, but for a merge of two people moving the record it names (spec.links).
        relink = op.kind == "update" and bool(fields) and set(fields) <= set(spec.links)
        if spec.ledger and op.kind != "insert" and not relink:
            return f"{REJECTED}:ledger", None
        row = self._read_row(conn, op.table, op.row_id)
        if row is not None and row["house_id"] != who.house_id:
            return f"{REJECTED}:house", None
        if row is not None and spec.ledger and not relink:
            return f"{REJECTED}:exists", None
        if row is None and spec.ledger and relink:
            return f"{REJECTED}:ledger", None
        if row is None and op.kind != "insert":
            return self._hold(conn, who, op, stamp, cursor)
        seq = self._next_seq(conn)
        when = op.created_at or self.now_iso()
        if row is None:
            data: dict = {}
            field_hlc: dict = {}
            field_seq: dict = {}
            deleted, created_at = 0, when
        else:
            data = json.loads(row["data"])
            field_hlc = json.loads(row["field_hlc"])
            field_seq = json.loads(row["field_seq"])
            deleted, created_at = row["deleted"], row["created_at"]
        now_iso = self.now_iso()
        won, conflicts = merge.merge_fields(
            op.table,
            op.row_id,
            {name: (value, stamp) for name, value in fields.items()},
            {
                name: (
                    deleted if name == "deleted" else data.get(name),
                    field_hlc.get(name),
                    field_seq.get(name),
                )
                for name in fields
            },
            author,
            cursor,
            now_iso,
        )
        for name in won:
            if name == "deleted":
                deleted = int(bool(fields[name]))
            else:
                data[name] = fields[name]
            field_hlc[name] = stamp
            field_seq[name] = seq
        # Edit against delete: whichever came second, a person sees it.
        if (
            row is not None
            and op.kind != "delete"
            and row["deleted"]
            and merge.unseen_foreign(field_hlc.get("deleted"), field_seq.get("deleted"), author, cursor)
        ):
            conflicts.append(
                merge.edit_against_delete(op.table, op.row_id, field_hlc["deleted"], fields, stamp, now_iso)
            )
        if row is not None and op.kind == "delete" and not row["deleted"]:
            against_edits = merge.delete_against_edits(
                op.table, op.row_id, stamp, data, field_hlc, field_seq, author, cursor, now_iso
            )
            if against_edits is not None:
                conflicts.append(against_edits)
        conflicts = merge.keep_erased(op.table, data, conflicts)
        if "erased_on" in won and data.get("erased_on") and op.table in schema.PERSONAL_FIELDS:
            self._settle(conn)
            self._withdraw_erased_conflicts(conn, who.house_id or "", op.table, op.row_id, now_iso)
        merge.name_authors(conflicts, op.by, row["updated_by"] if row is not None else None)
        hlc = max(field_hlc.values()) if field_hlc else stamp
        winner = max(field_hlc.items(), key=lambda kv: kv[1])[1] if field_hlc else stamp
        values = {
            "house_id": who.house_id,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": hlc,
            "data": to_json(data),
            "field_hlc": to_json(field_hlc),
            "field_seq": to_json(field_seq),
            "updated_at": when if winner == stamp else (row["updated_at"] if row is not None else when),
            "updated_by": _author(op, winner, stamp, row),
        }
        if row is None:
            self._write_row(conn, op.table, op.row_id, {"created_at": created_at, **values}, insert=True)
            self._release_held(conn, who, op.table, op.row_id, self._merge)
        else:
            self._write_row(conn, op.table, op.row_id, values, insert=False)
        self._store_conflicts(conn, who, conflicts, stamp, author)
        return (CONFLICT if conflicts else APPLIED), seq

    def _digest(self, conn: Connection, house: str) -> dict[str, str]:
        by_table: dict[str, list] = {}
        for table, row_id, hlc, deleted in conn.execute(
            sa.select(records.c.table_name, records.c.id, records.c.hlc, records.c.deleted).where(
                records.c.house_id == house, records.c.table_name.in_(list(schema.SYNCED_TABLES))
            )
        ):
            by_table.setdefault(table, []).append((row_id, hlc, deleted))
        return {table: protocol_digest(rows) for table, rows in by_table.items()}

    def _changes(
        self, conn: Connection, house: str, cursor: int, page_bytes: int
    ) -> tuple[list[dict], int, bool]:
        # gzip shrinks this JSON about 5-8×; the budget is in compressed bytes.
        budget = page_bytes * 6
        out: list[dict] = []
        used = 0
        last = cursor
        more = False
        batch = 500
        # Up to the newest seq given out when the transaction began (a reading transaction may see rows committed
        # since, at seqs above it; they come on the next exchange).
        top = self._top_seq(conn)
        while True:
            rows = (
                conn.execute(
                    sa.select(records)
                    .where(
                        records.c.server_seq > last,
                        records.c.server_seq <= top,
                        records.c.house_id.in_([house, CENTRAL]),
                    )
                    .order_by(records.c.server_seq)
                    .limit(batch)
                )
                .mappings()
                .all()
            )
            for row in rows:
                change = wire_row(row)
                size = len(to_json(change))
                if out and used + size > budget:
                    more = True
                    break
                out.append(change)
                used += size
                last = row["server_seq"]
            if more or len(rows) < batch:
                break
        if not more:
            # Nothing of this house is left after `last`: skip past every seq given out so far (other houses').
            last = max(last, top)
        return out, last, more


def wire_row(row) -> dict:
    """One row as it travels to a device."""
    out = {
        "t": row["table_name"],
        "id": row["id"],
        "house_id": row["house_id"] or None,
        "seq": row["server_seq"],
        "deleted": row["deleted"],
        "hlc": row["hlc"],
        "data": json.loads(row["data"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "updated_by": row["updated_by"],
    }
    # The field maps are left out when they say nothing new (a row as first written: every field has the row's
    # stamp and seq); protocol.field_maps() rebuilds them. That halves an initial sync's bytes.
    field_hlc = json.loads(row["field_hlc"])
    field_seq = json.loads(row["field_seq"])
    if field_hlc and (set(field_hlc) != set(out["data"]) or any(s != row["hlc"] for s in field_hlc.values())):
        out["field_hlc"] = field_hlc
    if field_seq and (
        set(field_seq) != set(field_hlc) or any(s != row["server_seq"] for s in field_seq.values())
    ):
        out["field_seq"] = field_seq
    return out


def _as_token_device(op: Op, who: Principal) -> Op:
    """The op as written by the token's PC: its stamp's device and its author's device are the token's, whatever
    the op claims, so no PC can pass its write off as another PC's (and so dodge a conflict with it). A re-sent
    whole row keeps its field stamps: it carries the writes of every PC of the house, each already reviewed."""
    device = who.device_id
    if not device or not _STAMP_DEVICE_RE.match(device) or op.kind == "replay":
        return op
    stamp = Stamp.parse(op.hlc)
    account = op.by.rpartition("@")[0] if "@" in op.by else ""
    by = f"{account}@{device}" if account else (device if op.by else "")
    if stamp.device == device and by == op.by:
        return op
    return op.model_copy(update={"hlc": str(Stamp(stamp.ms, stamp.counter, device)), "by": by})


def _author(op: Op, winner: str, stamp: str, row) -> str:
    """The row's updated_by: the op's author when its write is now the newest, else the stored one if it is
    still the newest writer's, else that writer's device."""
    if winner == stamp and op.by:
        return op.by
    device = writer(winner)
    if winner != stamp and row is not None and (row["updated_by"] or "").rpartition("@")[2] == device:
        return row["updated_by"]
    return device
