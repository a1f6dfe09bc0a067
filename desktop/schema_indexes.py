"""Indexes added by migrations for the reports (desktop/schema.py lists the migrations)."""

from __future__ import annotations

import sqlite3

# Covering indexes of the monthly summary (desktop/reports/summary.py): each of its queries reads a month's rows from
# an index that holds every column it needs, not from the wide rows (a busy year has 50 000 aid entries).
SUMMARY_INDEXES = {
    "idx_aid_given_summary": "aid_given (given_on, deleted, reverses_id, id, programme, recipient_id, household_id)",
    "idx_aid_given_reverses": "aid_given (reverses_id, deleted, given_on, id) WHERE reverses_id IS NOT NULL",
    "idx_aid_lines_summary": "aid_lines (aid_id, deleted, item_id, quantity)",
    "idx_recipients_summary": "recipients (id, deleted, person_id, household_id, sex, age_band, anonymous, categories)",
    "idx_people_summary": "people (id, deleted, sex, birth_date)",
    "idx_events_summary": "events (starts_at, deleted, status, kind, attendance_mode, id)",
    "idx_volunteer_shifts_summary": "volunteer_shifts (check_in, deleted, reverses_id, volunteer_id, minutes)",
    "idx_volunteer_shifts_reverses": (
        "volunteer_shifts (reverses_id, deleted, minutes, volunteer_id) WHERE reverses_id IS NOT NULL"
    ),
    "idx_donations_reverses": "donations (reverses_id, deleted, received_on) WHERE reverses_id IS NOT NULL",
}


def migration_8_summary_indexes(conn: sqlite3.Connection) -> None:
    """Covering indexes for the monthly summary (SUMMARY_INDEXES), so a month of a busy year is counted in well
    under a second."""
    for name, target in SUMMARY_INDEXES.items():
        conn.execute(f'CREATE INDEX "{name}" ON {target}')
