"""The event list as a lazily loaded, sortable table model over desktop.events.list_events.

Pages are read by read ops under one key, so a reload supersedes a page still being fetched."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop import events
from desktop.events import EventFilter
from desktop.formats import format_number, format_short_date
from desktop.i18n import N_, _
from ui.events.kind_colors import kind_color
from ui.ops import ReadOp

PAGE = 100
# (column key for sorting, header)
COLUMNS = (
    ("starts_at", N_("Date")),
    ("title", N_("Title")),
    ("kind", N_("Kind")),
    ("place", N_("Place")),
    ("status", N_("Status")),
    ("attendance", N_("Attendance")),
)
STATUS_LABELS = dict(events.STATUSES)


class EventsModel(QAbstractTableModel):
    loaded = Signal()  # a reload's first page is in the model

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._fetching = False
        self.filter = EventFilter()
        self.sort_key = "starts_at"
        self.descending = True
        self._rows: list[dict] = []
        self._total = 0
        self._kinds: dict[str, str] = {}

    # ---- loading -------------------------------------------------------------------------------------------
    def set_filter(self, f: EventFilter) -> None:
        self.filter = f
        self.reload()

    def reload(self) -> None:
        f, sort, descending = self.filter, self.sort_key, self.descending

        def read(store) -> tuple[dict[str, str], int, list[dict]]:
            rows = events.list_events(store, f, sort=sort, descending=descending, limit=PAGE)
            return events.kind_names(store), events.count_events(store, f), rows

        self._read(read, self._on_reloaded)

    def _read(self, read, done) -> None:
        self._fetching = True
        # One key for reloads and pages: the newest answers, so a reload supersedes an older page.
        ReadOp(self.ctx, read, parent=self).latest("page").success(done).finished(
            self._on_read_finished
        ).run()

    def _on_read_finished(self) -> None:
        self._fetching = False

    def _on_reloaded(self, result: tuple[dict[str, str], int, list[dict]]) -> None:
        self.beginResetModel()
        self._kinds, self._total, self._rows = result
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self._fetching:
            return
        f, sort, descending, offset = self.filter, self.sort_key, self.descending, len(self._rows)
        self._read(
            lambda store: events.list_events(
                store, f, sort=sort, descending=descending, limit=PAGE, offset=offset
            ),
            self._on_fetched,
        )

    def _on_fetched(self, more: list[dict]) -> None:
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    @property
    def total(self) -> int:
        return self._total

    def event_id(self, row: int) -> str:
        return self._rows[row]["id"]

    # ---- the table -----------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.DecorationRole and key == "kind":
            return kind_color(row["kind"])
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "attendance":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None

    def _display(self, row: dict, key: str) -> str:
        if key == "starts_at":
            starts = events.to_local(row["starts_at"])
            assert starts is not None  # events.starts_at is NOT NULL
            ends = events.to_local(row["ends_at"])
            shown = f"{format_short_date(starts.date())} {starts:%H:%M}"
            if ends and ends.date() != starts.date():
                shown += f" – {format_short_date(ends.date())}"
            return shown
        if key == "title":
            return events.localized_title(row)
        if key == "kind":
            return self._kinds.get(row["kind"], row["kind"])
        if key == "place":
            return row["place"] or ""
        if key == "status":
            return _(STATUS_LABELS.get(row["status"], row["status"]))
        if key == "attendance":
            return "" if row["attendance"] is None else format_number(row["attendance"])
        return ""
