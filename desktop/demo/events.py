"""Demo ethnocultural associations, creative groups with their members, and a year of events with attendance,
performing groups and (when the volunteer register is already filled) volunteers' minutes."""

from __future__ import annotations

import datetime as dt
import random

from desktop import events, groups, person_lookup, presets
from desktop.clock import TZ
from desktop.events import EventInput, Headcount
from desktop.groups import AssociationInput, GroupInput, MemberInput
from desktop.store import Store

# (name, ethnic group)
ASSOCIATIONS = [
    ("«Славяне» орыс мәдени орталығы", "russian"),
    ("Украин этномәдени бірлестігі «Березиль»", "ukrainian"),
    ("Неміс этномәдени орталығы «Wiedergeburt»", "german"),
    ("Корей ұлттық мәдени орталығы", "korean"),
    ("Татар-башқұрт мәдени орталығы «Туган тел»", "tatar"),
    ("Ұйғыр этномәдени орталығы", "uyghur"),
    ("Әзірбайжан этномәдени бірлестігі «Азери»", "azerbaijani"),
    ("Поляк мәдени орталығы «Полония»", "polish"),
    ("Шешен-ингуш «Вайнах» орталығы", "chechen"),
    ("Беларус мәдени орталығы «Сябры»", "belarusian"),
]

# (name, ethnic group, genre, honorary title, association index or None)
GROUPS = [
    ("«Шалқыма» халық аспаптар ансамблі", "kazakh", "instrumental", "«Халықтық»", None),
    ("«Ақжелең» би ансамблі", "kazakh", "dance", "«Үлгілі»", None),
    ("«Достық» хоры", "kazakh", "choir", "«Халықтық»", None),
    ("«Русская песня» фольклор ансамблі", "russian", "folk", "«Народный»", 0),
    ("«Калина» вокал ансамблі", "ukrainian", "vocal", None, 1),
    ("«Edelweiss» неміс хоры", "german", "choir", "«Народный»", 2),
    ("«Ариран» корей биі ансамблі", "korean", "dance", "«Образцовый»", 3),
    ("«Сандугач» татар ансамблі", "tatar", "vocal", None, 4),
    ("«Яшлық» ұйғыр би тобы", "uyghur", "dance", "«Үлгілі»", 5),
    ("«Гянджа» әзірбайжан ансамблі", "azerbaijani", "dance", None, 6),
    ("«Полонез» поляк би тобы", "polish", "dance", None, 7),
    ("«Вайнах» шешен ансамблі", "chechen", "dance", None, 8),
    ("«Купалинка» беларус ансамблі", "belarusian", "folk", None, 9),
    ("«Жас толқын» жастар театры", "kazakh", "theatre", None, None),
    ("«Әуен» балалар вокал студиясы", "kazakh", "vocal", "«Үлгілі»", None),
]

# The groups' names in Russian; one is left with its Kazakh name only, as a house may leave the other empty.
GROUP_NAMES_RU = {
    "«Шалқыма» халық аспаптар ансамблі": "Ансамбль народных инструментов «Шалқыма»",
    "«Ақжелең» би ансамблі": "Танцевальный ансамбль «Ақжелең»",
    "«Достық» хоры": "Хор «Достық»",
    "«Русская песня» фольклор ансамблі": "Фольклорный ансамбль «Русская песня»",
    "«Калина» вокал ансамблі": "Вокальный ансамбль «Калина»",
    "«Edelweiss» неміс хоры": "Немецкий хор «Edelweiss»",
    "«Ариран» корей биі ансамблі": "Ансамбль корейского танца «Ариран»",
    "«Сандугач» татар ансамблі": "Татарский ансамбль «Сандугач»",
    "«Яшлық» ұйғыр би тобы": "Уйгурская танцевальная группа «Яшлық»",
    "«Гянджа» әзірбайжан ансамблі": "Азербайджанский ансамбль «Гянджа»",
    "«Полонез» поляк би тобы": "Польская танцевальная группа «Полонез»",
    "«Вайнах» шешен ансамблі": "Чеченский ансамбль «Вайнах»",
    "«Купалинка» беларус ансамблі": "Белорусский ансамбль «Купалинка»",
    "«Жас толқын» жастар театры": "Молодёжный театр «Жас толқын»",
}

