"""People: one record per person whatever their roles (volunteer, recipient, group member), with the validation
every person form shares, the duplicate warning, and the Kazakh-aware search the lists use.

Validation runs completely before anything is written: every bad field is reported at once, each message naming
its field, and nothing is saved until all are fixed. Questions that should not block (an IIN whose date disagrees
with the birth date, a foreign phone number) come back as warnings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from desktop import clock, text
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.iin import has_foreign_digits, is_ascii_digits, parse_iin
from desktop.phone import parse_phone
from desktop.roles import mask_rows, requires
from desktop.store import Store

register_field_labels(
    {
        "surname": N_("Surname"),
        "name": N_("Name"),
        "patronymic": N_("Patronymic"),
        "birth_date": N_("Birth date"),
        "sex": N_("Sex"),
        "iin": N_("IIN"),
        "phone": N_("Phone"),
        "email": N_("E-mail"),
        "languages": N_("Languages"),
        "locality": N_("Locality"),
        "address": N_("Address"),
        "notes": N_("Notes"),
    }
)

PERSON_FIELDS = (
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "sex",
    "iin",
    "phone",
    "email",
    "languages",
    "locality",
    "address",
    "notes",
)
REQUIRED = ("surname", "name")
SEXES = {"f": N_("Female"), "m": N_("Male")}
# Languages offered as tick boxes; any other language is typed in (as a code or a name).
COMMON_LANGUAGES = {
    "kk": N_("Kazakh"),
    "ru": N_("Russian"),
    "en": N_("English"),
    "uz": N_("Uzbek"),
    "ug": N_("Uyghur"),
    "de": N_("German"),
    "ko": N_("Korean"),
    "tt": N_("Tatar"),
}
DATE_FORMAT = "%d.%m.%Y"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class CleanPerson:
    """Validated values ready for the store, and the warnings the user should see (they do not block saving).
    `on` is the day they were checked against (a birth date cannot be later); only validate_person sets it."""

    values: dict
    warnings: list[ValidationError] = field(default_factory=list)
    on: dt.date | None = None


_TYPED_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4}|[0-9]{2})$")
_COMPACT_DATE = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{4}|[0-9]{2})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
DATE_HINT = N_("{field}: enter a date as dd.mm.yyyy, e.g. 08.03.1990.")


def parse_date(value: str, field: str, today: dt.date | None = None) -> dt.date | None:
    """The one parser of dates typed by a user (people, volunteers, aid, consents): dd.mm.yyyy (the forms'
    format), dd.mm.yy, the digits alone (03041987 = ddmmyyyy, 030487 = ddmmyy) or ISO yyyy-mm-dd (as stored).
    A two-digit year is the latest year ending so that is not after this year (87 → 1987, 24 → 2024). Blank →
    None; an impossible date (31.02) is refused, never rolled over; anything else is refused naming `field`."""
    value = (value or "").strip()
    if not value:
        return None
    if has_foreign_digits(value):
        raise ValidationError(field, N_("{field}: type the date with the digits 0–9."))
    if m := _ISO_DATE.match(value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _TYPED_DATE.match(value) or _COMPACT_DATE.match(value):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            this_year = (today or clock.today()).year
            year += this_year // 100 * 100
            if year > this_year:
                year -= 100
    else:
        raise ValidationError(field, DATE_HINT)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            field, N_("{field}: there is no such date ({value})."), value=f"{day:02d}.{month:02d}.{year:04d}"
        ) from None


def validate_person(values: dict, today: dt.date) -> CleanPerson:
    """Checks every field of a person form; raises ValidationErrors listing each bad field, else returns the
    normalised values (names NFC and trimmed, phone E.164, dates ISO) and the warnings."""
    errors: list[ValidationError] = []
    warnings: list[ValidationError] = []
    clean: dict = {}
    for name in ("surname", "name", "patronymic", "locality", "address", "notes"):
        clean[name] = (
            text.normalize(values.get(name)) if name != "notes" else (values.get("notes") or "").strip()
        )
    for name in REQUIRED:
        if not clean[name]:
            errors.append(ValidationError(name, N_("{field} is required.")))
    for name, value in values.items():
        # A value shown masked to a role (desktop.roles) must never be saved back over the real one.
        if isinstance(value, str) and "•" in value:
            errors.append(
                ValidationError(name, N_("{field}: this value is hidden from your account; leave it."))
            )
    for name in ("surname", "name", "patronymic"):
        if clean[name] and any(ch.isdigit() for ch in clean[name]):
            errors.append(ValidationError(name, N_("{field}: a name cannot contain digits.")))

    birth = None
    try:
        birth = parse_date(values.get("birth_date") or "", "birth_date")
        if birth and birth > today:
            errors.append(ValidationError("birth_date", N_("{field} cannot be in the future.")))
            birth = None
        elif birth and birth.year < 1900:
            errors.append(ValidationError("birth_date", N_("{field}: the year must be 1900 or later.")))
            birth = None
    except ValidationError as exc:
        errors.append(exc)
    clean["birth_date"] = birth.isoformat() if birth else None

    sex = values.get("sex") or ""
    if sex not in ("", *SEXES):
        errors.append(ValidationError("sex", N_("{field}: choose female or male.")))
    clean["sex"] = sex

    iin = "".join((values.get("iin") or "").split())
    clean["iin"] = iin or None
    if iin:
        iin_error, iin_warnings = check_iin(iin, birth, sex)
        if iin_error:
            errors.append(iin_error)
        warnings.extend(iin_warnings)

    clean["phone"], clean["phone_country"] = None, None
    try:
        phone = parse_phone(values.get("phone") or "")
        if phone:
            clean["phone"], clean["phone_country"] = phone.e164, phone.country
            if not phone.is_home:
                warnings.append(
                    ValidationError(
                        "phone",
                        N_("{field}: this number is not a Kazakh one ({country})."),
                        country=phone.country or "?",
                    )
                )
    except ValidationError as exc:
        errors.append(exc)

    email = (values.get("email") or "").strip()
    if email and not _EMAIL.match(email):
        errors.append(ValidationError("email", N_("{field}: enter an address like name@example.kz.")))
    clean["email"] = email or None

    languages = values.get("languages") or []
    if isinstance(languages, str):
        languages = json.loads(languages) if languages.startswith("[") else languages.split(",")
    seen: list[str] = []
    for lang in languages:
        lang = text.normalize(lang)
        if lang and lang not in seen:
            seen.append(lang)
    clean["languages"] = seen

    if errors:
        raise ValidationErrors(errors)
    return CleanPerson(clean, warnings, today)


def check_iin(
    iin: str, birth: dt.date | None, sex: str
) -> tuple[ValidationError | None, list[ValidationError]]:
    """(blocking error or None, warnings) for an IIN (docs/KAZAKH.md §4): a wrong check digit blocks; a birth date or
    sex that disagrees only warns, because IINs issued since 2013 need not match the person."""
    if has_foreign_digits(iin):
        return ValidationError(
            "iin", N_("{field}: type the number with the digits 0–9 (these are digits of another script).")
        ), []
    if not is_ascii_digits(iin):
        return ValidationError("iin", N_("{field}: an IIN contains only digits.")), []
    if len(iin) != 12:
        return ValidationError(
            "iin", N_("{field}: an IIN has 12 digits; this one has {count}."), count=len(iin)
        ), []
    info = parse_iin(iin)
    if info.reason == "never_issued":
        return ValidationError(
            "iin", N_("{field}: no IIN can have these digits; check it against the document.")
        ), []
    if not info.valid:
        return ValidationError(
            "iin", N_("{field}: the check digit is wrong; check the number for a typo.")
        ), []
    warnings = []
    if info.birth_date is None:
        warnings.append(ValidationError("iin", N_("{field}: its first six digits are not a real date.")))
    elif birth and info.birth_date != birth:
        warnings.append(
            ValidationError(
                "iin",
                N_("{field}: its date ({date}) differs from the birth date."),
                date=info.birth_date.strftime(DATE_FORMAT),
            )
        )
    if info.sex and sex and info.sex != sex:
        warnings.append(ValidationError("iin", N_("{field}: its seventh digit gives the other sex.")))
    return None, warnings


# ---- duplicates ---------------------------------------------------------------------------------------------
DUPLICATE_REASONS = {
    "iin": N_("same IIN"),
    "name_birth": N_("same name and birth date"),
    "loose": N_("similar name"),
}


@dataclass(frozen=True)
class Duplicate:
    person: dict
    reason: str  # a key of DUPLICATE_REASONS


def find_duplicates(store: Store, values: dict, exclude_id: str | None = None) -> list[Duplicate]:
    """People who may be the one in `values` (already validated): same IIN; same folded surname+name+birth date;
    or the same loose surname+name (қ/к, ә/а, Latin I for І…) with no conflicting birth date. Pairs the staff
    marked as different people are left out. Never merges anything."""
    found: dict[str, Duplicate] = {}
    iin = values.get("iin")
    if iin:
        for row in store.rows("SELECT * FROM people WHERE iin = ? AND deleted = 0", (iin,)):
            found.setdefault(row["id"], Duplicate(row, "iin"))
    surname, name = text.normalize(values.get("surname")), text.normalize(values.get("name"))
    birth = values.get("birth_date")
    if surname and name:
        # name_loose starts with loose(surname name): an index range scan, then the exact comparison here.
        prefix = text.loose(f"{surname} {name}")
        rows = store.rows(
            "SELECT * FROM people WHERE name_loose >= ? AND name_loose < ? AND deleted = 0",
            (prefix, prefix + "\U0010ffff"),
        )
        for row in rows:
            if text.loose(row["surname"]) != text.loose(surname) or text.loose(row["name"]) != text.loose(
                name
            ):
                continue
            same_fold = text.fold(row["surname"]) == text.fold(surname) and text.fold(
                row["name"]
            ) == text.fold(name)
            if same_fold and birth and row["birth_date"] == birth:
                found.setdefault(row["id"], Duplicate(row, "name_birth"))
            elif not birth or not row["birth_date"] or row["birth_date"] == birth:
                found.setdefault(row["id"], Duplicate(row, "loose"))
    if exclude_id is not None:
        found.pop(exclude_id, None)
    if exclude_id and found:
        for other in distinct_from(store, exclude_id):
            found.pop(other, None)
    order = {"iin": 0, "name_birth": 1, "loose": 2}
    return sorted(found.values(), key=lambda d: (order[d.reason], d.person["name_sort"] or ""))


def distinct_from(store: Store, person_id: str) -> set[str]:
    rows = store.rows(
        "SELECT person_a, person_b FROM people_distinct WHERE (person_a = ? OR person_b = ?) AND deleted = 0",
        (person_id, person_id),
    )
    return {r["person_b"] if r["person_a"] == person_id else r["person_a"] for r in rows}


@requires("records.write")
def mark_distinct(store: Store, person_id: str, other_id: str) -> None:
    """Remembers that staff said these two are different people, so the warning does not ask again."""
    a, b = sorted((person_id, other_id))
    with store.transaction():
        if not store.scalar(
            "SELECT 1 FROM people_distinct WHERE person_a = ? AND person_b = ? AND deleted = 0", (a, b)
        ):
            store.insert("people_distinct", {"person_a": a, "person_b": b})


class DuplicatesFound(ValidationError):
    """A new person looks like people already on file and the user has not said they are different."""

    def __init__(self, duplicates: list[Duplicate]):
        self.duplicates = duplicates
        super().__init__(
            "surname",
            N_("{field}: this person may already be on file; choose the same or a different person."),
        )


class SameIinError(DuplicatesFound):
    """The IIN typed belongs to another live person: one IIN, one person, so the save is blocked (the person on
    file is to be opened instead). `person_id` is that person; `duplicates` lists them."""

    def __init__(self, duplicates: list[Duplicate]):  # DuplicatesFound names "surname"
        ValidationError.__init__(
            self,
            "iin",
            N_("{field}: this IIN belongs to {name}, who is on file already; open that person."),
            name=full_name(duplicates[0].person),
        )
        self.duplicates = duplicates
        self.person_id = duplicates[0].person["id"]


# ---- saving -------------------------------------------------------------------------------------------------
def check_duplicates(
    store: Store,
    clean: dict,
    exclude_id: str | None = None,
    different_from: tuple[str, ...] | list[str] = (),
) -> None:
    """The duplicate check of every place that records a person (`clean` already validated): a possible
    duplicate by name stops the save with DuplicatesFound unless the staff said they are a different person. An
    IIN that belongs to another live person always blocks it (SameIinError): the person on file is to be opened
    instead."""
    waived = set(different_from)
    found = find_duplicates(store, clean, exclude_id=exclude_id)
    same_iin = [d for d in found if d.reason == "iin"]
    if same_iin:
        raise SameIinError(same_iin)
    duplicates = [d for d in found if d.person["id"] not in waived]
    if duplicates:
        raise DuplicatesFound(duplicates)


# A person whose personal data was erased (desktop/erasure.py) is never filled in again.
ERASED = N_("This person's personal data was erased. If they come back, register them as a new person.")


@requires("records.write")
def save_person(
    store: Store,
    values: dict,
    person_id: str | None = None,
    *,
    today: dt.date,
    different_from: tuple[str, ...] | list[str] = (),
    fields: tuple[str, ...] | None = None,
) -> str:
    """Validates and saves (insert or update) one person: the one path of every form that records a person
    (volunteer, recipient, and the new person a picker adds as a group member, leader, attendee or donor).
    Stops with ValidationErrors (each naming its field) or DuplicatesFound (see check_duplicates); the people
    listed in `different_from` are remembered as different people. `fields` limits what is written to the
    fields a form holds (with the phone's country), so a shorter form leaves the others as they are."""
    return save_validated_person(
        store,
        validate_person(values, today),
        person_id,
        today=today,
        different_from=different_from,
        fields=fields,
    )


@requires("records.write")
def save_validated_person(
    store: Store,
    person: CleanPerson,
    person_id: str | None = None,
    *,
    today: dt.date,
    different_from: tuple[str, ...] | list[str] = (),
    fields: tuple[str, ...] | None = None,
) -> str:
    """save_person for values validate_person has already checked (a form that showed its warnings, an import's
    dry run): they are not parsed again, unless they were checked against another day than `today`. The
    duplicate check, the erased-person rule and the writing are save_person's own."""
    if not isinstance(person, CleanPerson) or person.on is None:
        raise TypeError("save_validated_person takes what validate_person returned")
    clean = person.values if person.on == today else validate_person(person.values, today).values
    if fields is not None:
        kept = set(fields) | ({"phone_country"} if "phone" in fields else set())
        clean = {k: v for k, v in clean.items() if k in kept}
    with store.transaction():
        stored = store.get("people", person_id, include_deleted=True) if person_id else None
        if stored is not None and stored["erased_on"]:
            raise ValidationError("surname", ERASED)
        check_duplicates(store, clean, person_id, different_from)
        if person_id is None:
            person_id = store.insert("people", clean)
        else:
            store.update("people", person_id, clean)
        for other in different_from:
            if other != person_id:
                mark_distinct(store, person_id, other)
    return person_id


@requires("records.write")
def create_person(
    store: Store, values: dict, *, today: dt.date, different_from: tuple[str, ...] | list[str] = (), **_task
) -> str:
    """A new person and nothing else: no volunteer record, no other role (a picker's "New person…" saves through
    this, and the form that opened it then links the person: group member, leader, attendee, donor)."""
    return save_person(store, values, today=today, different_from=different_from)


@requires("recipients.find")
def get_person(store: Store, person_id: str) -> dict | None:
    """The person, as the acting role may see them (desktop.roles.mask_person)."""
    row = store.get("people", person_id)
    return None if row is None else mask_rows(store, [row])[0]


def form_values(person: dict) -> dict:
    """A stored person as the form shows it (dates dd.MM.yyyy, languages a list)."""
    values = {f: person.get(f) or "" for f in PERSON_FIELDS}
    if person.get("birth_date"):
        values["birth_date"] = dt.date.fromisoformat(person["birth_date"]).strftime(DATE_FORMAT)
    values["languages"] = json.loads(person.get("languages") or "[]")
    return values


def full_name(person: dict) -> str:
    return " ".join(p for p in (person.get("surname"), person.get("name"), person.get("patronymic")) if p)
