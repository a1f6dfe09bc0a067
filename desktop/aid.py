"""The humanitarian aid point: aid points, the item catalogue, donations received, recipients with consent, aid
given with the double-aid guard, reversals and stock on hand.

Donations, aid given and stock adjustments are ledgers: an entry and all its lines are written in one transaction
(all or nothing), never edited; a correction is a reversal entry that references the original and carries the
negated quantities, so every sum over a ledger is simply a sum.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, overload

import phonenumbers

from desktop import aid_rules, clock, people, reference, text
from desktop.aid_rules import Breach, EarlierAid, Rule
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_, _
from desktop.iin import is_valid_bin, parse_iin
from desktop.store import Store

CONSENT_PURPOSE = "aid_recipient"
CONSENT_FORM_VERSION = "2026-1"
CONSENT_YEARS = 3  # a signed form is valid this long unless withdrawn earlier
ELDERLY_AGE = 60
ADULT_AGE = 18
AGE_BANDS = ("child", "adult", "elderly")
AGE_BAND_LABELS = {
    "child": N_("child (under 18)"),
    "adult": N_("adult"),
    "elderly": N_("elderly (60 and over)"),
}
SEX_LABELS = {"f": N_("female"), "m": N_("male"), "": N_("not stated")}
DONOR_KINDS = ("person", "organisation", "anonymous")
DONOR_KIND_LABELS = {
    "person": N_("a person"),
    "organisation": N_("an organisation"),
    "anonymous": N_("anonymous"),
}

register_field_labels(
    {
        "given_on": N_("Date"),
        "received_on": N_("Date"),
        "adjusted_on": N_("Date"),
        "aid_point_id": N_("Aid point"),
        "programme": N_("Programme"),
        "recipient_id": N_("Recipient"),
        "lines": N_("Items"),
        "item_id": N_("Item"),
        "quantity": N_("Quantity"),
        "value_kzt": N_("Value, ₸"),
        "override_reason": N_("Reason for the override"),
        "reason": N_("Reason"),
        "reverses_id": N_("Entry to reverse"),
        "donor_kind": N_("Donor"),
        "donor_person_id": N_("Donor (person)"),
        "donor_org_name": N_("Organisation"),
        "donor_bin": N_("BIN"),
        "name": N_("Name"),
        "surname": N_("Surname"),
        "birth_date": N_("Birth date"),
        "sex": N_("Sex"),
        "iin": N_("IIN"),
        "phone": N_("Phone"),
        "categories": N_("Categories"),
        "age_band": N_("Age band"),
        "members_count": N_("Household members"),
        "children_count": N_("Children in the household"),
        "household_of": N_("Same household as"),
        "consent_on": N_("Consent date"),
        "expires_on": N_("Consent valid until"),
        "person_id": N_("Person"),
        "name_kk": N_("Name in Kazakh"),
        "name_ru": N_("Name in Russian"),
        "unit": N_("Unit"),
        "item_group": N_("Group"),
        "counted": N_("Counted quantity"),
        "period_days": N_("Number of days"),
        "max_count": N_("Times per period"),
        "scope": N_("Applies"),
        "period": N_("Period"),
    }
)


# ---- small parsing helpers ----------------------------------------------------------------------------------
def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def parse_date(
    value: Any,
    field_name: str,
    *,
    today: dt.date | None = None,
    required: bool = True,
    allow_future: bool = False,
) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(field_name, N_("{field}: enter a date."))
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(field_name, N_("{field}: this is not a date.")) from None
    if not allow_future and value > _today(today):
        raise ValidationError(field_name, N_("{field}: the date is in the future."))
    return value


def parse_quantity(value: Any, line: int, field_name: str = "quantity") -> float:
    """A positive number; '2,5' is accepted as typed on a Russian or Kazakh keyboard."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        raw = (
            str(value if value is not None else "")
            .strip()
            .replace(" ", "")
            .replace("\u00a0", "")
            .replace(",", ".")
        )
        try:
            number = float(raw)
        except ValueError:
            raise ValidationError(
                field_name, N_("Line {line}: the quantity must be a number."), row=line - 1, line=line
            ) from None
    if not math.isfinite(number):
        raise ValidationError(
            field_name, N_("Line {line}: the quantity must be a number."), row=line - 1, line=line
        )
    if number <= 0:
        raise ValidationError(
            field_name, N_("Line {line}: the quantity must be greater than zero."), row=line - 1, line=line
        )
    return number


def _parse_value(value: Any, line: int) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        raise ValidationError(
            "value_kzt", N_("Line {line}: the value must be a number of tenge."), row=line - 1, line=line
        ) from None
    if number < 0 or not math.isfinite(number):
        raise ValidationError(
            "value_kzt", N_("Line {line}: the value cannot be negative."), row=line - 1, line=line
        )
    return number


