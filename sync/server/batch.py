"""One chunk of a sync request's ops, read and written in bulk.

The exchange merges ops one by one (sync.server.exchange), but in a chunk it reads the rows they touch, the
applied op ids and the held rows with one SELECT … IN (…) each, keeps the rows it changes in memory, and writes
them at the end with one executemany per statement (records inserted, records updated, applied ops). The merge
code reaches rows through `ExchangeMixin._read_row` / `_write_row`, which go through the chunk's `Batch` when the
connection has one and straight to the database otherwise, so both paths run the same checks.

Everything the database holds and the batch does not know of stays right: a part of the exchange that reads or
writes rows with its own SQL (held ops released, erased conflicts withdrawn, a summary's checks, a replay's
authorship check) first calls `settle`, which writes what is pending and forgets the cached rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from sync.protocol import Op
from sync.server.schema import applied_ops, held_ops, records

BATCH = "dostyq_batch"  # Connection.info key of the chunk being applied

_VALUES = (
    "house_id",
    "server_seq",
    "deleted",
    "hlc",
    "data",
    "field_hlc",
    "field_seq",
    "created_at",
    "updated_at",
    "updated_by",
)

_APPLIED = ("op_id", "device_pk", "house_id", "result", "server_seq", "hlc", "orig_hlc", "applied_at")
_applied_row = itemgetter(*_APPLIED)
_RECORD_COLUMNS = tuple(c.name for c in records.columns)

Key = tuple[str, str]


class Batch:
    def __init__(self, conn: Connection, house: str):
        self.conn = conn
        self.house = house
        self.rows: dict[Key, dict[str, Any] | None] = {}
        self.pending: dict[Key, str] = {}  # "insert" or "update"
        self.applied: dict[str, tuple[str, str]] = {}  # op_id: (result, house_id)
        self.new_applied: list[dict[str, Any]] = []
        self.held_rows: set[Key] = set()
        self.done: list[str] = []  # op ids really applied, for StoreBase.on_apply once the chunk is in

    def prefetch(self, ops: Iterable[Op]) -> None:
        ops = list(ops)
        ids = list({op.op_id for op in ops})
        for op_id, result, house in self._select_among(
            sa.select(applied_ops.c.op_id, applied_ops.c.result, applied_ops.c.house_id),
            "SELECT op_id, result, house_id FROM applied_ops WHERE",
            applied_ops.c.op_id,
            ids,
        ):
            self.applied[op_id] = (result, house)
        by_table: dict[str, set[str]] = defaultdict(set)
        for op in ops:
            by_table[op.table].add(op.row_id)
        self._fetch(by_table)
        row_ids = list({op.row_id for op in ops})
        self.held_rows.update(
            (table, row_id)
            for table, row_id in self._select_among(
                sa.select(held_ops.c.table_name, held_ops.c.row_id).where(held_ops.c.house_id == self.house),
                "SELECT table_name, row_id FROM held_ops WHERE house_id = ? AND",
                held_ops.c.row_id,
                row_ids,
                self.house,
            )
        )

    def _fetch(self, by_table: dict[str, set[str]]) -> None:
        for table, wanted in by_table.items():
            found = self._select_among(
                sa.select(records).where(records.c.table_name == table),
                f"SELECT {', '.join(_RECORD_COLUMNS)} FROM records WHERE table_name = ? AND",
                records.c.id,
                list(wanted),
                table,
            )
            for row in found:
                record = dict(zip(_RECORD_COLUMNS, row, strict=True))
                self.rows[(table, record["id"])] = record
            for row_id in wanted:
                self.rows.setdefault((table, row_id), None)

    def _select_among(
        self, query: sa.Select, sqlite_sql: str, column: sa.ColumnElement, values: list[str], *before: str
    ) -> Iterable[Sequence[Any]]:
        """The rows of `query` with column IN (values). On PostgreSQL as = ANY(one array), not hundreds of
        parameters; on SQLite the same SELECT written out (`sqlite_sql`, its parameters `before` then the values)
        and given straight to the driver, so a chunk's hundreds of parameters are not expanded in Python."""
        if self.conn.dialect.name == "postgresql":
            wanted = column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(sa.String)))
            return self.conn.execute(query.where(wanted)).all()
        if not values:
            return []
        marks = ", ".join("?" * len(values))
        return self.conn.exec_driver_sql(f"{sqlite_sql} {column.name} IN ({marks})", (*before, *values)).all()

    # ---- rows ------------------------------------------------------------------------------------------------
    def get(self, table: str, row_id: str) -> dict[str, Any] | None:
        key = (table, row_id)
        if key not in self.rows:
            self._fetch({table: {row_id}})
        return self.rows[key]

    def insert(self, table: str, row_id: str, values: dict[str, Any]) -> None:
        key = (table, row_id)
        self.rows[key] = {"table_name": table, "id": row_id, **values}
        self.pending[key] = "insert"

    def update(self, table: str, row_id: str, values: dict[str, Any]) -> None:
        key = (table, row_id)
        old = self.get(table, row_id)
        if old is None:
            return  # as an UPDATE of no row: nothing
        self.rows[key] = {**old, **values}  # a new dict: a caller's copy of the old row stays as it was
        self.pending.setdefault(key, "update")

    # ---- applied ops -----------------------------------------------------------------------------------------
    def add_applied(self, values: dict[str, Any]) -> None:
        self.applied[values["op_id"]] = (values["result"], values["house_id"])
        self.new_applied.append(values)

    # ---- writing ---------------------------------------------------------------------------------------------
    def flush(self) -> None:
        """Writes what is pending: records inserted, records updated, applied ops, one statement each."""
        inserts: list[tuple] = []
        updates: list[tuple] = []
        for key, kind in self.pending.items():
            row = self.rows[key]
            assert row is not None
            (inserts if kind == "insert" else updates).append((*key, *map(row.get, _VALUES)))
        applied = list(map(_applied_row, self.new_applied))
        if self.conn.dialect.name == "postgresql":
            _flush_pg(self.conn, inserts, updates, applied)
        else:
            _flush_executemany(self.conn, inserts, updates, applied)
        self.pending.clear()
        self.new_applied = []

    def settle(self) -> None:
        """Before SQL of its own: everything pending written, the cached rows forgotten (that SQL may change
        them)."""
        self.flush()
        self.rows.clear()


