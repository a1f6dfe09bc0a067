"""Volunteers: the record on a person (status, skills, consent, kiosk code) and the register list the section
shows. Their time — the kiosk's shift ledger and hours — is in desktop/shifts.py, re-exported here so
`volunteers.arrive(...)` and the rest keep working.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass

from desktop import clock, consents, events, people, people_search, reference, text
from desktop.errors import DostyqError, ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.periods import current_month, month_dates
from desktop.roles import requires
from desktop.shifts import (  # re-exported: the volunteers' time
    KIOSK_CODE_DIGITS,
    KIOSK_MIN_LETTERS,
    KioskResult,
    add_shift,
    arrive,
    close_shift,
    correct_shift,
    kiosk_find,
    kiosk_label,
    leave,
    minutes_by_month,
    minutes_in_period,
    month_hours,
    open_shift,
    open_shifts_over_midnight,
    reverse_shift,
    shift_entries,
)
from desktop.store import Store

register_field_labels(
    {
        "status": N_("Status"),
        "since": N_("Volunteer since"),
        "skills": N_("Skills"),
        "activities": N_("Activities"),
        "emergency_contact": N_("Emergency contact"),
        "consent_given_on": N_("Consent given on"),
        "consent_form_version": N_("Consent form version"),
        "skill_name": N_("Skill"),
        "check_in": N_("Arrived at"),
        "check_out": N_("Left at"),
        "reason": N_("Reason"),
        "shift": N_("Shift"),
        "shift_date": N_("Date"),
        "activity": N_("Activity"),
    }
)

STATUSES = {"active": N_("Active"), "paused": N_("Paused"), "left": N_("Left")}
CONSENT_PURPOSE = consents.VOLUNTEER

# Sort keys the register offers (column → SQL). Name uses the Kazakh alphabet key.
SORTS = {
    "name": "p.name_sort",
    "status": "v.status",
    "hours": "month_minutes",
    "languages": "p.languages",
    "phone": "p.phone",
}


# ---- the volunteer record ---------------------------------------------------------------------------------
def validate_volunteer(values: dict, today: dt.date) -> dict:
    errors: list[ValidationError] = []
    clean: dict = {}
    status = values.get("status") or "active"
    if status not in STATUSES:
        errors.append(ValidationError("status", N_("{field}: choose active, paused or left.")))
    clean["status"] = status
    for name in ("since", "consent_given_on"):
        try:
            day = people.parse_date(values.get(name) or "", name)
            if day and day > today:
                errors.append(ValidationError(name, N_("{field} cannot be in the future.")))
            clean[name] = day.isoformat() if day else None
        except ValidationError as exc:
            errors.append(exc)
    clean["skills"] = [s for s in (values.get("skills") or []) if s]
    clean["activities"] = (values.get("activities") or "").strip() or None
    clean["emergency_contact"] = (values.get("emergency_contact") or "").strip() or None
    clean["consent_form_version"] = text.normalize(values.get("consent_form_version")) or None
    if clean.get("consent_given_on") and not clean["consent_form_version"]:
        errors.append(ValidationError("consent_form_version", N_("{field} is required.")))
    if (
        clean["consent_form_version"]
        and not clean.get("consent_given_on")
        and "consent_given_on" not in {e.field for e in errors}
    ):
        errors.append(ValidationError("consent_given_on", N_("{field} is required.")))
    if errors:
        raise ValidationErrors(errors)
    return clean


@requires("records.write")
def save_volunteer(
    store: Store,
    person_values: dict | people.CleanPerson,
    volunteer_values: dict,
    *,
    person_id: str | None = None,
    volunteer_id: str | None = None,
    today: dt.date,
    different_from=(),
    rng_code: str | None = None,
    progress=None,
    cancel=None,
) -> tuple[str, str]:
    """Saves the person and their volunteer record (and consent) together: all or nothing. Every field of both is
    checked before anything is written. The person's values may come already checked (what
    people.validate_person returned, as an import's dry run keeps them). Returns (person_id, volunteer_id)."""
    errors: list[ValidationError] = []
    clean = None
    person = person_values if isinstance(person_values, people.CleanPerson) else None
    if not isinstance(person_values, people.CleanPerson):
        try:
            person = people.validate_person(person_values, today)
        except ValidationErrors as exc:
            errors.extend(exc.errors)
    try:
        clean = validate_volunteer(volunteer_values, today)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationErrors(errors)
    assert clean is not None and person is not None  # validated, or their errors raised above
    with store.transaction():
        new_person = person_id is None
        person_id = people.save_validated_person(
            store, person, person_id, today=today, different_from=different_from
        )
        record = {k: clean[k] for k in ("status", "since", "skills", "activities", "emergency_contact")}
        if volunteer_id is None and not new_person:  # a person just made has no volunteer record yet
            volunteer_id = store.scalar(
                "SELECT id FROM volunteers WHERE person_id = ? AND deleted = 0", (person_id,)
            )
        if volunteer_id is None:
            record["kiosk_code"] = rng_code or new_kiosk_code(store)
            volunteer_id = store.insert("volunteers", {"person_id": person_id, **record})
        else:
            store.update("volunteers", volunteer_id, record)
        if clean["consent_given_on"]:
            save_consent(store, person_id, clean["consent_given_on"], clean["consent_form_version"])
    return person_id, volunteer_id