def _raise_all(errors: list[ValidationError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


@overload
def age_band(birth: dt.date, on: dt.date) -> str: ...
@overload
def age_band(birth: dt.date | None, on: dt.date) -> str | None: ...
def age_band(birth: dt.date | None, on: dt.date) -> str | None:
    if birth is None:
        return None
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return "child" if age < ADULT_AGE else "elderly" if age >= ELDERLY_AGE else "adult"


# ---- aid points -----------------------------------------------------------------------------------------------
def list_aid_points(store: Store, *, include_inactive: bool = False) -> list[dict]:
    sql = "SELECT * FROM aid_points WHERE deleted = 0" + ("" if include_inactive else " AND active = 1")
    return store.rows(sql + " ORDER BY name_sort")


def save_aid_point(store: Store, values: dict, point_id: str | None = None, **_task) -> str:
    values = {k: (text.normalize(v) if isinstance(v, str) else v) for k, v in values.items()}
    if not values.get("name"):
        raise ValidationError("name", N_("{field}: this field is required."))
    with store.transaction():
        if point_id:
            store.update("aid_points", point_id, values)
            return point_id
        return store.insert("aid_points", values)


# ---- the item catalogue -------------------------------------------------------------------------------------
def _items_visible_sql(store: Store) -> tuple[str, list]:
    """Central items (no house) and this house's own."""
    return "deleted = 0 AND (house_id IS NULL OR house_id = ?)", [store.house_id or ""]


def list_items(store: Store, *, include_inactive: bool = False) -> list[dict]:
    where, params = _items_visible_sql(store)
    if not include_inactive:
        where += " AND active = 1"
    return store.rows(f"SELECT * FROM aid_items WHERE {where} ORDER BY name_sort", params)


def item_label(row: dict, lang: str | None = None) -> str:
    return reference.localized(row, lang)


def unit_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "units"))


def search_items(store: Store, query: str, limit: int = 20) -> list[dict]:
    """Items whose kk or ru name contains every typed word (Kazakh letters typed on a Russian keyboard match)."""
    where, params = _items_visible_sql(store)
    where += " AND active = 1"
    for word in text.loose(query).split():
        where += " AND name_loose LIKE ?"
        params.append(f"%{word}%")
    return store.rows(f"SELECT * FROM aid_items WHERE {where} ORDER BY name_sort LIMIT ?", [*params, limit])


def save_item(store: Store, values: dict, item_id: str | None = None, **_task) -> str:
    values = {k: (text.normalize(v) if isinstance(v, str) else v) for k, v in values.items()}
    errors = []
    if not values.get("name_kk") and not values.get("name_ru"):
        errors.append(ValidationError("name_kk", N_("Enter the item's name in Kazakh or Russian.")))
    units = {code for code, _name in reference.names(store.conn, "units")}
    if values.get("unit", "pcs") not in units:
        errors.append(ValidationError("unit", N_("{field}: choose a value from the list.")))
    groups = {code for code, _name in reference.names(store.conn, "item_groups")}
    if values.get("item_group", "other") not in groups:
        errors.append(ValidationError("item_group", N_("{field}: choose a value from the list.")))
    _raise_all(errors)
    with store.transaction():
        if item_id:
            current = store.get("aid_items", item_id)
            if current is None or current["house_id"] is None:
                raise ValidationError("name_kk", N_("Items of the central catalogue are changed centrally."))
            store.update("aid_items", item_id, values)
            return item_id
        return store.insert("aid_items", values)


def _catalogue_item(store: Store, item_id: Any) -> dict | None:
    if not item_id or not isinstance(item_id, str):
        return None
    where, params = _items_visible_sql(store)
    return store.one(f"SELECT * FROM aid_items WHERE id = ? AND active = 1 AND {where}", [item_id, *params])


# ---- entries and their lines ----------------------------------------------------------------------------------
@dataclass
class Line:
    item_id: str
    quantity: Any
    value_kzt: Any = None


@dataclass
class AidEntry:
    given_on: Any
    aid_point_id: str | None
    programme: str | None
    recipient_id: str | None
    lines: list[Line] = field(default_factory=list)
    given_by: str = ""


@dataclass
class DonationEntry:
    received_on: Any
    aid_point_id: str | None
    donor_kind: str = "anonymous"
    lines: list[Line] = field(default_factory=list)
    donor_person_id: str | None = None
    donor_org_name: str = ""
    donor_bin: str = ""
    received_by: str = ""
    notes: str = ""


@dataclass
class SaveResult:
    id: str
    number: str
    # (item label, stock on hand after the save) for every item of the entry whose stock at the point is below zero.
    negative_stock: list[tuple[str, float]] = field(default_factory=list)


def _check_lines(
    store: Store, lines: list[Line], *, with_value: bool = False
) -> list[tuple[str, float, Any]]:
    """Validated (item_id, quantity, value) lines; every bad line is reported at once."""
    errors: list[ValidationError] = []
    checked = []
    if not lines:
        raise ValidationError("lines", N_("Add at least one item."))
    for number, line in enumerate(lines, start=1):
        try:
            if _catalogue_item(store, line.item_id) is None:
                raise ValidationError(
                    "item_id",
                    N_("Line {line}: the item is not in the catalogue."),
                    row=number - 1,
                    line=number,
                )
            quantity = parse_quantity(line.quantity, number)
            value = _parse_value(line.value_kzt, number) if with_value else None
            checked.append((line.item_id, quantity, value))
        except ValidationError as exc:
            errors.append(exc)
    _raise_all(errors)
    return checked


def _check_point(store: Store, point_id: Any) -> None:
    if not point_id:
        raise ValidationError("aid_point_id", N_("{field}: choose a value from the list."))
    if not store.one("SELECT 1 FROM aid_points WHERE id = ? AND deleted = 0", (point_id,)):
        raise ValidationError("aid_point_id", N_("{field}: choose a value from the list."))


# ---- the double-aid guard ------------------------------------------------------------------------------------
class DoubleAidError(ValidationError):
    """The entry breaks a programme rule and no override reason was given. `breaches` lists the earlier aid."""

    def __init__(self, breaches: list[Breach]):
        self.breaches = breaches
        super().__init__(
            "override_reason",
            N_(
                "This recipient already received this programme's aid in the period. To give it again, enter the "
                "reason for the override."
            ),
        )


