"""Consent to the processing of personal data, one model for every role (volunteer, aid recipient, a minor's
guardian in a creative group).

The `consents` table is append-only here: giving consent adds a row with the date the person signed and the form
version they signed; withdrawing adds a row with the withdrawal date. A row is never edited, so the history of what
was given and withdrawn, and when, is kept and syncs without conflicts (every PC only adds rows); only the erasure
of a person (desktop/erasure.py) blanks a guardian's name in them. The state of a
person's consent for a purpose is its newest row: given (and not past its expiry date) → active; withdrawn →
withdrawn. Nothing here assumes consent: a date and a form version are always entered by the person registering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop import clock, people, text
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store

VOLUNTEER = "volunteer"
AID_RECIPIENT = "aid_recipient"
GROUP_MEMBER = "group_member"
PURPOSES = (VOLUNTEER, AID_RECIPIENT, GROUP_MEMBER)
# The version printed on the consent form the app makes (desktop/consent_form.py). It is recorded only when the
# form was printed and marked signed, never assumed for a form typed in by hand.
PRINTED_FORM_VERSION = "2026-1"

ACTIVE, EXPIRED, WITHDRAWN, NONE = "active", "expired", "withdrawn", "none"

register_field_labels(
    {
        "consent_given_on": N_("Consent given on"),
        "consent_form_version": N_("Consent form version"),
        "consent_on": N_("Consent date"),
        "form_version": N_("Consent form version"),
        "expires_on": N_("Consent valid until"),
        "guardian_name": N_("Guardian's name"),
    }
)


@dataclass(frozen=True)
class ConsentStatus:
    state: str  # active, expired, withdrawn, none
    row: dict | None  # the newest row that gave consent (for its date and form version), or None

    @property
    def active(self) -> bool:
        return self.state == ACTIVE


@dataclass(frozen=True)
class GivenConsent:
    """What the person registering entered: the day the form was signed and its version."""

    given_on: dt.date
    form_version: str
    expires_on: dt.date | None = None
    by_guardian: bool = False
    guardian_name: str | None = None


def _date(value: Any, field: str, *, required: bool, allow_future: bool, today: dt.date) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif value is not None and not isinstance(value, dt.date):
        value = people.parse_date(str(value), field)  # the one parser of typed dates: dd.mm.yyyy or ISO
    if value is None:
        if required:
            raise ValidationError(field, N_("{field}: enter a date."))
        return None
    if not allow_future and value > today:
        raise ValidationError(field, N_("{field}: the date is in the future."))
    return value


def validate(
    given_on: Any,
    form_version: Any,
    *,
    expires_on: Any = None,
    by_guardian: bool = False,
    guardian_name: Any = None,
    fields: tuple[str, str] = ("consent_given_on", "consent_form_version"),
    today: dt.date | None = None,
) -> GivenConsent:
    """The consent as entered, checked: the signing date (not in the future) and the form version are both
    required; an expiry date must come after the signing date. Errors name the form's own fields."""
    today = today or clock.today()
    date_field, version_field = fields
    errors: list[ValidationError] = []
    day = expiry = None
    try:
        day = _date(given_on, date_field, required=True, allow_future=False, today=today)
    except ValidationError as exc:
        errors.append(exc)
    version = text.normalize(form_version)
    if not version:
        errors.append(ValidationError(version_field, N_("{field} is required.")))
    try:
        expiry = _date(expires_on, "expires_on", required=False, allow_future=True, today=today)
    except ValidationError as exc:
        errors.append(exc)
    if day and expiry and expiry <= day:
        errors.append(ValidationError("expires_on", N_("{field}: must be after the day consent was given.")))
    guardian = text.normalize(guardian_name) or None
    if by_guardian and not guardian:
        errors.append(ValidationError("guardian_name", N_("{field} is required.")))
    if errors:
        raise ValidationErrors(errors)
    assert day is not None
    return GivenConsent(day, version, expiry, bool(by_guardian), guardian)


def history(store: Store, person_id: str, purpose: str | None = None) -> list[dict]:
    """Every consent row of the person (for one purpose, or all), newest first."""
    where, params = ["person_id = ?", "deleted = 0"], [person_id]
    if purpose:
        where.append("purpose = ?")
        params.append(purpose)
    return store.rows(
        "SELECT * FROM consents WHERE "
        + " AND ".join(where)
        + " ORDER BY coalesce(withdrawn_on, given_on) DESC, "
        "created_at DESC, id DESC",
        params,
    )


def status(store: Store, person_id: str | None, purpose: str, today: dt.date | None = None) -> ConsentStatus:
    if not person_id:
        return ConsentStatus(NONE, None)
    rows = history(store, person_id, purpose)
    if not rows:
        return ConsentStatus(NONE, None)
    newest = rows[0]
    given = next((r for r in rows if r["given_on"] and not r["withdrawn_on"]), None)
    if newest["withdrawn_on"]:
        return ConsentStatus(WITHDRAWN, given or newest)
    if newest["expires_on"] and newest["expires_on"] < (today or clock.today()).isoformat():
        return ConsentStatus(EXPIRED, newest)
    return ConsentStatus(ACTIVE, newest)


@requires("aid.give")
def give(store: Store, person_id: str, purpose: str, consent: GivenConsent) -> str | None:
    """Records the consent the person signed. A consent identical to the active one (same day and form) adds
    nothing; anything else — a new form, a new date, consent after a withdrawal — is a new row. Returns the id of
    the row added, or None."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    current = status(store, person_id, purpose)
    row = current.row
    if (
        current.active
        and row is not None
        and row["given_on"] == consent.given_on.isoformat()
        and (row["form_version"] or "") == consent.form_version
    ):
        return None
    return store.insert(
        "consents",
        {
            "person_id": person_id,
            "purpose": purpose,
            "form_version": consent.form_version or None,
            "given_on": consent.given_on.isoformat(),
            "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
            "by_guardian": consent.by_guardian,
            "guardian_name": consent.guardian_name,
        },
    )


@requires("records.write")
def withdraw(
    store: Store, person_id: str, purposes: tuple[str, ...] = PURPOSES, *, on: dt.date | None = None
) -> list[str]:
    """Records the withdrawal of every consent of the person that is in force (for the purposes given). Returns the
    ids of the rows added."""
    day = (on or clock.today()).isoformat()
    added = []
    for purpose in purposes:
        current = status(store, person_id, purpose)
        if current.state in (ACTIVE, EXPIRED):
            added.append(
                store.insert("consents", {"person_id": person_id, "purpose": purpose, "withdrawn_on": day})
            )
    return added
