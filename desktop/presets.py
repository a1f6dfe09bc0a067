"""The national calendar the houses of friendship observe: one click puts a year's holidays in the calendar.

The list is the public holidays of Kazakhstan (the Law on holidays: New Year, Orthodox Christmas, 8 March, Nauryz,
1, 7 and 9 May, Capital Day, Constitution Day, Republic Day, Independence Day and the first day of Kurban ait) and
the national days the houses of friendship mark (1 March, the Day of Gratitude, which is also the Assembly's day;
5 September, the Day of Languages of the People of Kazakhstan; the Day of Spiritual Harmony; the day of remembrance
of the victims of political repression and famine; the International Volunteer Day).

Each preset knows its day (and last day, for New Year and Nauryz), its kind and its Kazakh and Russian titles.
Kurban ait moves every year: its first day, 10 Dhu al-Hijjah, is computed with the Umm al-Qura calendar
(`hijridate`), which the dates the Spiritual Administration of Muslims of Kazakhstan announces have followed
(2024-06-16, 2025-06-06, 2026-05-27); should the announced day differ, the planned event is moved by hand. The
calendar covers 1925–2077; outside it Kurban ait is refused with a message.

A holiday is added once per year: asking again for the same year refuses, and adding all of a year's holidays adds
only those not yet in the calendar, so running it twice adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from hijridate import Hijri

from desktop.clock import TZ
from desktop.errors import ValidationError, register_field_labels
from desktop.events import EventInput, save_event, to_local
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store

register_field_labels({"preset": N_("Holiday"), "preset_year": N_("Year")})

PUBLIC, OBSERVED = "public", "observed"  # a public holiday (a day off), or a national day the houses mark
CATEGORY_LABELS = {PUBLIC: N_("Public holiday"), OBSERVED: N_("National day")}
KURBAN_AIT = "kurban_ait"
# The Umm al-Qura calendar of hijridate covers 1343–1500 AH: every Kurban ait of these Gregorian years.
KURBAN_AIT_YEARS = range(1925, 2078)


@functools.cache
def _kurban_ait_days() -> dict[int, tuple[dt.date, ...]]:
    days: dict[int, list[dt.date]] = {}
    for hijri_year in range(1343, 1501):
        gregorian = Hijri(hijri_year, 12, 10).to_gregorian()
        day = dt.date(gregorian.year, gregorian.month, gregorian.day)
        days.setdefault(day.year, []).append(day)
    return {year: tuple(found) for year, found in days.items()}


def kurban_ait_days(year: int) -> tuple[dt.date, ...]:
    """The first day of Kurban ait in `year` (twice in a year such as 2039; 10 Dhu al-Hijjah, Umm al-Qura).
    Raises ValidationError (field "preset_year") for a year the calendar does not cover."""
    if year not in KURBAN_AIT_YEARS:
        raise ValidationError(
            "preset_year",
            N_("The date of Kurban ait is known for {first}–{last} only: add it for {year} by hand."),
            first=KURBAN_AIT_YEARS[0],
            last=KURBAN_AIT_YEARS[-1],
            year=year,
        )
    return _kurban_ait_days().get(year, ())


@dataclass(frozen=True)
class Preset:
    code: str
    month: int  # 0 for a holiday that moves (Kurban ait)
    day: int
    last_day: int  # the same as `day` for a one-day holiday
    kind: str
    title_kk: str
    title_ru: str
    start_hour: int = 11
    end_hour: int = 14
    category: str = PUBLIC

    def occurrences(self, year: int) -> list[tuple[dt.date, dt.date]]:
        """(first day, last day) of each time the holiday falls in `year`, in order."""
        if self.code == KURBAN_AIT:
            return [(day, day) for day in kurban_ait_days(year)]
        return [(dt.date(year, self.month, self.day), dt.date(year, self.month, self.last_day))]

    def dates(self, year: int) -> tuple[dt.date, dt.date]:
        return self.occurrences(year)[0]

    def times(self, year: int, first: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of the occurrence starting on `first` (default: the year's first)."""
        start, last = next(((a, b) for a, b in self.occurrences(year) if a == first), self.dates(year))
        return (
            dt.datetime(start.year, start.month, start.day, self.start_hour, tzinfo=TZ),
            dt.datetime(last.year, last.month, last.day, self.end_hour, tzinfo=TZ),
        )


def _p(code, month, day, last, title_kk, title_ru, hours=(11, 14), category=PUBLIC, kind="holiday") -> Preset:
    return Preset(code, month, day, last, kind, title_kk, title_ru, hours[0], hours[1], category)


