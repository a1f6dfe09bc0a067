"""Demo aid point: a year of two reception points — ~400 recipients, ~300 donations, ~3,000 aid entries that keep
the programme rules, plus a few overrides (with reasons) and reversals, as a busy house would have them."""

from __future__ import annotations

import datetime as dt
import random

from desktop import aid
from desktop.demo.people import make_person
from desktop.iin import check_digit
from desktop.store import Store

RECIPIENTS = 400
NEW_PEOPLE = 150  # recipients who are not among the demo people yet
ANONYMOUS = 40
DONATIONS = 300
AID_ENTRIES = 3000
OVERRIDES = 8
REVERSALS = 12

POINTS = [
    {
        "name_kk": "Орталық қабылдау пункті",
        "name_ru": "Центральный пункт приёма",
        "address": "Павлодар, Торайғыров к-сі, 64",
        "opening_hours": "Дс–Жм 09:00–18:00, Сб 10:00–14:00",
        "contact_name": "Сәуле Оспанова",
        "contact_phone": "+77182550101",
    },
    {
        "name_kk": "Екібастұз бөлімшесі",
        "name_ru": "Экибастузское отделение",
        "address": "Екібастұз, Сәтбаев к-сі, 12",
        "opening_hours": "Дс–Жм 10:00–17:00",
        "contact_name": "Ольга Смирнова",
        "contact_phone": "+77187230404",
    },
]
HOUSE_ITEMS = [
    {"name_kk": "Балалар жаялығы", "name_ru": "Детские подгузники", "unit": "pack", "item_group": "hygiene"},
    {"name_kk": "Көмір", "name_ru": "Уголь", "unit": "kg", "item_group": "household"},
]
STAFF = ["Сәуле Оспанова", "Ольга Смирнова", "Дәурен Әбенов", "Аружан Қасымова", "Дмитрий Козлов"]
ORGANISATIONS = [
    "ТОО «Павлодар Береке»",
    "АО «Ертіс Құс»",
    "ИП Мұқанов Е.С.",
    "ТОО «Алтын Дән»",
    "Филиал «Kaspi Жомарт»",
    "ТОО «Екібастұз Көмір Сервис»",
]
OVERRIDE_REASONS = [
    "Үйі өртеніп кетті, директор рұқсат берді",
    "Повторная помощь по решению директора: пожар",
    "Көп балалы отбасына қосымша көмек",
    "Су тасқынынан кейін қайта көмек",
]
REVERSAL_REASONS = [
    "Қате алушы таңдалды",
    "Ошибка в количестве",
    "Бағдарлама қате көрсетілді",
    "Двойной ввод",
]

# What each programme gives: (item id, quantity range).
KITS = {
    "qamqor": [
        ("item-food-set", (1, 1)),
        ("item-flour", (5, 10)),
        ("item-sugar", (1, 3)),
        ("item-oil", (1, 2)),
        ("item-tea", (1, 2)),
    ],
    "mektepke_zhol": [("item-backpack", (1, 1)), ("item-stationery", (1, 1)), ("item-uniform", (1, 1))],
    "zhurekten": [
        ("item-blanket", (1, 3)),
        ("item-warm-clothes", (1, 4)),
        ("item-hygiene-set", (1, 2)),
        ("item-food-set", (1, 2)),
        ("item-dishes", (1, 1)),
    ],
    "meyirim": [
        ("item-shoes", (1, 2)),
        ("item-soap", (2, 6)),
        ("item-masks", (1, 3)),
        ("item-bandage", (2, 5)),
    ],
    "other": [("item-rice", (2, 5)), ("item-pasta", (2, 5)), ("item-buckwheat", (2, 4))],
}


def _bin(rng: random.Random, organisation: str) -> str:
    """A well-formed BIN: registration YYMM, type (6 for an individual entrepreneur, else 4 = legal entity),
    attribute (1 for a branch, else 0), serial and check digit."""
    kind = "6" if organisation.startswith("ИП") else "4"
    attribute = "1" if organisation.startswith("Филиал") else "0"
    while True:
        first = (
            f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}{kind}{attribute}{rng.randint(0, 99999):05d}"
        )
        check = check_digit(first)
        if check is not None:
            return first + str(check)


def _categories(rng: random.Random, band: str) -> list[str]:
    if band == "elderly":
        pool = ["veteran", "home_front", "lonely_elderly", "lonely_elderly", "disability", "low_income"]
    elif band == "child":
        pool = ["orphan", "large_family", "large_family", "low_income", "disability"]
    else:
        pool = ["low_income", "large_family", "disability", "emergency", "other"]
    return sorted(set(rng.sample(pool, rng.choice([1, 1, 2]))))


