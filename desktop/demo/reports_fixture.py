"""A realistic year of a house's events, volunteers, aid and donations, for the Reports screenshots and the bench.

Not one of the demo FILLERS: the events, volunteers and aid areas bring their own demo data. This fills the
tables the summary reads, through the store's write API, so the Reports section has a year to show before the
other areas' demo data exists. `scale` multiplies the amounts (the bench's busy year uses a large one).
"""

from __future__ import annotations

import datetime as dt
import random

from desktop.clock import TZ
from desktop.store import Store

_KINDS = [
    ("concert", 5),
    ("holiday", 3),
    ("meeting", 4),
    ("round_table", 2),
    ("exhibition", 2),
    ("training", 2),
    ("charity", 2),
    ("festival", 1),
    ("sports", 1),
]
_PROGRAMMES = [("zhurekten", 5), ("qamqor", 4), ("mektepke_zhol", 1), ("meyirim", 2), ("other", 1)]
_CATEGORIES = [
    ("low_income", 6),
    ("large_family", 5),
    ("lonely_elderly", 4),
    ("disability", 3),
    ("veteran", 1),
    ("home_front", 1),
    ("orphan", 2),
    ("emergency", 1),
    ("other", 1),
]
_ITEMS = {
    "zhurekten": ["item-food-set", "item-flour", "item-rice", "item-oil", "item-sugar"],
    "qamqor": ["item-food-set", "item-hygiene-set", "item-blanket", "item-warm-clothes", "item-tea"],
    "mektepke_zhol": ["item-backpack", "item-stationery", "item-uniform"],
    "meyirim": ["item-warm-clothes", "item-shoes", "item-dishes", "item-soap"],
    "other": ["item-pasta", "item-buckwheat", "item-masks", "item-bandage"],
}
_GROUPS = [
    ("Шаттық", "dance", "kazakh"),
    ("Радуга", "choir", "russian"),
    ("Арирang", "dance", "korean"),
    ("Червона калина", "folk", "ukrainian"),
    ("Нур", "vocal", "uyghur"),
    ("Edelweiß", "choir", "german"),
    ("Сазген", "instrumental", "kazakh"),
    ("Шатлык", "folk", "tatar"),
]
_ASSOCIATIONS = [
    ("Корей мәдени орталығы", "korean"),
    ("Украин мәдени орталығы", "ukrainian"),
    ("Неміс «Возрождение» қоғамы", "german"),
    ("Татар-башқұрт орталығы", "tatar"),
    ("Ұйғыр мәдени орталығы", "uyghur"),
    ("Славян мәдени орталығы", "russian"),
]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def fill(
    store: Store,
    rng: random.Random,
    today: dt.date,
    *,
    scale: float = 1.0,
    events: int | None = None,
    aid_entries: int | None = None,
) -> None:
    # Thirteen months, so last month has its same month a year before to compare with.
    start = (dt.date(today.year - 1, today.month, 1) - dt.timedelta(days=1)).replace(day=1)
    n_events = events if events is not None else int(170 * scale)
    n_aid = aid_entries if aid_entries is not None else int(1800 * scale)
    ins = store.insert
    with store.transaction():
        people = store.rows("SELECT id, sex, birth_date FROM people WHERE deleted = 0")
        while len(people) < max(300, n_aid // 8):
            sex = rng.choice("fm")
            birth = dt.date(rng.randint(1940, 2018), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
            pid = ins(
                "people", {"surname": f"Адам {len(people)}", "name": "Демо", "sex": sex, "birth_date": birth}
            )
            people.append({"id": pid, "sex": sex, "birth_date": birth})
        rng.shuffle(people)

        groups = [
            ins("creative_groups", {"name": n, "genre": g, "ethnic_group": e, "status": "active"})
            for n, g, e in _GROUPS
        ]
        associations = [ins("associations", {"name": n, "ethnic_group": e}) for n, e in _ASSOCIATIONS]

        # ---- volunteers and their shifts
        volunteers = []
        for k, person in enumerate(people[: max(40, int(40 * scale**0.5))]):
            since = _day(rng, start - dt.timedelta(days=700), today) if k % 4 else _day(rng, start, today)
            volunteers.append(
                ins(
                    "volunteers",
                    {
                        "person_id": person["id"],
                        "since": since.isoformat(),
                        "status": "active" if k % 9 else "paused",
                    },
                )
            )

        # ---- events with attendance, performing groups and volunteers
        for _ in range(n_events):
            day = _day(rng, start, today + dt.timedelta(days=20))
            starts = dt.datetime.combine(
                day, dt.time(rng.choice([10, 11, 15, 17, 18, 19]), rng.choice([0, 30])), TZ
            )
            status = "planned" if day >= today else ("cancelled" if rng.random() < 0.05 else "held")
            kind = _pick(rng, _KINDS)
            event = ins(
                "events",
                {
                    "title_kk": f"Іс-шара {kind}",
                    "title_ru": f"Мероприятие {kind}",
                    "kind": kind,
                    "starts_at": starts.isoformat(),
                    "status": status,
                    "place": "Достық үйі",
                },
            )
            if status != "held":
                continue
            total = rng.randint(20, 260 if kind in ("concert", "holiday", "festival") else 60)
            women = int(total * rng.uniform(0.5, 0.65))
            ins(
                "event_attendance",
                {
                    "event_id": event,
                    "total": total,
                    "women": women,
                    "men": total - women,
                    "children": int(total * rng.uniform(0.05, 0.3)),
                    "elderly": int(total * rng.uniform(0.05, 0.25)),
                },
            )
            if kind in ("concert", "holiday", "festival"):
                for group in rng.sample(groups, rng.randint(1, 4)):
                    ins("event_groups", {"event_id": event, "group_id": group})
            if rng.random() < 0.5:
                ins("event_associations", {"event_id": event, "association_id": rng.choice(associations)})
            for volunteer in rng.sample(volunteers, rng.randint(1, 4)):
                ins(
                    "event_volunteers",
                    {
                        "event_id": event,
                        "volunteer_id": volunteer,
                        "minutes": rng.choice([60, 90, 120, 180, 240]),
                    },
                )
        for _ in range(int(650 * scale**0.5)):
            day = _day(rng, start, today)
            check_in = dt.datetime.combine(day, dt.time(rng.randint(9, 16)), TZ)
            minutes = rng.choice([60, 90, 120, 180, 240])
            shift = ins(
                "volunteer_shifts",
                {
                    "volunteer_id": rng.choice(volunteers),
                    "check_in": check_in.isoformat(),
                    "check_out": (check_in + dt.timedelta(minutes=minutes)).isoformat(),
                    "minutes": minutes,
                    "activity": "aid_point",
                },
            )
            if rng.random() < 0.02:
                ins(
                    "volunteer_shifts",
                    {
                        "volunteer_id": rng.choice(volunteers),
                        "check_in": check_in.isoformat(),
                        "minutes": -minutes,
                        "reverses_id": shift,
                        "reason": "wrong volunteer",
                    },
                )

        # ---- recipients, households, aid given
        households = [
            ins(
                "households",
                {
                    "locality": "Павлодар",
                    "members_count": rng.randint(2, 8),
                    "children_count": rng.randint(0, 5),
                },
            )
            for _ in range(max(60, n_aid // 25))
        ]
        recipients = []
        for person in people[: max(200, n_aid // 6)]:
            anonymous = rng.random() < 0.08
            categories = sorted({_pick(rng, _CATEGORIES) for _ in range(rng.choice([1, 1, 1, 2]))})
            recipients.append(
                ins(
                    "recipients",
                    {
                        "person_id": None if anonymous else person["id"],
                        "anonymous": int(anonymous),
                        "household_id": rng.choice(households) if rng.random() < 0.6 else None,
                        "categories": categories,
                        "sex": rng.choice("fm") if anonymous else "",
                        "age_band": rng.choice(["child", "adult", "elderly"]) if anonymous else None,
                    },
                )
            )
        for k in range(n_aid):
            programme = _pick(rng, _PROGRAMMES)
            day = _day(rng, start, today)
            if programme == "mektepke_zhol":  # the back-to-school drive
                day = dt.date(day.year, 8, rng.randint(1, 31)) if dt.date(day.year, 8, 31) <= today else day
            entry = ins(
                "aid_given",
                {"given_on": day.isoformat(), "programme": programme, "recipient_id": rng.choice(recipients)},
            )
            lines = [
                (item, rng.choice([1, 1, 2, 3, 5]))
                for item in rng.sample(_ITEMS[programme], rng.randint(1, 2))
            ]
            for item, qty in lines:
                ins("aid_lines", {"aid_id": entry, "item_id": item, "quantity": qty})
            if k % 97 == 0:
                reversal = ins(
                    "aid_given",
                    {
                        "given_on": day.isoformat(),
                        "programme": programme,
                        "reverses_id": entry,
                        "reason": "recorded twice",
                    },
                )
                for item, qty in lines:
                    ins("aid_lines", {"aid_id": reversal, "item_id": item, "quantity": -qty})

        # ---- donations and stock adjustments
        for _ in range(int(90 * scale**0.5)):
            donation = ins(
                "donations",
                {
                    "received_on": _day(rng, start, today).isoformat(),
                    "donor_kind": rng.choice(["organisation", "person", "anonymous"]),
                },
            )
            for programme in rng.sample(list(_ITEMS), 2):
                for item in _ITEMS[programme]:
                    qty = rng.choice([20, 30, 50, 100]) * max(1, int(scale))
                    ins(
                        "donation_lines",
                        {
                            "donation_id": donation,
                            "item_id": item,
                            "quantity": qty,
                            "value_kzt": qty * rng.choice([450, 800, 1500, 3500, 7000]),
                        },
                    )
        for _ in range(12):
            ins(
                "stock_adjustments",
                {
                    "adjusted_on": _day(rng, start, today).isoformat(),
                    "item_id": rng.choice(_ITEMS["zhurekten"]),
                    "quantity": -rng.randint(1, 10),
                    "reason": "inventory count",
                },
            )
