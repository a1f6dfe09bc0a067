"""Central reference data with Kazakh and Russian names: the defaults every new database starts with.

The server is authoritative for this data (it flows server → devices only); these are the lists a PC has before
its first sync, and what a new server is seeded with. Default catalogue rows in synced tables (aid items, skills,
programme rules) carry no house (house_id NULL): they are central rows, never written to the outbox.
"""

from __future__ import annotations

import json
import sqlite3

from desktop import text
from desktop.i18n import current_language

CENTRAL_HLC = "0000000000000-0000-central"

# ISO 3166-2:KZ (docs/KAZAKH.md §5).
REGIONS = [
    ("KZ-10", "Абай облысы", "область Абай"),
    ("KZ-11", "Ақмола облысы", "Акмолинская область"),
    ("KZ-15", "Ақтөбе облысы", "Актюбинская область"),
    ("KZ-19", "Алматы облысы", "Алматинская область"),
    ("KZ-23", "Атырау облысы", "Атырауская область"),
    ("KZ-27", "Батыс Қазақстан облысы", "Западно-Казахстанская область"),
    ("KZ-31", "Жамбыл облысы", "Жамбылская область"),
    ("KZ-33", "Жетісу облысы", "область Жетісу"),
    ("KZ-35", "Қарағанды облысы", "Карагандинская область"),
    ("KZ-39", "Қостанай облысы", "Костанайская область"),
    ("KZ-43", "Қызылорда облысы", "Кызылординская область"),
    ("KZ-47", "Маңғыстау облысы", "Мангистауская область"),
    ("KZ-55", "Павлодар облысы", "Павлодарская область"),
    ("KZ-59", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
    ("KZ-61", "Түркістан облысы", "Туркестанская область"),
    ("KZ-62", "Ұлытау облысы", "область Ұлытау"),
    ("KZ-63", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
    ("KZ-71", "Астана қаласы", "город Астана"),
    ("KZ-75", "Алматы қаласы", "город Алматы"),
    ("KZ-79", "Шымкент қаласы", "город Шымкент"),
]

# One house of friendship per region to start with; the server registers the others.
HOUSES = [(f"{code}-01", f"{kk}ның Достық үйі", f"Дом дружбы — {ru}", code) for code, kk, ru in REGIONS]

PROGRAMMES = [
    ("zhurekten", "Жүректен жүрекке", "«Жүректен жүрекке»"),
    ("qamqor", "Қамқор", "«Қамқор»"),
    ("mektepke_zhol", "Мектепке жол", "«Мектепке жол»"),
    ("meyirim", "Мейірім", "«Мейірім»"),
    ("other", "Басқа", "Другое"),
]

RECIPIENT_CATEGORIES = [
    ("veteran", "Ардагер", "Ветеран"),
    ("home_front", "Тыл еңбеккері", "Труженик тыла"),
    ("lonely_elderly", "Жалғыз басты қарт адам", "Одинокий пожилой человек"),
    ("orphan", "Жетім бала", "Сирота"),
    ("low_income", "Аз қамтылған отбасы", "Малообеспеченная семья"),
    ("large_family", "Көп балалы отбасы", "Многодетная семья"),
    ("disability", "Мүгедектігі бар адам", "Человек с инвалидностью"),
    ("emergency", "Төтенше жағдайдан зардап шеккен", "Пострадавший от ЧС"),
    ("other", "Басқа", "Другое"),
]

ETHNIC_GROUPS = [
    ("kazakh", "Қазақтар", "Казахи"),
    ("russian", "Орыстар", "Русские"),
    ("uzbek", "Өзбектер", "Узбеки"),
    ("ukrainian", "Украиндар", "Украинцы"),
    ("uyghur", "Ұйғырлар", "Уйгуры"),
    ("german", "Немістер", "Немцы"),
    ("tatar", "Татарлар", "Татары"),
    ("azerbaijani", "Әзірбайжандар", "Азербайджанцы"),
    ("korean", "Корейлер", "Корейцы"),
    ("turkish", "Түріктер", "Турки"),
    ("belarusian", "Беларустар", "Белорусы"),
    ("dungan", "Дүнгендер", "Дунгане"),
    ("kurdish", "Күрдтер", "Курды"),
    ("tajik", "Тәжіктер", "Таджики"),
    ("polish", "Поляктар", "Поляки"),
    ("chechen", "Шешендер", "Чеченцы"),
    ("kyrgyz", "Қырғыздар", "Кыргызы"),
    ("bashkir", "Башқұрттар", "Башкиры"),
    ("moldovan", "Молдовандар", "Молдаване"),
    ("armenian", "Армяндар", "Армяне"),
    ("greek", "Гректер", "Греки"),
    ("ingush", "Ингуштар", "Ингуши"),
    ("chuvash", "Чуваштар", "Чуваши"),
    ("mordvin", "Мордвалар", "Мордва"),
    ("lezgin", "Лезгиндер", "Лезгины"),
    ("jewish", "Еврейлер", "Евреи"),
    ("georgian", "Грузиндер", "Грузины"),
    ("karakalpak", "Қарақалпақтар", "Каракалпаки"),
    ("other", "Басқа", "Другие"),
]

GENRES = [
    ("folk", "Фольклор", "Фольклорный"),
    ("dance", "Би", "Танцевальный"),
    ("choir", "Хор", "Хоровой"),
    ("instrumental", "Аспаптық ансамбль", "Инструментальный ансамбль"),
    ("theatre", "Театр", "Театральный"),
    ("vocal", "Вокал", "Вокальный"),
    ("other", "Басқа", "Другое"),
]

EVENT_KINDS = [
    ("holiday", "Мереке", "Праздник"),
    ("concert", "Концерт", "Концерт"),
    ("festival", "Фестиваль", "Фестиваль"),
    ("exhibition", "Көрме", "Выставка"),
    ("meeting", "Кездесу", "Встреча"),
    ("round_table", "Дөңгелек үстел", "Круглый стол"),
    ("training", "Оқыту", "Обучение"),
    ("charity", "Қайырымдылық акциясы", "Благотворительная акция"),
    ("sports", "Спорт іс-шарасы", "Спортивное мероприятие"),
    ("other", "Басқа", "Другое"),
]

ITEM_GROUPS = [
    ("food", "Азық-түлік", "Продукты питания"),
    ("clothing", "Киім", "Одежда"),
    ("hygiene", "Гигиена құралдары", "Средства гигиены"),
    ("school_kit", "Мектеп жиынтығы", "Школьные принадлежности"),
    ("household", "Тұрмыстық тауарлар", "Хозяйственные товары"),
    ("medical", "Медициналық бұйымдар (дәрісіз)", "Медизделия (без лекарств)"),
    ("other", "Басқа", "Другое"),
]

UNITS = [
    ("pcs", "дана", "шт."),
    ("kg", "кг", "кг"),
    ("l", "л", "л"),
    ("set", "жиынтық", "набор"),
    ("pack", "қаптама", "упак."),
]

# (id, kk, ru, unit, group)
AID_ITEMS = [
    ("item-flour", "Ұн", "Мука", "kg", "food"),
    ("item-rice", "Күріш", "Рис", "kg", "food"),
    ("item-sugar", "Қант", "Сахар", "kg", "food"),
    ("item-oil", "Өсімдік майы", "Подсолнечное масло", "l", "food"),
    ("item-pasta", "Макарон", "Макароны", "kg", "food"),
    ("item-buckwheat", "Қарақұмық жармасы", "Гречневая крупа", "kg", "food"),
    ("item-tea", "Шай", "Чай", "pack", "food"),
    ("item-food-set", "Азық-түлік себеті", "Продуктовый набор", "set", "food"),
    ("item-warm-clothes", "Жылы киім", "Тёплая одежда", "pcs", "clothing"),
    ("item-shoes", "Аяқ киім", "Обувь", "pcs", "clothing"),
    ("item-blanket", "Көрпе", "Одеяло", "pcs", "household"),
    ("item-dishes", "Ыдыс-аяқ жиынтығы", "Набор посуды", "set", "household"),
    ("item-hygiene-set", "Гигиена жиынтығы", "Гигиенический набор", "set", "hygiene"),
    ("item-soap", "Сабын", "Мыло", "pcs", "hygiene"),
    ("item-backpack", "Мектеп сөмкесі", "Школьный рюкзак", "pcs", "school_kit"),
    ("item-stationery", "Кеңсе тауарлары жиынтығы", "Набор канцтоваров", "set", "school_kit"),
    ("item-uniform", "Мектеп формасы", "Школьная форма", "set", "school_kit"),
    ("item-masks", "Медициналық бетперде", "Медицинские маски", "pack", "medical"),
    ("item-bandage", "Дәке таңғыш", "Бинт", "pcs", "medical"),
]

# (id, programme, scope, period, period_days, max_count): the double-aid guard's defaults.
PROGRAMME_RULES = [
    ("rule-mektepke-zhol", "mektepke_zhol", "person", "school_year", None, 1),
    ("rule-qamqor", "qamqor", "person", "month", None, 1),
    ("rule-zhurekten", "zhurekten", "household", "month", None, 2),
]

SKILLS = [
    ("skill-first-aid", "Алғашқы көмек", "Первая помощь"),
    ("skill-translation", "Аударма (қазақша–орысша)", "Перевод (казахский–русский)"),
    ("skill-events", "Іс-шара ұйымдастыру", "Организация мероприятий"),
    ("skill-photo", "Фото және бейне түсіру", "Фото- и видеосъёмка"),
    ("skill-driving", "Көлік жүргізу", "Вождение автомобиля"),
    ("skill-computer", "Компьютермен жұмыс", "Работа с компьютером"),
    ("skill-music", "Музыка", "Музыка"),
    ("skill-children", "Балалармен жұмыс", "Работа с детьми"),
    ("skill-elderly", "Қарттарға күтім", "Уход за пожилыми"),
    ("skill-loading", "Жүк тиеу", "Погрузка и разгрузка"),
]

REFERENCE_DATA = {
    "regions": REGIONS,
    "programmes": PROGRAMMES,
    "recipient_categories": RECIPIENT_CATEGORIES,
    "ethnic_groups": ETHNIC_GROUPS,
    "genres": GENRES,
    "event_kinds": EVENT_KINDS,
    "item_groups": ITEM_GROUPS,
    "units": UNITS,
}


def seed(conn: sqlite3.Connection) -> None:
    """Fills missing reference rows and central catalogue rows. Idempotent; never overwrites newer data."""
    for table, rows in REFERENCE_DATA.items():
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} (code, name_kk, name_ru, sort, hlc) VALUES (?, ?, ?, ?, ?)",
            [(code, kk, ru, i, CENTRAL_HLC) for i, (code, kk, ru) in enumerate(rows)],
        )
    conn.executemany(
        "INSERT OR IGNORE INTO houses (code, name_kk, name_ru, sort, hlc, region_code) VALUES (?, ?, ?, ?, ?, ?)",
        [(code, kk, ru, i, CENTRAL_HLC, region) for i, (code, kk, ru, region) in enumerate(HOUSES)],
    )
    now = "2026-01-01T00:00:00.000+00:00"
    central = {
        "house_id": None,
        "hlc": CENTRAL_HLC,
        "deleted": 0,
        "created_at": now,
        "updated_at": now,
        "updated_by": "central",
    }
    for item_id, kk, ru, unit, group in AID_ITEMS:
        name = f"{kk} {ru}"
        _insert_central(
            conn,
            "aid_items",
            {
                **central,
                "id": item_id,
                "name_kk": kk,
                "name_ru": ru,
                "unit": unit,
                "item_group": group,
                "name_fold": text.fold(name),
                "name_loose": text.loose(name),
                "name_sort": text.sort_key(kk),
                "search_text": f"{text.fold(name)} {text.loose(name)}",
            },
        )
    for rule_id, programme, scope, period, days, max_count in PROGRAMME_RULES:
        _insert_central(
            conn,
            "programme_rules",
            {
                **central,
                "id": rule_id,
                "programme": programme,
                "scope": scope,
                "period": period,
                "period_days": days,
                "max_count": max_count,
            },
        )
    for skill_id, kk, ru in SKILLS:
        _insert_central(conn, "skills", {**central, "id": skill_id, "name_kk": kk, "name_ru": ru})