# In the order of the year (Kurban ait, which moves, is placed by its date when shown).
PRESETS: tuple[Preset, ...] = (
    _p("new_year", 1, 1, 2, "Жаңа жыл", "Новый год"),
    _p("orthodox_christmas", 1, 7, 7, "Православиелік Рождество", "Православное Рождество"),
    _p("gratitude_day", 3, 1, 1, "Алғыс айту күні", "День благодарности"),
    _p("womens_day", 3, 8, 8, "Халықаралық әйелдер күні", "Международный женский день"),
    _p("nauryz", 3, 21, 23, "Наурыз мейрамы", "Праздник Наурыз", (10, 18)),
    _p("unity_day", 5, 1, 1, "Қазақстан халқының бірлігі күні", "Праздник единства народа Казахстана"),
    _p("defender_day", 5, 7, 7, "Отан қорғаушылар күні", "День защитника Отечества"),
    _p("victory_day", 5, 9, 9, "Жеңіс күні", "День Победы", (10, 13)),
    _p(
        "remembrance_day",
        5,
        31,
        31,
        "Саяси қуғын-сүргін және ашаршылық құрбандарын еске алу күні",
        "День памяти жертв политических репрессий и голода",
        category=OBSERVED,
        kind="meeting",
    ),
    _p("capital_day", 7, 6, 6, "Астана күні", "День столицы"),
    _p(KURBAN_AIT, 0, 0, 0, "Құрбан айт", "Курбан айт"),
    _p(
        "constitution_day",
        8,
        30,
        30,
        "Қазақстан Республикасының Конституциясы күні",
        "День Конституции Республики Казахстан",
    ),
    _p(
        "languages_day",
        9,
        5,
        5,
        "Қазақстан халқы тілдерінің күні",
        "День языков народа Казахстана",
        category=OBSERVED,
    ),
    _p(
        "spiritual_harmony_day",
        10,
        18,
        18,
        "Рухани келісім күні",
        "День духовного согласия",
        category=OBSERVED,
    ),
    _p("republic_day", 10, 25, 25, "Республика күні", "День Республики"),
    _p(
        "volunteer_day",
        12,
        5,
        5,
        "Халықаралық еріктілер күні",
        "Международный день волонтёров",
        category=OBSERVED,
        kind="charity",
    ),
    _p("independence_day", 12, 16, 16, "Тәуелсіздік күні", "День Независимости"),
)
BY_CODE = {p.code: p for p in PRESETS}


def preset_event(code: str, year: int, first: dt.date | None = None) -> EventInput:
    """The planned event a preset makes for a year (not yet saved); `first`: which occurrence, by its first day."""
    preset = BY_CODE[code]
    starts, ends = preset.times(year, first)
    return EventInput(
        starts_at=starts,
        ends_at=ends,
        title_kk=preset.title_kk,
        title_ru=preset.title_ru,
        kind=preset.kind,
        status="planned",
        preset=code,
    )


def _in_calendar(store: Store, code: str, year: int) -> list[dt.date]:
    """The start days of the events this preset made in `year` (moved by hand or not), oldest first."""
    days = []
    for row in store.rows(
        "SELECT starts_at FROM events WHERE deleted = 0 AND preset = ? AND substr(starts_at, 1, 4) = ? "
        "ORDER BY starts_at",
        (code, f"{year:04d}"),
    ):
        local = to_local(row["starts_at"])
        if local is not None:
            days.append(local.date())
    return days


def missing_occurrences(store: Store, code: str, year: int) -> list[tuple[dt.date, dt.date]]:
    """The occurrences of the holiday in `year` that have no event yet. An event moved by a few days (a holiday
    kept on the nearest weekend, Kurban ait on the day announced) still stands for its occurrence."""
    occurrences = BY_CODE[code].occurrences(year)
    existing = _in_calendar(store, code, year)
    if len(existing) >= len(occurrences):
        return []
    missing = []
    for first, last in occurrences:
        near = next((d for d in existing if abs((d - first).days) <= 30), None)
        if near is None:
            missing.append((first, last))
        else:
            existing.remove(near)
    return missing


def existing_preset_event(store: Store, code: str, year: int) -> str | None:
    return store.scalar(
        "SELECT id FROM events WHERE deleted = 0 AND preset = ? AND substr(starts_at, 1, 4) = ?",
        (code, f"{year:04d}"),
    )


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2200:
        raise ValidationError("preset_year", N_("{field}: enter a year between 1900 and 2200."))


@requires("records.write")
def create_preset_event(store: Store, code: str, year: int, **_task) -> str:
    """Saves the preset's planned event for the year and returns its id; refuses a second one for that year."""
    if code not in BY_CODE:
        raise ValidationError("preset", N_("Choose a holiday from the list."))
    _check_year(year)
    with store.transaction():
        missing = missing_occurrences(store, code, year)
        if not missing:
            raise ValidationError(
                "preset", N_("This holiday is already in the calendar for {year}."), year=year
            )
        return save_event(store, preset_event(code, year, missing[0][0]))


@requires("records.write")
def create_all_presets(store: Store, year: int, **_task) -> dict:
    """Adds every holiday of `year` not yet in the calendar, in one transaction: {"added": [event ids],
    "unknown": [codes whose date the app does not know for that year (Kurban ait outside 1925–2077)]}.
    Running it again adds nothing."""
    _check_year(year)
    added: list[str] = []
    unknown: list[str] = []
    with store.transaction():
        for preset in PRESETS:
            try:
                missing = missing_occurrences(store, preset.code, year)
            except ValidationError:
                unknown.append(preset.code)
                continue
            for first, _last in missing:
                added.append(save_event(store, preset_event(preset.code, year, first)))
    return {"added": added, "unknown": unknown}


@dataclass(frozen=True)
class YearRow:
    """One line of the holidays dialog: the holiday in a year, its days (None when unknown) and if it is in."""

    code: str
    title_kk: str
    title_ru: str
    category: str
    first: dt.date | None
    last: dt.date | None
    in_calendar: bool
    unknown: bool = False  # the date is not known for the year (Kurban ait outside KURBAN_AIT_YEARS)


@requires("records.read")
def year_overview(store: Store, year: int) -> list[YearRow]:
    """Every holiday of `year` in date order, each occurrence on its own line, with whether it is in the calendar
    (one read for the holidays dialog)."""
    rows: list[YearRow] = []
    for preset in PRESETS:
        base = (preset.code, preset.title_kk, preset.title_ru, preset.category)
        try:
            occurrences = preset.occurrences(year)
            missing = missing_occurrences(store, preset.code, year)
        except ValidationError:
            rows.append(YearRow(*base, None, None, False, unknown=True))
            continue
        for first, last in occurrences:
            rows.append(YearRow(*base, first, last, (first, last) not in missing))
    return sorted(rows, key=lambda r: (r.first or dt.date(year, 12, 31), r.code))
