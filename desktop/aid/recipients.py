"""Recipients: registration with or without consent (an anonymous recipient keeps no personal data), households,
consent and its withdrawal, search, the display label and the recipient card."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop import consents, erasure, people, people_search, reference, text
from desktop.aid._common import _count, _raise_all, _recipient_name_sql, _today
from desktop.aid.ledger import list_aid
from desktop.errors import ValidationError, ValidationErrors
from desktop.i18n import N_, _
from desktop.periods import AGE_BANDS, age_band
from desktop.roles import actor_of, mask_rows, require, requires
from desktop.store import Store

CONSENT_PURPOSE = consents.AID_RECIPIENT
CONSENT_FORM_VERSION = consents.PRINTED_FORM_VERSION  # the version of the form desktop/consent_form.py prints
CONSENT_YEARS = 3  # a signed form is valid this long unless withdrawn earlier


AGE_BAND_LABELS = {
    "child": N_("child (under 18)"),
    "adult": N_("adult"),
    "elderly": N_("elderly (60 and over)"),
}
SEX_LABELS = {"f": N_("female"), "m": N_("male"), "": N_("not stated")}


@dataclass
class RecipientInput:
    consent: bool = False
    person_id: str | None = None  # an existing person; otherwise the person fields below make a new one
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: Any = None
    sex: str = ""
    iin: str = ""
    phone: str = ""
    locality: str = ""
    address: str = ""
    categories: list[str] = field(default_factory=list)
    age_band: str | None = None  # for an anonymous recipient
    members_count: Any = None
    children_count: Any = None
    consent_on: Any = None
    form_version: str = ""  # as entered, or the printed form's version once it is marked signed
    expires_on: Any = None
    by_guardian: bool = False
    guardian_name: str = ""
    notes: str = ""
    household_of: str | None = None  # another recipient whose household this one belongs to
    # People the staff said are not this one (after the duplicate prompt); a person with the same IIN is never
    # "someone else": pick them in the search instead (people.check_duplicates).
    different_from: tuple[str, ...] = ()


# The person fields the recipient form holds; saving it leaves the person's other fields as they are.
RECIPIENT_PERSON_FIELDS = (
    "surname",
    "name",
    "patronymic",
    "birth_date",
    "sex",
    "iin",
    "phone",
    "locality",
    "address",
)


def _check_categories(store: Store, categories: list[str]) -> list[str]:
    known = {code for code, _name in reference.names(store.conn, "recipient_categories")}
    if any(c not in known for c in categories):
        raise ValidationError("categories", N_("{field}: choose a value from the list."))
    return list(dict.fromkeys(categories))


@requires("aid.give")
def save_recipient(
    store: Store,
    data: RecipientInput,
    recipient_id: str | None = None,
    *,
    today: dt.date | None = None,
    **_task,
) -> str:
    """Registers (or updates) a recipient. Without consent nothing personal is kept: no person, no locality,
    only the categories, sex and age band (an anonymous recipient)."""
    if recipient_id is not None:
        # Registering at the aid desk is open to every role; changing a recipient's record is not.
        require(actor_of(store), "records.write")
    today = _today(today)
    errors: list[ValidationError] = []

    def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationErrors as exc:
            errors.extend(exc.errors)
        except ValidationError as exc:
            errors.append(exc)

    categories = attempt(_check_categories, store, data.categories) or []
    members = attempt(_count, data.members_count, "members_count")
    children = attempt(_count, data.children_count, "children_count")
    if members is not None and children is not None and children > members:
        errors.append(
            ValidationError("children_count", N_("{field}: cannot be more than the household members."))
        )
    sex = data.sex if data.sex in ("f", "m") else ""
    person_values: dict[str, Any] = {}
    birth = None
    given: consents.GivenConsent | None = None
    if data.consent:
        given = attempt(
            consents.validate,
            data.consent_on,
            data.form_version,
            expires_on=data.expires_on,
            by_guardian=data.by_guardian,
            guardian_name=data.guardian_name,
            fields=("consent_on", "form_version"),
            today=today,
        )
        if given is not None and given.expires_on is None:
            given = dataclasses.replace(given, expires_on=_add_years(given.given_on, CONSENT_YEARS))
        if data.person_id:
            person = store.get("people", data.person_id)
            if person is None:
                errors.append(ValidationError("person_id", N_("{field}: find the person in the list.")))
            else:
                sex = person["sex"] or sex
                birth = dt.date.fromisoformat(person["birth_date"]) if person["birth_date"] else None
        else:
            found = attempt(_person_values, data, today)
            if found:
                person_values, birth = found
            sex = person_values.get("sex", sex)
        band = age_band(birth, today) if (data.person_id or person_values) else None
        band = band or data.age_band
    else:
        band = data.age_band if data.age_band in AGE_BANDS else None
    if data.household_of and (
        data.household_of == recipient_id or not store.get("recipients", data.household_of)
    ):
        errors.append(ValidationError("household_of", N_("{field}: find the recipient in the list.")))
    if data.age_band and data.age_band not in AGE_BANDS:
        errors.append(ValidationError("age_band", N_("{field}: choose a value from the list.")))
    _raise_all(errors)

    with store.transaction():
        current = store.get("recipients", recipient_id) if recipient_id else None
        person_id = data.person_id if data.consent else None
        if data.consent and not person_id:
            # The one person path (people.save_person): the person rules and the duplicate check.
            own = current["person_id"] if current and current["person_id"] else None
            person_id = people.save_person(
                store,
                person_values,
                own,
                today=today,
                different_from=data.different_from,
                fields=RECIPIENT_PERSON_FIELDS,
            )
        if person_id and not current:
            existing = store.scalar(
                "SELECT id FROM recipients WHERE person_id = ? AND deleted = 0", (person_id,)
            )
            if existing:
                raise ValidationError("person_id", N_("This person is already registered as a recipient."))
        household_id = current["household_id"] if current else None
        counts = {
            k: v for k, v in (("members_count", members), ("children_count", children)) if v is not None
        }
        if data.household_of:
            # Joins the household of another recipient (made for both now if they had none).
            other = store.get("recipients", data.household_of)
            assert other is not None  # checked before the transaction
            household_id = other["household_id"]
            if not household_id:
                household_id = store.insert("households", {"head_person_id": other["person_id"], **counts})
                store.update("recipients", other["id"], {"household_id": household_id})
        if household_id and counts:
            store.update("households", household_id, counts)
        elif not household_id and counts:
            household_id = store.insert(
                "households",
                {
                    **counts,
                    "head_person_id": person_id,
                    "locality": text.normalize(data.locality) if data.consent else None,
                },
            )
        values = {
            "person_id": person_id,
            "household_id": household_id,
            "categories": categories,
            "locality": text.normalize(data.locality) if data.consent else None,
            "sex": sex,
            "age_band": band,
            "anonymous": 0 if data.consent else 1,
            "notes": text.normalize(data.notes) if data.consent else None,
        }
        if current and recipient_id:
            store.update("recipients", recipient_id, values)
        else:
            recipient_id = store.insert("recipients", values)
        if data.consent and person_id:
            assert given is not None  # validated when data.consent, or _raise_all raised
            consents.give(store, person_id, CONSENT_PURPOSE, given)
    return recipient_id


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person_values(data: RecipientInput, today: dt.date) -> tuple[dict[str, Any], dt.date | None]:
    """The recipient's person as typed, checked by the one person rule (people.validate_person: names, birth date,
    IIN check digit, phone) before anything is written, and their birth date."""
    birth = data.birth_date
    values = {
        "surname": data.surname,
        "name": data.name,
        "patronymic": data.patronymic,
        "birth_date": birth.isoformat() if isinstance(birth, dt.date) else (birth or ""),
        "sex": data.sex if data.sex in ("f", "m") else "",
        "iin": data.iin,
        "phone": data.phone,
        "locality": data.locality,
        "address": data.address,
    }
    clean = people.validate_person(values, today).values
    born = dt.date.fromisoformat(clean["birth_date"]) if clean.get("birth_date") else None
    return values, born


def consent_status(store: Store, person_id: str | None, today: dt.date | None = None) -> dict:
    """{'state': 'active'|'expired'|'withdrawn'|'none', 'row': the consent given, or None} (desktop.consents)."""
    found = consents.status(store, person_id, CONSENT_PURPOSE, today)
    return {"state": found.state, "row": found.row}


@requires("records.write")
def withdraw_consent(
    store: Store, recipient_id: str, note: str = "", *, today: dt.date | None = None, **_task
) -> None:
    """The person withdrew consent: the withdrawal is recorded and the recipient becomes anonymous (the aid
    history stays, counted, without the link to the person). When it was the person's last consent in force,
    their personal data is erased (desktop/erasure.py)."""
    recipient = store.get("recipients", recipient_id)
    if recipient is None or not recipient["person_id"]:
        raise ValidationError("person_id", N_("This recipient has no consent to withdraw."))
    with store.transaction():
        erasure.withdraw(store, recipient["person_id"], CONSENT_PURPOSE, _today(today), note)
        store.update(
            "recipients", recipient_id, {"person_id": None, "anonymous": 1, "locality": None, "notes": None}
        )
        store.audit("consent_withdrawn", "recipients", recipient_id, {"note": text.normalize(note)})


@requires("recipients.find")
def search_recipients(store: Store, query: str, limit: int = 10) -> list[dict]:
    """Recipients whose person matches what is typed, by the rules of desktop.people (Kazakh-aware name words,
    IIN or phone digits)."""
    found = people_search.search_filter(query)
    if found.empty:
        return []
    condition, params = found.clause()
    return mask_rows(
        store,
        store.rows(
            f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name, p.birth_date, p.iin, p.phone "
            f"FROM recipients r JOIN people p ON p.id = r.person_id WHERE r.deleted = 0 AND p.deleted = 0 "
            f"AND {condition} ORDER BY p.name_sort LIMIT ?",
            [*params, limit],
        ),
    )


@requires("recipients.find")
def search_people(store: Store, query: str, limit: int = 10) -> list[dict]:
    """People (any role), for picking a donor or registering an existing person as a recipient."""
    if not (query or "").strip():
        return []
    rows = people_search.search_people(store, query, limit=limit)
    for row in rows:
        row["display_name"] = " ".join(p for p in (row["surname"], row["name"], row["patronymic"]) if p)
    return rows


@requires("recipients.find")
def list_recipients(store: Store, query: str = "", *, limit: int = 100, offset: int = 0) -> list[dict]:
    """Recipients with their last aid date: named ones by name, anonymous ones after them."""
    where: list[str] = ["r.deleted = 0"]
    params: list = []
    found = people_search.search_filter(query)
    if not found.empty:  # the name search of every list: parts of names, Latin spellings, IIN/phone digits
        condition, values = found.clause()
        where.append(condition)
        params.extend(values)
    return store.rows(
        f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name, p.birth_date, "
        f"(SELECT max(given_on) FROM aid_given a WHERE a.recipient_id = r.id AND a.reverses_id IS NULL) AS last_aid, "
        f"(SELECT count(*) FROM aid_given a WHERE a.recipient_id = r.id AND a.reverses_id IS NULL) AS aid_count "
        f"FROM recipients r LEFT JOIN people p ON p.id = r.person_id AND p.deleted = 0 WHERE {' AND '.join(where)} "
        f"ORDER BY r.person_id IS NULL, p.name_sort, r.created_at LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


@requires("recipients.find")
def count_recipients(store: Store, query: str = "") -> int:
    where: list[str] = ["r.deleted = 0"]
    params: list = []
    found = people_search.search_filter(query)
    if not found.empty:  # the name search of every list: parts of names, Latin spellings, IIN/phone digits
        condition, values = found.clause()
        where.append(condition)
        params.extend(values)
    return store.scalar(
        f"SELECT count(*) FROM recipients r LEFT JOIN people p ON p.id = r.person_id "
        f"WHERE {' AND '.join(where)}",
        params,
    )


def category_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "recipient_categories"))


def reference_names(store: Store, table: str, lang: str | None = None) -> dict[str, str]:
    """{code: name} of a reference table (programmes, units, item_groups, recipient_categories…), in its order."""
    return dict(reference.names(store.conn, table, lang))


def recipient_label(store: Store, row: dict) -> str:
    """The name, or for an anonymous recipient 'Anonymous: categories, sex, age band'."""
    return recipient_label_with(row, {} if row.get("display_name") else category_names(store))


def recipient_label_with(row: dict, names: dict[str, str]) -> str:
    """recipient_label with the category names already read (a screen that shows many rows)."""
    if row.get("display_name"):
        return row["display_name"]
    cats = [names.get(c, c) for c in _json_list(row.get("categories"))]
    parts = [", ".join(cats)] if cats else []
    sex_label, band_label = (
        SEX_LABELS.get(row.get("sex") or ""),
        AGE_BAND_LABELS.get(row.get("age_band") or ""),
    )
    if row.get("sex") and sex_label:
        parts.append(_(sex_label))
    if band_label:
        parts.append(_(band_label))
    return _("Anonymous") + (": " + "; ".join(parts) if parts else "")


def _json_list(value: Any) -> list:
    import json

    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value or "[]")
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


@requires("recipients.find")
def recipient_card(store: Store, recipient_id: str, today: dt.date | None = None) -> dict | None:
    """Everything the recipient card shows: the person (if consented), household, categories, consent, history."""
    recipient = store.one(
        f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name, p.birth_date, p.iin, p.phone, p.address, "
        f"p.sex AS person_sex FROM recipients r LEFT JOIN people p ON p.id = r.person_id WHERE r.id = ?",
        (recipient_id,),
    )
    if recipient is None:
        return None
    household = store.get("households", recipient["household_id"]) if recipient["household_id"] else None
    [recipient] = mask_rows(store, [recipient])
    if household is not None:
        [household] = mask_rows(store, [household])
    names = category_names(store)
    return {
        "recipient": recipient,
        "label": recipient_label(store, recipient),
        "categories": [names.get(c, c) for c in _json_list(recipient["categories"])],
        "household": household,
        "consent": consent_status(store, recipient["person_id"], today),
        "history": list_aid(store, recipient_id=recipient_id, limit=500),
    }
