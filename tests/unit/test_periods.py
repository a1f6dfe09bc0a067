"""desktop/periods.py: month ranges in Asia/Almaty, the school year and the 18/60 age bands."""

import datetime as dt

import pytest

from desktop import periods


def test_month_ranges_agree_whatever_the_input():
    assert periods.month_range(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert periods.month_dates("2026-12") == ("2026-12-01", "2027-01-01")
    assert periods.month_bounds("2026-02") == ("2026-02-01", "2026-03-01")
    assert periods.month_bounds("2026-02-15") == ("2026-02-01", "2026-03-01")
    assert periods.month_bounds(dt.date(2026, 2, 15)) == ("2026-02-01", "2026-03-01")
    assert periods.month_instants("2026-10") == ("2026-09-30 19:00:00", "2026-10-31 19:00:00")
    with pytest.raises(ValueError):
        periods.month_dates("2026-02-15")  # a month key, not a day


def test_school_year_starts_on_1_september():
    assert periods.school_year_range(dt.date(2026, 8, 31)) == (dt.date(2025, 9, 1), dt.date(2026, 9, 1))
    assert periods.school_year_range(dt.date(2026, 9, 1)) == (dt.date(2026, 9, 1), dt.date(2027, 9, 1))


def test_age_bands_turn_on_the_birthday():
    on = dt.date(2026, 5, 10)
    assert periods.age_band(dt.date(2008, 5, 11), on) == "child"
    assert periods.age_band(dt.date(2008, 5, 10), on) == "adult"
    assert periods.age_band(dt.date(1966, 5, 11), on) == "adult"
    assert periods.age_band(dt.date(1966, 5, 10), on) == "elderly"
    assert periods.age_band(None, on) is None
