"""IIN (ЖСН/ИИН) and BIN checks (docs/KAZAKH.md §4): the check digit decides validity; a birth date or sex that
disagrees with the person's record only warns, because IINs issued since 2013 need not match."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_W1 = list(range(1, 12))
_W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(first11: str) -> int | None:
    """The 12th digit for these 11 digits, or None if no valid number can be made from them (never issued)."""
    digits = [int(c) for c in first11]
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
    if len(value) != 12 or not value.isdigit():
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


def is_valid_bin(value: str) -> bool:
    """BIN: same check-digit algorithm; the 5th digit is the entity type (4, 5 or 6)."""
    if len(value) != 12 or not value.isdigit() or value[4] not in "456":
        return False
    check = check_digit(value[:11])
    return check is not None and check == int(value[11])


def make_iin(birth: dt.date, sex: str, serial: int) -> str | None:
    """A well-formed IIN for demo data and tests (None when this serial gives a never-issued number)."""
    century = {1800: 1, 1900: 3, 2000: 5}[birth.year // 100 * 100] + (1 if sex == "f" else 0)
    first11 = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
    check = check_digit(first11)
    return None if check is None else first11 + str(check)
