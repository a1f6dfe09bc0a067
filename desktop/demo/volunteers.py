"""Demo volunteers: about 80 of the demo people, with skills, consent and a year of shifts (kiosk check-ins and
check-outs, shifts added by staff, a few corrections, and two shifts left open over midnight)."""

from __future__ import annotations

import datetime as dt
import random

from desktop import consents, volunteers
from desktop.clock import TZ
from desktop.store import Store

COUNT = 80
ACTIVITIES = [
    "Гуманитарлық көмек пункті",
    "Іс-шараға дайындық",
    "Пункт гуманитарной помощи",
    "Мектепке жол",
    "Қамқор: қарттарға көмек",
    "Наурыз мерекесі",
    "Сортировка вещей",
    "Концертке көмек",
]


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    everyone = store.rows("SELECT id, birth_date FROM people WHERE deleted = 0 ORDER BY rowid")
    adults = [
        p
        for p in everyone
        if p["birth_date"] and (today - dt.date.fromisoformat(p["birth_date"])).days > 16 * 365
    ]
    chosen = rng.sample(adults, min(COUNT, len(adults)))
    skill_ids = [r["id"] for r in store.rows("SELECT id FROM skills WHERE deleted = 0 ORDER BY id")]
    now = _at(today, 17, 0)
    ids = []
    for person in chosen:
        since = today - dt.timedelta(days=rng.randint(30, 5 * 365))
        roll = rng.random()
        status = "active" if roll < 0.8 else "paused" if roll < 0.92 else "left"
        record = {
            "person_id": person["id"],
            "status": status,
            "since": since.isoformat(),
            "skills": rng.sample(skill_ids, rng.randint(0, 3)),
            "activities": rng.choice(ACTIVITIES),
            "emergency_contact": f"+7 70{rng.randint(0, 8)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "kiosk_code": volunteers.new_kiosk_code(store, draw=lambda: rng.randrange(10000)),
        }
        volunteer_id = store.insert("volunteers", record)
        ids.append((volunteer_id, since, status))
        consents.give(
            store,
            person["id"],
            consents.VOLUNTEER,
            consents.GivenConsent(since, consents.PRINTED_FORM_VERSION),
        )
        _fill_shifts(store, rng, volunteer_id, max(since, today - dt.timedelta(days=365)), today, status, now)
    # Two shifts nobody checked out of: the staff screen flags them.
    for volunteer_id, _since, _status in ids[:2]:
        day = today - dt.timedelta(days=rng.randint(1, 3))
        volunteers.arrive(store, volunteer_id, _at(day, 10, rng.choice([0, 15, 30])))
    # Someone is on shift right now.
    volunteers.arrive(store, ids[2][0], _at(today, 9, 45))


def _fill_shifts(
    store: Store,
    rng: random.Random,
    volunteer_id: str,
    first: dt.date,
    today: dt.date,
    status: str,
    now: dt.datetime,
) -> None:
    keen = rng.choice([0.03, 0.06, 0.1, 0.15])  # chance of a shift on any given day
    last = (
        today - dt.timedelta(days=1)
        if status == "active"
        else today - dt.timedelta(days=rng.randint(60, 200))
    )
    day = first
    while day <= last:
        if day.weekday() < 6 and rng.random() < keen:
            start = _at(day, rng.randint(9, 15), rng.choice([0, 10, 15, 30, 45]))
            end = start + dt.timedelta(minutes=rng.randint(90, 300))
            activity = rng.choice(ACTIVITIES)
            if rng.random() < 0.7:
                volunteers.arrive(store, volunteer_id, start)
                volunteers.leave(store, volunteer_id, end)
            else:
                shift = volunteers.add_shift(store, volunteer_id, start, end, activity, now=now)
                if rng.random() < 0.05:
                    volunteers.correct_shift(
                        store,
                        shift,
                        start,
                        end - dt.timedelta(minutes=60),
                        "Ерте кетті / ушёл раньше",
                        now=now,
                    )
        day += dt.timedelta(days=1)
