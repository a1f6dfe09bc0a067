"""The summary's figures as a table model: indicator, this month, last month, the same month last year.

Not a record list, so not ui/widgets/lazy_table.py: a fixed report layout of block headings and indicator rows
from one MonthlySummary already in memory, with no paging, sorting or row ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.i18n import current_language
from desktop.reports import layout
from desktop.reports.summary import MonthlySummary


def ui_lang() -> str:
    lang = current_language()
    return lang if lang in ("kk", "ru") else "kk"


def two_lines(text: str) -> str:
    """A month heading on two lines, broken at the space nearest its middle ("2026 ж.\nжелтоқсан"), so the figure
    columns stay narrow and the indicators' names get the width."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1 :]


class FiguresModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary: MonthlySummary | None = None
        self._rows: list[tuple[str, layout.Block | layout.Row]] = []  # ("block", Block) or ("row", Row)
        self._heads: Mapping[str, Any] = {}
        # The cells' texts, formatted once per summary and language (a view asks for each many times).
        self._texts: dict[tuple[int, int, str], str] = {}

    def set_summary(self, summary: MonthlySummary | None) -> None:
        self.beginResetModel()
        self.summary = summary
        self._rows = []
        self._texts = {}
        if summary is not None:
            self._heads = layout.headings(summary)
            for block in layout.summary_blocks(summary):
                self._rows.append(("block", block))
                self._rows.extend(("row", row) for row in block.rows)
        self.endResetModel()

    def retranslate(self) -> None:
        self.set_summary(self.summary)

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or not self._heads:
            return None
        key = ("indicator", "current", "previous", "year_ago")[section]
        text = self._heads[key][ui_lang()]
        return text if section == 0 else two_lines(text)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        kind, item = self._rows[index.row()]
        col = index.column()
        lang = ui_lang()
        if kind == "block":
            assert isinstance(item, layout.Block)  # set_summary pairs "block" with a Block
            if role == Qt.ItemDataRole.DisplayRole and col == 0:
                return item.title[lang]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#dce6f0"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        assert isinstance(item, layout.Row)  # and "row" with a Row
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return item.label[lang]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return ("    " if item.level else "") + item.label[lang]
            key = (index.row(), col, lang)
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = layout.format_value(item.values[col - 1], item.kind, lang)
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and (col == 1 and not item.level or item.values == ("", "", "")):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col > 1:
            return QBrush(QColor("#555555"))
        return None
