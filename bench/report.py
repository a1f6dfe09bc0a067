"""Monthly report on a busy year: 50 000 aid entries and 2 000 events, then the summary of one month and all four
exports (XLSX, PDF, CSV, HXL). Prints `month_report_all_formats: X s` (goal: at most 2 s).

Usage: python bench/report.py [--db PATH] (the database is built once and reused when PATH already exists).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.demo import reports_fixture
from desktop.periods import last_full_month
from desktop.reports.export import export_report
from desktop.reports.summary import build_summary
from desktop.store import Store

TODAY = dt.date(2026, 11, 20)


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
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        summary = build_summary(store, month, today=TODAY)
        summary_s = time.perf_counter() - started
        for fmt in ("xlsx", "pdf", "csv", "hxl"):
            export_report(summary, fmt, Path(out) / f"report.{fmt}", "both")
        total = time.perf_counter() - started
    store.close()
    print(f"month_summary: {summary_s:.2f} s")
    print(f"month_report_all_formats: {total:.2f} s")


if __name__ == "__main__":
    main()
