"""A lazily loaded, sortable table model over a service function that returns pages of rows.

Pages are read by read ops under one key, so a reload supersedes a page still being fetched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.i18n import _
from ui.ops import ReadOp

PAGE = 100


class Column:
    def __init__(
        self, key: str, header: str, display: Callable[[dict], str] | None = None, align_right: bool = False
    ):
        self.key, self.header, self.align_right = key, header, align_right
        self.display = display or (lambda row: "" if row.get(key) is None else str(row[key]))


class RowsModel(QAbstractTableModel):
    """`fetch(sort=, descending=, limit=, offset=)`, asked on the UI thread (so it may read the search box), returns
    the read: a function of the store, run off the UI thread, that returns the rows (dicts with an `id`). Columns
    say what to show."""

    loaded = Signal()  # a reload's first page is in the model

    def __init__(
        self, ctx: Any, fetch: Callable[..., Callable[[Any], list[dict]]], columns: list[Column], parent=None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.fetch = fetch
        self._fetching = False
        self.columns = columns
        self.sort_key = columns[0].key
        self.descending = False
        self._rows: list[dict] = []
        self._exhausted = False

    def reload(self) -> None:
        """Reads the first page again (the function is asked at this moment, e.g. for the search text)."""
        self._read(0, self._on_reloaded)

    def _read(self, offset: int, done: Callable[[list[dict]], None]) -> None:
        read = self.fetch(sort=self.sort_key, descending=self.descending, limit=PAGE, offset=offset)
        self._fetching = True
        # One key for reloads and pages: the newest answers, so a reload supersedes an older page.
        ReadOp(self.ctx, read, parent=self).latest("page").success(done).finished(
            self._on_read_finished
        ).run()

    def _on_read_finished(self) -> None:
        self._fetching = False

    def _on_reloaded(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(self._rows) < PAGE
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self._fetching:
            self._read(len(self._rows), self._on_fetched)

    def _on_fetched(self, more: list[dict]) -> None:
        self._exhausted = len(more) < PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = self.columns[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def row(self, row: int) -> dict:
        return self._rows[row]

    def row_of(self, row_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r["id"] == row_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section].header)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]["id"]
        return None
