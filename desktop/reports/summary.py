"""The monthly summary: aggregate figures of a house's month, straight from the store's tables.

Only counts and sums leave this module — never a name, IIN or phone — so the payload can be submitted to the
region and summed with other houses' payloads (rollup.py). Month boundaries are those of Asia/Almaty: an event at
23:30 local time on the 31st belongs to that month whatever offset its timestamp was written with.

A ledger correction (a reversal row with `reverses_id`) counts in the month of the entry it corrects, so a month's
figures are always net of its own corrections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3

from desktop import clock
from desktop.event_facts import took_place_sql
from desktop.periods import (
    ADULT_AGE,
    ELDERLY_AGE,
    band_of_age,
    last_full_month,
    month_dates,
    month_instants,
    month_key,
    parse_month,
    shift_month,
)
from desktop.reports.stock_figures import as_number as _num
from desktop.reports.stock_figures import stock_at_end, stock_by_month
from desktop.roles import requires

PAYLOAD_SCHEMA = 1

# Keys of the 12-month series (one small dict per month), shown as the line chart.
SERIES_KEYS = (
    "events_held",
    "attendance",
    "people_reached",
    "households_reached",
    "aid_entries",
    "volunteer_minutes",
    "donations_value_kzt",
)


@dataclasses.dataclass
class MonthlySummary:
    """One month's aggregates with last month's and the same month last year, and the 12 months up to it."""

    month: str  # YYYY-MM
    org: dict  # {"code", "name_kk", "name_ru", "region_code"}: the house (or region, for a roll-up)
    current: dict
    previous: dict
    year_ago: dict
    series: list[dict]  # 12 × {"month": YYYY-MM, SERIES_KEYS…}, oldest first
    names: dict  # kk/ru names of the codes used: programmes, categories, kinds, items, units
    houses: list[str] = dataclasses.field(default_factory=list)
    generated_at: str = ""
    partial: bool = False  # the month is not over yet (the dashboard's "this month so far")
    houses_missing: list[str] = dataclasses.field(
        default_factory=list
    )  # a roll-up: houses that did not submit

    @property
    def previous_month(self) -> str:
        return shift_month(self.month, -1)

    @property
    def year_ago_month(self) -> str:
        return shift_month(self.month, -12)

    def to_payload(self) -> dict:
        """Plain JSON-able dicts (what monthly_reports.payload holds and what the roll-up sums)."""
        payload = dataclasses.asdict(self)
        payload["schema"] = PAYLOAD_SCHEMA
        return payload

    @classmethod
    def from_payload(cls, payload: dict | str) -> MonthlySummary:
        data: dict = json.loads(payload) if isinstance(payload, str) else payload
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _bounds(month: str, now: dt.datetime | None = None) -> dict:
    d0, d1 = month_dates(month)
    t0, t1 = month_instants(month)
    # A plain text range a day wider on each side keeps the index usable before the exact UTC comparison.
    wide0 = (parse_month(month) - dt.timedelta(days=1)).isoformat()
    wide1 = (parse_month(shift_month(month, 1)) + dt.timedelta(days=1)).isoformat()
    now_at = (now or clock.now()).isoformat(timespec="seconds")  # events that took place by then count
    return {"d0": d0, "d1": d1, "t0": t0, "t1": t1, "w0": wide0, "w1": wide1, "now": now_at}


# ---- figures of one month ---------------------------------------------------------------------------------------
# Events of the month that took place (held, or past and planned with attendance or volunteers' time recorded).
_EVENTS_IN_MONTH = """
    SELECT id, kind, attendance_mode, starts_at FROM events e
    WHERE {cond} AND starts_at >= :w0 AND starts_at < :w1 AND datetime(starts_at) >= :t0 AND datetime(starts_at) < :t1
