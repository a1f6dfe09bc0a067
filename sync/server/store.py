"""The central store on SQLAlchemy Core: one schema for SQLite (the default, no set-up) and PostgreSQL.

Synced rows of every table live in one `records` table as JSON, keyed by (table_name, id), with per-field stamps and
per-field server seqs. Reference rows (regions, houses…) and central catalogue rows have house_id '' and reach every
device. Every change gets the next `server_seq` while the `counters` row is locked, so seq order is commit order and
a cursor never skips a row.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from desktop import clock, reference, schema
from desktop.hlc import Stamp
from sync import merge
from sync.protocol import (
    APPLIED,
    CONFLICT,
    DUPLICATE,
    PROTOCOL_VERSION,
    REJECTED,
    Op,
    ProtocolError,
    SyncRequest,
    token_hash,
)
from sync.protocol import table_digest as protocol_digest

md = sa.MetaData()

records = sa.Table(
    "records",
    md,
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("deleted", sa.Integer, nullable=False, default=0),
    sa.Column("hlc", sa.String(100), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON {field: value}
    sa.Column("field_hlc", sa.Text, nullable=False),  # JSON {field: stamp}
    sa.Column("field_seq", sa.Text, nullable=False),  # JSON {field: server_seq of the write}
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(100)),
    sa.Index("ix_records_house_seq", "house_id", "server_seq"),
    sa.Index("ix_records_seq", "server_seq"),
)

applied_ops = sa.Table(
    "applied_ops",
    md,
    sa.Column("op_id", sa.String(80), primary_key=True),
    sa.Column("device_pk", sa.String(40), nullable=False),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("result", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.String(100)),  # the stamp as stored (after clamping)
    sa.Column("orig_hlc", sa.String(100)),
    sa.Column("applied_at", sa.String(40), nullable=False),
    sa.Index("ix_applied_device_seq", "device_pk", "server_seq"),
)

counters = sa.Table(
    "counters",
    md,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

devices = sa.Table(
    "devices",
    md,
    sa.Column("id", sa.String(40), primary_key=True),  # token id, public
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),  # device, coordinator
    sa.Column("house_id", sa.String(80)),
    sa.Column("region_code", sa.String(20)),
    sa.Column("device_id", sa.String(80)),  # the PC's store device id, bound at enrolment
    sa.Column("label", sa.String(200)),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40)),
    sa.Column("last_seen_at", sa.String(40)),
    # The newest stamp stored for this device's ops (after clamping): clamped stamps keep the device's own order.
    sa.Column("last_hlc", sa.String(100)),
)

enrol_codes = sa.Table(
    "enrol_codes",
    md,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("used_at", sa.String(40)),
    sa.Column("used_by", sa.String(40)),
)

seen_requests = sa.Table(
    "seen_requests",
    md,
    sa.Column("request_id", sa.String(80), primary_key=True),
    sa.Column("device_pk", sa.String(40), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

server_meta = sa.Table(
    "server_meta",
    md,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SERVER_SCHEMA = 1  # bump with a migration when these tables change
# Request ids are remembered this long; an older replay is still harmless (every op is deduplicated by op_id).
SEEN_REQUESTS_DAYS = 30
CENTRAL = ""  # house_id of rows every device receives


class AuthError(Exception):
    """401/403 for a token; `code` goes to the client."""

    def __init__(self, code: str, status: int = 401):
        super().__init__(code)
        self.code = code
        self.status = status


class EnrolError(Exception):
    def __init__(self, code: str, status: int):
        super().__init__(code)
        self.code = code
        self.status = status


class Replayed(ProtocolError):
    def __init__(self) -> None:
        super().__init__("replayed", "this request was already received")


@dataclass(frozen=True)
class Principal:
    pk: str  # token id
    role: str
    house_id: str | None
    region_code: str | None
    device_id: str | None


def default_url(data_dir: str | Path) -> str:
    path = Path(data_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'dostyq-server.sqlite3'}"


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class ServerStore:
    def __init__(self, url: str, *, wall: Callable[[], float] = clock.wall, seed: bool = True):
        self.url = url
        self.wall = wall
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: Engine = sa.create_engine(url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        # SQLite has one writer anyway; this keeps our writers from tripping over its lock.
        self._write_lock = threading.Lock()
        md.create_all(self.engine)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).first() is None:
                conn.execute(counters.insert().values(name="seq", value=0))
                conn.execute(server_meta.insert().values(key="schema", value=str(SERVER_SCHEMA)))
                conn.execute(server_meta.insert().values(key="epoch", value=secrets.token_hex(4)))
            found = conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "schema")).scalar()
            if found and int(found) > SERVER_SCHEMA:
                raise RuntimeError(
                    f"the database was made by a newer server (schema {found} > {SERVER_SCHEMA})"
                )
        if seed:
            self.seed_reference()
        # Instrumentation for the fault harness: called once per op really applied (never for duplicates).
        self.on_apply: Callable[[str], None] | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # ---- time ------------------------------------------------------------------------------------------------
    def now_ms(self) -> int:
        return int(self.wall() * 1000)

    def now_iso(self) -> str:
        return dt.datetime.fromtimestamp(self.wall(), dt.UTC).isoformat(timespec="milliseconds")

    # ---- transactions ----------------------------------------------------------------------------------------
    def _write(self):
        return _WriteTxn(self)

    def _next_seq(self, conn: Connection, n: int = 1) -> int:
        """Reserves n seqs and returns the first. The counters row stays locked until commit (see _WriteTxn)."""
        value = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
        conn.execute(counters.update().where(counters.c.name == "seq").values(value=value + n))
        return value + 1

    # ---- reference data --------------------------------------------------------------------------------------
    def _epoch(self, conn: Connection) -> str:
        value = conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar()
        return value or self.new_epoch(conn)

    def new_epoch(self, conn: Connection | None = None) -> str:
        """Starts a new history epoch (after restoring a backup): every PC re-fetches and re-sends its rows."""
        if conn is None:
            with self._write() as c:
                return self.new_epoch(c)
        value = secrets.token_hex(4)
        conn.execute(server_meta.delete().where(server_meta.c.key == "epoch"))
        conn.execute(server_meta.insert().values(key="epoch", value=value))
        return value

    def seed_reference(self) -> None:
        """Loads the default reference lists and central catalogue rows once (server → devices only)."""
        with self._write() as conn:
            if conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "seeded")).first():
                return
            for table, rows in reference.REFERENCE_DATA.items():
                for i, (code, kk, ru) in enumerate(rows):
                    self._put_reference(
                        conn, table, {"code": code, "name_kk": kk, "name_ru": ru, "sort": i, "active": 1}
                    )
            for i, (code, kk, ru, region) in enumerate(reference.HOUSES):
                self._put_reference(
                    conn,
                    "houses",
                    {
                        "code": code,
                        "name_kk": kk,
                        "name_ru": ru,
                        "sort": i,
                        "active": 1,
                        "region_code": region,
                        "address": None,
                    },
                )
            for item_id, kk, ru, unit, group in reference.AID_ITEMS:
                self._put_central(
                    conn,
                    "aid_items",
                    item_id,
                    {"name_kk": kk, "name_ru": ru, "unit": unit, "item_group": group, "active": 1},
                )
            for rule_id, programme, scope, period, days, max_count in reference.PROGRAMME_RULES:
                self._put_central(
                    conn,
                    "programme_rules",
                    rule_id,
                    {
                        "programme": programme,
                        "scope": scope,
                        "period": period,
                        "period_days": days,
                        "max_count": max_count,
                        "active": 1,
                    },
                )
            for skill_id, kk, ru in reference.SKILLS:
                self._put_central(conn, "skills", skill_id, {"name_kk": kk, "name_ru": ru})
            conn.execute(server_meta.insert().values(key="seeded", value=self.now_iso()))

    def _put_reference(self, conn: Connection, table: str, values: dict) -> None:
        columns = schema.REFERENCE_TABLES[table]
        stamp = self._central_stamp()
        data = {c: values.get(c) for c in columns if c != "hlc"}
        data["hlc"] = stamp
        self._upsert_record(
            conn, table, values["code"], CENTRAL, data, {}, {}, stamp, 0, self.now_iso(), "central"
        )

    def _put_central(self, conn: Connection, table: str, row_id: str, values: dict) -> None:
        stamp = reference.CENTRAL_HLC
        fields = schema.SYNCED_TABLES[table].fields
        data = {f: values.get(f) for f in fields}
        self._upsert_record(
            conn,
            table,
            row_id,
            CENTRAL,
            data,
            {f: stamp for f in fields},
            {},
            stamp,
            0,
            "2026-01-01T00:00:00.000+00:00",
            "central",
        )

    def _central_stamp(self) -> str:
        return str(Stamp(self.now_ms(), 0, "central"))

    def _upsert_record(
        self,
        conn: Connection,
        table: str,
        row_id: str,
        house: str,
        data: dict,
        field_hlc: dict,
        field_seq: dict,
        stamp: str,
        deleted: int,
        when: str,
        by: str,
    ) -> int:
        seq = self._next_seq(conn)
        values = {
            "house_id": house,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": stamp,
            "data": _json(data),
            "field_hlc": _json(field_hlc),
            "field_seq": _json(field_seq),
            "updated_at": when,
            "updated_by": by,
        }
        found = conn.execute(
            sa.select(records.c.id).where(records.c.table_name == table, records.c.id == row_id)
        )
        if found.first():
            conn.execute(
                records.update().where(records.c.table_name == table, records.c.id == row_id).values(**values)
            )
        else:
            conn.execute(records.insert().values(table_name=table, id=row_id, created_at=when, **values))
        return seq

    def add_house(
        self, code: str, name_kk: str, name_ru: str, region_code: str, address: str | None = None
    ) -> None:
        if not code or len(code) > 80:
            raise ValueError("bad house code")
        with self._write() as conn:
            if not self._reference_row(conn, "regions", region_code):
                raise ValueError(f"unknown region {region_code}")
            sort = conn.execute(
                sa.select(sa.func.count()).select_from(records).where(records.c.table_name == "houses")
            ).scalar_one()
            self._put_reference(
                conn,
                "houses",
                {
                    "code": code,
                    "name_kk": name_kk,
                    "name_ru": name_ru,
                    "sort": sort,
                    "active": 1,
                    "region_code": region_code,
                    "address": address,
                },
            )

    def _reference_row(self, conn: Connection, table: str, code: str) -> dict | None:
        row = conn.execute(
            sa.select(records.c.data).where(records.c.table_name == table, records.c.id == code)
        ).first()
        return json.loads(row[0]) if row else None

    def house(self, code: str) -> dict | None:
        with self.engine.connect() as conn:
            return self._reference_row(conn, "houses", code)

    # ---- enrolment and tokens --------------------------------------------------------------------------------
    def new_enrol_code(self, house_id: str, hours: float = 48) -> str:
        if not self.house(house_id):
            raise ValueError(f"unknown house {house_id}")
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        now = self.wall()
        with self._write() as conn:
            conn.execute(
                enrol_codes.insert().values(
                    code_hash=token_hash(raw),
                    house_id=house_id,
                    created_at=_iso(now),
                    expires_at=_iso(now + hours * 3600),
                )
            )
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    def enrol(self, code: str, device_id: str, label: str = "") -> tuple[str, str, str]:
        """Trades a one-time code for a device token. Returns (token, token_id, house_id)."""
        digest = token_hash(normalize_code(code))
        with self._write() as conn:
            row = (
                conn.execute(sa.select(enrol_codes).where(enrol_codes.c.code_hash == digest))
                .mappings()
                .first()
            )
            if row is None:
                raise EnrolError("code_invalid", 400)
            if row["used_at"]:
                raise EnrolError("code_used", 409)
            if row["expires_at"] < self.now_iso():
                raise EnrolError("code_expired", 410)
            token, token_id = self._new_token(conn, "device", row["house_id"], None, device_id, label)
            conn.execute(
                enrol_codes.update()
                .where(enrol_codes.c.code_hash == digest)
                .values(used_at=self.now_iso(), used_by=token_id)
            )
        return token, token_id, row["house_id"]

    def add_coordinator(self, region_code: str, label: str = "") -> tuple[str, str]:
        with self._write() as conn:
            if not self._reference_row(conn, "regions", region_code):
                raise ValueError(f"unknown region {region_code}")
            return self._new_token(conn, "coordinator", None, region_code, None, label)

    def _new_token(
        self,
        conn: Connection,
        role: str,
        house: str | None,
        region: str | None,
        device_id: str | None,
        label: str,
    ) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        token_id = "t" + secrets.token_hex(6)
        conn.execute(
            devices.insert().values(
                id=token_id,
                token_hash=token_hash(token),
                role=role,
                house_id=house,
                region_code=region,
                device_id=device_id,
                label=label,
                created_at=self.now_iso(),
            )
        )
        return token, token_id

    def revoke(self, token_id: str) -> bool:
        with self._write() as conn:
            res = conn.execute(
                devices.update()
                .where(devices.c.id == token_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=self.now_iso())
            )
            return res.rowcount == 1

    def list_devices(self, house_id: str | None = None) -> list[dict]:
        q = sa.select(
            devices.c.id,
            devices.c.role,
            devices.c.house_id,
            devices.c.region_code,
            devices.c.device_id,
            devices.c.label,
            devices.c.created_at,
            devices.c.revoked_at,
            devices.c.last_seen_at,
        )
        if house_id:
            q = q.where(devices.c.house_id == house_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q.order_by(devices.c.created_at)).mappings()]

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise AuthError("unauthorized", 401)
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(devices).where(devices.c.token_hash == token_hash(token)))
                .mappings()
                .first()
            )
        return self._principal(row)

    def principal_by_id(self, token_id: str) -> tuple[Principal, str]:
        """For packets: the principal and its stored token hash (the packet HMAC key)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(devices).where(devices.c.id == token_id)).mappings().first()
        principal = self._principal(row)  # raises unless the token exists and is not revoked
        assert row is not None
        return principal, row["token_hash"]

    @staticmethod
    def _principal(row) -> Principal:
        if row is None:
            raise AuthError("unauthorized", 401)
        if row["revoked_at"]:
            raise AuthError("revoked", 403)
        return Principal(row["id"], row["role"], row["house_id"], row["region_code"], row["device_id"])

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
        with self._write() as conn:
            try:
                conn.execute(
                    seen_requests.insert().values(
                        request_id=req.request_id, device_pk=who.pk, at=self.now_iso()
                    )
                )
            except sa.exc.IntegrityError:
                raise Replayed() from None
            top = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
            epoch = self._epoch(conn)
            # A cursor beyond every seq given out means this database was restored from an older backup: a new
            # history epoch starts, so every PC (not only this one) learns to fetch everything again and re-send
            # what it holds, instead of skipping the rows that now reuse its seqs.
            if req.cursor > top and req.epoch in ("", epoch):
                epoch = self.new_epoch(conn)
            reset = req.cursor > 0 and req.epoch != epoch
            if reset:
                req = req.model_copy(update={"cursor": 0, "known": 0})
            known = req.cursor if req.known is None else min(req.known, req.cursor)
            now_ms = self.now_ms()
            last = conn.execute(
                sa.select(devices.c.last_hlc).where(devices.c.id == who.pk)
            ).scalar_one_or_none()
            last_stamp: list[Stamp] = [Stamp.parse(last)] if last else []
            for op in req.ops:
                acks[op.op_id] = self._apply_op(conn, who, op, known, now_ms, last_stamp)
            # Acks of this device's ops applied after its cursor: covers answers lost on the way back.
            for op_id, result in conn.execute(
                sa.select(applied_ops.c.op_id, applied_ops.c.result).where(
                    applied_ops.c.device_pk == who.pk, applied_ops.c.server_seq > req.cursor
                )
            ):
                acks.setdefault(op_id, result)
            changes, cursor, more = self._changes(conn, house, req.cursor, req.page_bytes)
            digest = self._digest(conn, house) if req.check and not more else None
            conn.execute(
                devices.update()
                .where(devices.c.id == who.pk)
                .values(last_seen_at=self.now_iso(), last_hlc=str(last_stamp[0]) if last_stamp else None)
            )
            if changes == [] and not req.ops and secrets.randbelow(100) == 0:
                self._prune_seen(conn)
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

    def _prune_seen(self, conn: Connection) -> None:
        horizon = _iso(self.wall() - SEEN_REQUESTS_DAYS * 86400)
        conn.execute(seen_requests.delete().where(seen_requests.c.at < horizon))

    def _apply_op(
        self, conn: Connection, who: Principal, op: Op, cursor: int, now_ms: int, last_stamp: list[Stamp]
    ) -> str:
        prev = conn.execute(
            sa.select(applied_ops.c.result, applied_ops.c.house_id).where(applied_ops.c.op_id == op.op_id)
        ).first()
        if prev is not None:
            # The same op again (a retry after a lost answer): nothing changes. Another house learns nothing.
            return DUPLICATE if prev.house_id == who.house_id else f"{REJECTED}:house"
        author = _writer(op.hlc)
        if op.kind == "replay":
            stamp = op.hlc
            result, seq = self._replay(conn, who, op, now_ms)
        else:
            stamp = self._clamp(op.hlc, now_ms, last_stamp)
            result, seq = self._merge(conn, who, op, stamp, author, cursor)
        if seq is None:
            seq = self._next_seq(conn)
        conn.execute(
            applied_ops.insert().values(
                op_id=op.op_id,
                device_pk=who.pk,
                house_id=who.house_id,
                result=result,
                server_seq=seq,
                hlc=stamp,
                orig_hlc=op.hlc,
                applied_at=self.now_iso(),
            )
        )
        if self.on_apply and not result.startswith(REJECTED):
            self.on_apply(op.op_id)
        return result

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
            if set(fields) - set(spec.fields) - ({"deleted"} if op.kind == "update" else set()):
                return f"{REJECTED}:field", None
        if spec.ledger and op.kind != "insert":
            return f"{REJECTED}:ledger", None
        row = (
            conn.execute(
                sa.select(records).where(records.c.table_name == op.table, records.c.id == op.row_id)
            )
            .mappings()
            .first()
        )
        if row is not None and row["house_id"] != who.house_id:
            return f"{REJECTED}:house", None
        if row is not None and spec.ledger:
            return f"{REJECTED}:exists", None
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
        conflicts: list[dict] = []
        now_iso = self.now_iso()
        for name, value in fields.items():
            cur_value = deleted if name == "deleted" else data.get(name)
            cur_stamp = field_hlc.get(name)
            concurrent = merge.unseen_foreign(cur_stamp, field_seq.get(name), author, cursor)
            differs = not merge.same_value(cur_value, value)
            if merge.wins(stamp, cur_stamp):
                if concurrent and differs:
                    conflicts.append(
                        merge.conflict_record(
                            op.table, op.row_id, name, value, stamp, cur_value, cur_stamp, now_iso
                        )
                    )
                if name == "deleted":
                    deleted = int(bool(value))
                else:
                    data[name] = value
                field_hlc[name] = stamp
                field_seq[name] = seq
            else:
                if concurrent and differs:
                    conflicts.append(
                        merge.conflict_record(
                            op.table, op.row_id, name, cur_value, cur_stamp, value, stamp, now_iso
                        )
                    )
        # Edit against delete: whichever came second, a person sees it.
        if (
            row is not None
            and op.kind != "delete"
            and row["deleted"]
            and merge.unseen_foreign(field_hlc.get("deleted"), field_seq.get("deleted"), author, cursor)
        ):
            conflicts.append(
                merge.conflict_record(
                    op.table, op.row_id, "deleted", 1, field_hlc["deleted"], fields, stamp, now_iso
                )
            )
        if row is not None and op.kind == "delete" and not row["deleted"]:
            edited = {
                f: data.get(f)
                for f, s in field_hlc.items()
                if f != "deleted" and merge.unseen_foreign(s, field_seq.get(f), author, cursor)
            }
            if edited:
                newest = max(field_hlc[f] for f in edited)
                conflicts.append(
                    merge.conflict_record(op.table, op.row_id, "deleted", 1, stamp, edited, newest, now_iso)
                )
        hlc = max(field_hlc.values()) if field_hlc else stamp
        winner = max(field_hlc.items(), key=lambda kv: kv[1])[1] if field_hlc else stamp
        values = {
            "house_id": who.house_id,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": hlc,
            "data": _json(data),
            "field_hlc": _json(field_hlc),
            "field_seq": _json(field_seq),
            "updated_at": when if winner == stamp else (row["updated_at"] if row is not None else when),
            "updated_by": _writer(winner),
        }
        if row is None:
            conn.execute(
                records.insert().values(table_name=op.table, id=op.row_id, created_at=created_at, **values)
            )
        else:
            conn.execute(
                records.update()
                .where(records.c.table_name == op.table, records.c.id == op.row_id)
                .values(**values)
            )
        for record in conflicts:
            exists = conn.execute(
                sa.select(records.c.id).where(
                    records.c.table_name == "conflicts", records.c.id == record["id"]
                )
            ).first()
            if not exists:
                conn.execute(
                    records.insert().values(
                        table_name="conflicts",
                        id=record["id"],
                        house_id=who.house_id,
                        server_seq=self._next_seq(conn),
                        deleted=0,
                        hlc=stamp,
                        data=_json(record),
                        field_hlc="{}",
                        field_seq="{}",
                        created_at=now_iso,
                        updated_at=now_iso,
                        updated_by=author,
                    )
                )
        return (CONFLICT if conflicts else APPLIED), seq

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
        row = (
            conn.execute(
                sa.select(records).where(records.c.table_name == op.table, records.c.id == op.row_id)
            )
            .mappings()
            .first()
        )
        if row is not None and row["house_id"] != who.house_id:
            return f"{REJECTED}:house", None
        if row is None:
            data, field_hlc, field_seq, deleted = {}, {}, {}, 0
        else:
            data = json.loads(row["data"])
            field_hlc, field_seq = json.loads(row["field_hlc"]), json.loads(row["field_seq"])
            deleted = row["deleted"]
        limit = now_ms + merge.CLAMP_AHEAD_MS
        seq = None
        for name, value in fields.items():
            given = op.field_hlc.get(name)
            if not given:
                continue
            stamp = Stamp.parse(given)
            if stamp.ms > limit:
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
        if seq is None:
            return APPLIED, None  # the server already has this row as new or newer
        hlc = max(field_hlc.values())
        when = op.created_at or self.now_iso()
        values = {
            "house_id": who.house_id,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": hlc,
            "data": _json(data),
            "field_hlc": _json(field_hlc),
            "field_seq": _json(field_seq),
            "updated_at": when,
            "updated_by": _writer(hlc),
        }
        if row is None:
            conn.execute(
                records.insert().values(table_name=op.table, id=op.row_id, created_at=when, **values)
            )
        else:
            conn.execute(
                records.update()
                .where(records.c.table_name == op.table, records.c.id == op.row_id)
                .values(**values)
            )
        return APPLIED, seq

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
        while True:
            rows = (
                conn.execute(
                    sa.select(records)
                    .where(records.c.server_seq > last, records.c.house_id.in_([house, CENTRAL]))
                    .order_by(records.c.server_seq)
                    .limit(batch)
                )
                .mappings()
                .all()
            )
            for row in rows:
                change = _change(row)
                size = len(_json(change))
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
            last = max(
                last, conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
            )
        return out, last, more

    # ---- coordinators ----------------------------------------------------------------------------------------
    def region_houses(self, region_code: str) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(
                r.id
                for r in conn.execute(
                    sa.select(records.c.id, records.c.data).where(records.c.table_name == "houses")
                )
                if json.loads(r.data).get("region_code") == region_code
            )

    def region_house_rows(self, region_code: str) -> list[dict]:
        """The houses of a region as the server knows them (code, names): the coordinator's list of who should report."""
        with self.engine.connect() as conn:
            found = [
                json.loads(r.data) | {"code": r.id}
                for r in conn.execute(
                    sa.select(records.c.id, records.c.data).where(
                        records.c.table_name == "houses", records.c.deleted == 0
                    )
                )
            ]
        return sorted(
            (
                {k: h.get(k) for k in ("code", "name_kk", "name_ru", "region_code")}
                for h in found
                if h.get("region_code") == region_code
            ),
            key=lambda h: h["code"],
        )

    def region_report_rows(self, region_code: str, month: str | None = None) -> list[dict]:
        """Submitted monthly summaries of the region's houses: aggregates only, never personal rows."""
        houses = self.region_houses(region_code)
        if not houses:
            return []
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(records).where(
                        records.c.table_name == "monthly_reports",
                        records.c.house_id.in_(houses),
                        records.c.deleted == 0,
                    )
                )
                .mappings()
                .all()
            )
        out = []
        for row in rows:
            data = json.loads(row["data"])
            if data.get("status") != "submitted" or (month and data.get("month") != month):
                continue
            out.append(
                {
                    "house_id": row["house_id"],
                    "month": data.get("month"),
                    "version": data.get("version"),
                    "status": "submitted",
                    "payload": data.get("payload"),
                    "submitted_at": data.get("submitted_at"),
                }
            )
        return sorted(out, key=lambda r: (r["month"] or "", r["house_id"], r["version"] or 0))

    def region_reports(self, who: Principal, month: str | None = None) -> list[dict]:
        if who.role != "coordinator" or not who.region_code:
            raise AuthError("forbidden", 403)
        return self.region_report_rows(who.region_code, month)

    def export_region_rollup(self, region_code: str, month: str, fmt: str, path, lang: str = "kk"):
        """The regional roll-up of `month` as a file (XLSX, PDF, CSV or HXL), from the submitted summaries."""
        from desktop.reports.export import export_rollup

        region = self._reference_row_by_code("regions", region_code)
        if region is None:
            raise ValueError(f"unknown region {region_code}")
        org = {
            "code": region_code,
            "name_kk": region.get("name_kk", ""),
            "name_ru": region.get("name_ru", ""),
            "region_code": region_code,
        }
        return export_rollup(
            self.region_report_rows(region_code, month),
            month,
            fmt,
            path,
            lang=lang,
            expected_houses=self.region_houses(region_code),
            org=org,
        )

    def _reference_row_by_code(self, table: str, code: str) -> dict | None:
        with self.engine.connect() as conn:
            return self._reference_row(conn, table, code)

    # ---- inspection (CLI, tests, fault harness) --------------------------------------------------------------
    def rows(self, table: str, house: str | None = None) -> list[dict]:
        q = sa.select(records).where(records.c.table_name == table)
        if house is not None:
            q = q.where(records.c.house_id == house)
        with self.engine.connect() as conn:
            return [_change(r) for r in conn.execute(q.order_by(records.c.id)).mappings()]

    def applied(self) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return {r["op_id"]: dict(r) for r in conn.execute(sa.select(applied_ops)).mappings()}

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


class _WriteTxn:
    """A write transaction that holds the seq lock from its start: in-process mutex, and on PostgreSQL a row lock
    on the counter (SELECT … FOR UPDATE), so several server processes also commit in seq order."""

    def __init__(self, store: ServerStore):
        self.store = store

    def __enter__(self) -> Connection:
        self.store._write_lock.acquire()
        try:
            self.ctx = self.store.engine.begin()
            self.conn = self.ctx.__enter__()
            if not self.store.is_sqlite:
                self.conn.execute(
                    sa.select(counters.c.value).where(counters.c.name == "seq").with_for_update()
                )
        except BaseException:
            self.store._write_lock.release()
            raise
        return self.conn

    def __exit__(self, *exc) -> bool:
        try:
            return bool(self.ctx.__exit__(*exc))
        finally:
            self.store._write_lock.release()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _change(row) -> dict:
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


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _writer(stamp: str) -> str:
    return stamp.split("-", 2)[2]


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="milliseconds")
