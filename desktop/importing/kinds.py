"""What one spreadsheet row becomes for each kind of import: the values the person form (or the event, group
and catalogue forms) would be given, checked by those forms' own validators, with a field that cannot be read left
empty and a warning, and a row without a usable name refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from desktop import headcount_labels, people, reference, text
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.importing import values as v
from desktop.store import Store

KINDS = ("volunteers", "recipients", "members", "events", "items")
PERSON_KINDS = ("volunteers", "recipients", "members")
NAME_FIELDS = ("surname", "name", "patronymic")
_SEX = {"м": "m", "муж": "m", "мужской": "m", "ер": "m", "ер адам": "m", "m": "m", "male": "m",
        "ж": "f", "жен": "f", "женский": "f", "әйел": "f", "f": "f", "female": "f"}  # fmt: skip
_LANGUAGES = {
    "kk": ("каз", "қаз", "kk", "kaz"),
    "ru": ("рус", "орыс", "ru"),
    "en": ("англ", "ағыл", "en", "eng"),
    "uz": ("узб", "өзб", "uz"),
    "ug": ("уйг", "ұйғ", "ug"),
    "de": ("нем", "неміс", "de"),
    "ko": ("кор", "kо", "ko"),
    "tt": ("тат", "tt"),
}
_YES = ("да", "есть", "имеется", "иә", "бар", "берілді", "дано", "получено", "yes", "+", "v", "✓", "1")
# Kazakh words of event titles that happen to have no Kazakh-only letter ("Наурыз мейрамы").
_KAZAKH_WORDS = ("мейрам", "мереке", "кеші", "байқау", "сайыс", "жиын", "тойы", "наурыз")
_NO = ("нет", "жоқ", "no", "-", "0")


@dataclass
class Row:
    """The outcome of one spreadsheet row (its number as shown)."""

    row: int
    status: str = "import"  # import, reject, skip
    form: dict = field(default_factory=dict)  # what the form is given
    extra: dict = field(default_factory=dict)  # the kind's own values (skills, group, headcount…)
    clean: dict = field(default_factory=dict)  # the person as validated (person kinds)
    person: people.CleanPerson | None = None  # what people.validate_person returned (its values are `clean`)
    errors: list[ValidationError] = field(default_factory=list)
    warnings: list[ValidationError] = field(default_factory=list)
    duplicates: list[tuple[str, Any, str]] = field(
        default_factory=list
    )  # ("row", n, why) / ("person", id, why)

    @property
    def held(self) -> bool:
        return self.status == "import" and bool(self.duplicates)

    def warn(self, exc: ValidationError) -> None:
        if all(w.field != exc.field or w.template != exc.template for w in self.warnings):
            self.warnings.append(exc)


@dataclass
class Context:
    store: Store
    kind: str
    today: dt.date
    skills: dict[str, str] = field(default_factory=dict)  # loose name → skill id
    categories: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    item_groups: dict[str, str] = field(default_factory=dict)
    event_kinds: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, store: Store, kind: str, today: dt.date) -> Context:
        ctx = cls(store, kind, today)
        for r in store.rows("SELECT id, name_kk, name_ru FROM skills WHERE deleted = 0"):
            for name in (r["name_kk"], r["name_ru"]):
                if name:
                    ctx.skills[text.loose(name)] = r["id"]
        for table, target in (
            ("recipient_categories", ctx.categories),
            ("units", ctx.units),
            ("item_groups", ctx.item_groups),
        ):
            for r in store.rows(f"SELECT code, name_kk, name_ru FROM {table} WHERE active = 1"):
                for name in (r["code"], r["name_kk"], r["name_ru"]):
                    if name:
                        target[text.loose(name).strip(".")] = r["code"]
        ctx.event_kinds = {code for code, _n in reference.names(store.conn, "event_kinds")}
        return ctx


def cell(cells: list[Any], mapping: dict[str, int], name: str) -> Any:
    index = mapping.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _attempt(row: Row, name: str, fn, *args) -> Any:
    """A field's value, or empty with a warning when it cannot be read (the row is still imported)."""
    try:
        value, warnings = fn(*args)
    except ValidationError as exc:
        row.warn(exc)
        return ""
    for w in warnings:
        row.warn(w)
    return value