"""
_HELD_EVENTS = _EVENTS_IN_MONTH.format(cond=took_place_sql())

# Age in whole years of a birth date `b` on day `d` (both YYYY-MM-DD text).
_AGE = (
    "(CAST(substr({d}, 1, 4) AS INTEGER) - CAST(substr({b}, 1, 4) AS INTEGER)"
    " - (substr({d}, 6, 5) < substr({b}, 6, 5)))"
)


def _zero_reached() -> dict:
    return {"total": 0, "women": 0, "men": 0, "children": 0, "elderly": 0}


def _event_figures(conn: sqlite3.Connection, b: dict) -> dict:
    held = b
    by_kind = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT kind, count(*) FROM ({_HELD_EVENTS}) GROUP BY kind ORDER BY kind", held
        )
    }
    cancelled_events = _EVENTS_IN_MONTH.format(cond="e.deleted = 0 AND e.status = 'cancelled'")
    cancelled = conn.execute(f"SELECT count(*) FROM ({cancelled_events})", b).fetchone()[0]
    attendance = _zero_reached()
    row = conn.execute(
        f"""SELECT sum(a.total), sum(a.women), sum(a.men), sum(a.children), sum(a.elderly)
            FROM ({_HELD_EVENTS}) ev JOIN event_attendance a ON a.event_id = ev.id AND a.deleted = 0""",
        held,
    ).fetchone()
    for key, value in zip(attendance, row):
        attendance[key] += value or 0
    # Events kept as a named list (and no headcount row) are counted from the list.
    age = _AGE.format(d="substr(ev.starts_at, 1, 10)", b="p.birth_date")
    row = conn.execute(
        f"""SELECT count(*), sum(p.sex = 'f'), sum(p.sex = 'm'),
                   sum(p.birth_date IS NOT NULL AND {age} < {ADULT_AGE}),
                   sum(p.birth_date IS NOT NULL AND {age} >= {ELDERLY_AGE})
            FROM ({_HELD_EVENTS}) ev
            JOIN event_attendees x ON x.event_id = ev.id AND x.deleted = 0
            LEFT JOIN people p ON p.id = x.person_id AND p.deleted = 0
            WHERE NOT EXISTS (SELECT 1 FROM event_attendance a WHERE a.event_id = ev.id AND a.deleted = 0)""",
        held,
    ).fetchone()
    for key, value in zip(attendance, row):
        attendance[key] += value or 0
    performances, groups_performing = conn.execute(
        f"""SELECT count(*), count(DISTINCT g.group_id) FROM ({_HELD_EVENTS}) ev
            JOIN event_groups g ON g.event_id = ev.id AND g.deleted = 0""",
        held,
    ).fetchone()
    associations = conn.execute(
        f"""SELECT count(DISTINCT x.association_id) FROM ({_HELD_EVENTS}) ev
            JOIN event_associations x ON x.event_id = ev.id AND x.deleted = 0""",
        held,
    ).fetchone()[0]
    return {
        "held": sum(by_kind.values()),
        "cancelled": cancelled,
        "by_kind": by_kind,
        "attendance": attendance,
        "performances": performances,
        "groups_performing": groups_performing,
        "associations_involved": associations,
    }


def _volunteer_figures(conn: sqlite3.Connection, b: dict) -> dict:
    # Shifts of the month, each reversal counted in the month of the shift it corrects.
    shifts = """
        SELECT s.volunteer_id, coalesce(s.minutes, 0) AS minutes, s.event_id FROM volunteer_shifts s
        WHERE s.deleted = 0 AND s.reverses_id IS NULL AND s.check_in >= :w0 AND s.check_in < :w1
          AND datetime(s.check_in) >= :t0 AND datetime(s.check_in) < :t1
        UNION ALL
        SELECT o.volunteer_id, coalesce(s.minutes, 0), o.event_id FROM volunteer_shifts s
        JOIN volunteer_shifts o ON o.id = s.reverses_id
        WHERE s.deleted = 0 AND s.reverses_id IS NOT NULL AND o.check_in >= :w0 AND o.check_in < :w1
          AND datetime(o.check_in) >= :t0 AND datetime(o.check_in) < :t1
    """
    # Time written on an event that took place counts unless the volunteer also checked in for that event (no double count).
    at_events = f"""
        SELECT v.volunteer_id, v.minutes, v.event_id FROM ({_HELD_EVENTS}) ev
        JOIN event_volunteers v ON v.event_id = ev.id AND v.deleted = 0
        WHERE NOT EXISTS (SELECT 1 FROM volunteer_shifts s WHERE s.deleted = 0 AND s.event_id = v.event_id
                          AND s.volunteer_id = v.volunteer_id)
    """
    per_volunteer = conn.execute(
        f"SELECT volunteer_id, sum(minutes) FROM ({shifts} UNION ALL {at_events}) GROUP BY volunteer_id",
        b,
    ).fetchall()
    minutes = sum(m or 0 for _, m in per_volunteer)
    active = sum(1 for _, m in per_volunteer if (m or 0) > 0)
    new = conn.execute(
        "SELECT count(*) FROM volunteers WHERE deleted = 0 AND since >= :d0 AND since < :d1", b
    ).fetchone()[0]
    return {"active": active, "new": new, "minutes": int(minutes)}


# Aid entries and lines are read once for the whole window and counted here rather than joined row by row in SQL:
# on a busy year (50 000 entries) this is several times faster. A reversal (`reverses_id`) counts against the entry
# it corrects, in that entry's month; a fully reversed entry drops out. Only counts leave this module: a person key
# is used for counting distinct people and then forgotten.
_AID_GIVEN = """
    SELECT id, given_on, programme, recipient_id, household_id, reverses_id FROM aid_given
    WHERE deleted = 0 AND given_on >= :start AND given_on < :end
