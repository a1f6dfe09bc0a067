"""National-calendar presets: right dates, kind and titles for a year; one per holiday per year."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import events, presets
from desktop.errors import ValidationError
from desktop.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "house.db")
    yield s
    s.close()


EXPECTED_2027 = {
    "gratitude_day": ("2027-03-01", "2027-03-01"),
    "nauryz": ("2027-03-21", "2027-03-23"),
    "unity_day": ("2027-05-01", "2027-05-01"),
    "defender_day": ("2027-05-07", "2027-05-07"),
    "victory_day": ("2027-05-09", "2027-05-09"),
    "capital_day": ("2027-07-06", "2027-07-06"),
    "republic_day": ("2027-10-25", "2027-10-25"),
    "independence_day": ("2027-12-16", "2027-12-16"),
}


def test_every_preset_has_its_dates_for_the_year():
    assert {p.code for p in presets.PRESETS} == set(EXPECTED_2027)
    for p in presets.PRESETS:
        first, last = p.dates(2027)
        assert (first.isoformat(), last.isoformat()) == EXPECTED_2027[p.code]


@pytest.mark.parametrize("year", [2026, 2028])
def test_one_click_creates_a_planned_event(store, year):
    event_id = presets.create_preset_event(store, "nauryz", year)
    row = store.get("events", event_id)
    assert row["starts_at"].startswith(f"{year}-03-21T") and row["ends_at"].startswith(f"{year}-03-23T")
    assert row["starts_at"].endswith("+05:00")
    assert (row["kind"], row["status"], row["preset"]) == ("holiday", "planned", "nauryz")
    assert row["title_kk"] == "Наурыз мейрамы" and row["title_ru"] == "Праздник Наурыз"


def test_all_presets_for_a_year_land_on_their_days(store):
    for p in presets.PRESETS:
        presets.create_preset_event(store, p.code, 2026)
    got = {
        r["preset"]: (r["starts_at"][:10], r["ends_at"][:10])
        for r in store.rows("SELECT preset, starts_at, ends_at FROM events")
    }
    assert got == {
        code: (a.replace("2027", "2026"), b.replace("2027", "2026")) for code, (a, b) in EXPECTED_2027.items()
    }
    unity = store.one("SELECT title_kk, title_ru FROM events WHERE preset = 'unity_day'")
    assert unity["title_kk"] == "Қазақстан халқының бірлігі күні"
    assert events.count_events(store, events.EventFilter(month="2026-05")) == 3


def test_same_preset_twice_in_a_year_refused(store):
    presets.create_preset_event(store, "victory_day", 2026)
    with pytest.raises(ValidationError) as info:
        presets.create_preset_event(store, "victory_day", 2026)
    assert "2026" in info.value.message
    assert store.scalar("SELECT count(*) FROM events") == 1
    presets.create_preset_event(store, "victory_day", 2027)
    assert store.scalar("SELECT count(*) FROM events") == 2


def test_unknown_preset_refused(store):
    with pytest.raises(ValidationError):
        presets.create_preset_event(store, "new_year", 2026)
    assert presets.preset_event("capital_day", 2030).starts_at.date() == dt.date(2030, 7, 6)
