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
from desktop.periods import last_full_month, month_dates, month_key, shift_month
from desktop.reports.stock_figures import stock_at_end, stock_by_month
from desktop.reports.summary_figures import (
    _aid_figures_by_month,
    _donation_figures,
    _event_figures,
    _months_table,
    _reach_figures,
    _registry_figures,
    _volunteer_figures,
    _zero_reached,
)
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


def figures_by_month(
    conn: sqlite3.Connection,
    months: list[str],
    *,
    stock_movements: dict | None = None,
    aid: dict[str, dict] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, dict]:
    """All figures of each of `months` (consecutive, oldest first; the `current` part of a summary); events count
    when they took place by `now`."""
    table, params = _months_table(months, now)
    movements = (
        stock_movements if stock_movements is not None else stock_by_month(conn, month_dates(months[-1])[1])
    )
    aid = aid if aid is not None else _aid_figures_by_month(conn, months)[0]
    events = _event_figures(conn, months, table, params)
    volunteers = _volunteer_figures(conn, months, table, params)
    donations = _donation_figures(conn, months, table, params)
    groups = _registry_figures(conn)
    return {
        m: {
            "events": events[m],
            "volunteers": volunteers[m],
            "aid": aid[m],
            "donations": donations[m],
            "stock": stock_at_end(movements, m),
            "groups": dict(groups),
        }
        for m in months
    }


def month_figures(
    conn: sqlite3.Connection,
    month: str,
    *,
    stock_movements: dict | None = None,
    aid: dict | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """All figures of one month (the `current` part of a summary); events count when they took place by `now`."""
    return figures_by_month(
        conn, [month], stock_movements=stock_movements, aid=None if aid is None else {month: aid}, now=now
    )[month]


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
        "aid": dict(_reach_figures(), by_programme={}, by_category={}, items={}),
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
    figures = figures_by_month(conn, months, stock_movements=movements, aid=aid, now=now)
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