"""
# Lines of the window's entries (and of their corrections, which are dated on or after the entry).
_AID_LINES = """
    SELECT aid_id, item_id, quantity FROM aid_lines
    WHERE deleted = 0 AND +aid_id IN (SELECT id FROM aid_given WHERE deleted = 0 AND given_on >= :start)
"""
_RECIPIENTS = """
    SELECT r.id, r.person_id, r.household_id, r.anonymous, coalesce(nullif(r.sex, ''), p.sex, ''), r.age_band,
           p.birth_date, r.categories
    FROM recipients r LEFT JOIN people p ON p.id = r.person_id AND p.deleted = 0
    WHERE r.deleted = 0
"""


class _Reach:
    """Counts of entries, distinct people and households, by sex and age band, over some aid entries."""

    __slots__ = (
        "anonymous",
        "children",
        "elderly",
        "entries",
        "households",
        "men",
        "people",
        "quantity",
        "women",
    )

    def __init__(self):
        self.entries, self.quantity = 0, 0.0
        self.people, self.households = set(), set()
        self.women, self.men, self.children, self.elderly, self.anonymous = set(), set(), set(), set(), set()

    def add(self, person, household, sex, band, anonymous, quantity) -> None:
        self.entries += 1
        self.quantity += quantity
        if household:
            self.households.add(household)
        if person is None:
            return
        self.people.add(person)
        if sex == "f":
            self.women.add(person)
        elif sex == "m":
            self.men.add(person)
        if band == "child":
            self.children.add(person)
        elif band == "elderly":
            self.elderly.add(person)
        if anonymous:
            self.anonymous.add(person)

    def figures(self) -> dict:
        people = len(self.people)
        return {
            "entries": self.entries,
            "people": people,
            "households": len(self.households),
            "quantity": _num(self.quantity),
            "reached": {
                "total": people,
                "women": len(self.women),
                "men": len(self.men),
                "children": len(self.children),
                "elderly": len(self.elderly),
            },
            "anonymous": len(self.anonymous),
        }


def _age_band(birth_date: str | None, on: str) -> str | None:
    if not birth_date or len(birth_date) < 10:
        return None
    return band_of_age(int(on[:4]) - int(birth_date[:4]) - (on[5:10] < birth_date[5:10]))


def _aid_figures_by_month(
    conn: sqlite3.Connection, months: list[str], detail_months: set[str] | None = None
) -> tuple[dict[str, dict], dict]:
    """Aid figures of each month of `months` (consecutive, oldest first), and the stock going out by month/item.
    Breakdowns by programme and category are counted for `detail_months` only (default: all)."""
    detail = set(months) if detail_months is None else detail_months
    window = {"start": month_dates(months[0])[0], "end": "9999-12-31"}
    in_months = set(months)
    given = {row[0]: row[1:] for row in conn.execute(_AID_GIVEN, window)}
    recipients = {row[0]: row[1:] for row in conn.execute(_RECIPIENTS)}
    entry_quantity: dict[str, float] = {}
    corrected: set[str] = set()
    items: dict[str, dict[str, float]] = {m: {} for m in months}
    out: dict[str, dict[str, float]] = {}
    for aid_id, item, quantity in conn.execute(_AID_LINES, window):
        row = given.get(aid_id)
        if row is None:
            continue
        day, _programme, _recipient, _household, reverses = row
        physical = out.setdefault(day[:7], {})
        physical[item] = physical.get(item, 0) - quantity
        if reverses and reverses not in given:
            continue  # corrects an entry older than the window: it counts in that entry's month, not here
        entry = reverses or aid_id
        entry_quantity[entry] = entry_quantity.get(entry, 0) + quantity
        month = given[entry][0][:7]
        if month in in_months:
            items[month][item] = items[month].get(item, 0) + quantity
    for aid_id, (day, _p, _r, _h, reverses) in given.items():
        if reverses and reverses in given:
            corrected.add(reverses)

    totals = {m: _Reach() for m in months}
    by_programme: dict[str, dict[str, _Reach]] = {m: {} for m in months}
    by_category: dict[str, dict[str, _Reach]] = {m: {} for m in months}
    month_end = {m: month_dates(m)[1] for m in months}
    parsed_categories: dict[str | None, list] = {}
    no_recipient = (None, None, 0, "", None, None, None)
    for aid_id, (day, programme, recipient_id, household_id, reverses) in given.items():
        month = day[:7]
        if reverses or month not in in_months:
            continue
        quantity = entry_quantity.get(aid_id, 0)
        if aid_id in corrected and quantity <= 0:
            continue
        person_id, r_household, anonymous, sex, band, birth_date, categories = (
            recipients.get(recipient_id, no_recipient) if recipient_id else no_recipient
        )
        # A recipient record stands for one person; an anonymous one has no person but is still one person.
        person = (person_id or recipient_id) if recipient_id else None
        household = household_id or r_household
        if month not in detail:  # a month of the series: totals only
            total = totals[month]
            total.entries += 1
            if person is not None:
                total.people.add(person)
            if household:
                total.households.add(household)
            continue
        band = band or _age_band(birth_date, month_end[month])
        reach = (person, household, sex, band, anonymous, quantity)
        totals[month].add(*reach)
        programmes = by_programme[month]
        if programme not in programmes:
            programmes[programme] = _Reach()
        programmes[programme].add(*reach)
        if categories not in parsed_categories:
            parsed_categories[categories] = json.loads(categories) if categories else []
        month_categories = by_category[month]
        for category in parsed_categories[categories]:
            if category not in month_categories:
                month_categories[category] = _Reach()
            month_categories[category].add(*reach)

    result = {}
    for m in months:
        figures = totals[m].figures()
        figures["by_programme"] = {k: v.figures() for k, v in sorted(by_programme[m].items())}
        figures["by_category"] = {k: v.figures() for k, v in sorted(by_category[m].items())}
        figures["items"] = {k: _num(v) for k, v in sorted(items[m].items()) if abs(v) > 1e-9}
        result[m] = figures
    return result, out


def _donation_figures(conn: sqlite3.Connection, b: dict) -> dict:
    rows = """
        SELECT d.id AS entry_id, d.id AS row_id FROM donations d
        WHERE d.deleted = 0 AND d.reverses_id IS NULL AND d.received_on >= :d0 AND d.received_on < :d1
        UNION ALL
        SELECT o.id, d.id FROM donations d JOIN donations o ON o.id = d.reverses_id AND o.deleted = 0
        WHERE d.deleted = 0 AND d.reverses_id IS NOT NULL AND o.received_on >= :d0 AND o.received_on < :d1
    """
    # A correction's value counts against the original whatever sign it was written with (the quantity tells).
    value = "CASE WHEN l.quantity < 0 THEN -abs(coalesce(l.value_kzt, 0)) ELSE coalesce(l.value_kzt, 0) END"
    count = conn.execute(
        f"""SELECT count(*) FROM (
                SELECT g.entry_id, coalesce(sum(l.quantity), 0) AS quantity,
                       sum(g.row_id <> g.entry_id) AS corrections
                FROM ({rows}) g LEFT JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0
                GROUP BY g.entry_id)
            WHERE corrections = 0 OR quantity > 0""",
        b,
    ).fetchone()[0]
    total_all = conn.execute(
        f"""SELECT coalesce(sum({value}), 0) FROM ({rows}) g
            JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0""",
        b,
    ).fetchone()[0]
    items = {
        r[0]: _num(r[1])
        for r in conn.execute(
            f"""SELECT l.item_id, sum(l.quantity) FROM ({rows}) g
            JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0
            GROUP BY l.item_id HAVING sum(l.quantity) <> 0 ORDER BY l.item_id""",
            b,
        )
    }
    return {"count": count, "value_kzt": _num(total_all), "items": items}


def _registry_figures(conn: sqlite3.Connection) -> dict:
    groups = conn.execute(
        "SELECT count(*) FROM creative_groups WHERE deleted = 0 AND status = 'active'"
    ).fetchone()[0]
    associations = conn.execute("SELECT count(*) FROM associations WHERE deleted = 0").fetchone()[0]
    return {"creative_groups": groups, "associations": associations}


def month_figures(
    conn: sqlite3.Connection,
    month: str,
    *,
    stock_movements: dict | None = None,
    aid: dict | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """All figures of one month (the `current` part of a summary); events count when they took place by `now`."""
    b = _bounds(month, now)
    movements = stock_movements if stock_movements is not None else stock_by_month(conn, b["d1"])
    return {
        "events": _event_figures(conn, b),
        "volunteers": _volunteer_figures(conn, b),
        "aid": aid if aid is not None else _aid_figures_by_month(conn, [month])[0][month],
        "donations": _donation_figures(conn, b),
        "stock": stock_at_end(movements, month),
        "groups": _registry_figures(conn),
    }


def series_point(month: str, figures: dict) -> dict:
    return {
        "month": month,
        "events_held": figures["events"]["held"],
        "attendance": figures["events"]["attendance"]["total"],
        "people_reached": figures["aid"]["people"],
        "households_reached": figures["aid"]["households"],
        "aid_entries": figures["aid"]["entries"],
        "volunteer_minutes": figures["volunteers"]["minutes"],
        "donations_value_kzt": figures["donations"]["value_kzt"],
    }


def empty_figures() -> dict:
    """The figures of a month with nothing in it (what an honest empty report shows)."""
    return {
        "events": {
            "held": 0,
            "cancelled": 0,
            "by_kind": {},
            "attendance": _zero_reached(),
            "performances": 0,
            "groups_performing": 0,
            "associations_involved": 0,
        },
        "volunteers": {"active": 0, "new": 0, "minutes": 0},
        "aid": dict(_Reach().figures(), by_programme={}, by_category={}, items={}),
        "donations": {"count": 0, "value_kzt": 0, "items": {}},
        "stock": {},
        "groups": {"creative_groups": 0, "associations": 0},
    }


# ---- the whole summary --------------------------------------------------------------------------------------------
@requires("reports")
def build_summary(store, month: str, *, today: dt.date | None = None) -> MonthlySummary:
    """The summary of `month` (YYYY-MM) from the house database behind `store` (a Store or a sqlite3 connection)."""
    conn: sqlite3.Connection = getattr(store, "conn", store)
    months = [shift_month(month, -k) for k in range(12, -1, -1)]  # a year ago … this month
    # The series needs only totals; breakdowns are for this month and the two it is compared with.
    aid, aid_out = _aid_figures_by_month(conn, months, {month, months[0], months[-2]})
    window_start, window_end = month_dates(months[0])[0], month_dates(month)[1]
    movements = stock_by_month(conn, window_start)  # everything before the window
    for m, items in stock_by_month(conn, window_end, since=window_start, aid_out=aid_out).items():
        target = movements.setdefault(m, {})
        for item, qty in items.items():
            target[item] = target.get(item, 0) + qty
    now = clock.now()
    figures = {m: month_figures(conn, m, stock_movements=movements, aid=aid[m], now=now) for m in months}
    today = today or clock.today()
    house_id = _house_id(conn)
    return MonthlySummary(
        month=month,
        org=_org(conn, house_id),
        current=figures[month],
        previous=figures[shift_month(month, -1)],
        year_ago=figures[shift_month(month, -12)],
        series=[series_point(m, figures[m]) for m in months[1:]],
        names=_names(conn, figures.values()),
        houses=[house_id] if house_id else [],
        generated_at=now.isoformat(timespec="seconds"),
        partial=month >= month_key(today),
    )


def _house_id(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'house_id'").fetchone()
    return row[0] if row and row[0] else None


def _org(conn: sqlite3.Connection, house_id: str | None) -> dict:
    row = (
        conn.execute(
            "SELECT code, name_kk, name_ru, region_code FROM houses WHERE code = ?", (house_id,)
        ).fetchone()
        if house_id
        else None
    )
    if row is None:
        return {
            "code": house_id or "",
            "name_kk": house_id or "",
            "name_ru": house_id or "",
            "region_code": "",
        }
    return {"code": row[0], "name_kk": row[1], "name_ru": row[2], "region_code": row[3] or ""}


def _names(conn: sqlite3.Connection, all_figures) -> dict:
    """kk/ru names of every code the figures use, so a payload renders without the database (on the server too)."""

    def ref(table: str) -> dict:
        return {r[0]: [r[1], r[2]] for r in conn.execute(f"SELECT code, name_kk, name_ru FROM {table}")}

    units = ref("units")
    item_ids: set[str] = set()
    for figures in all_figures:
        item_ids.update(figures["aid"]["items"], figures["donations"]["items"], figures["stock"])
    items = {}
    for item_id in sorted(item_ids):
        row = conn.execute("SELECT name_kk, name_ru, unit FROM aid_items WHERE id = ?", (item_id,)).fetchone()
        if row:
            unit = units.get(row[2], [row[2], row[2]])
            items[item_id] = [row[0], row[1], unit[0], unit[1]]
        else:
            items[item_id] = [item_id, item_id, "", ""]
    return {
        "programmes": ref("programmes"),
        "categories": ref("recipient_categories"),
        "kinds": ref("event_kinds"),
        "items": items,
    }


@requires("reports")
def build_summary_task(store, month: str, progress=None, cancel=None) -> MonthlySummary:
    """build_summary in the shape the task runner calls (on the database thread, with progress and cancel)."""
    return build_summary(store, month)


def recent_months(today: dt.date, count: int = 24) -> list[str]:
    """The month picker's choices: the last full month first, then back `count` months."""
    last = last_full_month(today)
    return [shift_month(last, -k) for k in range(count)]
