"""The one table model for record lists (events, volunteers, groups, associations, the aid lists): rows a read op
fetches page by page as the view scrolls, columns described by `Column`, sorting on a header click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

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
# fetch(store, offset, limit) -> rows; count(store) -> how many (or (count, capped) for a count that stops at a cap).
Fetch = Callable[[Any, int, int], list[Row]]
Count = Callable[[Any], "int | tuple[int, bool]"]


@dataclass
class Column:
    title: str  # untranslated (N_)
    value: Callable[[Row], Any]
    align_right: bool = False
    sort: Callable[[Row], Any] | None = (
        None  # sort key in memory when the shown text does not sort right (dates)
    )
    order_by: str | None = None  # the service's sort key, for a model whose service sorts (`order=`)
    decoration: Callable[[Row], Any] | None = None  # a colour swatch or an icon before the text


def _row_id(row: Row) -> Any:
    return row.get("id") if isinstance(row, dict) else getattr(row, "id", None)


class LazyTableModel(QAbstractTableModel):
    """The table model of every record list: rows fetched page by page as the view scrolls (canFetchMore /
    fetchMore), each page by a read op, columns described by `Column`.

    `fetch(store, offset, limit)` and `count(store)` run on the reader thread; without a count, paging ends at a
    short page. `source` (or `set_source`) says what the next reload reads, asked on the UI thread at the reload,
    e.g. with the search text of the moment; `names` (if given) are read with each reload. A reload supersedes
    the reads of an older one; `loaded` is emitted when its rows are in, with `total` (and `capped`) counted.

    Sorting on a header click: by default the rest of the rows are loaded first and sorted in memory (the aid lists
    hold thousands of rows, not millions). With `order=(key, descending)` the service sorts instead: a click on a
    column with an `order_by` key reloads in that order (`self.order`, which `source` passes on); the other columns
    do not sort. A row's cells are formatted once per row and language (a repaint asks for each visible cell many
    times); `Qt.UserRole` gives the row's id."""

    PAGE = 200
    loaded = Signal()

    def __init__(
        self,
        columns: list[Column],
        ctx,
        fetch: Fetch | None = None,
        count: Count | None = None,
        parent: QObject | None = None,
        *,
        names: RowNames | None = None,
        colour: Callable[[Row, int], QColor | None] | None = None,
        background: Callable[[Row], QColor | None] | None = None,
        font: Callable[[Row], QFont | None] | None = None,
        order: tuple[str, bool] | None = None,
        source: Callable[[], tuple[Fetch, Count | None]] | None = None,
    ):
        super().__init__(parent)
        self.columns = columns
        self.ctx = ctx
        self._fetch: Fetch = fetch or (lambda _store, _offset, _limit: [])
        self._count: Count | None = count
        self._source = source
        self.names = names
        self._colour, self._background, self._font = colour, background, font
        self.order = order
        self.rows: list[Row] = []
        self.total = 0  # how many rows the source has, as counted (rows loaded so far without a count)
        self.capped = False  # the count stopped at its cap (more rows may follow)
        self._limit: int | None = None  # paging stops there when the count is exact
        self._exhausted = False  # a short page came: there is no more
        self._counted = False
        self._page_fetch: Fetch = self._fetch  # what the pages of the current reload read
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._shown: dict[int, tuple[str, ...]] = {}  # row number -> its cells as shown
        self._generation = 0  # a reload makes the answers of older reads stale
        self._fetching = False  # a read is on its way: the view must not ask for a page again

    # ---- what to read ------------------------------------------------------------------------------------
    def set_source(self, fetch: Fetch, count: Count | None) -> None:
        """What the next reload (and its pages) reads, e.g. with the search text of the moment."""
        self._fetch, self._count = fetch, count

    def source(self) -> tuple[Fetch, Count | None]:
        """What a reload reads, asked on the UI thread when it starts."""
        return self._source() if self._source is not None else (self._fetch, self._count)

    def reload(self) -> None:
        self._generation += 1
        self._fetching = True
        generation, names, page = self._generation, self.names, self.PAGE
        fetch, count = self.source()
        self._page_fetch = fetch
        load_all = self._sort is not None

        def read(store):
            rows = fetch(store, 0, page)
            complete = len(rows) < page
            counted = None if count is None or complete else _counted(count(store))
            if load_all and not complete:
                rows += _rest(fetch, store, len(rows))
                complete = True
            return rows, complete, counted, names.read(store) if names is not None else None

        self._read(generation, read, lambda result: self._on_reloaded(generation, *result))

    def _read(self, generation: int, read: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        # One key for reloads and pages: the newest answers, so a reload supersedes a page still on its way.
        ReadOp(self.ctx, read, parent=self).latest("page").success(done).finished(
            lambda: self._on_read_finished(generation)
        ).run()

    def _on_read_finished(self, generation: int) -> None:
        if generation == self._generation:
            self._fetching = False

    def set_rows(self, rows: list[Row]) -> None:
        """All the rows at once (already read): no paging."""
        self._generation += 1
        self._fetching = False
        self.beginResetModel()
        self.rows, self._exhausted, self._limit = list(rows), True, len(rows)
        self.total, self.capped, self._counted = len(rows), False, True
        self._shown.clear()
        if self._sort:
            self._apply_sort()
        self.endResetModel()
        self.loaded.emit()

    def _on_reloaded(
        self, generation: int, rows: list[Row], complete: bool, counted: tuple[int, bool] | None, names
    ) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if self.names is not None and names is not None:
            self.names.set(names)
        self.beginResetModel()
        self.rows, self._exhausted, self._shown = rows, complete, {}
        if complete:
            counted = (len(rows), False)
        self._counted = counted is not None
        self.total, self.capped = counted if counted is not None else (len(rows), True)
        self._limit = self.total if self._counted and not self.capped else None
        if self._sort:
            self._apply_sort()
        self.endResetModel()
        self.loaded.emit()

    # ---- paging ------------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def _complete(self) -> bool:
        return self._exhausted or (self._limit is not None and len(self.rows) >= self._limit)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and not self._complete()

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, fetch, offset, page = self._generation, self._page_fetch, len(self.rows), self.PAGE
        self._read(
            generation,
            lambda store: fetch(store, offset, page),
            lambda more: self._on_page(generation, offset, more),
        )

    def _on_page(self, generation: int, offset: int, more: list[Row]) -> None:
        if generation != self._generation or offset != len(self.rows):
            return  # a reload (or a sort) came meanwhile
        self._fetching = False
        self._exhausted = len(more) < self.PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()
        if self._exhausted:  # every row is in: that is the count (rows may have gone since it was made)
            self.total, self.capped, self._limit = len(self.rows), False, len(self.rows)
        elif not self._counted:
            self.total = len(self.rows)

    # ---- cells -------------------------------------------------------------------------------------------
    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(index.row())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._texts(index.row())[index.column()] or None  # the whole text of a cut cell
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour:
            return self._colour(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and self._background:
            return self._background(row)
        if role == Qt.ItemDataRole.FontRole and self._font:
            return self._font(row)
        if role == Qt.ItemDataRole.DecorationRole and column.decoration:
            return column.decoration(row)
        if role == Qt.ItemDataRole.UserRole:
            return _row_id(row)
        return None

    def _texts(self, number: int) -> tuple[str, ...]:
        """A row's cells as shown, made once per row and language."""
        texts = self._shown.get(number)
        if texts is None:
            row = self.rows[number]
            values = (column.value(row) for column in self.columns)
            texts = self._shown[number] = tuple("" if value is None else str(value) for value in values)
        return texts

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.columns[section].title)
        return None

    # ---- sorting -----------------------------------------------------------------------------------------
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # no sort column: keep the services' order (Kazakh alphabet, newest first…)
            return
        if self.order is not None:  # the service sorts
            key = self.columns[column].order_by
            wanted = (key, order == Qt.SortOrder.DescendingOrder)
            if key is not None and (wanted != self.order or not self.rows):
                self.order = (key, wanted[1])
                self.reload()
            return
        self._sort = (column, order)
        if self._fetching:  # a read is on its way: read again, every row at once
            self.reload()
            return
        if self._complete():
            self.layoutAboutToBeChanged.emit()
            self._apply_sort()
            self.layoutChanged.emit()
            return
        # The rest of the rows first, by a read op; then sorted in memory.
        self._generation += 1
        self._fetching = True
        generation, fetch, offset = self._generation, self._page_fetch, len(self.rows)
        self._read(
            generation,
            lambda store: _rest(fetch, store, offset),
            lambda rest: self._on_rest(generation, rest),
        )

    def _on_rest(self, generation: int, rest: list[Row]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if rest:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rest) - 1)
            self.rows.extend(rest)
            self.endInsertRows()
        self._exhausted = True
        self.total, self.capped, self._limit = len(self.rows), False, len(self.rows)
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
        self._shown.clear()

    # ---- rows --------------------------------------------------------------------------------------------
    def row(self, index: int) -> Row | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def row_id(self, index: int) -> Any:
        """The id of the row at `index` (None past the end)."""
        row = self.row(index)
        return None if row is None else _row_id(row)

    def row_of(self, row_id: Any) -> int:
        """The number of the loaded row with this id, or -1."""
        return next((i for i, row in enumerate(self.rows) if _row_id(row) == row_id), -1)

    @property
    def memory_sort(self) -> tuple[str, bool] | None:
        """(the untranslated title of the column, descending) when a header click sorted the rows in memory."""
        if self._sort is None:
            return None
        column, order = self._sort
        return self.columns[column].title, order == Qt.SortOrder.DescendingOrder

    def retranslate(self) -> None:
        self._shown.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))


def _counted(found: int | tuple[int, bool]) -> tuple[int, bool]:
    return found if isinstance(found, tuple) else (found, False)


def _rest(fetch: Fetch, store, offset: int) -> list[Row]:
    """The rows from `offset` on, in big pages, up to a short one (runs in a read op)."""
    rows: list[Row] = []
    while True:
        more = fetch(store, offset + len(rows), 5000)
        rows.extend(more)
        if len(more) < 5000:
            return rows


def enable_sorting(view) -> None:
    """Sorting by a click on a header, without sorting at once (the lists come in their natural order)."""
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)


def record_view(model, parent: QWidget, *, several: bool = False) -> QTableView:
    """A read-only list of records: whole rows selected (one, or several with `several`), no row numbers, nothing
    edited in place, the last column stretched."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view