PLACES = [
    "Достық үйі, үлкен зал",
    "Достық үйі, кіші зал",
    "Орталық алаң",
    "Облыстық филармония",
    "Қалалық саябақ",
    "№ 12 мектеп",
    "Қарттар үйі",
]
GUARDIAN_NAMES = [
    "Нұрлан Ахметов",
    "Гүлнар Оспанова",
    "Елена Ким",
    "Сергей Иванов",
    "Айгүл Серікбаева",
    "Ольга Петрова",
    "Дәурен Омаров",
    "Мария Шмидт",
]

# (kind, kk title, ru title) of everyday events besides the national holidays.
EVERYDAY = [
    ("concert", "Ұлттық әндер кеші", "Вечер национальной песни"),
    ("concert", "Достық әуендері концерті", "Концерт «Мелодии дружбы»"),
    ("festival", "«Бір шаңырақ астында» фестивалі", "Фестиваль «Под одним шаныраком»"),
    ("exhibition", "Қолөнер көрмесі", "Выставка декоративно-прикладного искусства"),
    ("exhibition", "Ұлттық киім көрмесі", "Выставка национальных костюмов"),
    ("meeting", "Ақсақалдар кеңесінің отырысы", "Заседание совета старейшин"),
    ("meeting", "Аналар кеңесімен кездесу", "Встреча с советом матерей"),
    ("round_table", "«Бірлік — біздің күшіміз» дөңгелек үстелі", "Круглый стол «Единство — наша сила»"),
    ("round_table", "Тіл саясаты туралы дөңгелек үстел", "Круглый стол о языковой политике"),
    ("training", "Медиация бойынша семинар", "Семинар по медиации"),
    ("training", "Еріктілерге арналған тренинг", "Тренинг для волонтёров"),
    ("charity", "«Мектепке жол» қайырымдылық акциясы", "Благотворительная акция «Дорога в школу»"),
    ("charity", "Қарттарға көмек акциясы", "Акция помощи пожилым"),
    ("sports", "Достық кубогы үшін шахмат турнирі", "Шахматный турнир на кубок Дружбы"),
    ("sports", "Ұлттық ойындар жарысы", "Соревнования по национальным играм"),
    ("other", "Қазақ тілі клубының кездесуі", "Заседание клуба казахского языка"),
]


