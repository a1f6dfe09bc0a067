"""What every part of the aid point shares: the field labels of its forms, date parsing, the raising of every
collected error at once, whole-number counts and the recipient's display name in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop import clock, people
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_

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
    """A date of an aid form: a date, or typed text read by people.parse_date (the one parser of typed dates:
    dd.mm.yyyy or ISO); blank is refused when `required`, a day after `today` unless `allow_future`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif value is not None and not isinstance(value, dt.date):
        value = people.parse_date(str(value), field_name)
    if value is None:
        if required:
            raise ValidationError(field_name, N_("{field}: enter a date."))
        return None
    if not allow_future and value > _today(today):
        raise ValidationError(field_name, N_("{field}: the date is in the future."))
    return value


def _raise_all(errors: list[ValidationError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


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


def _recipient_name_sql(r: str, p: str) -> str:
    return (
        f"CASE WHEN {r}.person_id IS NULL THEN NULL ELSE trim({p}.surname || ' ' || {p}.name || ' ' || "
        f"coalesce({p}.patronymic, '')) END"
    )
