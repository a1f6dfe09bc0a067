"""Volunteers: the record on a person (status, skills, consent, kiosk code), the register list the section shows,
the shift ledger behind the check-in kiosk, and hours per month.

The shift ledger is append-only. "Arrived" writes an open row (check-in, no check-out). "Leaving" writes a
second row that repeats the same check-in time and carries the check-out and the minutes; a row sharing an open
row's check-in closes it. A correction is a reversal row (negated minutes, `reverses_id`, a reason), followed by
a new row when the times were wrong. Hours are the sum of the rows' minutes, plus minutes from events.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass

from desktop import clock, events, people, reference, text
from desktop.clock import TZ
from desktop.errors import DostyqError, ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.periods import current_month, month_dates
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
CONSENT_PURPOSE = "volunteer"
DEFAULT_CONSENT_FORM = "2026-1"
KIOSK_CODE_DIGITS = 4
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
    if errors:
        raise ValidationErrors(errors)
    return clean


def save_volunteer(
    store: Store,
    person_values: dict,
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
    checked before anything is written. Returns (person_id, volunteer_id)."""
    errors: list[ValidationError] = []
    clean = None
    try:
        people.validate_person(person_values, today)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    try:
        clean = validate_volunteer(volunteer_values, today)
    except ValidationErrors as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationErrors(errors)
    assert clean is not None  # validated, or its errors raised above
    with store.transaction():
        person_id = people.save_person(
            store, person_values, person_id, today=today, different_from=different_from
        )
        record = {k: clean[k] for k in ("status", "since", "skills", "activities", "emergency_contact")}
        if volunteer_id is None:
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


def save_consent(store: Store, person_id: str, given_on: str, form_version: str) -> str:
    current = consent_of(store, person_id)
    values = {"given_on": given_on, "form_version": form_version, "withdrawn_on": None}
    if current:
        store.update("consents", current["id"], values)
        return current["id"]
    return store.insert("consents", {"person_id": person_id, "purpose": CONSENT_PURPOSE, **values})


def consent_of(store: Store, person_id: str) -> dict | None:
    return store.one(
        "SELECT * FROM consents WHERE person_id = ? AND purpose = ? AND deleted = 0 ORDER BY given_on DESC LIMIT 1",
        (person_id, CONSENT_PURPOSE),
    )


def new_kiosk_code(store: Store, draw=None) -> str:
    """A short personal code not used by another volunteer of this PC's database."""
    draw = draw or (lambda: secrets.randbelow(10**KIOSK_CODE_DIGITS))
    for _attempt in range(200):
        code = f"{draw():0{KIOSK_CODE_DIGITS}d}"
        if code[0] != "0" and not store.scalar(
            "SELECT 1 FROM volunteers WHERE kiosk_code = ? AND deleted = 0", (code,)
        ):
            return code
    raise DostyqError(N_("No free kiosk code is left; ask the administrator."))


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
    query: RegisterQuery, flt: people.SearchFilter, walk_sorted_index: bool
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


# A safety net: if walking the name order (chosen by people.SearchFilter.prefers_sorted_index) takes longer
# than this, the matches are taken from FTS and sorted instead.
WALK_BUDGET_S = 0.03


def register_page(store: Store, query: RegisterQuery, offset: int, limit: int) -> list[dict]:
    """One page of the register, sorted as asked (ties by the Kazakh name order).

    By name, people drive the join (CROSS JOIN fixes the order) so the order comes straight from the name_sort
    index. With a search typed there are two ways to a page: walk that index keeping the matches (fast when
    matches are many and spread out), or take the matches from FTS and sort them (fast when they are few or sit
    together far down the alphabet); SearchFilter.prefers_sorted_index chooses. Only the page's ids are sorted;
    its columns (the hours sums) are read afterwards for just those rows."""
    order = SORTS.get(query.sort, "p.name_sort")
    by_name = order == "p.name_sort"
    flt = people.search_filter(query.text)
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

    if by_name and (flt.empty or not flt.fts or flt.prefers_sorted_index(store, offset + limit)):
        page = _within_budget(store, lambda: ids(True), WALK_BUDGET_S if flt.fts else None)
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
    store.conn.set_progress_handler(lambda: 1 if clock.monotonic() > deadline else 0, 2000)
    try:
        return run()
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            return None
        raise
    finally:
        store.conn.set_progress_handler(None, 0)


