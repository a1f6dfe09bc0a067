"""Calendar periods and age bands, one rule each for the whole app.

Months are those of Asia/Almaty: a house keeps its records and reports by the local date, so a month is the
half-open range of local dates from its first day to the next month's first day (and, for timestamps written
with an offset, the matching range of UTC instants). The school year in Kazakhstan starts on 1 September.
A person is a child under 18 and elderly from 60, counted in full years on the day in question.
"""

from __future__ import annotations

import datetime as dt
from typing import overload

from desktop import clock
from desktop.clock import TZ

SCHOOL_YEAR_START_MONTH = 9  # the school year in Kazakhstan starts on 1 September
ADULT_AGE = 18
ELDERLY_AGE = 60
AGE_BANDS = ("child", "adult", "elderly")


# ---- months -----------------------------------------------------------------------------------------------------
def month_key(day: dt.date) -> str:
    """'2026-03' for any day of March 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def current_month(now: dt.datetime | None = None) -> str:
    """This month in Asia/Almaty, as 'YYYY-MM'."""
    return (now or clock.now()).strftime("%Y-%m")


def parse_month(month: str) -> dt.date:
    """'2026-03' → 1 March 2026 (ValueError for anything else)."""
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1)


def shift_month(month: str, delta: int) -> str:
    first = parse_month(month)
    index = first.year * 12 + first.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_full_month(today: dt.date) -> str:
    return shift_month(month_key(today), -1)


def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the month that contains `day`: its first day and the next month's first day."""
    start = dt.date(day.year, day.month, 1)
    end = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, end


def month_dates(month: str) -> tuple[str, str]:
    """First day of the month and first day of the next one, as YYYY-MM-DD (for date columns)."""
    start, end = month_range(parse_month(month))
    return start.isoformat(), end.isoformat()


def month_bounds(month: str | dt.date) -> tuple[str, str]:
    """'2026-03' (or any day of it) → ('2026-03-01', '2026-04-01'): the half-open range of local dates."""
    if isinstance(month, str):
        year, mon = (int(p) for p in month.split("-")[:2])
        month = dt.date(year, mon, 1)
    start, end = month_range(month)
    return start.isoformat(), end.isoformat()


def month_instants(month: str) -> tuple[str, str]:
    """The month's start and end in UTC, as SQLite's datetime() prints them (for timestamps with offsets)."""
    start, end = (
        dt.datetime.combine(day, dt.time(0), TZ).astimezone(dt.UTC) for day in month_range(parse_month(month))
    )
    return start.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S")


# ---- school and calendar years -------------------------------------------------------------------------------
def school_year_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the school year that contains `day`: 1 September to the next 1 September."""
    year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return dt.date(year, SCHOOL_YEAR_START_MONTH, 1), dt.date(year + 1, SCHOOL_YEAR_START_MONTH, 1)


def year_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the calendar year that contains `day`."""
    return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)


# ---- ages ---------------------------------------------------------------------------------------------------
def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years on a day."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def band_of_age(age: int) -> str:
    """'child' under 18, 'elderly' from 60, 'adult' in between."""
    return "child" if age < ADULT_AGE else "elderly" if age >= ELDERLY_AGE else "adult"


@overload
def age_band(birth: dt.date, on: dt.date) -> str: ...
@overload
def age_band(birth: dt.date | None, on: dt.date) -> str | None: ...
def age_band(birth: dt.date | None, on: dt.date) -> str | None:
    if birth is None:
        return None
    return band_of_age(age_on(birth, on))