def _date_value(row: Row, raw: Any, name: str, today: dt.date) -> dt.date | None:
    try:
        return v.to_date(raw, name, today)
    except ValidationError as exc:
        row.warn(exc)
        return None


def _list(raw: Any) -> list[str]:
    s = v.clean_text(raw)
    for sep in (";", "/", "\n"):
        s = s.replace(sep, ",")
    return [p.strip() for p in s.split(",") if p.strip()]


def _language(word: str) -> str:
    folded = text.fold(word)
    for code, stems in _LANGUAGES.items():
        if folded == code or any(folded.startswith(stem) for stem in stems if len(stem) >= 3):
            return code
    return v.clean_text(word)


def yes_no(raw: Any) -> bool | None:
    s = text.fold(v.clean_text(raw)).strip(".")
    if not s:
        return None
    if s in _YES:
        return True
    if s in _NO:
        return False
    return None


def person_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    """Fills row.form and row.clean for a person, or marks the row refused."""
    if "full_name" in mapping:
        parts = v.split_full_name(cell(cells, mapping, "full_name"))
        raw = dict(zip(NAME_FIELDS, parts))
    else:
        raw = {f: cell(cells, mapping, f) for f in NAME_FIELDS}
    form: dict[str, Any] = {}
    name_field = "full_name" if "full_name" in mapping else None
    for f in NAME_FIELDS:
        try:
            form[f], warnings = v.clean_name(raw.get(f), f)
            for w in warnings:
                row.warn(ValidationError(name_field or f, w.template))
        except ValidationError as exc:
            row.errors.append(ValidationError(name_field or f, exc.template))
            form[f] = ""
    birth = _date_value(row, cell(cells, mapping, "birth_date"), "birth_date", ctx.today)
    form["birth_date"] = v.date_text(birth)
    form["iin"] = _attempt(row, "iin", v.to_iin, cell(cells, mapping, "iin"))
    form["phone"] = _attempt(row, "phone", v.to_phone, cell(cells, mapping, "phone"))
    form["email"] = v.clean_text(cell(cells, mapping, "email"))
    sex = text.fold(v.clean_text(cell(cells, mapping, "sex"))).strip(".")
    form["sex"] = _SEX.get(sex, "")
    if sex and sex not in _SEX:
        row.warn(ValidationError("sex", N_("{field}: choose female or male.")))
    form["languages"] = list(dict.fromkeys(_language(w) for w in _list(cell(cells, mapping, "languages"))))
    for f in ("locality", "address", "notes"):
        form[f] = v.clean_text(cell(cells, mapping, f))
    row.form = form
    if row.errors:
        row.status = "reject"
        return
    # The person form's own checks; a bad optional field is left empty with its message as a warning.
    for _attempt_no in range(len(form) + 1):
        try:
            clean = people.validate_person(form, ctx.today)
        except ValidationErrors as exc:
            blocking = [e for e in exc.errors if e.field in NAME_FIELDS]
            if blocking:
                row.errors.extend(ValidationError(name_field or e.field, e.template) for e in blocking)
                row.status = "reject"
                return
            for e in exc.errors:
                row.warn(e)
                form[e.field] = [] if e.field == "languages" else ""
            continue
        for w in clean.warnings:
            row.warn(w)
        row.person, row.clean = clean, clean.values
        return


