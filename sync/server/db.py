"""The database under the server: the engine, write transactions, the clock and the seq counter.

Every change gets the next `server_seq` while the `counters` row is locked, so seq order is commit order and a
cursor never skips a row. The store's other parts (identity, exchange, reference, regions) build on `StoreBase`.
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

    # ---- reading one record ----------------------------------------------------------------------------------
    def _reference_row(self, conn: Connection, table: str, code: str) -> dict | None:
        row = conn.execute(
            sa.select(records.c.data).where(records.c.table_name == table, records.c.id == code)
        ).first()
        return json.loads(row[0]) if row else None

    def _reference_row_by_code(self, table: str, code: str) -> dict | None:
        with self.engine.connect() as conn:
            return self._reference_row(conn, table, code)


class _WriteTxn:
    """A write transaction that holds the seq lock from its start: in-process mutex, and on PostgreSQL a row lock
    on the counter (SELECT … FOR UPDATE), so several server processes also commit in seq order."""

    def __init__(self, store: StoreBase):
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


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def writer(stamp: str) -> str:
    return stamp.split("-", 2)[2]


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="milliseconds")
