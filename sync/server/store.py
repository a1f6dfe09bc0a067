"""The central store on SQLAlchemy Core: one schema for SQLite (the default, no set-up) and PostgreSQL.

`ServerStore` is the one object the app, the CLI and the tests use; its parts live beside it:

- schema.py     the tables (synced rows of every table as JSON in `records`, with per-field stamps and seqs)
- db.py         engine, write transactions holding the seq lock, the clock, the seq counter
- identity.py   enrolment codes, device and coordinator tokens, authentication
- files.py      sync files: the server's key pair, the PCs' public keys, enrolment files, applying a request file
- exchange.py   one sync request: ops checked (sync.op_schema), deduplicated, clamped and merged, the changes
                page, the history epoch
- batch.py      a chunk of a request's ops read and written in bulk
- replay.py     a row re-sent whole by a PC, and the conflicts stored for review
- horizon.py    where each device stands, the house's purge horizon, and the purge of tombstones below it
- held.py       updates of a row the server does not have yet, held until its insert arrives
- bad_rows.py   the administrator's list, view and tombstone of rows the PCs cannot store
- reference.py  reference lists, houses and central catalogue rows (house_id '', every device receives them)
- regions.py    a coordinator's houses, submitted monthly summaries and the regional roll-up
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from desktop import clock
from sync.server.bad_rows import BadRowsMixin, UnknownRow
from sync.server.db import StoreBase, default_url
from sync.server.exchange import SEEN_REQUESTS_DAYS, ExchangeMixin, Replayed, wire_row
from sync.server.files import FilesMixin
from sync.server.horizon import HorizonMixin, Purged
from sync.server.identity import (
    CODE_ALPHABET,
    AuthError,
    EnrolError,
    IdentityMixin,
    Principal,
    normalize_code,
)
from sync.server.reference import ReferenceMixin
from sync.server.regions import RegionsMixin
from sync.server.schema import (
    CENTRAL,
    SERVER_SCHEMA,
    applied_ops,
    counters,
    device_keys,
    devices,
    enrol_codes,
    held_ops,
    md,
    records,
    seen_requests,
    server_meta,
)

__all__ = [
    "CENTRAL",
    "CODE_ALPHABET",
    "SEEN_REQUESTS_DAYS",
    "SERVER_SCHEMA",
    "AuthError",
    "EnrolError",
    "Principal",
    "Purged",
    "Replayed",
    "ServerStore",
    "UnknownRow",
    "applied_ops",
    "counters",
    "default_url",
    "device_keys",
    "devices",
    "enrol_codes",
    "held_ops",
    "md",
    "normalize_code",
    "records",
    "seen_requests",
    "server_meta",
]


class ServerStore(
    HorizonMixin,
    ExchangeMixin,
    FilesMixin,
    BadRowsMixin,
    IdentityMixin,
    ReferenceMixin,
    RegionsMixin,
    StoreBase,
):
    def __init__(self, url: str, *, wall: Callable[[], float] = clock.wall, seed: bool = True):
        super().__init__(url, wall=wall)
        if seed:
            self.seed_reference()

    # ---- inspection (CLI, tests, fault harness) --------------------------------------------------------------
    def rows(self, table: str, house: str | None = None) -> list[dict]:
        q = sa.select(records).where(records.c.table_name == table)
        if house is not None:
            q = q.where(records.c.house_id == house)
        with self.engine.connect() as conn:
            return [wire_row(r) for r in conn.execute(q.order_by(records.c.id)).mappings()]

    def applied(self) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return {r["op_id"]: dict(r) for r in conn.execute(sa.select(applied_ops)).mappings()}

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
