"""The summary over a generated year agrees with plain counts of the ledger (a cross-check beside the exact
hand-built month)."""

import datetime as dt
import random

from desktop.demo import reports_fixture
from desktop.reports.summary import build_summary

TODAY = dt.date(2026, 11, 20)


def test_series_and_month_agree_with_direct_counts(store):
    reports_fixture.fill(store, random.Random(11), TODAY, scale=0.5)
    summary = build_summary(store, "2026-10", today=TODAY)
    for point in summary.series:
        month = point["month"]
        held = store.scalar(
            "SELECT count(*) FROM events WHERE deleted = 0 AND status = 'held' AND substr(starts_at, 1, 7) = ?",
            (month,),
        )  # the generator writes +05:00 times, so the text month is the Almaty month
        assert point["events_held"] == held
        standing = store.scalar(
            """SELECT count(*) FROM aid_given a WHERE a.deleted = 0 AND a.reverses_id IS NULL
                   AND substr(a.given_on, 1, 7) = ?
                   AND NOT EXISTS (SELECT 1 FROM aid_given r WHERE r.reverses_id = a.id)""",
            (month,),
        )
        assert point["aid_entries"] == standing
        minutes = store.scalar(
            """SELECT coalesce(sum(s.minutes), 0) FROM volunteer_shifts s
               LEFT JOIN volunteer_shifts o ON o.id = s.reverses_id
               WHERE substr(coalesce(o.check_in, s.check_in), 1, 7) = ?""",
            (month,),
        )
        at_events = store.scalar(
            """SELECT coalesce(sum(v.minutes), 0) FROM event_volunteers v JOIN events e ON e.id = v.event_id
               WHERE e.status = 'held' AND substr(e.starts_at, 1, 7) = ?""",
            (month,),
        )
        assert point["volunteer_minutes"] == minutes + at_events
    cur = summary.current
    assert cur["aid"]["entries"] == sum(p["entries"] for p in cur["aid"]["by_programme"].values())
    assert cur["aid"]["people"] <= sum(p["people"] for p in cur["aid"]["by_programme"].values())
    assert cur["aid"]["people"] > 0 and cur["events"]["held"] > 0
