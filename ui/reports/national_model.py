"""The national roll-up's table: each region (bold, its subtotal) above its houses, the national total last, with
this month's headline figures. A few hundred lines at most, from the server's answer, shown whole."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.i18n import _
from desktop.reports.layout import format_value
from desktop.reports.national import (
    HOUSE,
    Line,
    NationalRollup,
    headline_labels,
    headline_values,
    status_label,
)
from ui.reports.figures_model import ui_lang

_SUBMITTED, _MISSING = QColor("#2e7d32"), QColor("#b35c00")
_FIXED = 2  # name, reports; then one column per headline figure


def wrapped(text: str, width: int = 14) -> str:
    """A figure's heading on lines of about `width` characters, broken at spaces, so its column stays narrow."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


class NationalModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[Line] = []
        self.values: list[list] = []
        self.columns = headline_labels()
        self.headers: list[str] = [""] * (_FIXED + len(self.columns))
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rollup(self, national: NationalRollup | None) -> None:
        self.beginResetModel()
        self.lines = list(national.lines) if national else []
        self.values = [headline_values(line.summary) for line in self.lines]
        self.endResetModel()

    def line(self, row: int) -> Line:
        return self.lines[row]

    def retranslate(self) -> None:
        lang = ui_lang()
        self.headers = [_("Region or house"), _("Reports")]
        self.headers += [wrapped(label[lang]) for label, _kind in self.columns]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.headers) - 1)
        if self.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.lines) - 1, len(self.headers) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else _FIXED + len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line, col, lang = self.lines[index.row()], index.column(), ui_lang()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return ("      " if line.level == HOUSE else "") + line.label[lang]
            if col == 1:
                return status_label(line)[lang]
            value = self.values[index.row()][col - _FIXED]
            return format_value(value, self.columns[col - _FIXED][1], lang)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return line.code
        if role == Qt.ItemDataRole.FontRole and line.level != HOUSE:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            done = line.summary is not None if line.level == HOUSE else line.submitted == line.expected
            return _SUBMITTED if done else _MISSING
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= _FIXED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
