"""Withdrawal of consent, erasure of a person's personal data, and the retention rule that proposes it.

Erasure blanks every personal field of the person (schema.PERSONAL_FIELDS: names become "—", IIN, phone, e-mail,
languages, locality, address and notes go) and of the rows that carry their personal data: their volunteer
record (emergency contact, kiosk code, notes), their recipient records (locality, notes), the household they head
(address, locality, notes), their group memberships (guardian's name) and their consent rows (guardian's name).
Each such row gets `erased_on`. The rows stay: aid given, shifts, attendance and memberships still point at them,
so the monthly summary counts the same people by sex and age band (sex and birth date are kept for that, and
nothing that identifies the person). Every write goes through the store's write API, so the erasure syncs; once
`erased_on` is set no edit from another PC brings a personal field back (sync/merge.py `keep_erased`). The audit
records "erased" with the tables touched, never the values.

Retention: a person with no activity for `retention_years` (default 5) is due for erasure. Activity is anything
the house recorded about them: being registered, aid given to them (as a recipient), a volunteer shift, an event
attended by name, a consent given, a donation, a group membership (an open one counts as ongoing), leading a
creative group or an association (ongoing while they lead it). The administrator confirms the erasure.
"""

from __future__ import annotations

import datetime as dt
import json

from desktop import audit, clock, consents, schema, text
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store

RETENTION_DEFAULT = 5
RETENTION_RANGE = (1, 75)
_RETENTION_KEY = "retention_years"


def is_erased(store: Store, person_id: str) -> bool:
    row = store.get("people", person_id, include_deleted=True)
    return bool(row and row["erased_on"])


def drop_erased_conflicts(store: Store, tables) -> int:
    """Conflicts waiting for review may hold an old value of an erased field: they go, here and when an erasure
    made on another PC arrives by sync (an erasure is never undone, so nothing is left to review). Returns how
    many went. Call inside a transaction."""
    dropped = 0
    for table in tables:
        fields = [*schema.PERSONAL_FIELDS.get(table, {}), "deleted"]
        if len(fields) == 1:
            continue
        marks = ", ".join("?" for _ in fields)
        dropped += store.conn.execute(
            f"DELETE FROM conflicts WHERE table_name = ? AND field IN ({marks}) AND row_id IN "
            f'(SELECT id FROM "{table}" WHERE erased_on IS NOT NULL)',
            [table, *fields],
        ).rowcount
    return dropped


def _erase_row(store: Store, table: str, row_id: str, day: str) -> bool:
    return store.update(table, row_id, {**schema.PERSONAL_FIELDS[table], "erased_on": day})


@requires("people.erase")
def erase_person(store: Store, person_id: str, *, on: dt.date | None = None, **_task) -> bool:
    """Erases the person's personal data (see the module). Returns False if they were erased already."""
    return _erase(store, person_id, on)


def _erase(store: Store, person_id: str, on: dt.date | None) -> bool:
    person = store.get("people", person_id, include_deleted=True)
    if person is None:
        raise ValidationError("person_id", N_("This person is not in the records."))
    if person["erased_on"]:
        return False
    day = (on or clock.today()).isoformat()
    touched: dict[str, int] = {}
    with store.transaction():
        _erase_row(store, "people", person_id, day)
        erased_rows = [("people", person_id)]
        related = [
            ("volunteers", "SELECT id FROM volunteers WHERE person_id = ?"),
            ("recipients", "SELECT id FROM recipients WHERE person_id = ?"),
            ("households", "SELECT id FROM households WHERE head_person_id = ?"),
            ("group_members", "SELECT id FROM group_members WHERE person_id = ?"),
            # Consent rows are never edited (desktop/consents.py): only a guardian's name needs erasing.
            ("consents", "SELECT id FROM consents WHERE person_id = ? AND guardian_name IS NOT NULL"),
        ]
        for table, sql in related:
            for row in store.rows(sql, (person_id,)):
                _erase_row(store, table, row["id"], day)
                erased_rows.append((table, row["id"]))
                touched[table] = touched.get(table, 0) + 1
        drop_erased_conflicts(store, ("people", *touched))
        _scrub_outbox(store, ("people", *touched), day)
        # The audit keeps who changed these rows and when, never the values erased (nor the erasure's own).
        for table, row_id in erased_rows:
            audit.forget_row_values(store, table, row_id)
        store.audit("erased", "people", person_id, {"rows": touched})
    return True


def _scrub_outbox(store: Store, tables: tuple[str, ...], day: str) -> None:
    """Changes of erased rows still waiting to be sent carry the blanks instead of the erased values (they keep
    their stamps, so the merge on the server is the same)."""
    for table in dict.fromkeys(tables):
        blanks = schema.PERSONAL_FIELDS[table]
        for op in store.rows(
            f'SELECT o.op_id, o.fields FROM outbox o JOIN "{table}" t ON t.id = o.row_id '
            "WHERE o.table_name = ? AND t.erased_on = ?",
            (table, day),
        ):
            fields = json.loads(op["fields"])
            scrubbed = {k: blanks.get(k, v) for k, v in fields.items()}
            if scrubbed != fields:
                store.conn.execute(
                    "UPDATE outbox SET fields = ? WHERE op_id = ?",
                    (json.dumps(scrubbed, ensure_ascii=False, sort_keys=True), op["op_id"]),
                )


