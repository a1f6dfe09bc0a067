"""IIN (ЖСН/ИИН) and BIN checks (docs/KAZAKH.md §4): the check digit decides validity; a birth date or sex that
disagrees with the person's record only warns, because IINs issued since 2013 need not match.

Only the ASCII digits 0–9 make a number. Digits of another script (Arabic-Indic ٣, full-width ３, superscript ³…)
are refused, never converted: `str.isdigit()` and `int()` accept some of them, so every check here tests
`is_ascii_digits` first and a form can say what is wrong (`has_foreign_digits`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from desktop.errors import ValidationError
from desktop.i18n import N_

_W1 = list(range(1, 12))
_W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
ASCII_DIGITS = frozenset("0123456789")

# BIN (the law on national registers): YYMM of registration, the type digit, the attribute digit, a 5-digit serial
# and the check digit. Type: 4 resident legal entity, 5 non-resident legal entity, 6 individual entrepreneur
# working jointly (ИП(С)). Attribute: 0 head office, 1 branch, 2 representative office (of a legal entity),
# 3 peasant farm working jointly (of an ИП(С)).
BIN_TYPES = {"4": "resident", "5": "non_resident", "6": "joint_entrepreneur"}
BIN_ATTRIBUTES = {"4": "012", "5": "012", "6": "03"}


def is_ascii_digits(value: str) -> bool:
    """True for a non-empty string of the digits 0–9 only."""
    return bool(value) and all(ch in ASCII_DIGITS for ch in value)


def has_foreign_digits(value: str | None) -> bool:
    """True when the text holds a digit (or a numeric sign such as ² or ½) of another script than 0–9."""
    return any(
        ch not in ASCII_DIGITS
        and (ch.isdigit() or ch.isnumeric() or unicodedata.decimal(ch, None) is not None)
        for ch in value or ""
    )


def check_digit(first11: str) -> int | None:
    """The 12th digit for these 11 digits, or None if no valid number can be made from them (never issued)."""
    if len(first11) != 11 or not is_ascii_digits(first11):
        return None
    digits = [ord(c) - 48 for c in first11]
    c = sum(d * w for d, w in zip(digits, _W1)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, _W2)) % 11
        if c == 10:
            return None
    return c


@dataclass(frozen=True)
class IinInfo:
    valid: bool
    reason: str = ""  # format, checksum, never_issued
    birth_date: dt.date | None = None
    sex: str = ""  # 'm' or 'f', from the century/sex digit


def parse_iin(value: str) -> IinInfo:
    if len(value) != 12 or not is_ascii_digits(value):
        return IinInfo(False, "format")
    check = check_digit(value[:11])
    if check is None:
        return IinInfo(False, "never_issued")
    if check != int(value[11]):
        return IinInfo(False, "checksum")
    century_sex = int(value[6])
    birth, sex = None, ""
    if century_sex in _CENTURY:
        sex = "m" if century_sex % 2 else "f"
        try:
            birth = dt.date(_CENTURY[century_sex] + int(value[0:2]), int(value[2:4]), int(value[4:6]))
        except ValueError:
            birth = None  # e.g. 30 February: the checksum is fine, the date part is not a date
    return IinInfo(True, "", birth, sex)


def filled_from_iin(typed: str, birth_text: str, sex: str, today: dt.date) -> dict:
    """What a valid IIN fills in on a person form: 'birth_date' (a date) when the typed birth date is blank and
    the IIN's date is real and not in the future, 'sex' when none is chosen. A filled field is never in it (a
    disagreement is the validation's warning)."""
    compact = "".join((typed or "").split())
    info = parse_iin(compact)
    if not info.valid:
        return {}
    fill: dict = {}
    if not (birth_text or "").strip() and info.birth_date and dt.date(1900, 1, 1) <= info.birth_date <= today:
        fill["birth_date"] = info.birth_date
    if not sex and info.sex:
        fill["sex"] = info.sex
    return fill


def bin_problem(value: str) -> str:
    """'' for a valid BIN, else why not: format (not 12 digits 0–9), script (digits of another script),
    month (the registration month is not 01–12), type (5th digit not 4, 5 or 6), attribute (6th digit not allowed
    for that type), checksum, never_issued."""
    if has_foreign_digits(value):
        return "script"
    if len(value) != 12 or not is_ascii_digits(value):
        return "format"
    if not 1 <= int(value[2:4]) <= 12:
        return "month"
    if value[4] not in BIN_TYPES:
        return "type"
    if value[5] not in BIN_ATTRIBUTES[value[4]]:
        return "attribute"
    check = check_digit(value[:11])
    if check is None:
        return "never_issued"
    return "" if check == int(value[11]) else "checksum"


def is_valid_bin(value: str) -> bool:
    """BIN: registration YYMM, the type and attribute digits, and the IIN's check-digit algorithm."""
    return bin_problem(value) == ""


_BIN_MESSAGES = {
    "script": N_("{field}: type the number with the digits 0–9 (these are digits of another script)."),
    "format": N_("{field}: a BIN has 12 digits."),
    "month": N_("{field}: its third and fourth digits are the registration month and must be 01–12."),
    "type": N_(
        "{field}: its fifth digit must be 4, 5 or 6 (the type of the organisation); this may be an IIN."
    ),
    "attribute": N_(
        "{field}: its sixth digit must be 0, 1 or 2 for an organisation, 0 or 3 for a joint entrepreneur."
    ),
    "checksum": N_("{field}: the check digit is wrong; check the number for a typo."),
    "never_issued": N_("{field}: no BIN can have these digits; check it against the document."),
}


def bin_error(value: str, field: str) -> ValidationError | None:
    """None for a valid BIN (spaces and dashes between its digits allowed), else the error naming `field`."""
    raw = value or ""
    compact = "".join(ch for ch in raw if ch not in " -\u00a0")
    problem = bin_problem(compact)
    return ValidationError(field, _BIN_MESSAGES[problem]) if problem else None


def make_iin(birth: dt.date, sex: str, serial: int) -> str | None:
    """A well-formed IIN for demo data and tests (None when this serial gives a never-issued number)."""
    century = {1800: 1, 1900: 3, 2000: 5}[birth.year // 100 * 100] + (1 if sex == "f" else 0)
    first11 = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
    check = check_digit(first11)
    return None if check is None else first11 + str(check)


def make_bin(registered: dt.date, kind: str = "4", attribute: str = "0", serial: int = 1) -> str | None:
    """A well-formed BIN for demo data and tests (None when this serial gives a never-issued number)."""
    first11 = f"{registered:%y%m}{kind}{attribute}{serial % 100000:05d}"
    check = check_digit(first11)
    return None if check is None else first11 + str(check)
