"""What took place: the events that count in the monthly figures and volunteers' hours, and the prompt to mark
past planned events held.

Recorded attendance and volunteers' time are facts. An event whose start has passed and that has either counts as
having taken place even while its status still says "planned" (staff often forget to change it), in the monthly
summary (desktop/reports/summary.py) and in the volunteers' hours alike. A cancelled or deleted event never
counts; a past planned event with nothing recorded is waiting for its status, and `past_planned` lists it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop import clock, person_lookup
from desktop.errors import ValidationError
from desktop.events import Headcount, event_minutes_by_volunteer, stored_time, to_local
from desktop.i18n import N_
from desktop.periods import ADULT_AGE, ELDERLY_AGE, month_bounds
from desktop.roles import requires
from desktop.store import Store

_RECORDED = (
    "(EXISTS (SELECT 1 FROM event_attendance ra WHERE ra.event_id = {e}.id AND ra.deleted = 0 AND ra.total > 0)"
    " OR EXISTS (SELECT 1 FROM event_attendees rx WHERE rx.event_id = {e}.id AND rx.deleted = 0)"
    " OR EXISTS (SELECT 1 FROM event_volunteers rv WHERE rv.event_id = {e}.id AND rv.deleted = 0"
    " AND rv.minutes > 0)"
    " OR EXISTS (SELECT 1 FROM volunteer_shifts rs WHERE rs.event_id = {e}.id AND rs.deleted = 0))"
)


def took_place_sql(alias: str = "e", now_param: str = ":now") -> str:
    """The SQL condition (over events `alias`) for an event that took place by the instant `now_param` (a bound
    parameter holding an ISO timestamp): held, or planned with attendance or volunteers' time recorded and its
    start passed. The monthly summary counts exactly these events; volunteers' hours count the time of the same
    ones (counted_event_time)."""
    recorded = _RECORDED.format(e=alias)
    return (
        f"({alias}.deleted = 0 AND ({alias}.status = 'held' OR ({alias}.status = 'planned' "
        f"AND datetime({alias}.starts_at) <= datetime({now_param}) AND {recorded})))"
    )


def _past_planned_where(now: dt.datetime | None) -> tuple[str, list]:
    return (
        "e.deleted = 0 AND e.status = 'planned' AND datetime(e.starts_at) <= datetime(?)",
        [stored_time(now or clock.now())],
    )


@requires("records.read")
def past_planned(store: Store, *, now: dt.datetime | None = None) -> dict:
    """Events whose start has passed but whose status is still "planned": {"count", "ids"} (ids oldest first;
    the house has dozens at most). The events section asks staff to mark them held or review them."""
    where, params = _past_planned_where(now)
    ids = [
        r["id"] for r in store.rows(f"SELECT e.id FROM events e WHERE {where} ORDER BY e.starts_at", params)
    ]
    return {"count": len(ids), "ids": ids}


@requires("records.write")
def mark_held(store: Store, event_ids: list[str], *, now: dt.datetime | None = None, **_task) -> int:
    """Marks past planned events as held, all or none; returns how many changed. An event that has not started
    yet, was cancelled or deleted is refused with a message on the status field."""
    moment = now or clock.now()
    with store.transaction():
        changed = 0
        for event_id in dict.fromkeys(event_ids):
            row = store.get("events", event_id)
            if row is None or row["deleted"]:
                raise ValidationError("event_status", N_("The event is no longer in the calendar."))
            if row["status"] == "held":
                continue
            if row["status"] != "planned":
                raise ValidationError("event_status", N_("A cancelled event cannot be marked as held."))
            starts = to_local(row["starts_at"])
            if starts is None or starts > moment:
                raise ValidationError(
                    "event_status", N_("An event that has not started yet cannot be marked as held.")
                )
            store.update("events", event_id, {"status": "held"})
            changed += 1
    return changed


@dataclass
class EventsMonthSummary:
    """A month of events in aggregate (no personal data), for the house's monthly summary."""

    month: str
    by_status: dict[str, int]  # events that started in the month, per status
    held_by_kind: dict[str, int]  # events that took place (took_place_sql), per kind
    attendance: Headcount  # events that took place: headcounts plus named lists counted by sex and age band
    performances: int  # (held event, performing group) pairs
    groups_performed: int
    associations_involved: int
    volunteer_minutes: int


def month_summary(
    store: Store, month: str | dt.date, *, now: dt.datetime | None = None
) -> EventsMonthSummary:
    start, end = month_bounds(month)
    in_month = "e.deleted = 0 AND e.starts_at >= :start AND e.starts_at < :end"
    bounds = {"start": start, "end": end, "now": stored_time(now or clock.now())}
    by_status = {
        r["status"]: r["n"]
        for r in store.rows(
            f"SELECT e.status, count(*) AS n FROM events e WHERE {in_month} GROUP BY e.status", bounds
        )
    }
    held = f"{in_month} AND {took_place_sql()}"
    held_by_kind = {
        r["kind"]: r["n"]
        for r in store.rows(
            f"SELECT e.kind, count(*) AS n FROM events e WHERE {held} GROUP BY e.kind", bounds
        )
    }
    counted = store.one(
        "SELECT coalesce(sum(a.total), 0) AS total, coalesce(sum(a.women), 0) AS women, "
        "coalesce(sum(a.men), 0) AS men, coalesce(sum(a.children), 0) AS children, "
        "coalesce(sum(a.elderly), 0) AS elderly FROM event_attendance a JOIN events e ON e.id = a.event_id "
        f"WHERE a.deleted = 0 AND e.attendance_mode = 'headcount' AND {held}",
        bounds,
    )
    assert counted is not None  # an aggregate query returns one row
    attendance = Headcount(**counted)
    for r in store.rows(
        "SELECT p.sex, p.birth_date, substr(e.starts_at, 1, 10) AS day FROM event_attendees x "
        "JOIN events e ON e.id = x.event_id JOIN people p ON p.id = x.person_id "
        f"WHERE x.deleted = 0 AND e.attendance_mode = 'named' AND {held}",
        bounds,
    ):
        attendance.total += 1
        attendance.women += r["sex"] == "f"
        attendance.men += r["sex"] == "m"
        age = person_lookup.age_on(r["birth_date"], dt.date.fromisoformat(r["day"]))
        if age is not None:
            attendance.children += age < ADULT_AGE
            attendance.elderly += age >= ELDERLY_AGE
    links = store.one(
        "SELECT count(*) AS n, count(DISTINCT g.group_id) AS groups FROM event_groups g "
        f"JOIN events e ON e.id = g.event_id WHERE g.deleted = 0 AND {held}",
        bounds,
    )
    assert links is not None  # an aggregate query returns one row
    associations = store.scalar(
        "SELECT count(DISTINCT a.association_id) FROM event_associations a JOIN events e ON e.id = a.event_id "
        f"WHERE a.deleted = 0 AND {held}",
        bounds,
    )
    return EventsMonthSummary(
        month=start[:7],
        by_status=by_status,
        held_by_kind=held_by_kind,
        attendance=attendance,
        performances=links["n"],
        groups_performed=links["groups"],
        associations_involved=associations,
        volunteer_minutes=sum(event_minutes_by_volunteer(store, month, now=now).values()),
    )
