"""Events: the cultural calendar of a house — planning, who organised and performed, volunteers' help, attendance.

Times are kept as ISO datetimes with the Asia/Almaty offset (UTC+5), so the first ten characters of `starts_at`
are the local date and a month is a plain string range. Everything an event form changes (the event, its
organising associations, performing groups, volunteers' minutes and attendance) is saved in one transaction after
every check has passed: bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop import clock, headcount_labels, reference, text
from desktop.clock import TZ
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.periods import month_bounds
from desktop.roles import requires
from desktop.store import Store

STATUSES = (("planned", N_("Planned")), ("held", N_("Held")), ("cancelled", N_("Cancelled")))
STATUS_CODES = tuple(code for code, _label in STATUSES)
ATTENDANCE_MODES = ("headcount", "named")

register_field_labels(
    {
        "event_title": N_("Title"),
        "event_kind": N_("Kind"),
        "event_status": N_("Status"),
        "event_starts_at": N_("Start"),
        "event_ends_at": N_("End"),
        "event_volunteers": N_("Volunteers"),
        "event_attendance_mode": N_("Attendance"),
        "attendance_total": N_("Total"),
        "attendance_women": N_("Women"),
        "attendance_men": N_("Men"),
        "attendance_children": headcount_labels.CHILDREN,
        "attendance_elderly": headcount_labels.ELDERLY,
    }
)


@dataclass
class Headcount:
    total: int = 0
    women: int = 0
    men: int = 0
    children: int = 0  # under 18
    elderly: int = 0  # 60 and over


@dataclass
class EventInput:
    """What the event form edits. `volunteers` maps a volunteers-row id to the minutes they helped."""

    starts_at: dt.datetime | str
    title_kk: str = ""
    title_ru: str = ""
    kind: str = "other"
    ends_at: dt.datetime | str | None = None
    place: str = ""
    status: str = "planned"
    notes: str = ""
    organised_by_house: bool = True
    association_ids: list[str] = field(default_factory=list)
    group_ids: list[str] = field(default_factory=list)
    volunteers: dict[str, int] = field(default_factory=dict)
    attendance_mode: str = "headcount"
    headcount: Headcount | None = None
    attendee_ids: list[str] = field(default_factory=list)
    preset: str | None = None


# ---- time helpers ------------------------------------------------------------------------------------------
def to_local(value: dt.datetime | str | None) -> dt.datetime | None:
    """An aware datetime in Asia/Almaty; a naive one is taken as already local."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=TZ)
    return value.astimezone(TZ)


def stored_time(value: dt.datetime | str | None) -> str | None:
    local = to_local(value)
    return local.isoformat(timespec="seconds") if local else None


# ---- validation --------------------------------------------------------------------------------------------
def validate_headcount(h: Headcount) -> list[ValidationError]:
    errors: list[ValidationError] = []
    for name in ("total", "women", "men", "children", "elderly"):
        if getattr(h, name) < 0:
            errors.append(ValidationError(f"attendance_{name}", N_("{field} cannot be negative.")))
    if errors:
        return errors
    if h.women + h.men > h.total:
        errors.append(
            ValidationError(
                "attendance_women",
                N_("Women and men together ({parts}) cannot be more than the total ({total})."),
                parts=h.women + h.men,
                total=h.total,
            )
        )
    for name in ("children", "elderly"):
        if getattr(h, name) > h.total:
            errors.append(
                ValidationError(
                    f"attendance_{name}",
                    N_("{field} ({count}) cannot be more than the total ({total})."),
                    count=getattr(h, name),
                    total=h.total,
                )
            )
    if not errors and h.children + h.elderly > h.total:
        errors.append(
            ValidationError(
                "attendance_elderly",
                N_("Children and elderly together ({parts}) cannot be more than the total ({total})."),
                parts=h.children + h.elderly,
                total=h.total,
            )
        )
    return errors


