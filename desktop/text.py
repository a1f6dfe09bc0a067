"""Kazakh-aware text keys: fold (case), loose (Russian-keyboard look-alikes) and the Kazakh alphabet sort key.

SQLite's lower()/LIKE/ORDER BY only know ASCII, so the store keeps these derived columns and queries them instead.
"""

from __future__ import annotations

import unicodedata

# The 42 letters of the Kazakh Cyrillic alphabet in their official order.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_RANK = {c: i for i, c in enumerate(KAZAKH_ALPHABET)}

# What a person typing on a Russian keyboard (or in Latin look-alikes) writes instead of a Kazakh letter.
_LOOSE = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        # Schwa and barred o typed for ә and ө; Latin I typed for the Kazakh І (it sits on the same key).
        "ə": "а",
        "ɵ": "о",
        "i": "и",
        "ı": "и",
    }
)


def fold(text: str | None) -> str:
    """NFC + casefold: 'ӘСЕЛ' and 'әсел' fold alike."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).casefold()


def loose(text: str | None) -> str:
    """fold() plus the Kazakh→Russian-keyboard map: 'Қайрат Нұрланұлы' and 'кайрат нурланулы' are equal."""
    return fold(text).translate(_LOOSE)


def sort_key(text: str | None) -> str:
    """A string whose code-point order is the Kazakh alphabetical order (usable in SQL ORDER BY)."""
    return "".join(chr(0xE000 + _RANK[c]) if c in _RANK else c for c in fold(text))


def normalize(text: str | None) -> str:
    """NFC and trimmed, with inner runs of whitespace collapsed: how names are stored."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def digits(text: str | None) -> str:
    """The ASCII digits 0–9 of the text (a digit of another script is no digit here: desktop.iin)."""
    return "".join(ch for ch in (text or "") if "0" <= ch <= "9")
