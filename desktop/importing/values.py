"""Cell values as houses' spreadsheets hold them, made into what the person form accepts: dates typed in every
Kazakh way or stored as Excel serials, phone numbers in any form (two in a cell, as a number), IINs that Excel
turned into numbers, names in capitals or with Latin look-alike letters. Each function returns the value the form
would be given and the warnings to show; an impossible value raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop import text
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.people import DATE_FORMAT

_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Month names as people type them: ru (genitive, nominative, short) and kk (with the app's own "1990 ж. 5 наурыз").
_MONTHS = {
    1: ("январ", "янв", "қаңтар", "қаң", "каңтар", "кантар"),
    2: ("феврал", "фев", "ақпан", "ақп", "акпан"),
    3: ("март", "мар", "наурыз", "нау"),
    4: ("апрел", "апр", "сәуір", "сәу", "сауир", "сауір"),
    5: ("мая", "май", "мамыр", "мам"),
    6: ("июн", "маусым", "мау"),
    7: ("июл", "шілде", "шіл", "шилде"),
    8: ("август", "авг", "тамыз", "там"),
    9: ("сентябр", "сен", "қыркүйек", "қыр", "кыркуйек"),
    10: ("октябр", "окт", "қазан", "қаз", "казан"),
    11: ("ноябр", "ноя", "қараша", "қар", "караша"),
    12: ("декабр", "дек", "желтоқсан", "жел", "желтоксан"),
}
_NUMERIC = re.compile(r"^(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{2}|\d{4})(?:\s*(?:г\.?|ж\.?|года|жыл))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_WORDY_DMY = re.compile(r"^(\d{1,2})\s*([^\d\s.]+)\.?\s*(\d{2}|\d{4})(?:\s*(?:г\.?|ж\.?|года|жыл\.?))?$")
_WORDY_YDM = re.compile(r"^(\d{4})\s*(?:ж\.?|жыл|жылы|г\.?)?\s*(\d{1,2})\s*([^\d\s.,]+)\.?(?:,.*)?$")
_DATE_MSG = N_("{field}: enter a date as dd.mm.yyyy, e.g. 08.03.1990.")
_IMPOSSIBLE = N_("{field}: there is no such date ({value}).")


def _month(word: str) -> int | None:
    word = text.fold(word).strip(".")
    for number, stems in _MONTHS.items():
        if any(word.startswith(stem) for stem in stems if len(stem) >= 3) or word in stems:
            return number
    return None


def _year(digits: str, today: dt.date) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 2000
        if year > today.year:
            year -= 100
    return year


def _make(year: int, month: int, day: int, field: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(field, _IMPOSSIBLE, value=f"{day:02d}.{month:02d}.{year}") from None


def to_date(value: Any, field: str, today: dt.date) -> dt.date | None:
    """A cell as a date (never rolled over: 31.02 is refused, not made 3 March). Excel serials, datetime cells,
    dd.mm.yyyy / dd.mm.yy / dd/mm/yyyy / dd-mm-yyyy, ISO, '5 марта 1990 г.', '1990 ж. 5 наурыз'."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 <= value <= 2100:  # a year alone, not a date (a serial this small is 1905)
            raise ValidationError(field, _DATE_MSG)
        if 1 <= value < 2958466 and float(value).is_integer():
            if value == 60:  # Excel's 29 February 1900, which never was
                raise ValidationError(field, _IMPOSSIBLE, value="29.02.1900")
            return _EXCEL_EPOCH + dt.timedelta(days=int(value) - (1 if value < 60 else 0))
        raise ValidationError(field, _DATE_MSG)
    s = clean_text(str(value))
    if not s:
        return None
    if s.isdigit() and len(s) == 5:  # a serial written out as text
        return to_date(int(s), field, today)
    if m := _NUMERIC.match(s):
        return _make(_year(m.group(3), today), int(m.group(2)), int(m.group(1)), field)
    if m := _ISO.match(s):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), field)
    if m := _WORDY_DMY.match(s):
        month = _month(m.group(2))
        if month:
            return _make(_year(m.group(3), today), month, int(m.group(1)), field)
    if m := _WORDY_YDM.match(s):
        month = _month(m.group(3))
        if month:
            return _make(int(m.group(1)), month, int(m.group(2)), field)
    raise ValidationError(field, _DATE_MSG)


def date_text(day: dt.date | None) -> str:
    """A date as the person form takes it."""
    return day.strftime(DATE_FORMAT) if day else ""


