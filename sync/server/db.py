"""The database under the server: the engine, write transactions, the clock and the seq counter.

Seq order is commit order: a write transaction holds the seq lock from its start to its commit (an in-process
first-come-first-served lock, and on PostgreSQL also the `counters` row locked FOR UPDATE, so several server
processes commit in seq order too). Inside it the seqs are handed out from memory and the counter row is written
once, at commit. A reader holds the same lock while it reads a page and the newest seq, so a cursor never skips a
row: a change with a seq at or below a cursor that was given out is always committed before that cursor is.

A no-change sync on PostgreSQL needs no lock (_ReadingTxn): it reads the committed counter first, then only up to
it; every seq up to a committed counter belongs to a committed transaction.

Write transactions are kept short (a sync request's ops are applied in chunks of `APPLY_CHUNK` ops, one
transaction each, sync.server.exchange), so no house waits for another's big upload longer than one chunk.
The store's other parts (identity, exchange, reference, regions) build on `StoreBase`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from desktop import clock
from sync.server.schema import SERVER_SCHEMA, counters, md, records, server_meta


def default_url(data_dir: str | Path) -> str:
    path = Path(data_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'dostyq-server.sqlite3'}"


class StoreBase:
    def __init__(self, url: str, *, wall: Callable[[], float] = clock.wall):
        self.url = url
        self.wall = wall
        self.is_sqlite = url.startswith("sqlite")
        self._iso: tuple[int, str] = (-1, "")
        kwargs: dict[str, Any] = {"future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=40, max_overflow=10, pool_pre_ping=True)
        self.engine: Engine = sa.create_engine(url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        # SQLite has one writer anyway; this keeps our writers from tripping over its lock. First come, first
        # served: a short sync waiting behind a big upload gets in after the upload's current chunk.
        self._write_lock = FairLock()
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
        wall = self.wall()
        ms = round(wall * 1_000_000) // 1000  # as fromtimestamp rounds to the microsecond
        if self._iso[0] != ms:  # a chunk of ops asks many times a millisecond
            self._iso = (ms, dt.datetime.fromtimestamp(wall, dt.UTC).isoformat(timespec="milliseconds"))
        return self._iso[1]

    # ---- transactions ----------------------------------------------------------------------------------------
    def _write(self):
        return _WriteTxn(self)

    def _reading(self):
        """A transaction that gives out no seq and takes no seq lock (PostgreSQL only): it writes only rows no
        other transaction writes at the same time, and reads changes up to the seq it started with."""
        return _ReadingTxn(self)

    def _next_seq(self, conn: Connection, n: int = 1) -> int:
        """Reserves n seqs and returns the first. In a write transaction they come from memory and the counter is
        written at commit (the seq lock is held until then, see _WriteTxn)."""
        held = conn.info.get(_SEQ)
        if held is not None:
            held[1] += n
            return held[1] - n + 1
        value = conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()
        conn.execute(counters.update().where(counters.c.name == "seq").values(value=value + n))
        return value + 1

    def _top_seq(self, conn: Connection) -> int:
        """The newest seq given out (in this transaction too; in a reading transaction, the one it started with)."""
        held = conn.info.get(_SEQ)
        if held is not None:
            return held[1]
        pinned = conn.info.get(_TOP)
        if pinned is not None:
            return pinned
        return conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()

    @staticmethod
    def _seq_mark(conn: Connection) -> int | None:
        held = conn.info.get(_SEQ)
        return None if held is None else held[1]

    @staticmethod
    def _seq_rewind(conn: Connection, mark: int | None) -> None:
        """Gives back the seqs reserved since `mark` (their writes were rolled back to a savepoint)."""
        held = conn.info.get(_SEQ)
        if held is not None and mark is not None:
            held[1] = mark

    # ---- reading one record ----------------------------------------------------------------------------------
    def _reference_row(self, conn: Connection, table: str, code: str) -> dict | None:
        row = conn.execute(
            sa.select(records.c.data).where(records.c.table_name == table, records.c.id == code)
        ).first()
        return json.loads(row[0]) if row else None

    def _reference_row_by_code(self, table: str, code: str) -> dict | None:
        with self.engine.connect() as conn:
            return self._reference_row(conn, table, code)


_SEQ = "dostyq_seq"  # Connection.info key: [counter at the start, last seq handed out] of a write transaction
_TOP = "dostyq_top"  # Connection.info key: the counter a reading transaction started with
EPOCH_READ = "dostyq_epoch"  # Connection.info key: the history epoch a reading transaction read with it


class FairLock:
    """A mutex that wakes its waiters in arrival order (threading.Lock may let the releasing thread take it again
    at once, so a big upload's next chunk could starve a short sync)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0
        self._serving = 0

    def acquire(self) -> None:
        with self._cond:
            ticket = self._next
            self._next += 1
            try:
                while ticket != self._serving:
                    self._cond.wait()
            except BaseException:
                # A waiter that gives up still takes its turn, so the ones behind it are not stuck.
                self._abandon(ticket)
                raise

    def _abandon(self, ticket: int) -> None:
        while ticket != self._serving:
            self._cond.wait()
        self._serving += 1
        self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


class _WriteTxn:
    """A write transaction that holds the seq lock from its start: in-process mutex, and on PostgreSQL a row lock
    on the counter (SELECT … FOR UPDATE), so several server processes also commit in seq order. The seqs it hands
    out are counted in memory and the counter row is written once, just before commit."""

    def __init__(self, store: StoreBase):
        self.store = store

    def __enter__(self) -> Connection:
        self.store._write_lock.acquire()
        try:
            self.ctx = self.store.engine.begin()
            self.conn = self.ctx.__enter__()
        except BaseException:
            self.store._write_lock.release()
            raise
        try:
            query = sa.select(counters.c.value).where(counters.c.name == "seq")
            if self.store.is_sqlite:
                # pysqlite opens the transaction only before a write: without one first, the SELECTs would run
                # outside it and the first SAVEPOINT would open (and its RELEASE commit) a transaction of its
                # own, so a chunk's rows could be committed before the counter. This write opens it and takes
                # the database's write lock at once.
                self.conn.execute(
                    counters.update().where(counters.c.name == "seq").values(value=counters.c.value)
                )
            else:
                query = query.with_for_update()
            value = self.conn.execute(query).scalar_one()
        except BaseException as error:
            try:
                self.ctx.__exit__(type(error), error, error.__traceback__)
            finally:
                self.store._write_lock.release()
            raise
        self.conn.info[_SEQ] = [value, value]
        return self.conn

    def __exit__(self, *exc) -> bool:
        try:
            held = self.conn.info.pop(_SEQ, None)
            if exc[0] is None and held is not None and held[1] != held[0]:
                try:
                    self.conn.execute(counters.update().where(counters.c.name == "seq").values(value=held[1]))
                except BaseException as error:
                    self.ctx.__exit__(type(error), error, error.__traceback__)
                    raise
            return bool(self.ctx.__exit__(*exc))
        finally:
            self.store._write_lock.release()


class _ReadingTxn:
    """Seq order is commit order, so every seq up to the committed counter belongs to a committed transaction: the
    counter is read first (its own statement), and whatever the transaction reads later is read up to it."""

    def __init__(self, store: StoreBase):
        self.store = store

    def __enter__(self) -> Connection:
        self.ctx = self.store.engine.begin()
        self.conn = self.ctx.__enter__()
        try:
            # The history epoch comes in the same statement: one round trip less for every no-change sync.
            top, epoch = self.conn.execute(
                sa.select(
                    sa.select(counters.c.value).where(counters.c.name == "seq").scalar_subquery(),
                    sa.select(server_meta.c.value).where(server_meta.c.key == "epoch").scalar_subquery(),
                )
            ).one()
        except BaseException as error:
            self.ctx.__exit__(type(error), error, error.__traceback__)
            raise
        self.conn.info[_TOP] = top
        if epoch:
            self.conn.info[EPOCH_READ] = epoch
        return self.conn

    def __exit__(self, *exc) -> bool:
        self.conn.info.pop(_TOP, None)
        self.conn.info.pop(EPOCH_READ, None)
        return bool(self.ctx.__exit__(*exc))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# The same encoder's C loop made once: JSONEncoder.encode builds it again at every call, which costs as much as
# encoding a row's small field map. Without a circularity check (what is encoded came out of JSON, or is built
# here of plain values).
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    _C_MAKE_ENCODER(None, _JSON.default, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    if _C_MAKE_ENCODER is not None
    else None
)


def to_json(obj: Any) -> str:
    if _C_ENCODE is not None and type(obj) is dict:
        return "".join(_C_ENCODE(obj, 0))
    return _JSON.encode(obj)


def writer(stamp: str) -> str:
    return stamp.split("-", 2)[2]


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="milliseconds")