@requires("records.write")
def withdraw_and_erase(
    store: Store, person_id: str, on: dt.date | None = None, note: str = "", **_task
) -> list[str]:
    """The person withdrew their consent: the withdrawal of every consent in force is recorded, then their
    personal data is erased. Returns the ids of the withdrawal rows. Withdrawal is a right of the person, so staff
    who record it may erase (the administrator's `erase_person` is for the retention rule)."""
    with store.transaction():
        added = consents.withdraw(store, person_id, on=on)
        _erase(store, person_id, on)
        store.audit("consent_withdrawn", "people", person_id, {"note": text.normalize(note)})
    return added


@requires("records.write")
def withdraw(
    store: Store, person_id: str, purpose: str, on: dt.date | None = None, note: str = "", **_task
) -> bool:
    """The person withdrew their consent for one purpose (the volunteer dialog, a group member's guardian). When
    no other consent of theirs stays in force their personal data is erased. Returns whether it was."""
    with store.transaction():
        consents.withdraw(store, person_id, (purpose,), on=on)
        erased = not has_other_consent(store, person_id, purpose) and _erase(store, person_id, on)
        store.audit(
            "consent_withdrawn", "people", person_id, {"purpose": purpose, "note": text.normalize(note)}
        )
    return erased


@requires("records.read")
def withdrawal_erases(store: Store, person_id: str | None, purpose: str) -> bool:
    """Would withdrawing this consent erase the person (no other consent in force)? The confirm dialog says so."""
    return bool(person_id) and not has_other_consent(store, person_id or "", purpose)


@requires("records.read")
def recipient_withdrawal_erases(store: Store, recipient_id: str) -> bool:
    row = store.get("recipients", recipient_id)
    if row is None or not row["person_id"]:
        return False
    return not has_other_consent(store, row["person_id"], consents.AID_RECIPIENT)


def has_other_consent(store: Store, person_id: str, purpose: str) -> bool:
    """Does the person keep a consent in force for another purpose (so withdrawing this one erases nothing)?"""
    return any(
        consents.status(store, person_id, p).state in (consents.ACTIVE, consents.EXPIRED)
        for p in consents.PURPOSES
        if p != purpose
    )


# ---- retention -------------------------------------------------------------------------------------------
def retention_years(store: Store) -> int:
    value = store.get_meta(_RETENTION_KEY)
    try:
        return max(RETENTION_RANGE[0], min(RETENTION_RANGE[1], int(value))) if value else RETENTION_DEFAULT
    except ValueError:
        return RETENTION_DEFAULT


@requires("settings")
def set_retention_years(store: Store, years: int, **_task) -> None:
    low, high = RETENTION_RANGE
    if not low <= int(years) <= high:
        raise ValidationError(_RETENTION_KEY, N_("{field}: from {low} to {high} years."), low=low, high=high)
    with store.transaction():
        store.set_meta(_RETENTION_KEY, str(int(years)))
        store.audit("retention_years", details={"years": int(years)})


def cutoff(today: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


# The newest day of each kind of activity, per person (ISO date text). An open membership or a leader counts as
# today ('9999').
_ACTIVITY = """
    SELECT p.id AS person_id, substr(p.created_at, 1, 10) AS day FROM people p
    UNION ALL SELECT r.person_id, a.given_on FROM aid_given a JOIN recipients r ON r.id = a.recipient_id
    UNION ALL SELECT v.person_id, substr(s.check_in, 1, 10) FROM volunteer_shifts s
        JOIN volunteers v ON v.id = s.volunteer_id
    UNION ALL SELECT x.person_id, substr(e.starts_at, 1, 10) FROM event_attendees x
        JOIN events e ON e.id = x.event_id WHERE x.deleted = 0
    UNION ALL SELECT person_id, given_on FROM consents WHERE given_on IS NOT NULL
    UNION ALL SELECT donor_person_id, received_on FROM donations WHERE donor_person_id IS NOT NULL
    UNION ALL SELECT person_id, CASE WHEN left_on IS NULL AND deleted = 0 THEN '9999'
        ELSE coalesce(left_on, joined, substr(updated_at, 1, 10)) END FROM group_members
    UNION ALL SELECT leader_id, '9999' FROM creative_groups WHERE leader_id IS NOT NULL AND deleted = 0
    UNION ALL SELECT leader_id, '9999' FROM associations WHERE leader_id IS NOT NULL AND deleted = 0
"""


@requires("people.erase")
def due_for_erasure(
    store: Store,
    today: dt.date | None = None,
    years: int | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict]:
    """People not erased with no activity (see the module) on or after the cutoff: {id, name, last_activity}; a
    page of them with `offset` and `limit` (the Retention list reads it a page at a time)."""
    today = today or clock.today()
    years = years or retention_years(store)
    before = cutoff(today, years).isoformat()
    return store.rows(
        f"""SELECT p.id, p.surname, p.name, p.patronymic, p.birth_date, last.day AS last_activity
            FROM people p JOIN (SELECT person_id, max(day) AS day FROM ({_ACTIVITY}) GROUP BY person_id) last
              ON last.person_id = p.id
            WHERE p.deleted = 0 AND p.erased_on IS NULL AND last.day < ?
            ORDER BY last.day, p.name_sort, p.id
            LIMIT ? OFFSET ?""",
        (before, -1 if limit is None else limit, offset),
    )


@requires("people.erase")
def erase_people(store: Store, person_ids: list[str], *, on: dt.date | None = None, **_task) -> int:
    """Erases each person (the administrator confirmed the retention list). Returns how many were erased."""
    with store.transaction():
        return sum(_erase(store, pid, on) for pid in person_ids)