def programme_rules(store: Store, programme: str) -> list[Rule]:
    rows = store.rows(
        "SELECT * FROM programme_rules WHERE programme = ? AND active = 1 AND deleted = 0 "
        "AND (house_id IS NULL OR house_id = ?)",
        (programme, store.house_id or ""),
    )
    return [Rule.from_row(r) for r in rows]


def _effective_history(store: Store, column: str, key: str, programme: str) -> list[EarlierAid]:
    """Entries of `programme` for this recipient/household that have not been reversed (reversals excluded)."""
    rows = store.rows(
        f"SELECT a.id, a.number, a.given_on, a.given_by, a.recipient_id, a.reverses_id, p.name AS point "
        f"FROM aid_given a LEFT JOIN aid_points p ON p.id = a.aid_point_id "
        f"WHERE a.{column} = ? AND a.programme = ? AND a.deleted = 0",
        (key, programme),
    )
    reversed_ids = {r["reverses_id"] for r in rows if r["reverses_id"]}
    return [
        EarlierAid(
            r["id"],
            r["number"],
            dt.date.fromisoformat(r["given_on"]),
            r["point"] or "",
            r["given_by"] or "",
            r["recipient_id"],
        )
        for r in rows
        if not r["reverses_id"] and r["id"] not in reversed_ids
    ]


def check_double_aid(store: Store, programme: str, recipient_id: str, on: dt.date) -> list[Breach]:
    """The rules of `programme` this recipient would break by receiving it on `on` (empty list: all clear)."""
    rules = programme_rules(store, programme)
    if not rules or not recipient_id:
        return []
    recipient = store.get("recipients", recipient_id)
    if recipient is None:
        return []
    history: dict[str, list[EarlierAid]] = {}
    if any(r.scope == "person" for r in rules):
        history["person"] = _effective_history(store, "recipient_id", recipient_id, programme)
    if any(r.scope == "household" for r in rules):
        if recipient["household_id"]:
            history["household"] = _effective_history(
                store, "household_id", recipient["household_id"], programme
            )
        else:  # a recipient without a household is a household of one
            history["household"] = history.get("person") or _effective_history(
                store, "recipient_id", recipient_id, programme
            )
    return aid_rules.find_breaches(rules, on, history)


# ---- aid given ------------------------------------------------------------------------------------------------
def _programme_exists(store: Store, code: Any) -> bool:
    return bool(code) and bool(store.scalar("SELECT 1 FROM programmes WHERE code = ?", (code,)))


def save_aid(
    store: Store,
    entry: AidEntry,
    *,
    override_reason: str | None = None,
    today: dt.date | None = None,
    **_task,
) -> SaveResult:
    """Validates everything, runs the double-aid guard, then writes the entry and its lines in one transaction."""
    errors: list[ValidationError] = []
    given_on = None
    try:
        given_on = parse_date(entry.given_on, "given_on", today=today)
    except ValidationError as exc:
        errors.append(exc)
    try:
        _check_point(store, entry.aid_point_id)
    except ValidationError as exc:
        errors.append(exc)
    if not _programme_exists(store, entry.programme):
        errors.append(ValidationError("programme", N_("{field}: choose a value from the list.")))
    recipient = store.get("recipients", entry.recipient_id) if entry.recipient_id else None
    if recipient is None:
        errors.append(
            ValidationError("recipient_id", N_("{field}: find the recipient or register a new one."))
        )
    lines: list = []
    try:
        lines = _check_lines(store, entry.lines)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    except ValidationError as exc:
        errors.append(exc)
    _raise_all(errors)
    # Every check above passed (_raise_all raises otherwise), so these are all set.
    assert given_on is not None and recipient is not None
    assert entry.aid_point_id is not None and entry.programme is not None and entry.recipient_id is not None
    reason = text.normalize(override_reason)
    _refresh_stock_cache(store)
    with store.transaction():
        breaches = check_double_aid(store, entry.programme, entry.recipient_id, given_on)
        if breaches and not reason:
            raise DoubleAidError(breaches)
        number = store.next_number("aid")
        aid_id = store.insert(
            "aid_given",
            {
                "number": number,
                "given_on": given_on.isoformat(),
                "aid_point_id": entry.aid_point_id,
                "programme": entry.programme,
                "recipient_id": entry.recipient_id,
                "household_id": recipient["household_id"],
                "given_by": text.normalize(entry.given_by),
                "override_reason": reason if breaches else None,
            },
        )
        for item_id, quantity, _value in lines:
            store.insert("aid_lines", {"aid_id": aid_id, "item_id": item_id, "quantity": quantity})
        if breaches:
            store.audit(
                "aid_override",
                "aid_given",
                aid_id,
                {
                    "reason": reason,
                    "programme": entry.programme,
                    "recipient_id": entry.recipient_id,
                    "earlier": [e.aid_id for b in breaches for e in b.earlier],
                    "rules": [b.rule.id for b in breaches],
                },
            )
        negative = _negative_after(store, entry.aid_point_id, [line[0] for line in lines])
    return SaveResult(aid_id, number, negative)


def _negative_after(store: Store, point_id: str, item_ids: Iterable[str]) -> list[tuple[str, float]]:
    sums = _ledger_sums(store)
    negative = []
    for item_id in dict.fromkeys(item_ids):
        s = sums.get((point_id or "", item_id))
        on_hand = s["donated"] - s["given"] + s["adjusted"] if s else 0.0
        if on_hand < -1e-9:
            negative.append((item_label(store.get("aid_items", item_id) or {}), on_hand))
    return negative