def _headcount(rng: random.Random, kind: str) -> Headcount:
    total = rng.randint(60, 400) if kind in ("holiday", "festival", "concert") else rng.randint(12, 80)
    women = int(total * rng.uniform(0.45, 0.62))
    men = total - women - rng.randint(0, max(1, total // 20))
    children = int(total * rng.uniform(0.05, 0.3))
    elderly = int(total * rng.uniform(0.05, 0.3))
    return Headcount(total=total, women=women, men=max(0, men), children=children, elderly=elderly)


def _fill_associations(store: Store, rng: random.Random, adults: list[str]) -> list[str]:
    ids = []
    for name, ethnic in ASSOCIATIONS:
        ids.append(
            groups.save_association(
                store,
                AssociationInput(
                    name=name,
                    ethnic_group=ethnic,
                    leader_id=rng.choice(adults),
                    phone=f"+7718{rng.randint(2000000, 6999999)}",
                    address=f"Павлодар, Кутузов к-сі, {rng.randint(1, 90)}",
                ),
            )
        )
    return ids


def _fill_groups(
    store: Store,
    rng: random.Random,
    today: dt.date,
    people: list[dict],
    association_ids: list[str],
    adults: list[str],
) -> list[str]:
    ids = []
    for name, ethnic, genre, title, assoc in GROUPS:
        founded = dt.date(rng.randint(1985, 2022), rng.randint(1, 12), 1)
        chosen = rng.sample(people, rng.randint(6, 14))
        members = []
        for person in chosen:
            joined = today - dt.timedelta(days=rng.randint(30, 5 * 365))
            member = MemberInput(
                person_id=person["id"],
                joined=joined,
                role=rng.choice(["", "", "", "солист", "концертмейстер"]),
            )
            age = person_lookup.age_on(person["birth_date"], joined)
            if age is not None and age < groups.ADULT_AGE:
                member.guardian_name = rng.choice(GUARDIAN_NAMES)
                member.guardian_consent_on = joined - dt.timedelta(days=rng.randint(1, 20))
            members.append(member)
        ids.append(
            groups.save_group(
                store,
                GroupInput(
                    name_kk=name,
                    name_ru=GROUP_NAMES_RU.get(name, ""),
                    ethnic_group=ethnic,
                    genre=genre,
                    leader_id=rng.choice(adults),
                    association_id=association_ids[assoc] if assoc is not None else None,
                    founded=founded,
                    honorary_title=title or "",
                    members=members,
                ),
                today=today,
            )
        )
    return ids


def _extras(
    rng: random.Random,
    kind: str,
    past: bool,
    group_ids: list[str],
    association_ids: list[str],
    volunteer_ids: list[str],
    people_ids: list[str],
    data: EventInput,
) -> None:
    if kind in ("holiday", "festival", "concert"):
        data.group_ids = rng.sample(group_ids, rng.randint(2, 6))
    if rng.random() < 0.5:
        data.association_ids = rng.sample(association_ids, rng.randint(1, 3))
    if volunteer_ids:
        data.volunteers = {
            v: rng.choice([60, 90, 120, 180, 240])
            for v in rng.sample(volunteer_ids, min(len(volunteer_ids), rng.randint(1, 5)))
        }
    if past and data.status == "held":
        if kind in ("meeting", "round_table", "training") and rng.random() < 0.5:
            data.attendance_mode = "named"
            data.attendee_ids = rng.sample(people_ids, rng.randint(8, 25))
        else:
            data.headcount = _headcount(rng, kind)


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    people = store.rows("SELECT id, birth_date FROM people WHERE deleted = 0 ORDER BY id")
    if not people:
        return
    people_ids = [p["id"] for p in people]
    adults = [
        p["id"] for p in people if (person_lookup.age_on(p["birth_date"], today) or 30) >= 25
    ] or people_ids
    volunteer_ids = [r["id"] for r in store.rows("SELECT id FROM volunteers WHERE deleted = 0 ORDER BY id")]

    association_ids = _fill_associations(store, rng, adults)
    group_ids = _fill_groups(store, rng, today, people, association_ids, adults)

    first, last = today - dt.timedelta(days=365), today + dt.timedelta(days=60)
    # The national holidays of the year that fall in the demo period, made as staff would: from the presets.
    for year in range(first.year, last.year + 1):
        for preset in presets.PRESETS:
            day, _ = preset.dates(year)
            if not first <= day <= last:
                continue
            event_id = presets.create_preset_event(store, preset.code, year)
            data = events.get_event(store, event_id)
            assert data is not None  # created just above
            past = day < today
            data.status = "held" if past else "planned"
            data.place = rng.choice(PLACES[:4])
            _extras(rng, "holiday", past, group_ids, association_ids, volunteer_ids, people_ids, data)
            events.save_event(store, data, event_id)

    day = first
    while day <= last:
        day += dt.timedelta(days=rng.randint(1, 3))
        if day.weekday() == 6:
            continue
        kind, title_kk, title_ru = rng.choice(EVERYDAY)
        start = dt.datetime(
            day.year, day.month, day.day, rng.choice([10, 11, 14, 15, 16, 18]), rng.choice([0, 30]), tzinfo=TZ
        )
        past = day < today
        status = ("cancelled" if rng.random() < 0.06 else "held") if past else "planned"
        data = EventInput(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=rng.choice([1, 2, 2, 3])),
            title_kk=title_kk,
            title_ru=title_ru if rng.random() < 0.9 else "",
            kind=kind,
            place=rng.choice(PLACES),
            status=status,
            organised_by_house=rng.random() < 0.85,
        )
        _extras(rng, kind, past, group_ids, association_ids, volunteer_ids, people_ids, data)
        events.save_event(store, data)
