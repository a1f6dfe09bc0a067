"""Kazakh-aware text keys: fold (case), loose (Russian-keyboard look-alikes) and the Kazakh alphabet sort key.

SQLite's lower()/LIKE/ORDER BY only know ASCII, so the store keeps these derived columns and queries them instead.
"""

from __future__ import annotations

import re
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
    return _sort_of(fold(text))


def _sort_of(folded: str) -> str:
    return "".join(chr(0xE000 + _RANK[c]) if c in _RANK else c for c in folded)


def keys(text: str | None) -> tuple[str, str, str, str]:
    """(fold, loose, sort_key, latin_key) of the text, folding it once: what the search columns of a row hold."""
    folded = fold(text)
    return folded, folded.translate(_LOOSE), _sort_of(folded), _latin_of(folded)


def normalize(text: str | None) -> str:
    """NFC and trimmed, with inner runs of whitespace collapsed: how names are stored."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def digits(text: str | None) -> str:
    """The ASCII digits 0–9 of the text (a digit of another script is no digit here: desktop.iin)."""
    return "".join(ch for ch in (text or "") if "0" <= ch <= "9")


# ---- Latin spellings ------------------------------------------------------------------------------------------
# One lossy Latin key for a name in either script, so "Kairat", "Qairat" and "Qayrat" (the 2021 Kazakh Latin
# alphabet) and "Кайрат"/"Қайрат" all give "kairat". Cyrillic letters map one by one; Latin spellings are brought
# to the same form (y → i, q → k, j → zh, kh → h, a word-initial ye → e); doubled letters collapse ("Assel",
# "Асель" → "asel").
_CYRILLIC_LATIN = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "io", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "і": "i", "ы": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
        "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u",
        "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ь": "", "э": "e",
        "ю": "iu", "я": "ia", "ə": "a", "ɵ": "o",
        # The letters of the 2021 Kazakh Latin alphabet (and Turkish-style ç) beyond ASCII.
        "ä": "a", "ğ": "g", "ı": "i", "ñ": "n", "ö": "o", "ş": "sh", "ū": "u", "ü": "u", "ç": "ch",
    }
)  # fmt: skip
_LATIN_SPELLING = (
    (re.compile(r"\bye"), "e"),
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"c(?!h)"), "ts"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"j"), "zh"),
    (re.compile(r"y"), "i"),
)
_DOUBLED = re.compile(r"(.)\1+")
_LATIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäğıñöşūüç")


def latin_key(text: str | None) -> str:
    """'Қайрат Нұрланұлы' → 'kairat nurlanuli'; 'Qayrat Nurlanuly' and 'Kairat Nurlanuly' give the same."""
    return _latin_of(fold(text))


def _latin_of(folded: str) -> str:
    folded = folded.replace("i̇", "i")  # the dotted capital İ folds to i + a combining dot
    key = folded.translate(_CYRILLIC_LATIN)
    for pattern, replacement in _LATIN_SPELLING:
        key = pattern.sub(replacement, key)
    return _DOUBLED.sub(r"\1", key)


def is_latin_word(word: str) -> bool:
    """True for a word written in Latin letters only (ASCII or the 2021 Kazakh Latin ones)."""
    folded = fold(word).replace("i̇", "i")
    return bool(folded) and all(ch in _LATIN_LETTERS for ch in folded)