def reverse_aid(
    store: Store, aid_id: str, reason: str, *, today: dt.date | None = None, **_task
) -> SaveResult:
    """A correction: a new entry that references the original and gives back its quantities."""
    return _reverse(
        store, "aid_given", "aid_lines", "aid_id", "aid", aid_id, reason, today, date_field="given_on"
    )


def reverse_donation(
    store: Store, donation_id: str, reason: str, *, today: dt.date | None = None, **_task
) -> SaveResult:
    return _reverse(
        store,
        "donations",
        "donation_lines",
        "donation_id",
        "donation",
        donation_id,
        reason,
        today,
        date_field="received_on",
    )


def _reverse(
    store: Store,
    table: str,
    lines_table: str,
    link: str,
    series: str,
    entry_id: str,
    reason: str,
    today: dt.date | None,
    *,
    date_field: str,
) -> SaveResult:
    reason = text.normalize(reason)
    original = store.get(table, entry_id)
    if original is None:
        raise ValidationError("reverses_id", N_("{field}: the entry does not exist."))
    if original["reverses_id"]:
        raise ValidationError(
            "reverses_id", N_("A reversal cannot itself be reversed; record a new entry instead.")
        )
    if store.scalar(f"SELECT 1 FROM {table} WHERE reverses_id = ? AND deleted = 0", (entry_id,)):
        raise ValidationError("reverses_id", N_("This entry has already been reversed."))
    if not reason:
        raise ValidationError("reason", N_("{field}: this field is required."))
    skip = {"number", date_field, "reverses_id", "reason", "override_reason"}
    from desktop import schema

    copied = {k: original[k] for k in schema.SYNCED_TABLES[table].fields if k not in skip}
    _refresh_stock_cache(store)
    with store.transaction():
        number = store.next_number(series)
        new_id = store.insert(
            table,
            {
                **copied,
                "number": number,
                date_field: _today(today).isoformat(),
                "reverses_id": entry_id,
                "reason": reason,
            },
        )
        lines = store.rows(f"SELECT * FROM {lines_table} WHERE {link} = ? AND deleted = 0", (entry_id,))
        for line in lines:
            values = {k: line[k] for k in schema.SYNCED_TABLES[lines_table].fields}
            values.update({link: new_id, "quantity": -line["quantity"]})
            if "value_kzt" in values and values["value_kzt"] is not None:
                values["value_kzt"] = -values["value_kzt"]
            store.insert(lines_table, values)
        negative = _negative_after(store, original["aid_point_id"], [line["item_id"] for line in lines])
    return SaveResult(new_id, number, negative)


def _lines_summary_sql(lines_table: str, link: str, lang_col: str) -> str:
    return (
        f"(SELECT group_concat(coalesce(nullif(i.{lang_col}, ''), i.name_kk, i.name_ru) || ' × ' || "
        f"printf('%g', abs(l.quantity)), ', ') FROM {lines_table} l JOIN aid_items i ON i.id = l.item_id "
        f"WHERE l.{link} = e.id)"
    )


def _name_col() -> str:
    from desktop.i18n import current_language

    return "name_ru" if current_language() == "ru" else "name_kk"


