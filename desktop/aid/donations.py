"""Donations received: who gave (a person, an organisation or anonymous), the lines with their value, and
their reversals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from desktop import bilingual, text
from desktop.aid._common import _raise_all, parse_date
from desktop.aid.catalogue import _check_point
from desktop.aid.ledger import Line, SaveResult, _check_lines, _lines_summary_sql, _name_col, _reverse
from desktop.errors import ValidationError, ValidationErrors
from desktop.i18n import N_, _
from desktop.iin import bin_error
from desktop.roles import requires
from desktop.store import Store

DONOR_KINDS = ("person", "organisation", "anonymous")
DONOR_KIND_LABELS = {
    "person": N_("a person"),
    "organisation": N_("an organisation"),
    "anonymous": N_("anonymous"),
}


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


@requires("records.write")
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
        if (entry.donor_bin or "").strip():
            problem = bin_error(entry.donor_bin, "donor_bin")
            if problem:
                errors.append(problem)
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


@requires("records.read")
def list_donations(store: Store, *, limit: int = 50, offset: int = 0) -> list[dict]:
    return store.rows(
        f"SELECT e.*, {bilingual.name_columns('pt', 'point_name')}, "
        f"trim(coalesce(p.surname, '') || ' ' || coalesce(p.name, '')) AS donor_person_name, "
        f"(SELECT sum(value_kzt) FROM donation_lines WHERE donation_id = e.id) AS value_kzt, "
        f"{_lines_summary_sql('donation_lines', 'donation_id', _name_col())} AS items, "
        f"EXISTS (SELECT 1 FROM donations x WHERE x.reverses_id = e.id) AS reversed "
        f"FROM donations e LEFT JOIN aid_points pt ON pt.id = e.aid_point_id "
        f"LEFT JOIN people p ON p.id = e.donor_person_id "
        f"WHERE e.deleted = 0 ORDER BY e.received_on DESC, e.created_at DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )


@requires("records.read")
def count_donations(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM donations WHERE deleted = 0")


def donor_label(row: dict) -> str:
    if row["donor_kind"] == "organisation":
        return row["donor_org_name"] + (f" ({_('BIN')} {row['donor_bin']})" if row.get("donor_bin") else "")
    if row["donor_kind"] == "person":
        return row.get("donor_person_name") or ""
    return _("anonymous")


@requires("records.write")
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