def validate_event(store: Store, data: EventInput, now: dt.datetime | None = None) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if not text.normalize(data.title_kk) and not text.normalize(data.title_ru):
        errors.append(ValidationError("event_title", N_("Enter a title in Kazakh or Russian (or both).")))
    kinds = {code for code, _name in reference.names(store.conn, "event_kinds")}
    if data.kind not in kinds:
        errors.append(ValidationError("event_kind", N_("Choose the kind of event.")))
    if data.status not in STATUS_CODES:
        errors.append(ValidationError("event_status", N_("Choose the status of the event.")))
    try:
        starts = to_local(data.starts_at)
        ends = to_local(data.ends_at)
    except ValueError:
        errors.append(ValidationError("event_starts_at", N_("{field}: the date or time is not valid.")))
        return errors
    if starts is None:
        errors.append(ValidationError("event_starts_at", N_("Enter when the event starts.")))
    elif ends is not None and ends < starts:
        errors.append(ValidationError("event_ends_at", N_("The event cannot end before it starts.")))
    elif data.status == "held" and starts > (now or clock.now()):
        errors.append(
            ValidationError("event_status", N_("An event that has not started yet cannot be marked as held."))
        )
    for minutes in data.volunteers.values():
        if minutes is None or minutes < 0:
            errors.append(
                ValidationError("event_volunteers", N_("A volunteer's minutes cannot be negative."))
            )
            break
    if data.attendance_mode not in ATTENDANCE_MODES:
        errors.append(ValidationError("event_attendance_mode", N_("Choose how attendance is recorded.")))
    if data.attendance_mode == "headcount" and data.headcount is not None:
        errors.extend(validate_headcount(data.headcount))
    came = (data.headcount.total if data.headcount and data.attendance_mode == "headcount" else 0) or (
        len(data.attendee_ids) if data.attendance_mode == "named" else 0
    )
    if data.status == "cancelled" and came:
        errors.append(
            ValidationError(
                "attendance_total",
                N_("A cancelled event has no attendance: clear it, or change the status."),
            )
        )
    return errors


# ---- writes ------------------------------------------------------------------------------------------------
@requires("records.write")
def save_event(
    store: Store, data: EventInput, event_id: str | None = None, *, now: dt.datetime | None = None, **_task
) -> str:
    """Creates or updates an event with all its links. Raises ValidationErrors before writing anything."""
    errors = validate_event(store, data, now)
    if errors:
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    values = {
        "title_kk": text.normalize(data.title_kk),
        "title_ru": text.normalize(data.title_ru),
        "kind": data.kind,
        "starts_at": stored_time(data.starts_at),
        "ends_at": stored_time(data.ends_at),
        "place": text.normalize(data.place) or None,
        "status": data.status,
        "attendance_mode": data.attendance_mode,
        "organised_by_house": bool(data.organised_by_house),
        "notes": (data.notes or "").strip() or None,
    }
    with store.transaction():
        if event_id is None:
            values["preset"] = data.preset
            event_id = store.insert("events", values)
        else:
            store.update("events", event_id, values)
        _sync_links(
            store,
            "event_associations",
            event_id,
            "association_id",
            {a: {} for a in dict.fromkeys(data.association_ids)},
        )
        _sync_links(
            store, "event_groups", event_id, "group_id", {g: {} for g in dict.fromkeys(data.group_ids)}
        )
        _sync_links(
            store,
            "event_volunteers",
            event_id,
            "volunteer_id",
            {v: {"minutes": int(m)} for v, m in data.volunteers.items()},
        )
        if data.attendance_mode == "headcount" and data.headcount is not None:
            _write_headcount(store, event_id, data.headcount)
        if data.attendance_mode == "named":
            _sync_links(
                store,
                "event_attendees",
                event_id,
                "person_id",
                {p: {} for p in dict.fromkeys(data.attendee_ids)},
            )
    return event_id


@requires("records.write")
def record_headcount(store: Store, event_id: str, headcount: Headcount, **_task) -> None:
    errors = validate_headcount(headcount)
    if errors:
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    with store.transaction():
        store.update("events", event_id, {"attendance_mode": "headcount"})
        _write_headcount(store, event_id, headcount)


@requires("records.write")
def record_attendees(store: Store, event_id: str, person_ids: list[str], **_task) -> None:
    with store.transaction():
        store.update("events", event_id, {"attendance_mode": "named"})
        _sync_links(
            store, "event_attendees", event_id, "person_id", {p: {} for p in dict.fromkeys(person_ids)}
        )


