"""The aid given ledger: entries and their lines, numbered receipts, the double-aid guard at saving, and
reversals (of aid and of donations alike).

Donations, aid given and stock adjustments are ledgers: an entry and all its lines are written in one transaction
(all or nothing), never edited; a correction is a reversal entry that references the original and carries the
negated quantities, so every sum over a ledger is simply a sum.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from desktop import bilingual, text
from desktop.aid._common import _raise_all, _recipient_name_sql, _today, parse_date
from desktop.aid.catalogue import (
    _catalogue_item,
    _check_point,
    _programme_exists,
    item_label,
    programme_names,
)
from desktop.aid.eligibility import age_range, check_age
from desktop.aid.guard import DoubleAidError, check_double_aid
from desktop.aid.override import OverrideNeeded, Problems, Shortage, check_reason
from desktop.aid.stock import _negative_after, _on_hand, _refresh_stock_cache
from desktop.errors import ValidationError, ValidationErrors
from desktop.i18n import N_
from desktop.roles import actor_of, require, requires
from desktop.store import Store


@dataclass
class Line:
    item_id: str
    quantity: Any
    value_kzt: Any = None


@dataclass
class SaveResult:
    id: str
    number: str
    # (item names, stock on hand after the save) for every item of the entry whose stock at the point is below
    # zero; the names by language ({"name_kk", "name_ru"}), so a message about them follows a language switch.
    negative_items: list[tuple[dict, float]] = field(default_factory=list)

    @property
    def negative_stock(self) -> list[tuple[str, float]]:
        """(item label in the interface language, on hand) of the items now below zero."""
        return [(item_label(names), on_hand) for names, on_hand in self.negative_items]


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


@dataclass
class AidEntry:
    given_on: Any
    aid_point_id: str | None
    programme: str | None
    recipient_id: str | None
    lines: list[Line] = field(default_factory=list)
    given_by: str = ""


@requires("aid.give")
def save_aid(
    store: Store,
    entry: AidEntry,
    *,
    override_reason: str | None = None,
    today: dt.date | None = None,
    **_task,
) -> SaveResult:
    """Validates everything, then, inside the write transaction and before anything is written, finds what needs an
    override (the double-aid guard, stock short at the point, the programme's ages): without a valid reason it
    refuses with `OverrideNeeded` (`DoubleAidError` when only the guard spoke) and nothing is written; with one, the
    account must hold `aid.override`, and the entry, its lines and the audit of the override are written at once."""
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
    _refresh_stock_cache(store)
    with store.transaction():
        problems = _find_problems(store, entry, recipient, given_on, lines)
        reason = None
        if problems:
            if not text.normalize(override_reason):
                raise _override_needed(store, entry, problems)
            reason = check_reason(override_reason)
            require(actor_of(store), "aid.override")
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
                "override_reason": reason,
            },
        )
        for item_id, quantity, _value in lines:
            store.insert("aid_lines", {"aid_id": aid_id, "item_id": item_id, "quantity": quantity})
        if problems:
            store.audit(
                "aid_override",
                "aid_given",
                aid_id,
                {
                    "reason": reason,
                    "programme": entry.programme,
                    "recipient_id": entry.recipient_id,
                    "earlier": [e.aid_id for b in problems.breaches for e in b.earlier],
                    "rules": [b.rule.id for b in problems.breaches],
                    "short": [
                        {"item_id": s.item_id, "asked": s.asked, "on_hand": s.on_hand}
                        for s in problems.shortages
                    ],
                    "ages": (
                        [problems.ineligible.youngest, problems.ineligible.oldest]
                        if problems.ineligible
                        else None
                    ),
                },
            )
        negative = _negative_after(store, entry.aid_point_id, [line[0] for line in lines])
    return SaveResult(aid_id, number, negative)


def _find_problems(
    store: Store, entry: AidEntry, recipient: dict, given_on: dt.date, lines: list[tuple[str, float, Any]]
) -> Problems:
    """What the entry needs an override for; reads only (runs inside the save's transaction, before its writes)."""
    assert entry.programme is not None and entry.recipient_id is not None and entry.aid_point_id is not None
    problems = Problems(breaches=check_double_aid(store, entry.programme, entry.recipient_id, given_on))
    # Stock: the entry's lines of one item are added up and compared with what the point has before the entry.
    asked: dict[str, tuple[int, float]] = {}
    for number, (item_id, quantity, _value) in enumerate(lines, start=1):
        first, total = asked.get(item_id, (number, 0.0))
        asked[item_id] = (first, total + quantity)
    stock = _on_hand(store, entry.aid_point_id, asked)
    for item_id, (first, total) in asked.items():
        on_hand = stock[item_id]
        if total > on_hand + 1e-9:
            label = item_label(store.get("aid_items", item_id) or {"name_kk": item_id})
            problems.shortages.append(Shortage(first, item_id, label, total, on_hand))
    if age_range(entry.programme) is not None:
        birth = (
            store.scalar("SELECT birth_date FROM people WHERE id = ?", (recipient["person_id"],))
            if recipient["person_id"]
            else None
        )
        problems.ineligible = check_age(
            entry.programme,
            given_on,
            birth_date=dt.date.fromisoformat(birth) if birth else None,
            age_band=recipient["age_band"],
        )
    return problems


def _override_needed(store: Store, entry: AidEntry, problems: Problems) -> OverrideNeeded:
    """The refusal, with the names the override question shows (read only on this path)."""
    from desktop.aid.recipients import recipient_label

    row = store.one(
        f"SELECT r.*, {_recipient_name_sql('r', 'p')} AS display_name FROM recipients r "
        f"LEFT JOIN people p ON p.id = r.person_id WHERE r.id = ?",
        (entry.recipient_id,),
    )
    label = recipient_label(store, row) if row else ""
    programme = programme_names(store).get(entry.programme or "", entry.programme or "")
    if problems.breaches and not problems.shortages and problems.ineligible is None:
        return DoubleAidError(problems.breaches, recipient=label, programme_name=programme)
    return OverrideNeeded(
        breaches=problems.breaches,
        shortages=problems.shortages,
        ineligible=problems.ineligible,
        recipient=label,
        programme_name=programme,
    )


@requires("records.write")
def reverse_aid(
    store: Store, aid_id: str, reason: str, *, today: dt.date | None = None, **_task
) -> SaveResult:
    """A correction: a new entry that references the original and gives back its quantities."""
    return _reverse(
        store, "aid_given", "aid_lines", "aid_id", "aid", aid_id, reason, today, date_field="given_on"
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
        # In the original's order (its receipt and the reversal's list the items alike).
        lines = store.rows(
            f"SELECT * FROM {lines_table} WHERE {link} = ? AND deleted = 0 ORDER BY rowid", (entry_id,)
        )
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
        f"printf('%g', l.quantity), ', ') FROM {lines_table} l JOIN aid_items i ON i.id = l.item_id "
        f"WHERE l.{link} = e.id)"
    )


def _name_col() -> str:
    from desktop.i18n import current_language

    return "name_ru" if current_language() == "ru" else "name_kk"


@requires("aid.give")
def list_aid(
    store: Store, *, limit: int = 50, offset: int = 0, recipient_id: str | None = None
) -> list[dict]:
    """Aid entries, newest first, with the recipient's name, the point and a one-line summary of the items (a
    reversal's quantities negative). A reversal carries `reverses_number` (the receipt it corrects); an entry that
    was reversed carries `reversed` = 1 and `reversed_by_number`."""
    where, params = "e.deleted = 0", []
    if recipient_id:
        where += " AND e.recipient_id = ?"
        params.append(recipient_id)
    rows = store.rows(
        f"SELECT e.*, {bilingual.name_columns('pt', 'point_name')}, {_recipient_name_sql('r', 'p')} AS recipient_name, "
        f"{_lines_summary_sql('aid_lines', 'aid_id', _name_col())} AS items, o.number AS reverses_number "
        f"FROM aid_given e LEFT JOIN aid_given o ON o.id = e.reverses_id "
        f"LEFT JOIN aid_points pt ON pt.id = e.aid_point_id "
        f"LEFT JOIN recipients r ON r.id = e.recipient_id LEFT JOIN people p ON p.id = r.person_id "
        f"WHERE {where} ORDER BY e.given_on DESC, e.created_at DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    # Which of these were corrected: one look-up for the page (reverses_id has no index of its own).
    ids = [r["id"] for r in rows]
    reversed_by = (
        {
            row["reverses_id"]: row["number"]
            for row in store.rows(
                f"SELECT reverses_id, number FROM aid_given WHERE reverses_id IN ({', '.join('?' for _ in ids)}) "
                f"AND deleted = 0",
                ids,
            )
        }
        if ids
        else {}
    )
    for row in rows:
        row["reversed"] = int(row["id"] in reversed_by)
        row["reversed_by_number"] = reversed_by.get(row["id"])
    return rows


@requires("aid.give")
def count_aid(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM aid_given WHERE deleted = 0")
