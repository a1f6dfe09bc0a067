"""The register tab: search-as-you-type (Kazakh-aware, loose, IIN or phone fragment), a status filter, and the
lazily loaded, sortable list of the house's volunteers."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import people_search, volunteers
from desktop.formats import format_number
from desktop.i18n import _
from ui.ops import ReadOp
from ui.volunteers.register_model import VolunteerRegisterModel
from ui.widgets.empty_state import EmptyState
from ui.widgets.export_button import ExportButton
from ui.widgets.form_keys import mark_action

# Typing pauses this long before the list follows (each query takes a few ms; this only smooths bursts).
SEARCH_DELAY_MS = 120
# Width of each column in characters (the name column takes the rest).
COLUMN_CHARS = (0, 12, 16, 12, 18, 10)


class RegisterPage(QWidget):
    volunteer_opened = Signal(str)
    selection_changed = Signal(object)  # volunteer id or None

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        mark_action(self.search, "search")
        self.status = QComboBox(self)
        self.count_label = QLabel(self)
        row.addWidget(self.search, 1)
        row.addWidget(self.status)
        row.addWidget(self.count_label)
        self.export_button = ExportButton(ctx, "volunteers", lambda: self.model.query, self)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        ReadOp(
            ctx, people_search.prepare_for_lists
        ).run()  # for the reader's connection, before the lists' reads
        self.model = VolunteerRegisterModel(ctx, self)
        self.model.loaded.connect(self._on_model_loaded)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Fixed widths from the font, not ResizeToContents: measuring every row on each keystroke costs more than
        # the query itself.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.table, 1)
        self.empty_state = EmptyState(self.table, lambda: self.model.query.text)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.table.activated.connect(self._on_table_double_clicked)  # a double-click or Enter
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.model.modelReset.connect(lambda: self.selection_changed.emit(None))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(_("Search by name, IIN or phone — e.g. кайрат нурланулы"))
        current = self.status.currentData()
        self.status.blockSignals(True)
        self.status.clear()
        self.status.addItem(_("All statuses"), "")
        for code, title in volunteers.STATUSES.items():
            self.status.addItem(_(title), code)
        self.status.setCurrentIndex(max(0, self.status.findData(current or "")))
        self.status.blockSignals(False)
        self.model.retranslate()
        self.export_button.retranslate_ui()
        self._fit_columns()
        self._show_count()

    def _fit_columns(self) -> None:
        """Each column wide enough for its values and for its title in the current language."""
        header = self.table.horizontalHeader()
        char = self.fontMetrics().horizontalAdvance("0")
        title_metrics = header.fontMetrics()
        for column, chars in enumerate(COLUMN_CHARS):
            if column:
                title = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
                header.resizeSection(
                    column, max(char * chars, title_metrics.horizontalAdvance(title) + 3 * char)
                )

    def apply_query(self) -> None:
        """Re-reads the first page for what is typed now (also called on show and after saves)."""
        self.search_timer.stop()
        query = self.model.query
        self.model.set_query(
            volunteers.RegisterQuery(
                self.search.text(), self.status.currentData() or "", query.sort, query.descending
            )
        )

    def _on_model_loaded(self) -> None:
        self._count = (self.model.total, self.model.capped)
        self._show_count()

    def _show_count(self) -> None:
        count, capped = getattr(self, "_count", (0, False))
        shown = format_number(count) + ("+" if capped else "")
        self.count_label.setText(_("Volunteers: {count}").format(count=shown))

    def current_volunteer(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.volunteer_id(index.row()) if index.isValid() else None

    def select(self, volunteer_id: str) -> None:
        row = self.model.row_of(volunteer_id)
        if row >= 0:
            self.table.selectRow(row)

    def _on_table_double_clicked(self, index) -> None:
        volunteer_id = self.model.volunteer_id(index.row())
        if volunteer_id:
            self.volunteer_opened.emit(volunteer_id)

    def _on_table_current_row_changed(self, current, _previous) -> None:
        self.selection_changed.emit(self.model.volunteer_id(current.row()) if current.isValid() else None)
