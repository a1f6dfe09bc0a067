"""Small input helpers the forms share: dates typed or picked (dd.MM.yyyy in every language) and combos filled
with (value, label) pairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit

from desktop import clock


def parse_user_date(value: str) -> str:
    """'12.03.1950' or '1950-03-12' → ISO; anything else is passed on so the service names the bad field."""
    value = (value or "").strip()
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value


def setup_date_edit(edit: QDateEdit, value: dt.date | None = None) -> None:
    """dd.MM.yyyy in every language; call again from retranslate_ui (QLocale changes reset the format)."""
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    if value is not None:
        edit.setDate(QDate(value.year, value.month, value.day))
    edit.setMaximumDate(_qdate(clock.today()))


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_of(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def fill_combo(
    combo: QComboBox, pairs: list[tuple[Any, str]], *, keep: bool = True, empty: str | None = None
) -> None:
    """Replaces the items, keeping the selected value when it is still there."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for value, label in pairs:
        combo.addItem(label, value)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
