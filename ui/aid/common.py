"""Small pieces the aid screens share: quantity and date formatting, the (value, label) pairs their combos are
filled with, and reference names in the current language. The generic pieces they use (lazy table model, form
errors, date and combo helpers) are in ui/widgets/."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QColor

from desktop import aid
from desktop.errors import ValidationError
from desktop.formats import format_number, format_short_date
from desktop.i18n import current_language

NEGATIVE = QColor("#c0392b")
NEGATIVE_ROW = QColor("#fdecea")


def qty(value: float) -> str:
    return format_number(round(value, 3))


def short_date(iso: str | None) -> str:
    return format_short_date(dt.date.fromisoformat(iso)) if iso else ""


def point_pairs(store) -> list[tuple[str, str]]:
    """Runs in a read op (it takes the store): the points' names in the interface language."""
    return [(p["id"], aid.point_label(p)) for p in aid.list_aid_points(store)]


def programme_pairs(store) -> list[tuple[str, str]]:
    """Runs in a read op (it takes the store)."""
    return list(aid.programme_names(store).items())


class Names:
    """Reference names (programmes, units, item groups, categories) read once in both languages by a read op and
    shown in whichever language is current, so a live language switch needs no new read."""

    def __init__(self, *tables: str):
        self.tables = tables
        self._maps: dict[str, dict[str, dict[str, str]]] = {}

    def read(self, store) -> dict[str, dict[str, dict[str, str]]]:
        """Runs in a read op; hand its result to `set` on the UI thread."""
        return {t: {lang: aid.reference_names(store, t, lang) for lang in ("kk", "ru")} for t in self.tables}

    def set(self, maps: dict[str, dict[str, dict[str, str]]]) -> None:
        self._maps = maps

    def of(self, table: str) -> dict[str, str]:
        """{code: name} in the interface language (as reference.localized picks it)."""
        return self._maps.get(table, {}).get("ru" if current_language() == "ru" else "kk", {})

    def get(self, table: str, code: str) -> str:
        return self.of(table).get(code, code)


__all__ = [
    "Names",
    "ValidationError",
    "qty",
    "short_date",
]
