"""Volunteers' time: the shift ledger behind the check-in kiosk, corrections, and hours per month and period.

The shift ledger is append-only. "Arrived" writes an open row (check-in, no check-out). "Leaving" writes a
second row that repeats the same check-in time and carries the check-out and the minutes; a row sharing an open
row's check-in closes it. A correction is a reversal row (negated minutes, `reverses_id`, a reason), followed by
a new row when the times were wrong. Hours are the sum of the rows' minutes, plus minutes from events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop import events, people_search, text
from desktop.clock import TZ
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.periods import month_dates
from desktop.roles import requires
from desktop.store import Store


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


@requires("kiosk")
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


@requires("kiosk")
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


@requires("records.write")
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


@requires("records.write")
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


@requires("records.write")
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


@requires("records.write")
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


@requires("records.read")
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
KIOSK_CODE_DIGITS = 4  # a volunteer's personal code
KIOSK_MIN_LETTERS = 3


def kiosk_label(row: dict) -> str:
    """What the kiosk shows of a volunteer: the first name and the surname's initial ("Дана Е."), never more."""
    initial = (row.get("surname") or "").strip()[:1]
    return f"{row.get('name') or ''} {initial}.".strip() if initial else (row.get("name") or "")


@requires("kiosk")
def kiosk_find(store: Store, typed: str, limit: int = 6) -> list[dict]:
    """Volunteers (not those who left) by their personal code (all its digits) or by at least three letters of
    their name, as {'id', 'label'}: the kiosk stands in a public room, so it shows no full names."""
    typed = (typed or "").strip()
    base = (
        "SELECT v.id, p.surname, p.name FROM volunteers v "
        "JOIN people p ON p.id = v.person_id WHERE v.deleted = 0 AND p.deleted = 0 AND v.status != 'left' "
    )
    if typed.isdigit():
        if len(typed) != KIOSK_CODE_DIGITS:
            return []
        rows = store.rows(base + "AND v.kiosk_code = ? LIMIT ?", (typed, limit))
    elif len(typed.replace(" ", "")) < KIOSK_MIN_LETTERS:
        return []
    else:
        sql, params = people_search.search_filter(typed).clause()
        rows = store.rows(base + f"AND {sql} ORDER BY p.name_sort LIMIT ?", (*params, limit))
    return [{"id": r["id"], "label": kiosk_label(r)} for r in rows]
