"""The national calendar the houses of friendship observe: one click makes a planned event for a year.

Each preset knows its day (and last day, for Nauryz), its kind and its Kazakh and Russian titles. A preset is used
once per year: asking again for the same year refuses, so a double click does not plan the holiday twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.clock import TZ
from desktop.errors import ValidationError, register_field_labels
from desktop.events import EventInput, save_event
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store

register_field_labels({"preset": N_("Holiday"), "preset_year": N_("Year")})


@dataclass(frozen=True)
class Preset:
    code: str
    month: int
    day: int
    last_day: int  # the same as `day` for a one-day holiday
    kind: str
    title_kk: str
    title_ru: str
    start_hour: int = 11
    end_hour: int = 14

    def dates(self, year: int) -> tuple[dt.date, dt.date]:
        return dt.date(year, self.month, self.day), dt.date(year, self.month, self.last_day)

    def times(self, year: int) -> tuple[dt.datetime, dt.datetime]:
        first, last = self.dates(year)
        return (
            dt.datetime(first.year, first.month, first.day, self.start_hour, tzinfo=TZ),
            dt.datetime(last.year, last.month, last.day, self.end_hour, tzinfo=TZ),
        )


PRESETS: tuple[Preset, ...] = (
    Preset("gratitude_day", 3, 1, 1, "holiday", "Алғыс айту күні", "День благодарности"),
    Preset("nauryz", 3, 21, 23, "holiday", "Наурыз мейрамы", "Праздник Наурыз", 10, 18),
    Preset(
        "unity_day",
        5,
        1,
        1,
        "holiday",
        "Қазақстан халқының бірлігі күні",
        "Праздник единства народа Казахстана",
    ),
    Preset("defender_day", 5, 7, 7, "holiday", "Отан қорғаушы күні", "День защитника Отечества"),
    Preset("victory_day", 5, 9, 9, "holiday", "Жеңіс күні", "День Победы", 10, 13),
    Preset("capital_day", 7, 6, 6, "holiday", "Астана күні", "День столицы"),
    Preset("republic_day", 10, 25, 25, "holiday", "Республика күні", "День Республики"),
    Preset("independence_day", 12, 16, 16, "holiday", "Тәуелсіздік күні", "День Независимости"),
)
BY_CODE = {p.code: p for p in PRESETS}


def preset_event(code: str, year: int) -> EventInput:
    """The planned event a preset makes for a year (not yet saved)."""
    preset = BY_CODE[code]
    starts, ends = preset.times(year)
    return EventInput(
        starts_at=starts,
        ends_at=ends,
        title_kk=preset.title_kk,
        title_ru=preset.title_ru,
        kind=preset.kind,
        status="planned",
        preset=code,
    )


def existing_preset_event(store: Store, code: str, year: int) -> str | None:
    return store.scalar(
        "SELECT id FROM events WHERE deleted = 0 AND preset = ? AND substr(starts_at, 1, 4) = ?",
        (code, f"{year:04d}"),
    )


@requires("records.write")
def create_preset_event(store: Store, code: str, year: int, **_task) -> str:
    """Saves the preset's planned event for the year and returns its id; refuses a second one for that year."""
    if code not in BY_CODE:
        raise ValidationError("preset", N_("Choose a holiday from the list."))
    if not 1900 <= year <= 2200:
        raise ValidationError("preset_year", N_("{field}: enter a year between 1900 and 2200."))
    with store.transaction():
        if existing_preset_event(store, code, year):
            raise ValidationError(
                "preset", N_("This holiday is already in the calendar for {year}."), year=year
            )
        return save_event(store, preset_event(code, year))