def register_count(store: Store, query: RegisterQuery, cap: int = 500) -> tuple[int, bool]:
    """(count, capped): how many volunteers match, counting at most `cap` when a search is typed (the list shows
    "500+" rather than spend time counting every match while the user types)."""
    if not query.text:
        where = "deleted = 0" + (" AND status = :status" if query.status else "")
        return store.scalar(f"SELECT count(*) FROM volunteers WHERE {where}", {"status": query.status}), False
    where, params = _register_where(query, people.search_filter(query.text), walk_sorted_index=False)
    found = store.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM people p CROSS JOIN volunteers v ON v.person_id = p.id "
        f"WHERE {where} LIMIT :cap)",
        {**params, "cap": cap + 1},
    )
    return min(found, cap), found > cap


# ---- shifts -------------------------------------------------------------------------------------------------
def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(TZ).isoformat(timespec="seconds")


def _parse(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(TZ)


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


_OPEN = (
    "s.check_out IS NULL AND s.reverses_id IS NULL AND s.deleted = 0 AND NOT EXISTS ("
    " SELECT 1 FROM volunteer_shifts c WHERE c.volunteer_id = s.volunteer_id AND c.check_in = s.check_in"
    " AND c.id != s.id AND c.deleted = 0)"
)


def open_shift(store: Store, volunteer_id: str) -> dict | None:
    """The volunteer's latest shift with a check-in and no check-out yet."""
    return store.one(
        f"SELECT s.* FROM volunteer_shifts s WHERE s.volunteer_id = ? AND {_OPEN} ORDER BY s.check_in DESC LIMIT 1",
        (volunteer_id,),
    )


def open_shifts_over_midnight(store: Store, now: dt.datetime) -> list[dict]:
    """Shifts still open although their day is over: staff should close or cancel them."""
    midnight = _iso(now.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0))
    return store.rows(
        f"SELECT s.*, p.surname, p.name, p.patronymic FROM volunteer_shifts s "
        f"JOIN volunteers v ON v.id = s.volunteer_id JOIN people p ON p.id = v.person_id "
        f"WHERE {_OPEN} AND s.check_in < ? ORDER BY s.check_in",
        (midnight,),
    )


@dataclass(frozen=True)
class KioskResult:
    kind: str  # arrived, already_in, left, not_in
    shift: dict | None = None
    minutes: int = 0


def arrive(store: Store, volunteer_id: str, now: dt.datetime, progress=None, cancel=None) -> KioskResult:
    """The kiosk's "Arrived": opens a shift unless one is already open today."""
    with store.transaction():
        current = open_shift(store, volunteer_id)
        if current and _parse(current["check_in"]).date() == now.astimezone(TZ).date():
            return KioskResult("already_in", current)
        shift_id = store.insert(
            "volunteer_shifts", {"volunteer_id": volunteer_id, "check_in": _iso(now), "recorded_by": "kiosk"}
        )
        return KioskResult("arrived", store.get("volunteer_shifts", shift_id))


def leave(store: Store, volunteer_id: str, now: dt.datetime, progress=None, cancel=None) -> KioskResult:
    """The kiosk's "Leaving": closes today's open shift. One left open from an earlier day is for staff."""
    with store.transaction():
        current = open_shift(store, volunteer_id)
        if not current or _parse(current["check_in"]).date() != now.astimezone(TZ).date():
            return KioskResult("not_in")
        minutes = max(0, _minutes(_parse(current["check_in"]), now))
        shift_id = store.insert(
            "volunteer_shifts",
            {
                "volunteer_id": volunteer_id,
                "check_in": current["check_in"],
                "check_out": _iso(now),
                "minutes": minutes,
                "activity": current["activity"],
                "event_id": current["event_id"],
                "recorded_by": "kiosk",
            },
        )
        return KioskResult("left", store.get("volunteer_shifts", shift_id), minutes)


