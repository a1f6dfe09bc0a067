"""Who a programme is for: the ages a programme declares, checked on the day the aid is given.

The table is data, not code: a programme lists the youngest and oldest age (full years on the entry date, from the
recipient's birth date) it serves. Aid to someone outside the range is not refused outright: like double aid it
needs an override with a reason (desktop/aid/ledger.py). A recipient without a birth date (an anonymous one) is
judged by the age band recorded for them, and only when the whole band is outside the range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop import periods

# programme code → (youngest age, oldest age), both included. None on a side: no limit there.
PROGRAMME_AGES: dict[str, tuple[int | None, int | None]] = {
    "mektepke_zhol": (6, 18),  # "Road to school": school children
}

# The ages each recorded age band covers (desktop/periods.py: child < 18 ≤ adult < 60 ≤ elderly).
_BAND_AGES: dict[str, tuple[int, int | None]] = {
    "child": (0, periods.ADULT_AGE - 1),
    "adult": (periods.ADULT_AGE, periods.ELDERLY_AGE - 1),
    "elderly": (periods.ELDERLY_AGE, None),
}


@dataclass(frozen=True)
class Ineligible:
    """The recipient is outside the programme's ages on the day: `age` is their age (None when only the band is
    known), `band` the recorded age band in that case."""

    programme: str
    youngest: int | None
    oldest: int | None
    age: int | None = None
    band: str | None = None


def age_range(programme: str | None) -> tuple[int | None, int | None] | None:
    return PROGRAMME_AGES.get(programme or "")


def check_age(
    programme: str | None, on: dt.date, *, birth_date: dt.date | None, age_band: str | None = None
) -> Ineligible | None:
    """None when the recipient may receive the programme's aid on `on` (or nothing is known against it)."""
    limits = age_range(programme)
    if limits is None:
        return None
    assert programme is not None  # a programme with limits has a code
    youngest, oldest = limits
    if birth_date is not None:
        age = periods.age_on(birth_date, on)
        if (youngest is not None and age < youngest) or (oldest is not None and age > oldest):
            return Ineligible(programme, youngest, oldest, age=age)
        return None
    band = _BAND_AGES.get(age_band or "")
    if band is None:
        return None
    low, high = band
    # Only a band wholly outside the range says the recipient is not eligible.
    if (oldest is not None and low > oldest) or (
        youngest is not None and high is not None and high < youngest
    ):
        return Ineligible(programme, youngest, oldest, band=age_band)
    return None