@requires("records.write")
def delete_event(store: Store, event_id: str, **_task) -> None:
    store.delete("events", event_id)


def _write_headcount(store: Store, event_id: str, h: Headcount) -> None:
    values = {"total": h.total, "women": h.women, "men": h.men, "children": h.children, "elderly": h.elderly}
    existing = store.scalar("SELECT id FROM event_attendance WHERE event_id = ? AND deleted = 0", (event_id,))
    if existing:
        store.update("event_attendance", existing, values)
    else:
        store.insert("event_attendance", {"event_id": event_id, **values})


def _sync_links(store: Store, table: str, event_id: str, key: str, wanted: dict[str, dict]) -> None:
    """Makes the event's live rows of a link table exactly `wanted` ({linked id: other fields}), touching only
    rows that change, so sync carries the least and other PCs' edits of untouched rows survive."""
    current = {
        r[key]: r
        for r in store.rows(f'SELECT * FROM "{table}" WHERE event_id = ? AND deleted = 0', (event_id,))
    }
    for linked_id, row in current.items():
        if linked_id not in wanted:
            store.delete(table, row["id"])
        elif wanted[linked_id]:
            store.update(table, row["id"], wanted[linked_id])
    for linked_id, extra in wanted.items():
        if linked_id not in current:
            store.insert(table, {"event_id": event_id, key: linked_id, **extra})


# ---- reads -------------------------------------------------------------------------------------------------
def localized_title(row: dict, lang: str | None = None) -> str:
    return reference.localized(row, lang, prefix="title")


def kind_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "event_kinds"))


SORT_COLUMNS = {
    "starts_at": "e.starts_at",
    "title": "e.name_sort",
    "kind": "(SELECT sort FROM event_kinds k WHERE k.code = e.kind)",
    "place": "coalesce(e.place, '')",
    "status": "e.status",
    "attendance": "attendance",
}


@dataclass(frozen=True)
class EventFilter:
    kind: str | None = None
    status: str | None = None
    month: str | None = None  # 'YYYY-MM'
    search: str = ""
    past_planned: bool = False  # only events whose start has passed and that are still planned


def _where(f: EventFilter) -> tuple[str, list]:
    clauses, params = ["e.deleted = 0"], []
    if f.kind:
        clauses.append("e.kind = ?")
        params.append(f.kind)
    if f.status:
        clauses.append("e.status = ?")
        params.append(f.status)
    if f.month:
        start, end = month_bounds(f.month)
        # An event that spans into the month (Nauryz 21–23) belongs to each month it touches.
        clauses.append("e.starts_at < ? AND coalesce(e.ends_at, e.starts_at) >= ?")
        params += [end, start]
    if f.past_planned:
        clauses.append("e.status = 'planned' AND datetime(e.starts_at) <= datetime(?)")
        params.append(clock.now().isoformat(timespec="seconds"))
    query = text.normalize(f.search)
    if query:
        clauses.append("(e.name_fold LIKE ? OR e.name_loose LIKE ?)")
        params += [f"%{text.fold(query)}%", f"%{text.loose(query)}%"]
    return " AND ".join(clauses), params


_ATTENDANCE_SQL = (
    "CASE WHEN e.attendance_mode = 'named' "
    "THEN (SELECT count(*) FROM event_attendees x WHERE x.event_id = e.id AND x.deleted = 0) "
    "ELSE (SELECT a.total FROM event_attendance a WHERE a.event_id = e.id AND a.deleted = 0 LIMIT 1) END"
)


@requires("records.read")
def count_events(store: Store, f: EventFilter = EventFilter()) -> int:
    where, params = _where(f)
    return store.scalar(f"SELECT count(*) FROM events e WHERE {where}", params)