# A parent's given name for a child's consent signed by the guardian.
GUARDIAN_NAMES = ("Айгүл", "Гүлнар", "Ерлан", "Марат", "Светлана", "Олег")


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    points = [aid.save_aid_point(store, p) for p in POINTS]
    for item in HOUSE_ITEMS:
        aid.save_item(store, item)
    consent_day = today - dt.timedelta(days=365)

    # Recipients: most of the demo people, some new people, some anonymous (no consent given).
    people = store.rows("SELECT id, birth_date, surname FROM people WHERE deleted = 0")
    rng.shuffle(people)
    recipients: list[tuple[str, str]] = []  # (recipient id, age band)
    for serial in range(NEW_PEOPLE):
        person = make_person(rng, today, 5000 + serial)
        people.append(
            {
                "id": store.insert("people", person),
                "birth_date": person["birth_date"],
                "surname": person["surname"],
            }
        )
    named = people[: RECIPIENTS - ANONYMOUS]
    for n, person in enumerate(named):
        band = (
            aid.age_band(dt.date.fromisoformat(person["birth_date"]), today)
            if person["birth_date"]
            else "adult"
        )
        household = n % 3 == 0
        members = rng.randint(2, 8) if household else None
        rid = aid.save_recipient(
            store,
            aid.RecipientInput(
                consent=True,
                form_version="2026-1",
                person_id=person["id"],
                categories=_categories(rng, band),
                members_count=members,
                children_count=rng.randint(0, members - 1) if members is not None else None,
                consent_on=consent_day + dt.timedelta(days=rng.randint(0, 200)),
                by_guardian=band == "child",
                guardian_name=f"{person['surname']} {rng.choice(GUARDIAN_NAMES)}" if band == "child" else "",
            ),
            today=today,
        )
        recipients.append((rid, band))
    for _ in range(ANONYMOUS):
        band = rng.choice(["elderly", "elderly", "adult", "child"])
        rid = aid.save_recipient(
            store,
            aid.RecipientInput(
                consent=False, sex=rng.choice("fm"), age_band=band, categories=_categories(rng, band)
            ),
            today=today,
        )
        recipients.append((rid, band))

    # Donations through the year (more before September and in winter), enough to cover what is given out.
    start = today - dt.timedelta(days=364)
    bins = {name: _bin(rng, name) for name in ORGANISATIONS}
    donation_ids = []
    for n in range(DONATIONS):
        day = start + dt.timedelta(days=rng.randint(0, 364))
        kind = rng.choices(["organisation", "person", "anonymous"], [5, 3, 2])[0]
        programme = rng.choices(list(KITS), [5, 2, 2, 1, 1])[0]
        lines = [
            aid.Line(item, rng.randint(hi * 8, hi * 25), rng.choice([None, rng.randint(5, 80) * 1000]))
            for item, (_lo, hi) in rng.sample(KITS[programme], min(3, len(KITS[programme])))
        ]
        entry = aid.DonationEntry(
            day, points[0] if rng.random() < 0.7 else points[1], kind, lines, received_by=rng.choice(STAFF)
        )
        if kind == "organisation":
            entry.donor_org_name = rng.choice(ORGANISATIONS)
            entry.donor_bin = bins[entry.donor_org_name]
        elif kind == "person":
            entry.donor_person_id = rng.choice(people)["id"]
        donation_ids.append(aid.save_donation(store, entry, today=today).id)

    # Aid given: entries respect the rules (tracked here), written through the store like the app writes them.
    given: dict[tuple[str, str, str], int] = {}
    entries: list[tuple[str, str, str]] = []  # (aid id, recipient, programme) for overrides and reversals
    children = [r for r, band in recipients if band == "child"] or [recipients[0][0]]
    for _attempt in range(AID_ENTRIES * 3):
        if len(entries) >= AID_ENTRIES:
            break
        day = start + dt.timedelta(days=rng.randint(0, 364))
        if day.month in (8, 9) and rng.random() < 0.5:
            programme, recipient = "mektepke_zhol", rng.choice(children)
        else:
            programme = rng.choices(["qamqor", "zhurekten", "meyirim", "other"], [12, 2, 1, 1])[0]
            recipient = rng.choice(recipients)[0]
        period = {
            "mektepke_zhol": str(day.year if day.month >= 9 else day.year - 1),
            "qamqor": day.strftime("%Y-%m"),
            "zhurekten": day.strftime("%Y-%m"),
        }.get(programme)
        if period:
            limit = {"mektepke_zhol": 1, "qamqor": 1, "zhurekten": 2}[programme]
            key = (recipient, programme, period)
            if given.get(key, 0) >= limit:
                continue
            given[key] = given.get(key, 0) + 1
        aid_id = _write_aid(store, rng, day, rng.choice(points), programme, recipient)
        entries.append((aid_id, recipient, programme))

    # A few overrides: a second Қамқор pack in the same month, with the director's reason, logged.
    for aid_id, recipient, programme in rng.sample([e for e in entries if e[2] == "qamqor"], OVERRIDES):
        first = store.get("aid_given", aid_id)
        assert first is not None  # written above
        day = min(dt.date.fromisoformat(first["given_on"]) + dt.timedelta(days=rng.randint(1, 5)), today)
        reason = rng.choice(OVERRIDE_REASONS)
        new_id = _write_aid(store, rng, day, first["aid_point_id"], "qamqor", recipient, reason)
        store.audit(
            "aid_override",
            "aid_given",
            new_id,
            {"reason": reason, "programme": "qamqor", "recipient_id": recipient, "earlier": [aid_id]},
        )

    for aid_id, _recipient, _programme in rng.sample(entries, REVERSALS):
        # Corrected a few days after the entry, as a house finds its mistakes (not all on the demo's last day).
        original = store.get("aid_given", aid_id)
        assert original is not None  # written above
        day = min(dt.date.fromisoformat(original["given_on"]) + dt.timedelta(days=rng.randint(1, 10)), today)
        aid.reverse_aid(store, aid_id, rng.choice(REVERSAL_REASONS), today=day)
    aid.reverse_donation(store, donation_ids[-1], "Екі рет енгізілген", today=today)

    # Coal handed out at the branch after a winter storm before the coal merchant's delivery note was entered:
    # the branch's coal stock is below zero until someone records the donation (the stock screen warns).
    coal = store.scalar("SELECT id FROM aid_items WHERE name_ru = 'Уголь' AND house_id IS NOT NULL")
    aid.save_donation(
        store,
        aid.DonationEntry(
            today - dt.timedelta(days=20),
            points[1],
            "organisation",
            [aid.Line(coal, 500)],
            donor_org_name=ORGANISATIONS[-1],
            donor_bin=bins[ORGANISATIONS[-1]],
            received_by=STAFF[1],
        ),
        today=today,
    )
    storm = [r for r, band in recipients if band == "elderly"][:12]
    for n, recipient in enumerate(storm):
        day = today - dt.timedelta(days=12 - n)
        household = store.scalar("SELECT household_id FROM recipients WHERE id = ?", (recipient,))
        aid_id = store.insert(
            "aid_given",
            {
                "number": store.next_number("aid"),
                "given_on": day.isoformat(),
                "aid_point_id": points[1],
                "programme": "meyirim",
                "recipient_id": recipient,
                "household_id": household,
                "given_by": STAFF[1],
            },
        )
        store.insert("aid_lines", {"aid_id": aid_id, "item_id": coal, "quantity": 50})

    # A stock-take at the main point found a little less sugar than the books say.
    sugar = next((r for r in aid.stock_on_hand(store, points[0]) if r.item_id == "item-sugar"), None)
    if sugar is not None and sugar.on_hand > 3:
        aid.record_stock_take(
            store,
            points[0],
            "item-sugar",
            sugar.on_hand - 3,
            "Түгендеу: 3 кг қант жетіспейді",
            adjusted_on=today,
            adjusted_by=STAFF[0],
            today=today,
        )


def _write_aid(
    store: Store,
    rng: random.Random,
    day: dt.date,
    point: str,
    programme: str,
    recipient: str,
    override_reason: str | None = None,
) -> str:
    household = store.scalar("SELECT household_id FROM recipients WHERE id = ?", (recipient,))
    aid_id = store.insert(
        "aid_given",
        {
            "number": store.next_number("aid"),
            "given_on": day.isoformat(),
            "aid_point_id": point,
            "programme": programme,
            "recipient_id": recipient,
            "household_id": household,
            "given_by": rng.choice(STAFF),
            "override_reason": override_reason,
        },
    )
    kit = KITS[programme]
    for item, (lo, hi) in rng.sample(kit, rng.randint(1, min(3, len(kit)))):
        store.insert("aid_lines", {"aid_id": aid_id, "item_id": item, "quantity": rng.randint(lo, hi)})
    return aid_id
