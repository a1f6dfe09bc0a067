"""Monthly report on a busy year: 50 000 aid entries and 2 000 events, then the summary of one month and all four
exports (XLSX, PDF, CSV, HXL). Prints `month_summary: X s` (goal: at most 1 s; `month_summary_cpu` is the process
time it took, which other work on a shared machine does not stretch) and `month_report_all_formats: X s`,
and the raw floor of the same run: a plain SQLite scan of the aid entries and lines of the thirteen months the
summary counts (the month, and the year before it that it is compared with), on a fresh connection of its own, as
`aid_window_scan_floor`, with `month_summary_ratio_to_floor`; and the same scan of the month alone,
`aid_month_scan`.

Usage: python bench/report.py [--db PATH] (the database is built once and reused when PATH already exists).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.demo import reports_fixture
from desktop.periods import last_full_month, month_dates, shift_month
from desktop.reports.export import export_report
from desktop.reports.summary import build_summary
from desktop.store import Store

TODAY = dt.date(2026, 11, 20)

_SCAN = """SELECT count(*), total(l.quantity) FROM aid_given a JOIN aid_lines l ON l.aid_id = a.id AND l.deleted = 0
           WHERE a.deleted = 0 AND a.given_on >= ? AND a.given_on < ?"""


def _scan(db: Path, start: str, end: str) -> float:
    """Seconds of one plain scan of the aid entries and lines given on days of [start, end)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        conn.execute(_SCAN, (start, end)).fetchall()
        return time.perf_counter() - started
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "dostyq_bench_report.db"))
    args = parser.parse_args()
    db = Path(args.db)
    fresh = not db.exists()
    store = Store(db)
    if fresh:
        store.set_house("KZ-55-01")
        started = time.perf_counter()
        reports_fixture.fill(store, random.Random(7), TODAY, scale=25, events=2000, aid_entries=50000)
        print(f"busy_year_fill: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    entries = store.scalar("SELECT count(*) FROM aid_given WHERE reverses_id IS NULL")
    events = store.scalar("SELECT count(*) FROM events")
    print(f"busy_year: {entries} aid entries, {events} events", file=sys.stderr)
    month = last_full_month(TODAY)
    floor_s = _scan(db, month_dates(shift_month(month, -12))[0], month_dates(month)[1])
    month_scan_s = _scan(db, *month_dates(month))
    with tempfile.TemporaryDirectory() as out:
        started, cpu = time.perf_counter(), time.process_time()
        summary = build_summary(store, month, today=TODAY)
        summary_s, summary_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        for fmt in ("xlsx", "pdf", "csv", "hxl"):
            export_report(summary, fmt, Path(out) / f"report.{fmt}", "both")
        total = time.perf_counter() - started
    store.close()
    print(f"month_summary: {summary_s:.3f} s")
    print(f"month_summary_cpu: {summary_cpu_s:.3f} s")
    print(f"month_report_all_formats: {total:.3f} s")
    print(f"aid_window_scan_floor: {floor_s:.3f} s")
    print(f"aid_month_scan: {month_scan_s:.3f} s")
    print(f"month_summary_ratio_to_floor: {summary_s / floor_s:.1f} x")


if __name__ == "__main__":
    main()