def list_aid(
    store: Store, *, limit: int = 50, offset: int = 0, recipient_id: str | None = None
) -> list[dict]:
    """Aid entries, newest first, with the recipient's name, the point and a one-line summary of the items."""
    where, params = "e.deleted = 0", []
    if recipient_id:
        where += " AND e.recipient_id = ?"
        params.append(recipient_id)
    rows = store.rows(
        f"SELECT e.*, pt.name AS point_name, {_recipient_name_sql('r', 'p')} AS recipient_name, "
        f"{_lines_summary_sql('aid_lines', 'aid_id', _name_col())} AS items "
        f"FROM aid_given e LEFT JOIN aid_points pt ON pt.id = e.aid_point_id "
        f"LEFT JOIN recipients r ON r.id = e.recipient_id LEFT JOIN people p ON p.id = r.person_id "
        f"WHERE {where} ORDER BY e.given_on DESC, e.created_at DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    # Which of these were corrected: one look-up for the page (reverses_id has no index of its own).
    ids = [r["id"] for r in rows]
    reversed_ids = (
        {
            row["reverses_id"]
            for row in store.rows(
                f"SELECT reverses_id FROM aid_given WHERE reverses_id IN ({', '.join('?' for _ in ids)})", ids
            )
        }
        if ids
        else set()
    )
    for row in rows:
        row["reversed"] = int(row["id"] in reversed_ids)
    return rows


def count_aid(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM aid_given WHERE deleted = 0")


# ---- donations ----------------------------------------------------------------------------------------------
def save_donation(store: Store, entry: DonationEntry, *, today: dt.date | None = None, **_task) -> SaveResult:
    errors: list[ValidationError] = []
    received_on = None
    try:
        received_on = parse_date(entry.received_on, "received_on", today=today)
    except ValidationError as exc:
        errors.append(exc)
    try:
        _check_point(store, entry.aid_point_id)
    except ValidationError as exc:
        errors.append(exc)
    kind = entry.donor_kind
    org_name = text.normalize(entry.donor_org_name)
    bin_digits = text.digits(entry.donor_bin)
    if kind not in DONOR_KINDS:
        errors.append(ValidationError("donor_kind", N_("{field}: choose a value from the list.")))
    elif kind == "person":
        if not entry.donor_person_id or not store.get("people", entry.donor_person_id):
            errors.append(ValidationError("donor_person_id", N_("{field}: find the person in the list.")))
    elif kind == "organisation":
        if not org_name:
            errors.append(ValidationError("donor_org_name", N_("{field}: this field is required.")))
        if (entry.donor_bin or "").strip() and not is_valid_bin(bin_digits):
            errors.append(
                ValidationError(
                    "donor_bin",
                    N_(
                        "{field}: this is not a valid BIN (12 digits, the fifth is 4, 5 or 6, and the check digit must "
                        "match)."
                    ),
                )
            )
    lines: list = []
    try:
        lines = _check_lines(store, entry.lines, with_value=True)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    except ValidationError as exc:
        errors.append(exc)
    _raise_all(errors)
    assert received_on is not None  # parsed, or _raise_all raised
    with store.transaction():
        number = store.next_number("donation")
        donation_id = store.insert(
            "donations",
            {
                "number": number,
                "received_on": received_on.isoformat(),
                "aid_point_id": entry.aid_point_id,
                "donor_kind": kind,
                "donor_person_id": entry.donor_person_id if kind == "person" else None,
                "donor_org_name": org_name if kind == "organisation" else None,
                "donor_bin": bin_digits if kind == "organisation" and bin_digits else None,
                "received_by": text.normalize(entry.received_by),
                "notes": text.normalize(entry.notes) or None,
            },
        )
        for item_id, quantity, value in lines:
            store.insert(
                "donation_lines",
                {"donation_id": donation_id, "item_id": item_id, "quantity": quantity, "value_kzt": value},
            )
    return SaveResult(donation_id, number)


def list_donations(store: Store, *, limit: int = 50, offset: int = 0) -> list[dict]:
    return store.rows(
        f"SELECT e.*, pt.name AS point_name, "
        f"trim(coalesce(p.surname, '') || ' ' || coalesce(p.name, '')) AS donor_person_name, "
        f"(SELECT sum(value_kzt) FROM donation_lines WHERE donation_id = e.id) AS value_kzt, "
        f"{_lines_summary_sql('donation_lines', 'donation_id', _name_col())} AS items, "
        f"EXISTS (SELECT 1 FROM donations x WHERE x.reverses_id = e.id) AS reversed "
        f"FROM donations e LEFT JOIN aid_points pt ON pt.id = e.aid_point_id "
        f"LEFT JOIN people p ON p.id = e.donor_person_id "
        f"WHERE e.deleted = 0 ORDER BY e.received_on DESC, e.created_at DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )


def count_donations(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM donations WHERE deleted = 0")


def donor_label(row: dict) -> str:
    if row["donor_kind"] == "organisation":
        return row["donor_org_name"] + (f" ({_('BIN')} {row['donor_bin']})" if row.get("donor_bin") else "")
    if row["donor_kind"] == "person":
        return row.get("donor_person_name") or ""
    return _("anonymous")


# ---- stock on hand ----------------------------------------------------------------------------------------
@dataclass
class StockRow:
    aid_point_id: str
    point_name: str
    item_id: str
    item_name: str
    unit: str
    item_group: str
    donated: float
    given: float
    adjusted: float

    @property
    def on_hand(self) -> float:
        return self.donated - self.given + self.adjusted

    @property
    def negative(self) -> bool:
        return self.on_hand < -1e-9


# Ledger rows are never changed, only appended, so per-connection sums can be brought up to date by reading only
# the rows added since (rowid above the last one seen). A row count that does not add up (a row replaced, a line
# that arrived before its header) falls back to a full recount.
_SUM_SOURCES = {
    "donated": ("donation_lines", "donations", "donation_id"),
    "given": ("aid_lines", "aid_given", "aid_id"),
}
_stock_cache: weakref.WeakKeyDictionary[Store, dict] = weakref.WeakKeyDictionary()


def _ledger_sums(store: Store) -> dict[tuple[str, str], dict[str, float]]:
    cache = _stock_cache.get(store)
    if cache is None or cache["path"] != store.path:
        cache = {"path": store.path, "sums": {}, "seen": {}}
        _stock_cache[store] = cache
    # Rows written inside an open transaction may still be rolled back (and their rowids reused): count them in
    # this answer but keep them out of the cache.
    keep = not store.in_transaction
    work = (
        cache
        if keep
        else {"sums": {k: dict(v) for k, v in cache["sums"].items()}, "seen": dict(cache["seen"])}
    )
    for kind, (lines, header, link) in _SUM_SOURCES.items():
        last, count = work["seen"].get(kind, (0, 0))
        rows = store.conn.execute(
            f"SELECT l.rowid, h.aid_point_id, l.item_id, l.quantity, h.id IS NULL, l.deleted + coalesce(h.deleted, 0) "
            f"FROM {lines} l LEFT JOIN {header} h ON h.id = l.{link} WHERE l.rowid > ? ORDER BY l.rowid",
            (last,),
        ).fetchall()
        # The row count is checked when the cache is kept; inside a write transaction the cache was brought up to
        # date just before (the caller holds the write lock), so only the entry's own new lines are read.
        now_count = store.scalar(f"SELECT count(*) FROM {lines}") if keep else count + len(rows)
        if count + len(rows) != now_count or any(r[4] for r in rows):
            return _full_sums(store, cache if keep else {"sums": {}, "seen": {}}, keep=keep)
        for rowid, point, item, quantity, _orphan, deleted in rows:
            if not deleted:
                bucket = work["sums"].setdefault(
                    (point or "", item), {"donated": 0.0, "given": 0.0, "adjusted": 0.0}
                )
                bucket[kind] += quantity
            last = rowid
        work["seen"][kind] = (last, now_count)
    # Adjustments carry the point on the row itself and are few: they are summed afresh.
    return _with_adjustments(store, work["sums"])


def _full_sums(store: Store, cache: dict, *, keep: bool = True) -> dict:
    cache["sums"], cache["seen"] = {}, {}
    complete = True
    for kind, (lines, header, link) in _SUM_SOURCES.items():
        last = store.scalar(f"SELECT max(rowid) FROM {lines}") or 0
        count = store.scalar(f"SELECT count(*) FROM {lines} WHERE rowid <= ?", (last,))
        joined = 0
        for point, item, quantity, lines_count in store.conn.execute(
            f"SELECT h.aid_point_id, l.item_id, "
            f"sum(CASE WHEN l.deleted = 0 AND h.deleted = 0 THEN l.quantity ELSE 0 END), count(*) "
            f"FROM {lines} l JOIN {header} h ON h.id = l.{link} WHERE l.rowid <= ? "
            f"GROUP BY h.aid_point_id, l.item_id",
            (last,),
        ):
            joined += lines_count
            bucket = cache["sums"].setdefault(
                (point or "", item), {"donated": 0.0, "given": 0.0, "adjusted": 0.0}
            )
            bucket[kind] += quantity
        # A line whose header has not arrived yet (sync pages) is missing from the join: recount next time, so it
        # is counted once the header is there.
        complete = complete and joined == count
        cache["seen"][kind] = (last, count)
    sums = cache["sums"]
    if keep and not complete:
        _stock_cache.pop(store, None)
    return _with_adjustments(store, sums)


def _with_adjustments(store: Store, sums: dict) -> dict:
    result = {key: dict(v, adjusted=0.0) for key, v in sums.items()}
    for row in store.rows(
        "SELECT aid_point_id, item_id, sum(quantity) AS q FROM stock_adjustments "
        "WHERE deleted = 0 GROUP BY aid_point_id, item_id"
    ):
        key = (row["aid_point_id"] or "", row["item_id"])
        result.setdefault(key, {"donated": 0.0, "given": 0.0, "adjusted": 0.0})["adjusted"] = row["q"]
    return result


def stock_on_hand(
    store: Store, aid_point_id: str | None = None, *, all_items: bool = False
) -> list[StockRow]:
    """Stock per point and item = donations − aid given ± adjustments. Negative stock is reported as is.
    With `all_items`, catalogue items with no movement at a point are listed with zero."""
    sums = _ledger_sums(store)
    points = {p["id"]: p["name"] for p in list_aid_points(store, include_inactive=True)}
    items = {i["id"]: i for i in list_items(store, include_inactive=True)}
    units = unit_names(store)
    keys = set(sums)
    if all_items:
        keys |= {(p, i) for p in points for i, row in items.items() if row["active"]}
    result = []
    for point_id, item_id in keys:
        if aid_point_id and point_id != aid_point_id:
            continue
        item = (
            items.get(item_id)
            or store.get("aid_items", item_id)
            or {"name_kk": item_id, "unit": "", "item_group": ""}
        )
        s = sums.get((point_id, item_id), {"donated": 0.0, "given": 0.0, "adjusted": 0.0})
        result.append(
            StockRow(
                point_id,
                points.get(point_id, ""),
                item_id,
                item_label(item),
                units.get(item["unit"], item["unit"]),
                item["item_group"],
                s["donated"],
                s["given"],
                s["adjusted"],
            )
        )
    result.sort(key=lambda r: (text.sort_key(r.point_name), text.sort_key(r.item_name)))
    return result


def _refresh_stock_cache(store: Store) -> None:
    """Brings the cached sums up to date before a write transaction, so the checks inside it only read the
    entry's own new lines."""
    if not store.in_transaction:
        _ledger_sums(store)


def stock_of(store: Store, aid_point_id: str, item_id: str) -> float:
    """On hand of one item at one point (sees the caller's uncommitted writes inside a transaction)."""
    sums = _ledger_sums(store).get((aid_point_id or "", item_id))
    return sums["donated"] - sums["given"] + sums["adjusted"] if sums else 0.0


def record_stock_take(
    store: Store,
    aid_point_id: str,
    item_id: str,
    counted: Any,
    reason: str,
    *,
    adjusted_on: Any = None,
    adjusted_by: str = "",
    today: dt.date | None = None,
    **_task,
) -> str | None:
    """A stock-take: the counted quantity replaces the computed one through an adjustment entry with a reason.
    Returns the adjustment id, or None when the count matches the books."""
    errors: list[ValidationError] = []
    on = None
    try:
        on = parse_date(adjusted_on or _today(today), "adjusted_on", today=today)
    except ValidationError as exc:
        errors.append(exc)
    try:
        _check_point(store, aid_point_id)
    except ValidationError as exc:
        errors.append(exc)
    if _catalogue_item(store, item_id) is None:
        errors.append(ValidationError("item_id", N_("{field}: the item is not in the catalogue.")))
    count = None
    raw = str(counted if counted is not None else "").strip().replace(",", ".")
    try:
        count = float(raw)
        if count < 0 or not math.isfinite(count):
            raise ValueError
    except ValueError:
        errors.append(ValidationError("counted", N_("{field}: enter the counted quantity (zero or more).")))
    reason = text.normalize(reason)
    if not reason:
        errors.append(ValidationError("reason", N_("{field}: this field is required.")))
    _raise_all(errors)
    assert on is not None and count is not None  # parsed, or _raise_all raised
    with store.transaction():
        delta = count - stock_of(store, aid_point_id, item_id)
        if abs(delta) < 1e-9:
            return None
        return store.insert(
            "stock_adjustments",
            {
                "adjusted_on": on.isoformat(),
                "aid_point_id": aid_point_id,
                "item_id": item_id,
                "quantity": delta,
                "adjusted_by": text.normalize(adjusted_by),
                "reason": reason,
            },
        )


# ---- recipients and consent ----------------------------------------------------------------------------------
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
    form_version: str = CONSENT_FORM_VERSION
    expires_on: Any = None
    by_guardian: bool = False
    guardian_name: str = ""
    notes: str = ""
    household_of: str | None = None  # another recipient whose household this one belongs to


def _count(value: Any, field_name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(field_name, N_("{field}: enter a whole number.")) from None
    if number < 0:
        raise ValidationError(field_name, N_("{field}: the number cannot be negative."))
    return number


def _check_categories(store: Store, categories: list[str]) -> list[str]:
    known = {code for code, _name in reference.names(store.conn, "recipient_categories")}
    if any(c not in known for c in categories):
        raise ValidationError("categories", N_("{field}: choose a value from the list."))
    return list(dict.fromkeys(categories))


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
    consent_on = expires_on = None
    if data.consent:
        consent_on = attempt(parse_date, data.consent_on or today, "consent_on", today=today)
        expires_on = attempt(parse_date, data.expires_on, "expires_on", required=False, allow_future=True)
        if consent_on and not data.expires_on:
            expires_on = _add_years(consent_on, CONSENT_YEARS)
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
            if current and current["person_id"]:
                person_id = current["person_id"]
                store.update("people", person_id, person_values)
            else:
                person_id = store.insert("people", person_values)
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
        if data.consent and person_id and consent_status(store, person_id, today)["state"] != "active":
            assert consent_on is not None  # parsed when data.consent, or _raise_all raised
            store.insert(
                "consents",
                {
                    "person_id": person_id,
                    "purpose": CONSENT_PURPOSE,
                    "form_version": data.form_version,
                    "given_on": consent_on.isoformat(),
                    "expires_on": expires_on.isoformat() if expires_on else None,
                    "by_guardian": bool(data.by_guardian),
                    "guardian_name": text.normalize(data.guardian_name) or None,
                },
            )
    return recipient_id


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person_values(data: RecipientInput, today: dt.date) -> tuple[dict[str, Any], dt.date | None]:
    errors = []
    surname, name = text.normalize(data.surname), text.normalize(data.name)
    if not name:
        errors.append(ValidationError("name", N_("{field}: this field is required.")))
    if not surname:
        errors.append(ValidationError("surname", N_("{field}: this field is required.")))
    birth = None
    try:
        birth = parse_date(data.birth_date, "birth_date", today=today, required=False)
    except ValidationError as exc:
        errors.append(exc)
    iin = text.digits(data.iin)
    if (data.iin or "").strip() and not parse_iin(iin).valid:
        errors.append(
            ValidationError(
                "iin", N_("{field}: this is not a valid IIN (12 digits with a matching check digit).")
            )
        )
    phone = None
    if (data.phone or "").strip():
        try:
            parsed = phonenumbers.parse(data.phone, "KZ")
            if not phonenumbers.is_valid_number(parsed):
                raise phonenumbers.NumberParseException(0, "invalid")
            phone = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            errors.append(ValidationError("phone", N_("{field}: this is not a valid phone number.")))
    _raise_all(errors)
    values = {
        "surname": surname,
        "name": name,
        "patronymic": text.normalize(data.patronymic),
        "birth_date": birth.isoformat() if birth else None,
        "sex": data.sex if data.sex in ("f", "m") else "",
        "iin": iin or None,
        "phone": phone,
        "locality": text.normalize(data.locality) or None,
        "address": text.normalize(data.address) or None,
    }
    return values, birth


def consent_status(store: Store, person_id: str | None, today: dt.date | None = None) -> dict:
    """{'state': 'active'|'expired'|'withdrawn'|'none', 'row': latest consent or None}."""
    if not person_id:
        return {"state": "none", "row": None}
    row = store.one(
        "SELECT * FROM consents WHERE person_id = ? AND purpose = ? AND deleted = 0 "
        "ORDER BY given_on DESC, created_at DESC LIMIT 1",
        (person_id, CONSENT_PURPOSE),
    )
    if row is None:
        return {"state": "none", "row": None}
    if row["withdrawn_on"]:
        return {"state": "withdrawn", "row": row}
    if row["expires_on"] and row["expires_on"] < _today(today).isoformat():
        return {"state": "expired", "row": row}
    return {"state": "active", "row": row}


def withdraw_consent(
    store: Store, recipient_id: str, note: str = "", *, today: dt.date | None = None, **_task
) -> None:
    """The person withdrew consent: the consent is marked withdrawn and the recipient becomes anonymous (the aid
    history stays, counted, without the link to the person)."""
    recipient = store.get("recipients", recipient_id)
    if recipient is None or not recipient["person_id"]:
        raise ValidationError("person_id", N_("This recipient has no consent to withdraw."))
    with store.transaction():
        status = consent_status(store, recipient["person_id"], today)
        if status["row"] and not status["row"]["withdrawn_on"]:
            store.update("consents", status["row"]["id"], {"withdrawn_on": _today(today).isoformat()})
        store.update(
            "recipients", recipient_id, {"person_id": None, "anonymous": 1, "locality": None, "notes": None}
        )
        store.audit("consent_withdrawn", "recipients", recipient_id, {"note": text.normalize(note)})


def _recipient_name_sql(r: str, p: str) -> str:
    return (
        f"CASE WHEN {r}.person_id IS NULL THEN NULL ELSE trim({p}.surname || ' ' || {p}.name || ' ' || "
        f"coalesce({p}.patronymic, '')) END"
    )


def search_recipients(store: Store, query: str, limit: int = 10) -> list[dict]:
    """Recipients whose person matches what is typed, by the rules of desktop.people (Kazakh-aware name words,
    IIN or phone digits)."""
    found = people.search_filter(query)
    if found.empty:
        return []
    condition, params = found.clause()
    return store.rows(
        f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name, p.birth_date, p.iin, p.phone "
        f"FROM recipients r JOIN people p ON p.id = r.person_id WHERE r.deleted = 0 AND p.deleted = 0 "
        f"AND {condition} ORDER BY p.name_sort LIMIT ?",
        [*params, limit],
    )


def search_people(store: Store, query: str, limit: int = 10) -> list[dict]:
    """People (any role), for picking a donor or registering an existing person as a recipient."""
    if not (query or "").strip():
        return []
    rows = people.search_people(store, query, limit=limit)
    for row in rows:
        row["display_name"] = " ".join(p for p in (row["surname"], row["name"], row["patronymic"]) if p)
    return rows


def list_recipients(store: Store, query: str = "", *, limit: int = 100, offset: int = 0) -> list[dict]:
    """Recipients with their last aid date: named ones by name, anonymous ones after them."""
    where, params = ["r.deleted = 0"], []
    for word in text.loose(query).split():
        where.append("p.name_loose LIKE ?")
        params.append(f"%{word}%")
    return store.rows(
        f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name, p.birth_date, "
        f"(SELECT max(given_on) FROM aid_given a WHERE a.recipient_id = r.id AND a.reverses_id IS NULL) AS last_aid, "
        f"(SELECT count(*) FROM aid_given a WHERE a.recipient_id = r.id AND a.reverses_id IS NULL) AS aid_count "
        f"FROM recipients r LEFT JOIN people p ON p.id = r.person_id AND p.deleted = 0 WHERE {' AND '.join(where)} "
        f"ORDER BY r.person_id IS NULL, p.name_sort, r.created_at LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def count_recipients(store: Store, query: str = "") -> int:
    where, params = ["r.deleted = 0"], []
    for word in text.loose(query).split():
        where.append("p.name_loose LIKE ?")
        params.append(f"%{word}%")
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
    names = category_names(store)
    return {
        "recipient": recipient,
        "label": recipient_label(store, recipient),
        "categories": [names.get(c, c) for c in _json_list(recipient["categories"])],
        "household": household,
        "consent": consent_status(store, recipient["person_id"], today),
        "history": list_aid(store, recipient_id=recipient_id, limit=500),
    }


def programme_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "programmes"))


# ---- programme rules ----------------------------------------------------------------------------------------
def list_rules(store: Store) -> list[dict]:
    return store.rows(
        "SELECT * FROM programme_rules WHERE deleted = 0 AND (house_id IS NULL OR house_id = ?) "
        "ORDER BY programme, house_id IS NOT NULL",
        (store.house_id or "",),
    )


def save_rule(store: Store, values: dict, rule_id: str | None = None, **_task) -> str:
    errors = []
    if not _programme_exists(store, values.get("programme")):
        errors.append(ValidationError("programme", N_("{field}: choose a value from the list.")))
    if values.get("scope") not in aid_rules.SCOPES:
        errors.append(ValidationError("scope", N_("{field}: choose a value from the list.")))
    if values.get("period") not in aid_rules.PERIODS:
        errors.append(ValidationError("period", N_("{field}: choose a value from the list.")))
    try:
        max_count = _count(values.get("max_count"), "max_count")
        if not max_count:
            raise ValidationError("max_count", N_("{field}: must be at least 1."))
        values["max_count"] = max_count
    except ValidationError as exc:
        errors.append(exc)
    if values.get("period") == "days":
        try:
            days = _count(values.get("period_days"), "period_days")
            if not days:
                raise ValidationError("period_days", N_("{field}: must be at least 1."))
            values["period_days"] = days
        except ValidationError as exc:
            errors.append(exc)
    else:
        values["period_days"] = None
    _raise_all(errors)
    with store.transaction():
        if rule_id:
            current = store.get("programme_rules", rule_id)
            if current is None or current["house_id"] is None:
                raise ValidationError("programme", N_("Central rules are changed centrally."))
            store.update("programme_rules", rule_id, values)
            return rule_id
        return store.insert("programme_rules", values)


def rule_text(rule: Rule | dict) -> str:
    """'at most 1 time per person per calendar month' in the interface language."""
    if isinstance(rule, dict):
        rule = Rule.from_row(rule)
    from desktop.i18n import ngettext

    period = _(aid_rules.PERIOD_LABELS[rule.period]).format(days=rule.period_days or 0)
    times = ngettext("at most {count} time", "at most {count} times", rule.max_count).format(
        count=rule.max_count
    )
    return _("{times} {scope}, {period}").format(
        times=times, scope=_(aid_rules.SCOPE_LABELS[rule.scope]), period=period
    )
