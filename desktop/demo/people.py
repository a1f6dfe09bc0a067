"""Demo people: Kazakh and Russian (and other) names as they appear in a regional house's records."""

from __future__ import annotations

import datetime as dt
import random

from desktop.iin import make_iin
from desktop.store import Store

COUNT = 300

KAZAKH_MEN = [
    "Қайрат",
    "Нұрлан",
    "Ерлан",
    "Асхат",
    "Бауыржан",
    "Дәурен",
    "Ғалым",
    "Жандос",
    "Мұрат",
    "Серік",
    "Айдос",
    "Болат",
    "Ержан",
    "Төлеген",
    "Өмірбек",
    "Ұлан",
    "Қанат",
    "Дархан",
    "Әлібек",
    "Санжар",
]
KAZAKH_WOMEN = [
    "Әсел",
    "Айгүл",
    "Гүлнар",
    "Жанар",
    "Динара",
    "Мөлдір",
    "Айжан",
    "Сәуле",
    "Ұлжан",
    "Гүлжан",
    "Меруерт",
    "Ақмарал",
    "Толқын",
    "Назгүл",
    "Аружан",
    "Әйгерім",
    "Қарлығаш",
    "Індира",
    "Балжан",
    "Жұлдыз",
]
KAZAKH_SURNAMES = [
    "Нұрланұлы",
    "Сейітқали",
    "Жұмабаев",
    "Әбенов",
    "Қасымов",
    "Омаров",
    "Төлеуов",
    "Серікбаев",
    "Ахметов",
    "Байжанов",
    "Мұқанов",
    "Оспанов",
    "Есенов",
    "Қуанышев",
    "Әлиев",
    "Ғабдуллин",
    "Исаев",
    "Құрманов",
    "Тоқтаров",
    "Бекмұханов",
]
RUSSIAN_MEN = [
    "Иван",
    "Сергей",
    "Алексей",
    "Дмитрий",
    "Андрей",
    "Владимир",
    "Николай",
    "Юрий",
    "Павел",
    "Егор",
]
RUSSIAN_WOMEN = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Людмила",
    "Юлия",
]
RUSSIAN_SURNAMES = [
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Ёлкин",
]
OTHER_PEOPLE = [  # (surname, name, sex) of other ethnic groups living in the region
    ("Шмидт", "Виктор", "m"),
    ("Ким", "Елена", "f"),
    ("Пак", "Сергей", "m"),
    ("Юсупов", "Рустам", "m"),
    ("Исмаилова", "Гульнара", "f"),
    ("Коваленко", "Оксана", "f"),
    ("Хасанов", "Ильдар", "m"),
    ("Мамедов", "Эльдар", "m"),
    ("Вайс", "Ирина", "f"),
    ("Ли", "Вячеслав", "m"),
]
LOCALITIES = ["Павлодар", "Екібастұз", "Ақсу", "Баянауыл", "Щербакты", "Железинка"]
STREETS = ["Торайғыров к-сі", "Сәтбаев к-сі", "Абай к-сі", "Ломов көшесі", "Естай к-сі", "Кутузов к-сі"]


def _feminine(surname: str) -> str:
    if surname.endswith("ұлы"):
        return surname[:-3] + "қызы"
    if surname.endswith(("ов", "ев", "ин", "ёв")):
        return surname + "а"
    return surname


def _patronymic(rng: random.Random, sex: str, kazakh: bool) -> str:
    father = rng.choice(KAZAKH_MEN if kazakh else RUSSIAN_MEN)
    if kazakh:
        return father + ("ұлы" if sex == "m" else "қызы")
    if father.endswith("й"):
        stem = father[:-1] + "е"
    else:
        stem = father
    return (
        stem + ("вич" if sex == "m" else "вна")
        if father.endswith("й")
        else stem + ("ович" if sex == "m" else "овна")
    )


def make_person(rng: random.Random, today: dt.date, serial: int) -> dict:
    roll = rng.random()
    sex = rng.choice("mf")
    if roll < 0.6:
        kazakh = True
        name = rng.choice(KAZAKH_MEN if sex == "m" else KAZAKH_WOMEN)
        surname = rng.choice(KAZAKH_SURNAMES)
        surname = surname if sex == "m" else _feminine(surname)
        languages = ["kk", "ru"]
    elif roll < 0.9:
        kazakh = False
        name = rng.choice(RUSSIAN_MEN if sex == "m" else RUSSIAN_WOMEN)
        surname = rng.choice(RUSSIAN_SURNAMES)
        surname = surname if sex == "m" else _feminine(surname)
        languages = ["ru"] if rng.random() < 0.6 else ["ru", "kk"]
    else:
        kazakh = False
        surname, name, sex = rng.choice(OTHER_PEOPLE)
        languages = ["ru", "kk"]
    birth = today - dt.timedelta(days=rng.randint(8 * 365, 85 * 365))
    iin = make_iin(birth, sex, serial) if rng.random() < 0.7 else None
    phone = f"+7{rng.choice(['701', '702', '705', '707', '747', '771', '775', '778'])}{rng.randint(1000000, 9999999)}"
    return {
        "surname": surname,
        "name": name,
        "patronymic": _patronymic(rng, sex, kazakh) if rng.random() < 0.85 else "",
        "birth_date": birth.isoformat(),
        "sex": sex,
        "iin": iin,
        "phone": phone if rng.random() < 0.8 else None,
        "phone_country": "KZ",
        "languages": languages,
        "locality": rng.choice(LOCALITIES),
        "address": f"{rng.choice(STREETS)}, {rng.randint(1, 180)}",
    }


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    for serial in range(COUNT):
        store.insert("people", make_person(rng, today, serial))
