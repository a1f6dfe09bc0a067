"""Finding the header row and guessing which column holds what, from the kk and ru words houses use in their
headers ("ФИО / Аты-жөні", "Дата\nрождения", "ЖСН  "). Title rows, blank rows and merged cells above the header
are passed over; the guess can be overridden column by column."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from desktop import text

# Field → header words (folded, spaces collapsed). A header cell matches a field when, after folding, it equals
# one of the words or one of its parts split on "/", "|" or a line break does.
PERSON = {
    "number": ("№", "n", "no", "#", "№ п/п", "п/п", "р/с", "р/с №", "номер"),
    "full_name": (
        "фио",
        "ф.и.о.",
        "ф.и.о",
        "фамилия имя отчество",
        "фамилия, имя, отчество",
        "аты-жөні",
        "аты жөні",
        "т.а.ә.",
        "т.а.ә",
        "тегі, аты, әкесінің аты",
        "тегі аты әкесінің аты",
        "аты-жөні (толық)",
    ),
    "surname": ("фамилия", "тегі"),
    "name": ("имя", "аты"),
    "patronymic": ("отчество", "әкесінің аты"),
    "birth_date": (
        "дата рождения",
        "туған күні",
        "туған күні, айы, жылы",
        "д.р.",
        "д/р",
        "год рождения",
        "туған жылы",
    ),
    "sex": ("пол", "жынысы"),
    "iin": ("иин", "жсн", "инн"),
    "phone": (
        "телефон",
        "тел",
        "тел.",
        "номер телефона",
        "телефон нөмірі",
        "сот. тел",
        "моб. телефон",
        "байланыс телефоны",
        "контактный телефон",
    ),
    "email": ("e-mail", "email", "эл. почта", "электронная почта", "электрондық пошта", "почта"),
    "languages": ("языки", "язык", "владение языками", "тілдер", "тіл", "тілдерді меңгеруі"),
    "locality": ("населенный пункт", "населённый пункт", "елді мекен", "город", "қала", "село", "ауыл"),
    "address": ("адрес", "мекенжай", "мекен-жайы", "мекенжайы", "адрес проживания", "тұрғылықты мекенжайы"),
    "notes": ("примечание", "примечания", "ескерту", "ескертпе", "комментарий"),
}
VOLUNTEER = {
    "skills": ("навыки", "умения", "дағдылар", "дағдылары", "біліктілік"),
    "since": (
        "волонтер с",
        "волонтёр с",
        "с какого года",
        "дата вступления",
        "қашаннан бері",
        "еріктi болған күні",
        "ерікті болған күні",
        "дата начала",
    ),
    "activities": ("направление", "вид деятельности", "бағыты", "қызмет түрі"),
    "emergency_contact": ("контакт на случай чс", "экстренный контакт", "төтенше байланыс"),
}
RECIPIENT = {
    "categories": ("категория", "категории", "санаты", "санат", "санаттар"),
    "members_count": (
        "состав семьи",
        "членов семьи",
        "отбасы мүшелері",
        "отбасы құрамы",
        "кол-во членов семьи",
    ),
    "children_count": ("детей", "кол-во детей", "количество детей", "балалар саны", "балалар"),
    "programme": ("программа", "бағдарлама"),
    "consent_on": ("согласие", "дата согласия", "келісім", "келісім күні", "согласие на обработку"),
}
MEMBER = {
    "group": ("коллектив", "кружок", "группа", "ұжым", "үйірме", "топ", "название коллектива", "ұжым атауы"),
    "role": ("роль", "рөлі", "должность", "партия"),
    "joined": ("дата вступления", "с какого времени", "қабылданған күні", "қосылған күні"),
    "guardian_name": (
        "законный представитель",
        "родитель",
        "фио родителя",
        "ата-анасы",
        "заңды өкілі",
        "ата-анасының аты-жөні",
    ),
    "guardian_consent": (
        "согласие родителя",
        "согласие законного представителя",
        "ата-ана келісімі",
        "келісім",
        "согласие",
    ),
}
EVENT = {
    "number": PERSON["number"],
    "title": (
        "название",
        "наименование",
        "мероприятие",
        "наименование мероприятия",
        "атауы",
        "іс-шара",
        "іс-шараның атауы",
        "тақырыбы",
    ),
    "date": ("дата", "дата проведения", "күні", "өткізілген күні", "өткізу күні"),
    "place": ("место", "место проведения", "өткізілген орны", "орны", "өткізу орны"),
    "total": (
        "участников",
        "кол-во участников",
        "количество участников",
        "всего участников",
        "қатысушылар",
        "қатысушылар саны",
        "барлық қатысушы",
        "охват",
    ),
    "women": ("женщин", "из них женщин", "әйелдер"),
    "men": ("мужчин", "из них мужчин", "ерлер"),
    "children": ("детей", "дети", "балалар"),
    "elderly": ("пожилых", "пенсионеров", "қарттар", "зейнеткерлер"),
    "notes": PERSON["notes"],
}
ITEM = {
    "number": PERSON["number"],
    "name_kk": ("атауы", "атауы (қаз.)", "наименование (каз.)", "қазақша", "на казахском"),
    "name_ru": ("наименование", "название", "атауы (орыс.)", "наименование (рус.)", "орысша", "на русском"),
    "unit": ("ед. изм.", "ед.изм.", "единица измерения", "өлшем бірлігі", "өлш. бірл."),
    "item_group": ("группа", "категория", "тобы", "санаты"),
}
KIND_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "volunteers": {**PERSON, **VOLUNTEER},
    "recipients": {**PERSON, **RECIPIENT},
    "members": {**PERSON, **MEMBER},
    "events": EVENT,
    "items": ITEM,
}
_SPLIT = re.compile(r"\s*(?:/|\||\n|\r)\s*")
_TRAIL = re.compile(r"[\s:;*]+$")
HEADER_SCAN = 30


def header_key(value: Any) -> str:
    """A header cell as compared: NFC, no-break and odd spaces as one space, folded, trailing ':' and '*' gone."""
    if value is None:
        return ""
    s = (
        unicodedata.normalize("NFC", str(value))
        .replace("\u00a0", " ")
        .replace("\u2007", " ")
        .replace("\u202f", " ")
    )
    s = s.replace("\r\n", "\n")
    return _TRAIL.sub("", " ".join(part for part in s.split(" ") if part).strip()).casefold()


def _parts(key: str) -> list[str]:
    parts = [key, *(p for p in _SPLIT.split(key) if p)]
    # "Дата\nрождения" is one header written on two lines: the line break is a space too.
    parts.append(" ".join(key.split()))
    parts.append(text.normalize(key.replace("\n", " ")))
    return [_TRAIL.sub("", p) for p in parts]


def match_field(cell: Any, fields: dict[str, tuple[str, ...]]) -> str | None:
    key = header_key(cell)
    if not key:
        return None
    parts = _parts(key)
    for name, words in fields.items():
        if any(p in words for p in parts):
            return name
    # A longer header that starts with a known phrase ("Дата рождения (дд.мм.гггг)").
    for name, words in fields.items():
        for p in parts:
            for word in words:
                if len(word) >= 4 and p.startswith((word + " ", word + "(")):
                    return name
    return None


@dataclass
class Layout:
    header_row: int  # the row number as shown
    mapping: dict[int, str]  # column index → field
    headers: list[str]  # the header cells as written

    def signature(self) -> str:
        """What identifies a layout, so a mapping chosen once can be offered again for the same columns."""
        return "|".join(header_key(h) for h in self.headers)

    def meta_key(self, kind: str) -> str:
        digest = hashlib.sha256(self.signature().encode("utf-8")).hexdigest()[:24]
        return f"import_layout:{kind}:{digest}"


def guess_layout(rows: list[tuple[int, list[Any]]], kind: str) -> Layout | None:
    """The header among the first rows: the row matching most known column names (at least two). Returns None
    when no row does."""
    fields = KIND_FIELDS[kind]
    best: Layout | None = None
    best_score = 1
    for number, cells in rows[:HEADER_SCAN]:
        mapping: dict[int, str] = {}
        for index, cell in enumerate(cells):
            name = match_field(cell, fields)
            if name and name not in mapping.values():
                mapping[index] = name
        score = len([f for f in mapping.values() if f != "number"])
        if score > best_score:
            best, best_score = (
                Layout(number, mapping, [str(c) if c is not None else "" for c in cells]),
                score,
            )
    return best


def layout_at(rows: list[tuple[int, list[Any]]], kind: str, header_row: int) -> Layout:
    """The layout when the user says which row holds the header."""
    fields = KIND_FIELDS[kind]
    cells = next((c for n, c in rows if n == header_row), [])
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = match_field(cell, fields)
        if name and name not in mapping.values():
            mapping[index] = name
    return Layout(header_row, mapping, [str(c) if c is not None else "" for c in cells])