@requires("records.read")
def list_events(
    store: Store,
    f: EventFilter = EventFilter(),
    *,
    sort: str = "starts_at",
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[dict]:
    """Rows for the event list: id, titles, kind, starts_at, ends_at, place, status, attendance (number or None)."""
    where, params = _where(f)
    order = SORT_COLUMNS.get(sort, "e.starts_at")
    direction = "DESC" if descending else "ASC"
    return store.rows(
        f"SELECT e.id, e.title_kk, e.title_ru, e.kind, e.starts_at, e.ends_at, e.place, e.status, "
        f"{_ATTENDANCE_SQL} AS attendance FROM events e WHERE {where} "
        f"ORDER BY {order} {direction}, e.starts_at {direction}, e.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


@requires("records.read")
def get_event(store: Store, event_id: str) -> EventInput | None:
    """The event as the form edits it, with all its links."""
    row = store.get("events", event_id)
    if row is None:
        return None

    def linked(table: str, key: str) -> list[str]:
        return [
            r[key]
            for r in store.rows(
                f'SELECT {key} FROM "{table}" WHERE event_id = ? AND deleted = 0 ORDER BY created_at',
                (event_id,),
            )
        ]

    volunteers = {
        r["volunteer_id"]: r["minutes"]
        for r in store.rows(
            "SELECT volunteer_id, minutes FROM event_volunteers WHERE event_id = ? AND deleted = 0 ORDER BY created_at",
            (event_id,),
        )
    }
    count = store.one(
        "SELECT total, women, men, children, elderly FROM event_attendance "
        "WHERE event_id = ? AND deleted = 0",
        (event_id,),
    )
    starts_at = to_local(row["starts_at"])
    assert starts_at is not None  # a stored event always has its start
    return EventInput(
        title_kk=row["title_kk"],
        title_ru=row["title_ru"],
        kind=row["kind"],
        starts_at=starts_at,
        ends_at=to_local(row["ends_at"]),
        place=row["place"] or "",
        status=row["status"],
        notes=row["notes"] or "",
        organised_by_house=bool(row["organised_by_house"]),
        association_ids=linked("event_associations", "association_id"),
        group_ids=linked("event_groups", "group_id"),
        volunteers=volunteers,
        attendance_mode=row["attendance_mode"],
        headcount=Headcount(**count) if count else None,
        attendee_ids=linked("event_attendees", "person_id"),
        preset=row["preset"],
    )


def counted_event_time(now: dt.datetime | None = None) -> str:
    """The SQL condition (over event_volunteers `ev` joined to events `e`) for volunteer time at events that counts
    in hours and letters: the event has started and was not cancelled, and the volunteer did not also check in at
    the kiosk for it (the shift holds that time already). `now` becomes a literal: it is a timestamp made here.
    An event with minutes recorded has taken place once it started (desktop.event_facts.took_place_sql), so the
    monthly summary counts the same time."""
    started_by = stored_time(now or clock.now())
    return (
        "ev.deleted = 0 AND e.deleted = 0 AND e.status != 'cancelled' "
        f"AND e.starts_at <= '{started_by}' "
        "AND NOT EXISTS (SELECT 1 FROM volunteer_shifts ks WHERE ks.deleted = 0 AND ks.event_id = ev.event_id "
        "AND ks.volunteer_id = ev.volunteer_id)"
    )


def event_minutes_by_volunteer(
    store: Store, month: str | dt.date, *, now: dt.datetime | None = None
) -> dict[str, int]:
    """Minutes each volunteer helped at events that started in the month ('YYYY-MM' or a date in it):
    {volunteer id: minutes}. The volunteers' monthly hours add this to their shift minutes.

    Counted: events that have started by `now` (default: the current time in Asia/Almaty) and are not cancelled,
    so minutes planned for a coming event count once it takes place, and never for one called off. Deleted
    events and removed volunteer rows do not count."""
    start, end = month_bounds(month)
    return {
        r["volunteer_id"]: r["minutes"]
        for r in store.rows(
            "SELECT ev.volunteer_id, sum(ev.minutes) AS minutes FROM event_volunteers ev "
            f"JOIN events e ON e.id = ev.event_id WHERE {counted_event_time(now)} "
            "AND e.starts_at >= ? AND e.starts_at < ? GROUP BY ev.volunteer_id",
            (start, end),
        )
    }


def volunteer_event_minutes(
    store: Store, volunteer_id: str, month: str | dt.date, *, now: dt.datetime | None = None
) -> int:
    return event_minutes_by_volunteer(store, month, now=now).get(volunteer_id, 0)


# ---- the month calendar ------------------------------------------------------------------------------------
