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
    "new_year": ("2027-01-01", "2027-01-02"),
    "orthodox_christmas": ("2027-01-07", "2027-01-07"),
    "gratitude_day": ("2027-03-01", "2027-03-01"),
    "womens_day": ("2027-03-08", "2027-03-08"),
    "nauryz": ("2027-03-21", "2027-03-23"),
    "unity_day": ("2027-05-01", "2027-05-01"),
    "defender_day": ("2027-05-07", "2027-05-07"),
    "victory_day": ("2027-05-09", "2027-05-09"),
    "remembrance_day": ("2027-05-31", "2027-05-31"),
    "capital_day": ("2027-07-06", "2027-07-06"),
    "kurban_ait": ("2027-05-16", "2027-05-16"),
    "constitution_day": ("2027-08-30", "2027-08-30"),
    "languages_day": ("2027-09-05", "2027-09-05"),
    "spiritual_harmony_day": ("2027-10-18", "2027-10-18"),
    "republic_day": ("2027-10-25", "2027-10-25"),
    "volunteer_day": ("2027-12-05", "2027-12-05"),
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
    expected = {
        code: (a.replace("2027", "2026"), b.replace("2027", "2026")) for code, (a, b) in EXPECTED_2027.items()
    }
    expected["kurban_ait"] = ("2026-05-27", "2026-05-27")  # it moves: 11 days earlier each year
    assert got == expected
    unity = store.one("SELECT title_kk, title_ru FROM events WHERE preset = 'unity_day'")
    assert unity["title_kk"] == "Қазақстан халқының бірлігі күні"
    # 1, 7, 9 and 31 May and Kurban ait on 27 May.
    assert events.count_events(store, events.EventFilter(month="2026-05")) == 5


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
        presets.create_preset_event(store, "halloween", 2026)
    assert presets.preset_event("capital_day", 2030).starts_at.date() == dt.date(2030, 7, 6)


@pytest.mark.parametrize(
    "year, day",
    [(2024, "2024-06-16"), (2025, "2025-06-06"), (2026, "2026-05-27"), (2027, "2027-05-16")],
)
def test_kurban_ait_falls_on_the_day_kazakhstan_observed(year, day):
    assert [d.isoformat() for d in presets.kurban_ait_days(year)] == [day]
    assert presets.BY_CODE["kurban_ait"].dates(year) == (dt.date.fromisoformat(day),) * 2


def test_kurban_ait_twice_in_one_year_and_outside_the_calendar(store):
    # The lunar year is 11 days shorter: in 2039 Kurban ait comes in January and again in December.
    assert [d.month for d in presets.kurban_ait_days(2039)] == [1, 12]
    result = presets.create_all_presets(store, 2039)
    assert store.scalar("SELECT count(*) FROM events WHERE preset = 'kurban_ait'") == 2
    assert result["unknown"] == [] and len(result["added"]) == len(presets.PRESETS) + 1
    with pytest.raises(ValidationError) as info:
        presets.kurban_ait_days(2090)
    assert info.value.field == "preset_year" and "1925" in info.value.message and "2077" in info.value.message
    with pytest.raises(ValidationError):
        presets.create_preset_event(store, "kurban_ait", 2090)


def test_adding_all_of_a_year_twice_adds_nothing_twice(store):
    first = presets.create_all_presets(store, 2026)
    assert len(first["added"]) == len(presets.PRESETS) and first["unknown"] == []
    assert presets.create_all_presets(store, 2026) == {"added": [], "unknown": []}
    assert store.scalar("SELECT count(*) FROM events") == len(presets.PRESETS)
    # A holiday moved by hand (kept on the nearest Saturday) still stands for its day; a deleted one comes back.
    victory = store.scalar("SELECT id FROM events WHERE preset = 'victory_day'")
    store.update("events", victory, {"starts_at": "2026-05-10T10:00:00+05:00"})
    store.delete("events", store.scalar("SELECT id FROM events WHERE preset = 'nauryz'"))
    again = presets.create_all_presets(store, 2026)
    assert [store.get("events", i)["preset"] for i in again["added"]] == ["nauryz"]
    with pytest.raises(ValidationError):
        presets.create_preset_event(store, "victory_day", 2026)


def test_outside_the_kurban_ait_calendar_the_rest_is_added(store):
    result = presets.create_all_presets(store, 2090)
    assert result["unknown"] == ["kurban_ait"] and len(result["added"]) == len(presets.PRESETS) - 1
    overview = presets.year_overview(store, 2090)
    kurban = [r for r in overview if r.code == "kurban_ait"]
    assert len(kurban) == 1 and kurban[0].unknown and kurban[0].first is None
    assert all(r.in_calendar for r in overview if r.code != "kurban_ait")


def test_year_overview_in_date_order(store):
    presets.create_preset_event(store, "nauryz", 2026)
    overview = presets.year_overview(store, 2026)
    days = [r.first for r in overview]
    assert days == sorted(days) and overview[0].code == "new_year"
    assert [r.code for r in overview if r.in_calendar] == ["nauryz"]
    kinds = {r.code: r.category for r in overview}
    assert kinds["languages_day"] == presets.OBSERVED and kinds["kurban_ait"] == presets.PUBLIC
