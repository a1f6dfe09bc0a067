"""What took place: a past event still marked "planned" counts its recorded attendance and volunteers' time in the
monthly summary exactly as the volunteers' hours count it; a cancelled one counts nothing; staff are asked to mark
past planned events held, and the core refuses what cannot be marked."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import event_facts, events, roles, shifts
from desktop.clock import TZ
from desktop.errors import ValidationError
from desktop.events import EventInput, Headcount
from desktop.reports import payload_check
from desktop.reports.summary import build_summary
from desktop.roles import PermissionDenied


def at(y, m, d, h=11, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def volunteer(store, name="Әсел"):
    person = store.insert("people", {"surname": "Сейітқали", "name": name})
    return store.insert("volunteers", {"person_id": person, "since": "2025-01-01"})


def planned(store, starts, *, headcount=None, volunteers=None, status="planned", kind="concert"):
    """An event saved as the form saves it (volunteers' minutes and a headcount, status as given)."""
    return events.save_event(
        store,
        EventInput(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            title_kk="Кеш",
            kind=kind,
            status=status,
            headcount=headcount,
            volunteers=volunteers or {},
        ),
        now=at(2030, 1, 1),
    )


def hours_total(store, month):
    return sum(r["total_minutes"] for r in shifts.month_hours(store, month))


def test_a_past_planned_event_counts_its_attendance_and_time_like_the_hours(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    vol = volunteer(store)
    planned(store, at(2026, 10, 5, 18), headcount=Headcount(120, 70, 50, 20, 15), volunteers={vol: 90})
    summary = build_summary(store, "2026-10")
    ev = summary.current["events"]
    assert ev["attendance"] == {"total": 120, "women": 70, "men": 50, "children": 20, "elderly": 15}
    assert ev["held"] == 1 and ev["by_kind"] == {"concert": 1}
    assert summary.current["volunteers"]["minutes"] == 90 == hours_total(store, "2026-10")
    assert summary.current["volunteers"]["active"] == 1
    assert summary.series[-1]["attendance"] == 120
    # The payload keeps its format: the server's check accepts it as it is.
    assert payload_check.payload_problem(summary.to_payload(), house="KZ-55-01") is None


def test_a_cancelled_event_counts_nothing_anywhere(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    vol = volunteer(store)
    gone = planned(store, at(2026, 10, 7, 18), volunteers={vol: 60})
    store.update("events", gone, {"status": "cancelled"})
    summary = build_summary(store, "2026-10")
    assert summary.current["events"]["held"] == 0 and summary.current["events"]["cancelled"] == 1
    assert summary.current["volunteers"]["minutes"] == 0 == hours_total(store, "2026-10")


def test_a_past_planned_event_with_nothing_recorded_waits_for_its_status(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    waiting = planned(store, at(2026, 10, 9, 18))
    summary = build_summary(store, "2026-10")
    assert summary.current["events"]["held"] == 0
    assert event_facts.past_planned(store) == {"count": 1, "ids": [waiting]}


def test_this_month_so_far_counts_an_event_once_it_has_started(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    vol = volunteer(store)
    planned(store, at(2026, 11, 20, 18), headcount=Headcount(40), volunteers={vol: 30})
    before = build_summary(store, "2026-11")
    assert before.current["events"]["attendance"]["total"] == 0
    assert before.current["volunteers"]["minutes"] == 0 == hours_total(store, "2026-11")
    clock.set("2026-11-20T19:00:00+05:00")
    after = build_summary(store, "2026-11")
    assert after.current["events"]["attendance"]["total"] == 40 and after.current["events"]["held"] == 1
    assert after.current["volunteers"]["minutes"] == 30 == hours_total(store, "2026-11")


def test_kiosk_time_at_a_past_planned_event_makes_it_count_once(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    vol = volunteer(store)
    event_id = planned(store, at(2026, 10, 12, 10), volunteers={vol: 240})
    store.insert(
        "volunteer_shifts",
        {
            "volunteer_id": vol,
            "event_id": event_id,
            "check_in": "2026-10-12T10:00:00+05:00",
            "check_out": "2026-10-12T12:00:00+05:00",
            "minutes": 120,
        },
    )
    summary = build_summary(store, "2026-10")
    # The kiosk's shift holds the time: the minutes written on the event are not counted again.
    assert summary.current["volunteers"]["minutes"] == 120 == hours_total(store, "2026-10")
    assert summary.current["events"]["held"] == 1


def test_the_events_month_summary_agrees(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    vol = volunteer(store)
    planned(store, at(2026, 10, 5, 18), headcount=Headcount(120, 70, 50, 20, 15), volunteers={vol: 90})
    planned(store, at(2026, 10, 9, 18))  # nothing recorded
    month = event_facts.month_summary(store, "2026-10")
    assert month.by_status == {"planned": 2}
    assert month.held_by_kind == {"concert": 1}
    assert month.attendance.total == 120 and month.volunteer_minutes == 90


def test_mark_held_marks_past_planned_events_and_refuses_the_rest(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    past = [planned(store, at(2026, 10, d)) for d in (3, 4)]
    coming = planned(store, at(2026, 12, 1))
    assert event_facts.past_planned(store)["count"] == 2
    assert event_facts.mark_held(store, past) == 2
    assert [store.get("events", i)["status"] for i in past] == ["held", "held"]
    assert event_facts.past_planned(store) == {"count": 0, "ids": []}
    assert event_facts.mark_held(store, past) == 0  # already held: nothing changes twice

    with pytest.raises(ValidationError) as refused:
        event_facts.mark_held(store, [planned(store, at(2026, 10, 6)), coming])
    assert refused.value.field == "event_status"
    # All or none: the past one of the refused pair is still planned.
    assert event_facts.past_planned(store)["count"] == 1

    gone = planned(store, at(2026, 10, 8))
    store.update("events", gone, {"status": "cancelled"})
    with pytest.raises(ValidationError) as refused:
        event_facts.mark_held(store, [gone])
    assert refused.value.field == "event_status"


def test_only_a_role_that_changes_records_marks_events_held(store, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    event_id = planned(store, at(2026, 10, 3))
    store.actor = roles.actor_for("acc-v", "Volunteer", roles.VOLUNTEER)
    with pytest.raises(PermissionDenied):
        event_facts.mark_held(store, [event_id])
    with pytest.raises(PermissionDenied):
        event_facts.past_planned(store)
    store.actor = roles.actor_for("acc-s", "Staff", roles.STAFF)
    assert event_facts.mark_held(store, [event_id]) == 1
