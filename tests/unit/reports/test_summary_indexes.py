"""The summary's covering indexes (migration 8): a database of the seventh schema gets them at open and counts the
same figures, and the summary's queries read them rather than the wide rows."""

from __future__ import annotations

import datetime as dt
import sqlite3

from desktop import schema, schema_indexes
from desktop.periods import shift_month
from desktop.reports import summary_figures as summary
from desktop.reports.summary import build_summary
from desktop.store import Store
from tests.unit.reports import fixture_month


def _figures(store: Store) -> dict:
    payload = build_summary(store, fixture_month.MONTH, today=dt.date(2026, 11, 20)).to_payload()
    payload.pop("generated_at")
    return payload


def _indexes(store: Store) -> set[str]:
    return {r["name"] for r in store.rows("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_database_of_the_seventh_schema_gets_the_summary_indexes(tmp_path, clock):
    path = tmp_path / "v7.sqlite"
    conn = sqlite3.connect(path)
    for migration in schema.MIGRATIONS[:7]:
        migration(conn)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    old = Store(path)
    fresh = Store(tmp_path / "fresh.sqlite")
    try:
        assert old.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION == 8
        assert set(schema_indexes.SUMMARY_INDEXES) <= _indexes(old)
        assert set(schema_indexes.SUMMARY_INDEXES) <= _indexes(fresh)
        fixture_month.build(old)
        fixture_month.build(fresh)
        assert _figures(old) == _figures(fresh)
    finally:
        old.close()
        fresh.close()


def _plan(store: Store, sql: str, params: dict) -> str:
    return " | ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_summary_reads_the_months_from_covering_indexes(fixture_store):
    month = fixture_month.MONTH
    start = f"{shift_month(month, -12)}-01"
    window = {"start": start, "from": start, "until": "2026-11-01"}
    totals = _plan(fixture_store, summary._AID_TOTALS, window)
    assert "COVERING INDEX idx_aid_given_summary" in totals
    assert "COVERING INDEX idx_aid_given_reverses" in totals
    assert "COVERING INDEX idx_recipients_summary" in totals
    in_full = _plan(
        fixture_store, summary._AID_MONTH, {"start": start, "from": "2026-10-01", "until": "2026-11-01"}
    )
    assert "COVERING INDEX idx_aid_lines_summary" in in_full
    assert "COVERING INDEX idx_people_summary" in in_full
    assert "COVERING INDEX idx_aid_given_summary" in _plan(fixture_store, summary._AID_LINES, window)
    assert "COVERING INDEX idx_aid_given_reverses" in _plan(
        fixture_store, summary._AID_CORRECTION_LINES, window
    )
    table, params = summary._months_table([shift_month(month, -1), month], None)
    events = _plan(fixture_store, summary._EVENT_FIGURES.format(months=table), params)
    assert "COVERING INDEX idx_events_summary" in events
    shifts = _plan(fixture_store, summary._VOLUNTEER_MINUTES.format(months=table), params)
    assert "COVERING INDEX idx_volunteer_shifts_summary" in shifts
    assert "COVERING INDEX idx_volunteer_shifts_reverses" in shifts
    assert "INDEX idx_donations_reverses" in _plan(
        fixture_store, summary._DONATION_FIGURES.format(months=table), params
    )