@requires("records.write")
def save_consent(store: Store, person_id: str, given_on: str, form_version: str) -> str | None:
    """Records the volunteer's consent as entered (a new row unless it is the one already in force)."""
    return consents.give(
        store,
        person_id,
        consents.VOLUNTEER,
        consents.GivenConsent(dt.date.fromisoformat(given_on), form_version),
    )


def consent_of(store: Store, person_id: str) -> dict | None:
    """The volunteer's consent row in force (or the last one given, if withdrawn or expired), or None."""
    return consents.status(store, person_id, consents.VOLUNTEER).row


def new_kiosk_code(store: Store, draw=None, taken: set[str] | None = None) -> str:
    """A short personal code not used by another volunteer of this PC's database. `taken` (what
    kiosk_codes_in_use read, for many volunteers saved at once) replaces the look-up and gets the code added."""
    draw = draw or (lambda: secrets.randbelow(10**KIOSK_CODE_DIGITS))
    for _attempt in range(200):
        code = f"{draw():0{KIOSK_CODE_DIGITS}d}"
        if code[0] == "0":
            continue
        if taken is not None:
            if code not in taken:
                taken.add(code)
                return code
        elif not store.scalar("SELECT 1 FROM volunteers WHERE kiosk_code = ? AND deleted = 0", (code,)):
            return code
    raise DostyqError(N_("No free kiosk code is left; ask the administrator."))