def _insert_central(conn: sqlite3.Connection, table: str, row: dict) -> None:
    row = dict(row)
    row["field_hlc"] = json.dumps({})
    cols = ", ".join(row)
    conn.execute(
        f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
    )


def localized(row: dict, lang: str | None = None, prefix: str = "name") -> str:
    """The row's name in the interface language (kk or ru), falling back to the other one."""
    lang = lang or current_language()
    first, second = (f"{prefix}_ru", f"{prefix}_kk") if lang == "ru" else (f"{prefix}_kk", f"{prefix}_ru")
    return row.get(first) or row.get(second) or ""


def active_houses(conn: sqlite3.Connection) -> list[dict]:
    """The active houses with both names ({"code", "name_kk", "name_ru"}), in their order: the first-run choice."""
    rows = conn.execute("SELECT code, name_kk, name_ru FROM houses WHERE active = 1 ORDER BY sort, code")
    return [dict(zip(("code", "name_kk", "name_ru"), r, strict=True)) for r in rows]


def house_names(store) -> list[tuple[str, str]]:
    """names() of the houses, from a Store (for a read op)."""
    return names(store.conn, "houses")


def names(conn: sqlite3.Connection, table: str, lang: str | None = None) -> list[tuple[str, str]]:
    """[(code, localized name)] of a reference table, in its own order."""
    rows = conn.execute(f"SELECT code, name_kk, name_ru FROM {table} WHERE active = 1 ORDER BY sort, code")
    return [(r[0], localized({"name_kk": r[1], "name_ru": r[2]}, lang)) for r in rows]
