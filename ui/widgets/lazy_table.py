"""A table model whose rows a read op fetches page by page as the view scrolls, with columns described by `Column`
and sorting on a header click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from desktop import text
from desktop.i18n import _
from ui.ops import ReadOp


class RowNames(Protocol):
    """Names the rows show (codes to names), read with each reload; ui.aid.common.Names is one."""

    def read(self, store) -> Any:
        """Runs in the reload's read op."""

    def set(self, maps: Any) -> None:
        """Takes what `read` returned, on the UI thread."""


# A row as its service returns it: a dict, or a dataclass such as aid.StockRow.
Row = Any


@dataclass
class Column:
    title: str  # untranslated (N_)
    value: Callable[[Row], Any]
    align_right: bool = False
    sort: Callable[[Row], Any] | None = None  # sort key when the shown text does not sort right (dates)


class LazyTableModel(QAbstractTableModel):
    """Rows fetched page by page as the view scrolls (canFetchMore/fetchMore), each page by a read op. Sorting loads
    the rest first and sorts in memory (the aid lists hold thousands of rows, not millions).

    `fetch(store, offset, limit)` and `count(store)` run on the reader thread; `names` (if given) are read with
    each reload. A reload supersedes the reads of an older one; `loaded` is emitted when its rows are in."""

    PAGE = 200
    loaded = Signal()

    def __init__(
        self,
        columns: list[Column],
        ctx,
        fetch: Callable[[Any, int, int], list[Row]] | None = None,
        count: Callable[[Any], int] | None = None,
        parent: QObject | None = None,
        *,
        names: RowNames | None = None,
        colour: Callable[[Row, int], QColor | None] | None = None,
        background: Callable[[Row], QColor | None] | None = None,
    ):
        super().__init__(parent)
        self.columns = columns
        self.ctx = ctx
        self._fetch = fetch or (lambda _store, _offset, _limit: [])
        self._count = count or (lambda _store: 0)
        self.names = names
        self._colour, self._background = colour, background
        self.rows: list[Row] = []
        self._total = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._generation = 0  # a reload makes the answers of older reads stale
        self._fetching = False  # a page is on its way: the view must not ask for it again

    def set_source(self, fetch: Callable[[Any, int, int], list[Row]], count: Callable[[Any], int]) -> None:
        """What the next reload (and its pages) reads, e.g. with the search text of the moment."""
        self._fetch, self._count = fetch, count

    def reload(self) -> None:
        self._generation += 1
        self._fetching = False
        generation, fetch, count, names = self._generation, self._fetch, self._count, self.names
        load_all = self._sort is not None

        def read(store):
            total = count(store)
            rows = fetch(store, 0, self.PAGE)
            if load_all:
                rows += _rest(fetch, store, len(rows), total)
            return total, rows, names.read(store) if names is not None else None

        ReadOp(self.ctx, read, parent=self).success(
            lambda result: self._on_reloaded(generation, *result)
        ).latest("reload").run()

    def set_rows(self, rows: list[Row]) -> None:
        """All the rows at once (already read): no paging."""
        self._generation += 1
        self._fetching = False
        self.beginResetModel()
        self._total, self.rows = len(rows), list(rows)
        if self._sort:
            self._apply_sort()
        self.endResetModel()
        self.loaded.emit()

    def _on_reloaded(self, generation: int, total: int, rows: list[Row], names) -> None:
        if generation != self._generation:
            return
        if self.names is not None and names is not None:
            self.names.set(names)
        self.beginResetModel()
        self._total, self.rows = total, rows
        if self._sort:
            self._apply_sort()
        self.endResetModel()
        self.loaded.emit()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and len(self.rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self._fetching or parent.isValid():
            return
        self._fetching = True
        generation, fetch, offset = self._generation, self._fetch, len(self.rows)
        ReadOp(self.ctx, lambda store: fetch(store, offset, self.PAGE), parent=self).success(
            lambda more: self._on_page(generation, offset, more)
        ).latest("page").run()

    def _on_page(self, generation: int, offset: int, more: list[Row]) -> None:
        if generation != self._generation or offset != len(self.rows):
            return  # a reload (or a sort) came meanwhile
        self._fetching = False
        if not more:
            self._total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour:
            return self._colour(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and self._background:
            return self._background(row)
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.columns[section].title)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # no sort column: keep the services' order (Kazakh alphabet, newest first…)
            return
        self._sort = (column, order)
        if len(self.rows) >= self._total:
            self.layoutAboutToBeChanged.emit()
            self._apply_sort()
            self.layoutChanged.emit()
            return
        # The rest of the rows first, by a read op; then sorted in memory.
        self._generation += 1
        self._fetching = True
        generation, fetch, offset, total = self._generation, self._fetch, len(self.rows), self._total
        ReadOp(self.ctx, lambda store: _rest(fetch, store, offset, total), parent=self).success(
            lambda rest: self._on_rest(generation, rest)
        ).latest("page").run()

    def _on_rest(self, generation: int, rest: list[Row]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if rest:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rest) - 1)
            self.rows.extend(rest)
            self.endInsertRows()
        self._total = len(self.rows)
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        assert self._sort is not None  # called only once a sort column is set
        column, order = self._sort
        getter = self.columns[column].sort or self.columns[column].value

        def key(row):
            value = getter(row)
            return (0, value) if isinstance(value, (int, float)) else (1, text.sort_key(str(value or "")))

        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def row(self, index: int) -> Row | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))


def _rest(fetch: Callable[[Any, int, int], list[Row]], store, offset: int, total: int) -> list[Row]:
    """The rows from `offset` on, in big pages (runs in a read op)."""
    rows: list[Row] = []
    while offset + len(rows) < total:
        more = fetch(store, offset + len(rows), 5000)
        if not more:
            break
        rows.extend(more)
    return rows


def enable_sorting(view) -> None:
    """Sorting by a click on a header, without sorting at once (the lists come in their natural order)."""
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
