"""The events calendar of a month: one query for the month, the entries of each day (desktop.events holds the
events themselves; it re-exports these)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from desktop.events import EventFilter, _where, localized_title
from desktop.i18n import current_language
from desktop.periods import month_bounds
from desktop.roles import requires
from desktop.store import Store


@dataclass
class CalendarEntry:
    id: str
    title: str
    kind: str
    status: str
    time_label: str  # 'HH:MM' on the first day; empty on the days an event continues
    continued: bool


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    entries: list[CalendarEntry] = field(default_factory=list)


@dataclass
class MonthView:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    event_count: int

    def day(self, date: dt.date) -> CalendarDay | None:
        for week in self.weeks:
            for day in week:
                if day.date == date:
                    return day
        return None


@requires("records.read")
def calendar_month(
    store: Store, year: int, month: int, f: EventFilter = EventFilter(), lang: str | None = None
) -> MonthView:
    """The month grid (Monday-first weeks, with the neighbouring months' days to fill them) and each day's events,
    in start order. A multi-day event appears on every day it spans."""
    lang = lang or current_language()
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    days = {d: CalendarDay(d, d.month == month) for week in weeks_dates for d in week}
    f = EventFilter(kind=f.kind, status=f.status, search=f.search)
    where, params = _where(f)
    rows = store.conn.execute(
        f"SELECT e.id, e.title_kk, e.title_ru, e.kind, e.status, e.starts_at, e.ends_at FROM events e "
        f"WHERE {where} AND e.starts_at < ? AND coalesce(e.ends_at, e.starts_at) >= ? ORDER BY e.starts_at",
        [*params, (last + dt.timedelta(days=1)).isoformat(), first.isoformat()],
    ).fetchall()
    in_month = 0
    month_start, month_end = month_bounds(dt.date(year, month, 1))
    for r in rows:
        starts_text = r["starts_at"]
        ends_text = r["ends_at"] or starts_text
        title = localized_title({"title_kk": r["title_kk"], "title_ru": r["title_ru"]}, lang)
        start_day = dt.date.fromisoformat(starts_text[:10])
        end_day = max(dt.date.fromisoformat(ends_text[:10]), start_day)
        if starts_text < month_end and ends_text[:10] >= month_start:
            in_month += 1
        day = max(start_day, first)
        while day <= min(end_day, last):
            days[day].entries.append(
                CalendarEntry(
                    r["id"],
                    title,
                    r["kind"],
                    r["status"],
                    starts_text[11:16] if day == start_day else "",
                    day != start_day,
                )
            )
            day += dt.timedelta(days=1)
    weeks = [[days[d] for d in week] for week in weeks_dates]
    return MonthView(year, month, weeks, in_month)