def volunteer_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    raw_since = cell(cells, mapping, "since")
    if isinstance(raw_since, (int, float)) and 1900 <= raw_since <= ctx.today.year:
        since: dt.date | None = dt.date(int(raw_since), 1, 1)  # "С какого года": a year alone
    else:
        since = _date_value(row, raw_since, "since", ctx.today)
    if since and since > ctx.today:
        row.warn(ValidationError("since", N_("{field} cannot be in the future.")))
        since = None
    skills, unknown = [], []
    for word in _list(cell(cells, mapping, "skills")):
        skill = ctx.skills.get(text.loose(word))
        (skills.append(skill) if skill else unknown.append(word))
    if unknown:
        row.warn(
            ValidationError(
                "skills",
                N_("{field}: not in the list of skills, left out: {names}."),
                names=", ".join(unknown),
            )
        )
    row.extra = {
        "status": "active",
        "since": v.date_text(since),
        "skills": list(dict.fromkeys(skills)),
        "activities": v.clean_text(cell(cells, mapping, "activities")),
        "emergency_contact": v.clean_text(cell(cells, mapping, "emergency_contact")),
    }


def _count(row: Row, raw: Any, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        number = float(str(raw).replace(",", ".").strip())
    except ValueError:
        row.warn(ValidationError(name, N_("{field}: enter a whole number.")))
        return None
    if number < 0 or not number.is_integer():
        row.warn(ValidationError(name, N_("{field}: enter a whole number.")))
        return None
    return int(number)


def recipient_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    categories, unknown = [], []
    for word in _list(cell(cells, mapping, "categories")):
        code = ctx.categories.get(text.loose(word).strip("."))
        (categories.append(code) if code else unknown.append(word))
    if unknown:
        row.warn(
            ValidationError(
                "categories", N_("{field}: not in the list, left out: {names}."), names=", ".join(unknown)
            )
        )
    consent_raw = cell(cells, mapping, "consent_on")
    consent_on = (
        _date_value(row, consent_raw, "consent_on", ctx.today) if yes_no(consent_raw) is None else None
    )
    if consent_on is None:
        # Without a signed consent the house keeps no personal data of a recipient: the row cannot be imported.
        row.errors.append(
            ValidationError(
                "consent_on",
                N_(
                    "{field}: no date of a signed consent; a recipient's personal data is kept only with one."
                ),
            )
        )
        row.status = "reject"
    members = _count(row, cell(cells, mapping, "members_count"), "members_count")
    children = _count(row, cell(cells, mapping, "children_count"), "children_count")
    if members is not None and children is not None and children > members:
        row.warn(ValidationError("children_count", N_("{field}: cannot be more than the household members.")))
        children = None
    if v.clean_text(cell(cells, mapping, "programme")):
        row.warn(
            ValidationError(
                "programme",
                N_("{field}: a programme is recorded with the aid given, not on the recipient; left out."),
            )
        )
    row.extra = {
        "categories": categories,
        "consent_on": consent_on,
        "members_count": members,
        "children_count": children,
    }


def member_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    group = v.clean_text(cell(cells, mapping, "group"))
    if not group:
        row.errors.append(ValidationError("group", N_("{field} is required.")))
        row.status = "reject"
    joined = _date_value(row, cell(cells, mapping, "joined"), "joined", ctx.today)
    guardian = v.clean_text(cell(cells, mapping, "guardian_name"))
    consent_raw = cell(cells, mapping, "guardian_consent")
    said = yes_no(consent_raw)
    consent_on = None
    if said is None and consent_raw not in (None, ""):
        consent_on = _date_value(row, consent_raw, "guardian_consent", ctx.today)
    elif said:
        # A column saying "yes" without a date: the consent is taken as given on the day the member joined.
        consent_on = joined
    birth = row.clean.get("birth_date")
    on = joined or ctx.today
    if birth:
        born = dt.date.fromisoformat(birth)
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if age < 18 and (not guardian or consent_on is None):
            # Never assumed: a minor joins only when the file states who gave the consent and when.
            if said and consent_on is None:
                template = N_(
                    "{field}: the member is under 18; the file says consent was given but not when."
                )
            elif said is False or not consent_raw:
                template = N_(
                    "{field}: the member is under 18 and the file does not state the guardian's consent."
                )
            else:
                template = N_(
                    "{field}: the member is under 18; enter the parent or guardian who gave consent."
                )
            row.errors.append(ValidationError("guardian_consent", template))
            row.status = "reject"
    row.extra = {
        "group": group,
        "role": v.clean_text(cell(cells, mapping, "role")),
        "joined": joined,
        "guardian_name": guardian,
        "guardian_consent_on": consent_on,
    }


def event_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    title = v.clean_text(cell(cells, mapping, "title"))
    if "?" in title:
        row.errors.append(
            ValidationError(
                "title", N_("{field}: the file lost letters here ('?'); save it again as UTF-8 or XLSX.")
            )
        )
    if not title:
        row.errors.append(ValidationError("title", N_("{field} is required.")))
    try:
        day = v.to_date(cell(cells, mapping, "date"), "date", ctx.today)
        if day is None:
            row.errors.append(ValidationError("date", N_("{field} is required.")))
        elif day > ctx.today:
            row.errors.append(ValidationError("date", N_("{field}: a past event cannot be in the future.")))
    except ValidationError as exc:
        row.errors.append(exc)
        day = None
    counts = {
        k: _count(row, cell(cells, mapping, k), k) or 0
        for k in ("total", "women", "men", "children", "elderly")
    }
    counts["total"] = max(counts["total"], counts["women"] + counts["men"])
    if row.errors:
        row.status = "reject"
    folded = title.casefold()
    is_kk = any(ch in "әғқңөұүһі" for ch in folded) or any(w in folded for w in _KAZAKH_WORDS)
    row.form = {"title": title}
    row.extra = {
        "title_kk": title if is_kk else "",
        "title_ru": "" if is_kk else title,
        "date": day,
        "place": v.clean_text(cell(cells, mapping, "place")),
        "notes": v.clean_text(cell(cells, mapping, "notes")),
        **counts,
    }


def item_row(row: Row, cells: list[Any], mapping: dict[str, int], ctx: Context) -> None:
    name_kk = v.clean_text(cell(cells, mapping, "name_kk"))
    name_ru = v.clean_text(cell(cells, mapping, "name_ru"))
    if not name_kk and not name_ru:
        row.errors.append(ValidationError("name_kk", N_("Enter the item's name in Kazakh or Russian.")))
        row.status = "reject"
    unit_raw = text.loose(v.clean_text(cell(cells, mapping, "unit"))).strip(".")
    unit = ctx.units.get(unit_raw, "pcs") if unit_raw else "pcs"
    if unit_raw and unit_raw not in ctx.units:
        row.warn(ValidationError("unit", N_("{field}: choose a value from the list.")))
    group_raw = text.loose(v.clean_text(cell(cells, mapping, "item_group")))
    group = ctx.item_groups.get(group_raw, "other") if group_raw else "other"
    if group_raw and group_raw not in ctx.item_groups:
        row.warn(ValidationError("item_group", N_("{field}: choose a value from the list.")))
    row.form = {"name": name_kk or name_ru}
    row.extra = {"name_kk": name_kk, "name_ru": name_ru, "unit": unit, "item_group": group}


KIND_ROWS = {"volunteers": volunteer_row, "recipients": recipient_row, "members": member_row}
OWN_ROWS = {"events": event_row, "items": item_row}

register_field_labels(
    {
        "full_name": N_("Full name"),
        "group": N_("Group"),
        "joined": N_("Joined"),
        "guardian_name": N_("Parent or guardian"),
        "guardian_consent": N_("Guardian's consent"),
        "consent_on": N_("Consent given on"),
        "categories": N_("Categories"),
        "members_count": N_("Household members"),
        "children_count": N_("Children in the household"),
        "programme": N_("Programme"),
        "title": N_("Title"),
        "date": N_("Date"),
        "total": N_("Total"),
        "women": N_("Women"),
        "men": N_("Men"),
        "children": headcount_labels.CHILDREN,
        "elderly": headcount_labels.ELDERLY,
        "unit": N_("Unit"),
        "item_group": N_("Item group"),
    }
)