def _check_times(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> None:
    if end <= start:
        raise ValidationError("check_out", N_("{field} must be later than the arrival."))
    if end - start > dt.timedelta(hours=24):
        raise ValidationError("check_out", N_("{field}: a shift cannot be longer than 24 hours."))
    if end > now + dt.timedelta(minutes=5):
        raise ValidationError("check_out", N_("{field} cannot be in the future."))


def add_shift(
    store: Store,
    volunteer_id: str,
    start: dt.datetime,
    end: dt.datetime,
    activity: str = "",
    *,
    now: dt.datetime,
    recorded_by: str | None = None,
    progress=None,
    cancel=None,
) -> str:
    """A complete shift entered by staff (forgotten check-in, work done elsewhere)."""
    _check_times(start, end, now)
    return store.insert(
        "volunteer_shifts",
        {
            "volunteer_id": volunteer_id,
            "check_in": _iso(start),
            "check_out": _iso(end),
            "minutes": _minutes(start, end),
            "activity": text.normalize(activity) or None,
            "recorded_by": recorded_by or "staff",
        },
    )


def close_shift(
    store: Store, shift_id: str, end: dt.datetime, *, now: dt.datetime, progress=None, cancel=None
) -> str:
    """Staff close a shift left open (e.g. over midnight) with the time the volunteer really left."""
    with store.transaction():
        shift = store.get("volunteer_shifts", shift_id)
        if shift is None or shift["check_out"] is not None or shift["reverses_id"]:
            raise ValidationError("shift", N_("{field}: only an open shift can be closed."))
        if not store.one(f"SELECT 1 FROM volunteer_shifts s WHERE s.id = ? AND {_OPEN}", (shift_id,)):
            raise ValidationError("shift", N_("{field}: this shift has already been closed."))
        start = _parse(shift["check_in"])
        _check_times(start, end, now)
        return store.insert(
            "volunteer_shifts",
            {
                "volunteer_id": shift["volunteer_id"],
                "check_in": shift["check_in"],
                "check_out": _iso(end),
                "minutes": _minutes(start, end),
                "activity": shift["activity"],
                "event_id": shift["event_id"],
                "recorded_by": "staff",
            },
        )


def reverse_shift(store: Store, shift_id: str, reason: str, progress=None, cancel=None) -> str:
    """Cancels a ledger row by a reversal entry with the negated minutes. The row itself is never changed."""
    reason = text.normalize(reason)
    if not reason:
        raise ValidationError("reason", N_("{field} is required."))
    with store.transaction():
        shift = store.get("volunteer_shifts", shift_id)
        if shift is None:
            raise ValidationError("shift", N_("{field}: this entry does not exist."))
        if shift["reverses_id"]:
            raise ValidationError("shift", N_("{field}: a reversal cannot itself be reversed."))
        if store.scalar("SELECT 1 FROM volunteer_shifts WHERE reverses_id = ? AND deleted = 0", (shift_id,)):
            raise ValidationError("shift", N_("{field}: this entry has already been reversed."))
        return store.insert(
            "volunteer_shifts",
            {
                "volunteer_id": shift["volunteer_id"],
                "check_in": shift["check_in"],
                "check_out": shift["check_out"],
                "minutes": -(shift["minutes"] or 0),
                "activity": shift["activity"],
                "event_id": shift["event_id"],
                "reverses_id": shift_id,
                "reason": reason,
                "recorded_by": "staff",
            },
        )


def correct_shift(
    store: Store,
    shift_id: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    *,
    now: dt.datetime,
    progress=None,
    cancel=None,
) -> tuple[str, str]:
    """Wrong times: a reversal of the entry and a new entry with the right times, in one transaction."""
    _check_times(start, end, now)
    with store.transaction():
        shift = store.get("volunteer_shifts", shift_id)
        reversal = reverse_shift(store, shift_id, reason)
        assert shift is not None  # reverse_shift refuses a shift that does not exist
        new_id = add_shift(store, shift["volunteer_id"], start, end, shift["activity"] or "", now=now)
    return reversal, new_id


def shift_entries(store: Store, volunteer_id: str, month: str) -> list[dict]:
    """The ledger rows of one volunteer in a month, newest first, each with its `kind`: open, closed, reversal,
    reversed (cancelled later), or closing (the check-out row of a kiosk shift)."""
    start, end = month_dates(month)
    rows = store.rows(
        "SELECT * FROM volunteer_shifts WHERE volunteer_id = ? AND deleted = 0 AND check_in >= ? AND check_in < ? "
        "ORDER BY check_in DESC, created_at DESC",
        (volunteer_id, start, end),
    )
    reversed_ids = {r["reverses_id"] for r in rows if r["reverses_id"]}
    by_check_in: dict[str, int] = {}
    for r in rows:
        by_check_in[r["check_in"]] = by_check_in.get(r["check_in"], 0) + 1
    for r in rows:
        if r["reverses_id"]:
            r["kind"] = "reversal"
        elif r["id"] in reversed_ids:
            r["kind"] = "reversed"
        elif r["check_out"] is None:
            r["kind"] = "open" if by_check_in[r["check_in"]] == 1 else "checked_in"
        else:
            r["kind"] = "closed"
    return rows


def minutes_in_period(store: Store, volunteer_id: str, start: dt.date, end: dt.date) -> int:
    """Shift and event minutes from `start` to `end` inclusive."""
    lo, hi = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    shifts = store.scalar(
        "SELECT COALESCE(SUM(minutes), 0) FROM volunteer_shifts WHERE volunteer_id = ? AND deleted = 0 "
        "AND check_in >= ? AND check_in < ?",
        (volunteer_id, lo, hi),
    )
    at_events = store.scalar(
        "SELECT COALESCE(SUM(ev.minutes), 0) FROM event_volunteers ev JOIN events e ON e.id = ev.event_id "
        f"WHERE ev.volunteer_id = ? AND {events.counted_event_time()} "
        "AND e.starts_at >= ? AND e.starts_at < ?",
        (volunteer_id, lo, hi),
    )
    return shifts + at_events


def minutes_by_month(store: Store, volunteer_id: str, year: int) -> dict[int, int]:
    """{month: minutes} of one volunteer in a year (shifts plus events)."""
    lo, hi = f"{year}-01-01", f"{year + 1}-01-01"
    totals = {m: 0 for m in range(1, 13)}
    for row in store.rows(
        "SELECT CAST(substr(check_in, 6, 2) AS INTEGER) AS m, SUM(minutes) AS total FROM volunteer_shifts "
        "WHERE volunteer_id = ? AND deleted = 0 AND check_in >= ? AND check_in < ? GROUP BY m",
        (volunteer_id, lo, hi),
    ):
        totals[row["m"]] += row["total"] or 0
    for row in store.rows(
        "SELECT CAST(substr(e.starts_at, 6, 2) AS INTEGER) AS m, SUM(ev.minutes) AS total FROM event_volunteers ev "
        f"JOIN events e ON e.id = ev.event_id WHERE ev.volunteer_id = ? AND {events.counted_event_time()} "
        "AND e.starts_at >= ? AND e.starts_at < ? GROUP BY m",
        (volunteer_id, lo, hi),
    ):
        totals[row["m"]] += row["total"] or 0
    return totals


def month_hours(store: Store, month: str) -> list[dict]:
    """Every volunteer with time in `month`: shift minutes, event minutes and the total, by Kazakh name order."""
    start, end = month_dates(month)
    return store.rows(
        "SELECT v.id, p.surname, p.name, p.patronymic, sm.minutes AS shift_minutes, em.minutes AS event_minutes, "
        "COALESCE(sm.minutes, 0) + COALESCE(em.minutes, 0) AS total_minutes "
        "FROM volunteers v JOIN people p ON p.id = v.person_id "
        "LEFT JOIN (SELECT volunteer_id, SUM(minutes) AS minutes FROM volunteer_shifts WHERE deleted = 0 "
        "           AND check_in >= :start AND check_in < :end GROUP BY volunteer_id) sm ON sm.volunteer_id = v.id "
        "LEFT JOIN (SELECT ev.volunteer_id, SUM(ev.minutes) AS minutes FROM event_volunteers ev "
        f"           JOIN events e ON e.id = ev.event_id WHERE {events.counted_event_time()} "
        "           AND e.starts_at >= :start AND e.starts_at < :end "
        "           GROUP BY ev.volunteer_id) em ON em.volunteer_id = v.id "
        "WHERE v.deleted = 0 AND (sm.minutes IS NOT NULL OR em.minutes IS NOT NULL) ORDER BY p.name_sort",
        {"start": start, "end": end},
    )


# ---- the kiosk's search -----------------------------------------------------------------------------------
def kiosk_find(store: Store, typed: str, limit: int = 6) -> list[dict]:
    """Volunteers (not those who left) by their personal code or by name as typed."""
    typed = (typed or "").strip()
    if not typed:
        return []
    base = (
        "SELECT v.id, v.kiosk_code, p.surname, p.name, p.patronymic FROM volunteers v "
        "JOIN people p ON p.id = v.person_id WHERE v.deleted = 0 AND p.deleted = 0 AND v.status != 'left' "
    )
    if typed.isdigit():
        return store.rows(base + "AND v.kiosk_code = ? LIMIT ?", (typed, limit))
    if len(typed) < 2:
        return []
    sql, params = people.search_filter(typed).clause()
    return store.rows(base + f"AND {sql} ORDER BY p.name_sort LIMIT ?", (*params, limit))