# ---- text --------------------------------------------------------------------------------------------------
# Latin letters that look like Cyrillic ones, typed inside Cyrillic words (a Latin keyboard layout, OCR).
_LOOKALIKE = str.maketrans(
    {
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
        "X": "Х", "Y": "У", "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і",
        "I": "І",
    }
)  # fmt: skip
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200b\ufeff\t"), " ")


def clean_text(value: Any) -> str:
    """NFC, no-break and odd spaces as spaces, runs collapsed, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text.normalize(unicodedata.normalize("NFC", str(value)).translate(_SPACES))


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def fix_lookalikes(word: str) -> str:
    """Latin look-alikes inside a word that is otherwise Cyrillic become Cyrillic ('Aйгүл' → 'Айгүл'); a word in
    Latin script is left as it is."""
    if any(_is_cyrillic(ch) for ch in word) and any("a" <= ch.lower() <= "z" for ch in word):
        return word.translate(_LOOKALIKE)
    return word


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def clean_name(value: Any, field: str) -> tuple[str, list[ValidationError]]:
    """A name part as stored: spaces cleaned, look-alikes fixed, CAPITALS made title case. A '?' where a cp1251 file
    lost a Kazakh letter is refused: the name would be stored wrong."""
    s = clean_text(value)
    warnings: list[ValidationError] = []
    if "?" in s or "\ufffd" in s:
        raise ValidationError(
            field, N_("{field}: the file lost letters here ('?'); save it again as UTF-8 or XLSX.")
        )
    words = []
    for word in s.split(" "):
        fixed = fix_lookalikes(word)
        if fixed != word:
            warnings.append(
                ValidationError(field, N_("{field}: Latin letters inside a Cyrillic word were corrected."))
            )
        if fixed.isupper() or fixed.islower():
            fixed = _title(fixed)
        words.append(fixed)
    return " ".join(words), warnings


def split_full_name(value: Any) -> tuple[str, str, str]:
    """'ИВАНОВ Иван Иванович' → (surname, name, patronymic); a Kazakh patronymic of two words ('Нұрлан ұлы',
    'Әлі қызы') stays one patronymic."""
    words = clean_text(value).split(" ")
    if not words or words == [""]:
        return "", "", ""
    if len(words) == 1:
        return words[0], "", ""
    return words[0], words[1], " ".join(words[2:])


# ---- phones ------------------------------------------------------------------------------------------------
_SEPARATORS = re.compile(r"\s*(?:[,;/\n]|\s{2,}|\bили\b|\bнемесе\b)\s*")


def to_phone(value: Any, field: str = "phone") -> tuple[str, list[ValidationError]]:
    """The phone cell as the form would take it: the first number when a cell holds two (with a warning), an Excel
    number (87011234567.0) as its digits. The person form's own parser (people.validate_person) then checks it."""
    if value is None or value == "":
        return "", []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    s = clean_text(value)
    warnings: list[ValidationError] = []
    parts = [p for p in _SEPARATORS.split(s) if p and any(ch.isdigit() for ch in p)]
    if len(parts) > 1:
        warnings.append(
            ValidationError(field, N_("{field}: the cell holds more than one number; the first was kept."))
        )
    first = parts[0] if parts else s
    digits = text.digits(first)
    if not first.startswith("+"):
        if len(digits) == 10:
            first = "8" + digits  # 701 123 45 67 without the 8
        elif len(digits) == 11 and digits[0] == "7":
            first = "+" + digits  # 77011234567: the country code without its +
    return first, warnings


# ---- IINs --------------------------------------------------------------------------------------------------
def to_iin(value: Any, field: str = "iin") -> tuple[str, list[ValidationError]]:
    """The IIN as text: Excel stores it as a number (a leading 0 lost) or a CSV shows it in exponent form. The
    digits recovered are then checked exactly as the person form checks them."""
    if value is None or value == "":
        return "", []
    warnings: list[ValidationError] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(field, N_("{field}: an IIN contains only digits."))
        s = str(int(value))
    else:
        s = "".join(clean_text(value).split()).lstrip("'")
        if re.fullmatch(r"\d+(?:[.,]\d+)?[eE]\+?\d+", s):
            try:
                number = Decimal(s.replace(",", "."))
            except InvalidOperation:
                raise ValidationError(field, N_("{field}: an IIN contains only digits.")) from None
            if number != number.to_integral_value():
                raise ValidationError(field, N_("{field}: an IIN contains only digits."))
            s = str(int(number))
            warnings.append(
                ValidationError(field, N_("{field}: the file showed it in exponent form; check the digits."))
            )
    if s.isdigit() and len(s) == 11:
        s = "0" + s  # born 2000–2009: Excel dropped the leading zero
    return s, warnings
