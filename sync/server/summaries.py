"""The monthly summaries a house submits: checked before they are stored, and again before a roll-up sums them.

A `monthly_reports` op is refused (`rejected:summary.<reason>`, nothing stored, the request's other ops applied)
unless its row is a plain summary of the submitting token's house (desktop.reports.payload_check) for a valid
month that is not after this month by the server's clock (Asia/Almaty). A row already stored that fails the
check (written by an older server, or by hand) is left out of every roll-up and its house listed as invalid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop.clock import TZ
from desktop.reports.payload_check import (
    MONTH_RE,
    STAMP_RE,
    PayloadProblem,
    check_payload,
    code_personal,
)
from sync.server.db import StoreBase
from sync.server.schema import records

REPORTS_TABLE = "monthly_reports"
STATUSES = ("draft", "submitted")
_FIGURE_PATH = re.compile(r"^[A-Za-z0-9_.\-]{1,160}$")
# A PC's clock may run a little ahead at midnight of the first day of a month.
MONTH_GRACE_S = 300


def latest_month(wall: float) -> str:
    """The newest month a house may submit at server time `wall`: the current month in Kazakhstan."""
    return dt.datetime.fromtimestamp(wall + MONTH_GRACE_S, TZ).strftime("%Y-%m")


def _loads(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            raise PayloadProblem("json") from None
    return value


def check_report_row(row: dict, house: str, newest: str | None = None) -> dict:
    """The row's payload (a dict) when `row` (a monthly_reports row's fields) is a valid summary of `house`;
    raises PayloadProblem otherwise."""
    month = row.get("month")
    if not isinstance(month, str) or not MONTH_RE.match(month):
        raise PayloadProblem("month")
    if newest is not None and month > newest:
        raise PayloadProblem("future")
    if row.get("status", "draft") not in STATUSES:
        raise PayloadProblem("status")
    version = row.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 1_000_000:
        raise PayloadProblem("version")
    submitted_at = row.get("submitted_at")
    if submitted_at is not None and (not isinstance(submitted_at, str) or not STAMP_RE.match(submitted_at)):
        raise PayloadProblem("submitted_at")
    _check_changes(_loads(row.get("changes")))
    return check_payload(_loads(row.get("payload", "{}")), house=house, month=month, latest_month=newest)


def _check_changes(changes: Any) -> None:
    """What changed since the previous version: {"since_version": n, "figures": {"aid.people": [old, new]}}."""
    if changes is None:
        return
    if not isinstance(changes, dict) or set(changes) - {"since_version", "figures"}:
        raise PayloadProblem("changes")
    since = changes.get("since_version")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int)):
        raise PayloadProblem("changes")
    figures = changes.get("figures") or {}
    if not isinstance(figures, dict):
        raise PayloadProblem("changes")
    for path, pair in figures.items():
        if not _FIGURE_PATH.match(path) or any(code_personal(part) for part in path.split(".")):
            raise PayloadProblem("changes")
        if not isinstance(pair, list) or len(pair) != 2:
            raise PayloadProblem("changes")
        for value in pair:
            if isinstance(value, bool) or not isinstance(value, (int, float, type(None))):
                raise PayloadProblem("changes")


class SummariesMixin(StoreBase):
    def report_op_problem(
        self, conn: Connection, house: str, row_id: str, fields: dict, kind: str
    ) -> str | None:
        """Why the server refuses this write of a monthly_reports row, or None. The row as it would be after
        the write (the stored fields with the op's on top) is what is checked."""
        if kind == "delete" or set(fields) <= {"deleted"}:
            return None
        stored = conn.execute(
            sa.select(records.c.data).where(records.c.table_name == REPORTS_TABLE, records.c.id == row_id)
        ).scalar()
        row = {**(json.loads(stored) if stored else {}), **fields}
        try:
            check_report_row(row, house, latest_month(self.wall()))
        except PayloadProblem as exc:
            return f"summary.{exc.reason}"
        return None
