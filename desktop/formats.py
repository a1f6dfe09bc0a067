"""Dates, numbers and tenge in the user's language, through Babel/CLDR (kk_KZ, ru_KZ: see docs/KAZAKH.md §1)."""

from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from desktop.clock import TZ
from desktop.i18n import current_language

# ru_RU would print "KZT" and Babel has no en_KZ tenge symbol: always format with a _KZ locale.
_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en_US"}


def babel_locale(lang: str | None = None) -> str:
    return _LOCALES.get(lang or current_language(), "kk_KZ")


def format_date(value: dt.date, fmt: str = "medium", lang: str | None = None) -> str:
    return babel_dates.format_date(value, format=fmt, locale=babel_locale(lang))


def format_short_date(value: dt.date) -> str:
    """dd.MM.yyyy in every language (CLDR's kk short date has a 2-digit year)."""
    return value.strftime("%d.%m.%Y")


def format_datetime(value: dt.datetime, fmt: str = "medium", lang: str | None = None) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(TZ)
    return babel_dates.format_datetime(value, format=fmt, locale=babel_locale(lang))


def format_short_datetime(value: dt.datetime | str) -> str:
    """'25.11.2026, 14:05' in Asia/Almaty, in every language (CLDR's kk short form has a 2-digit year)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(TZ)
    return value.strftime("%d.%m.%Y, %H:%M")


def format_time(value: dt.datetime | dt.time, lang: str | None = None) -> str:
    return babel_dates.format_time(value, format="HH:mm", locale=babel_locale(lang))


def format_month(value: dt.date, lang: str | None = None) -> str:
    """'2025 ж. наурыз' / 'март 2025 г.': the stand-alone month heading (a hand-built 'MMMM y' is genitive in ru)."""
    return babel_dates.format_skeleton("yMMMM", value, locale=babel_locale(lang))


def month_name(month: int, lang: str | None = None) -> str:
    names = babel_dates.get_month_names("wide", context="stand-alone", locale=babel_locale(lang))
    return names[month]


def format_number(value: float, lang: str | None = None) -> str:
    return babel_numbers.format_decimal(value, locale=babel_locale(lang))


def format_money(value: float, lang: str | None = None) -> str:
    """Whole tenge: '1 500 ₸', with no-break spaces so the sign never wraps away from the number."""
    return babel_numbers.format_currency(
        value, "KZT", format="#,##0\xa0¤", currency_digits=False, locale=babel_locale(lang)
    )


def format_hours(minutes: int, lang: str | None = None) -> str:
    return babel_numbers.format_decimal(round(minutes / 60, 1), format="#,##0.#", locale=babel_locale(lang))
