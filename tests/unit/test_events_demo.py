"""The events demo filler: associations, creative groups with members, a year of events; volunteers' minutes only
when the volunteer register is already filled."""

from __future__ import annotations

import datetime as dt
import random
import time

from desktop import events, person_lookup
from desktop.demo import events as demo_events
from desktop.demo import people as demo_people
from desktop.events import Headcount

TODAY = dt.date(2026, 11, 25)


def _people(store):
    with store.transaction():
        demo_people.fill(store, random.Random(1), TODAY)


def test_fills_a_year_without_volunteers(store):
    _people(store)
    # CPU time of this process, not wall time: other work on a busy machine does not count against it.
    started = time.process_time()
    with store.transaction():
        demo_events.fill(store, random.Random(2), TODAY)
    assert time.process_time() - started < 10
    assert store.scalar("SELECT count(*) FROM associations") == 10
    assert store.scalar("SELECT count(*) FROM creative_groups") == 15
    assert store.scalar("SELECT min(c) FROM (SELECT count(*) c FROM group_members GROUP BY group_id)") >= 6
    assert store.scalar("SELECT count(*) FROM event_volunteers") == 0
    first, last = store.one("SELECT min(starts_at) a, max(starts_at) b FROM events").values()
    assert first[:10] >= (TODAY - dt.timedelta(days=365)).isoformat() and last[:10] > TODAY.isoformat()
    assert store.scalar("SELECT count(*) FROM events") > 100
    # Every national holiday of the period came from its preset.
    assert store.scalar("SELECT count(*) FROM events WHERE preset = 'nauryz'") == 1
    # Held events have attendance; every headcount passes the form's checks.
    for row in store.rows("SELECT total, women, men, children, elderly FROM event_attendance"):
        assert events.validate_headcount(Headcount(**row)) == []
    assert store.scalar("SELECT count(*) FROM event_attendance") + store.scalar(
        "SELECT count(DISTINCT event_id) FROM event_attendees"
    ) >= 0.9 * store.scalar("SELECT count(*) FROM events WHERE status = 'held'")
    # Members under 18 on their join date all have a guardian's consent recorded.
    for m in store.rows(
        "SELECT m.joined, m.guardian_name, m.guardian_consent_on, p.birth_date FROM group_members m "
        "JOIN people p ON p.id = m.person_id"
    ):
        if person_lookup.age_on(m["birth_date"], dt.date.fromisoformat(m["joined"])) < 18:
            assert m["guardian_name"] and m["guardian_consent_on"] <= m["joined"]


def test_volunteers_get_event_minutes_when_registered(store):
    _people(store)
    with store.transaction():
        for person in store.rows("SELECT id FROM people ORDER BY id LIMIT 12"):
            store.insert("volunteers", {"person_id": person["id"]})
        demo_events.fill(store, random.Random(2), TODAY)
    assert store.scalar("SELECT count(*) FROM event_volunteers") > 50
    month = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert sum(events.event_minutes_by_volunteer(store, month).values()) > 0