def batch_of(conn: Connection) -> Batch | None:
    return conn.info.get(BATCH)


def _flush_executemany(conn: Connection, inserts: list, updates: list, applied: list) -> None:
    """SQLite: one executemany per statement, the rows as plain tuples (the driver loops in C)."""
    cols = ("table_name", "id", *_VALUES)
    if inserts:
        conn.exec_driver_sql(
            f"INSERT INTO records ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", inserts
        )
    if updates:
        sets = ", ".join(f"{c} = ?" for c in _VALUES)
        conn.exec_driver_sql(
            f"UPDATE records SET {sets} WHERE table_name = ? AND id = ?",
            [(*row[2:], row[0], row[1]) for row in updates],
        )
    if applied:
        conn.exec_driver_sql(
            f"INSERT INTO applied_ops ({', '.join(_APPLIED)}) VALUES ({', '.join('?' * len(_APPLIED))})",
            applied,
        )


def _flush_pg(conn: Connection, inserts: list, updates: list, applied: list) -> None:
    """PostgreSQL: COPY, not one round of the protocol per row. Updated rows go through a temporary table of this
    connection (emptied at every commit) and one UPDATE … FROM."""
    cols = ("table_name", "id", *_VALUES)
    cursor = conn.connection.cursor()
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        if inserts:
            _copy(cursor, f"records ({', '.join(cols)})", inserts)
        if updates:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS dostyq_batch_rows "
                "(LIKE records INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            _copy(cursor, f"dostyq_batch_rows ({', '.join(cols)})", updates)
            sets = ", ".join(f"{c} = v.{c}" for c in _VALUES)
            cursor.execute(
                f"UPDATE records SET {sets} FROM dostyq_batch_rows v "
                "WHERE records.table_name = v.table_name AND records.id = v.id"
            )
            cursor.execute("DELETE FROM dostyq_batch_rows")
        if applied:
            _copy(cursor, f"applied_ops ({', '.join(_APPLIED)})", applied)
    except dbapi_error as error:
        # As SQLAlchemy's own statements report a refusal, so the exchange falls back to one op at a time.
        raise sa.exc.DBAPIError.instance("COPY", None, error, dbapi_error) from error
    finally:
        cursor.close()


def _copy(cursor: Any, target: str, rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