def kiosk_codes_in_use(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT kiosk_code FROM volunteers WHERE deleted = 0") if r[0]}


@requires("records.read")
def get_volunteer(store: Store, volunteer_id: str) -> dict | None:
    """The volunteer record with its person (key 'person') and consent (key 'consent')."""
    row = store.get("volunteers", volunteer_id)
    if row is None:
        return None
    row["person"] = store.get("people", row["person_id"])
    row["consent"] = consent_of(store, row["person_id"])
    row["skills"] = json.loads(row["skills"] or "[]")
    return row


def volunteer_of_person(store: Store, person_id: str) -> str | None:
    return store.scalar("SELECT id FROM volunteers WHERE person_id = ? AND deleted = 0", (person_id,))


def form_values(record: dict) -> dict:
    """A volunteer record as the form shows it (dates dd.MM.yyyy)."""

    def short(iso):
        return dt.date.fromisoformat(iso).strftime(people.DATE_FORMAT) if iso else ""

    consent = record.get("consent") or {}
    return {
        "status": record.get("status") or "active",
        "since": short(record.get("since")),
        "skills": record.get("skills") or [],
        "activities": record.get("activities") or "",
        "emergency_contact": record.get("emergency_contact") or "",
        "consent_given_on": short(consent.get("given_on")),
        "consent_form_version": consent.get("form_version") or "",
        "kiosk_code": record.get("kiosk_code") or "",
    }


# ---- skills (central defaults plus the house's own) -------------------------------------------------------
def skill_rows(store: Store) -> list[dict]:
    return store.rows("SELECT id, name_kk, name_ru FROM skills WHERE deleted = 0")


def skill_names(rows: list[dict], lang: str | None = None) -> list[tuple[str, str]]:
    """[(id, name in the interface language)] in Kazakh alphabetical order."""
    named = [(r["id"], reference.localized(r, lang)) for r in rows]
    return sorted(named, key=lambda item: text.sort_key(item[1]))


def skills(store: Store, lang: str | None = None) -> list[tuple[str, str]]:
    return skill_names(skill_rows(store), lang)


@requires("records.write")
def add_skill(store: Store, name_kk: str, name_ru: str, progress=None, cancel=None) -> str:
    """A skill of this house; one name is enough (it is shown in both languages until the other is given)."""
    name_kk, name_ru = text.normalize(name_kk), text.normalize(name_ru)
    if not name_kk and not name_ru:
        raise ValidationError("skill_name", N_("{field} is required."))
    wanted = {text.loose(n) for n in (name_kk, name_ru) if n}
    for row in store.rows("SELECT name_kk, name_ru FROM skills WHERE deleted = 0"):
        if wanted & {text.loose(row["name_kk"]), text.loose(row["name_ru"])} - {""}:
            raise ValidationError("skill_name", N_("{field}: this skill is already in the list."))
    return store.insert("skills", {"name_kk": name_kk or name_ru, "name_ru": name_ru or name_kk})


# ---- the register list ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterQuery:
    text: str = ""
    status: str = ""  # '' = all
    sort: str = "name"
    descending: bool = False
    month: str = ""  # YYYY-MM for the hours column; '' = this month


def _register_where(
    query: RegisterQuery, flt: people_search.SearchFilter, walk_sorted_index: bool
) -> tuple[str, dict]:
    where = ["v.deleted = 0", "p.deleted = 0"]
    params: dict = {}
    if query.status:
        where.append("v.status = :status")
        params["status"] = query.status
    if not flt.empty:
        sql, values = flt.clause(walk_sorted_index)
        for i, value in enumerate(values):
            sql = sql.replace("?", f":q{i}", 1)
            params[f"q{i}"] = value
        where.insert(0, sql)  # first: it needs only the index entry, so rows that fail it are never read
    return " AND ".join(where), params


def _month_minutes() -> str:
    """Minutes of a volunteer in [start, end): shift ledger rows plus the time at events that counts."""
    return (
        "(SELECT COALESCE(SUM(s.minutes), 0) FROM volunteer_shifts s WHERE s.volunteer_id = v.id AND s.deleted = 0 "
        " AND s.check_in >= :start AND s.check_in < :end)"
        " + (SELECT COALESCE(SUM(ev.minutes), 0) FROM event_volunteers ev JOIN events e ON e.id = ev.event_id "
        f" WHERE ev.volunteer_id = v.id AND {events.counted_event_time()} "
        " AND e.starts_at >= :start AND e.starts_at < :end)"
    )


# A safety net: if walking the name order (chosen by people_search.SearchFilter.prefers_sorted_index) takes longer
# than this, the matches are taken from FTS and sorted instead.
WALK_BUDGET_S = 0.03


@requires("records.read")
def register_page(store: Store, query: RegisterQuery, offset: int, limit: int) -> list[dict]:
    """One page of the register, sorted as asked (ties by the Kazakh name order).

    By name, people drive the join (CROSS JOIN fixes the order) so the order comes straight from the name_sort
    index. With a search typed there are two ways to a page: walk that index keeping the matches (fast when
    matches are many and spread out), or take the matches from FTS and sort them (fast when they are few or sit
    together far down the alphabet); SearchFilter.prefers_sorted_index chooses. Only the page's ids are sorted;
    its columns (the hours sums) are read afterwards for just those rows."""
    order = SORTS.get(query.sort, "p.name_sort")
    by_name = order == "p.name_sort"
    flt = people_search.search_filter(query.text)
    start, end = month_dates(query.month or current_month())
    direction = "DESC" if query.descending else "ASC"
    bounds = {"start": start, "end": end, "limit": limit, "offset": offset}

    def ids(walk: bool) -> list[str]:
        where, params = _register_where(query, flt, walk)
        if by_name:
            sql = (
                f"SELECT v.id FROM people p CROSS JOIN volunteers v ON v.person_id = p.id WHERE {where} "
                f"ORDER BY p.name_sort {direction}, v.id LIMIT :limit OFFSET :offset"
            )
        else:
            # Other sorts read every row anyway; there the planner's own join order is faster.
            key = _month_minutes() if order == "month_minutes" else order
            sql = (
                f"SELECT v.id FROM people p JOIN volunteers v ON v.person_id = p.id WHERE {where} "
                f"ORDER BY {key} {direction}, p.name_sort {direction}, v.id LIMIT :limit OFFSET :offset"
            )
        return [r[0] for r in store.conn.execute(sql, {**params, **bounds})]

    if by_name and (flt.empty or not flt.has_names or flt.prefers_sorted_index(store, offset + limit)):
        page = _within_budget(store, lambda: ids(True), WALK_BUDGET_S if flt.has_names else None)
        if page is None:
            page = ids(False)
    else:
        page = ids(False)
    if not page:
        return []
    marks = ", ".join(f":id{i}" for i in range(len(page)))
    rows = store.rows(
        "SELECT v.id, v.person_id, v.status, v.since, v.kiosk_code, p.surname, p.name, p.patronymic, p.phone, "
        f"p.iin, p.languages, p.birth_date, {_month_minutes()} AS month_minutes "
        f"FROM volunteers v JOIN people p ON p.id = v.person_id WHERE v.id IN ({marks})",
        {**{f"id{i}": vid for i, vid in enumerate(page)}, "start": start, "end": end},
    )
    position = {vid: i for i, vid in enumerate(page)}
    return sorted(rows, key=lambda r: position[r["id"]])


def _within_budget(store: Store, run, budget: float | None):
    """run() or None when it takes longer than `budget` seconds (SQLite's progress handler interrupts it)."""
    if budget is None:
        return run()
    deadline = clock.monotonic() + budget
    store.conn.set_progress_handler(lambda: 1 if clock.monotonic() > deadline else 0, 20000)
    try:
        return run()
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            return None
        raise
    finally:
        store.conn.set_progress_handler(None, 0)


@requires("records.read")
def register_count(store: Store, query: RegisterQuery, cap: int = 500) -> tuple[int, bool]:
    """(count, capped): how many volunteers match, counting at most `cap` when a search is typed (the list shows
    "500+" rather than spend time counting every match while the user types)."""
    if not query.text:
        where = "deleted = 0" + (" AND status = :status" if query.status else "")
        return store.scalar(f"SELECT count(*) FROM volunteers WHERE {where}", {"status": query.status}), False
    where, params = _register_where(query, people_search.search_filter(query.text), walk_sorted_index=False)
    found = store.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM people p CROSS JOIN volunteers v ON v.person_id = p.id "
        f"WHERE {where} LIMIT :cap)",
        {**params, "cap": cap + 1},
    )
    return min(found, cap), found > cap


__all__ = [
    "CONSENT_PURPOSE",
    "KIOSK_CODE_DIGITS",
    "KIOSK_MIN_LETTERS",
    "SORTS",
    "STATUSES",
    "WALK_BUDGET_S",
    "KioskResult",
    "RegisterQuery",
    "add_shift",
    "add_skill",
    "arrive",
    "close_shift",
    "consent_of",
    "correct_shift",
    "form_values",
    "get_volunteer",
    "kiosk_find",
    "kiosk_label",
    "leave",
    "minutes_by_month",
    "minutes_in_period",
    "month_hours",
    "new_kiosk_code",
    "open_shift",
    "open_shifts_over_midnight",
    "register_count",
    "register_page",
    "reverse_shift",
    "save_consent",
    "save_volunteer",
    "shift_entries",
    "skill_names",
    "skill_rows",
    "skills",
    "validate_volunteer",
    "volunteer_of_person",
]
