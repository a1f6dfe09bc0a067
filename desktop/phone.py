"""Phone numbers: parsed offline with `phonenumbers`, stored as E.164, shown the way Kazakhstan writes them.

Kazakhstan shares +7 with Russia, so the country is taken from the number itself (+7 701… → KZ, +7 916… → RU);
a number typed without a country code is read as a Kazakh one (a leading 8 is the domestic prefix).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers

from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.iin import has_foreign_digits

HOME_REGION = "KZ"
_ALLOWED = set("0123456789+()-. \u00a0")


@dataclass(frozen=True)
class Phone:
    e164: str  # '+77011234567'
    country: str  # ISO 3166 alpha-2: 'KZ', 'RU', …

    @property
    def is_home(self) -> bool:
        return self.country == HOME_REGION


def parse_phone(value: str, field: str = "phone") -> Phone | None:
    """The number as E.164 with its country, None for an empty value; ValidationError for anything else."""
    value = (value or "").strip()
    if not value:
        return None
    return _parse(value, field)


# A number is parsed again by each check on the way to the store (an import checks every row once in its dry run
# and twice when it writes); the answer for a string never changes, so good ones are remembered.
@functools.lru_cache(maxsize=16384)
def _parse(value: str, field: str) -> Phone:
    if has_foreign_digits(value):
        raise ValidationError(field, N_("{field}: type the number with the digits 0–9."))
    if any(ch.isalpha() for ch in value):
        raise ValidationError(
            field, N_("{field}: a phone number may contain only digits, spaces, +, ( ) and -.")
        )
    if not set(value) <= _ALLOWED:
        raise ValidationError(
            field, N_("{field}: a phone number may contain only digits, spaces, +, ( ) and -.")
        )
    try:
        number = phonenumbers.parse(value, HOME_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, N_("{field}: this is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            field, N_("{field}: this is not a valid phone number (e.g. +7 701 123 45 67 or 8 701 123 45 67).")
        )
    country = phonenumbers.region_code_for_number(number) or ""
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), country)


def format_phone(e164: str | None) -> str:
    """'+77011234567' → '+7 701 123 45 67'; other countries in their international format."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, HOME_REGION)
    except phonenumbers.NumberParseException:
        return e164
    national = str(number.national_number)
    if number.country_code == 7 and len(national) == 10:
        return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def country_name(code: str, lang: str) -> str:
    """The country's name in kk or ru (Babel/CLDR), for the 'non-Kazakh number' note."""
    from babel import Locale

    try:
        return Locale.parse({"kk": "kk_KZ", "ru": "ru_KZ"}.get(lang, "en_US")).territories.get(code, code)
    except (ValueError, LookupError):
        return code
