"""The volunteer register as a lazily loaded, sortable table model over the store (pages of PAGE rows)."""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop import people, volunteers
from desktop.formats import format_hours
from desktop.i18n import N_, _
from desktop.phone import format_phone
from ui.ops import ReadOp

PAGE = 100
# (title, sort key of volunteers.SORTS or None when the column cannot sort)
COLUMNS = [
    (N_("Name"), "name"),
    (N_("Status"), "status"),
    (N_("Hours this month"), "hours"),
    (N_("Languages"), "languages"),
    (N_("Phone"), "phone"),
    (N_("Kiosk code"), None),
]
_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: a flat table has no other parent


class VolunteerRegisterModel(QAbstractTableModel):
    """Pages are read on the reader thread (ui/ops.py); a new query supersedes a page still being read."""

    # The first page of a query has arrived: (how many match, whether that count stopped at its cap).
    loaded = Signal(int, bool)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.query = volunteers.RegisterQuery()
        self._rows: list[dict] = []
        self._shown: dict[int, tuple[str, ...]] = {}  # row number → its cells as shown (see _texts)
        self._exhausted = False
        self._reading = False

    # ---- what to show ------------------------------------------------------------------------------------
    def set_query(self, query: volunteers.RegisterQuery) -> None:
        """Starts over with a new search, filter or sort; only the first page is read now."""
        self.query = query
        self._reading = True

        def first_page(store):
            rows = volunteers.register_page(store, query, 0, PAGE)
            count = (len(rows), False) if len(rows) < PAGE else volunteers.register_count(store, query)
            return rows, count

        ReadOp(self.ctx, first_page, parent=self).latest("page").success(self._on_first_page).run()

    def _on_first_page(self, result) -> None:
        rows, (count, capped) = result
        self.beginResetModel()
        self._rows = rows
        self._shown.clear()
        self._exhausted = len(rows) < PAGE
        self._reading = False
        self.endResetModel()
        self.loaded.emit(count, capped)

    def reload(self) -> None:
        self.set_query(self.query)

    def volunteer_id(self, row: int) -> str | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_of(self, volunteer_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r["id"] == volunteer_id), -1)

    # ---- lazy loading ------------------------------------------------------------------------------------
    def canFetchMore(self, parent: _Index = _ROOT) -> bool:
        return not parent.isValid() and not self._exhausted and not self._reading

    def fetchMore(self, parent: _Index = _ROOT) -> None:
        if parent.isValid() or self._exhausted or self._reading:
            return
        self._reading = True
        query, offset = self.query, len(self._rows)
        ReadOp(
            self.ctx, lambda store: volunteers.register_page(store, query, offset, PAGE), parent=self
        ).latest("page").success(self._on_more).run()

    def _on_more(self, more: list[dict]) -> None:
        self._reading = False
        self._exhausted = len(more) < PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    # ---- Qt model API ------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][0])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(index.row())[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]["id"]
        return None

    def _texts(self, row_number: int) -> tuple[str, ...]:
        """A row's cells as shown, made once per row and language: a repaint asks for every visible cell many
        times, and formatting phones and hours each time kept the UI thread busy while the user typed."""
        texts = self._shown.get(row_number)
        if texts is None:
            row = self._rows[row_number]
            texts = (
                people.full_name(row),
                _(volunteers.STATUSES.get(row["status"], row["status"])),
                format_hours(row["month_minutes"] or 0),
                ", ".join(json.loads(row["languages"] or "[]")),
                format_phone(row["phone"]),
                row["kiosk_code"] or "",
            )
            self._shown[row_number] = texts
        return texts

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.query.sort and descending == self.query.descending and self._rows:
            return
        self.set_query(
            volunteers.RegisterQuery(self.query.text, self.query.status, key, descending, self.query.month)
        )

    def retranslate(self) -> None:
        self._shown.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
