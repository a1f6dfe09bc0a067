"""The Creative groups section: the registry of ensembles (with members and performances) and the ethnocultural
associations, on two tabs."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import groups
from desktop.formats import format_number
from desktop.i18n import N_, _
from ui.events.event_dialog import EventDialog
from ui.groups.association_dialog import AssociationDialog
from ui.groups.group_dialog import GroupDialog
from ui.groups.group_panel import GroupPanel
from ui.importing.wizard import ImportWizard
from ui.ops import ReadOp
from ui.widgets.empty_state import EmptyState
from ui.widgets.export_button import ExportButton
from ui.widgets.form_keys import mark_action
from ui.widgets.lazy_table import Column, Count, Fetch, LazyTableModel, record_view
from ui.widgets.section import Section

GROUP_TABLES = {"creative_groups", "group_members", "associations", "events", "event_groups", "people", ""}


def read_groups(store, search: str, genre: str | None, **page) -> list[dict]:
    """A page of the group list, each row with its genre's name."""
    names = groups.genre_names(store)
    return [
        {**r, "genre_name": names.get(r["genre"], "")}
        for r in groups.list_groups(store, search, genre=genre, **page)
    ]


def read_associations(store, search: str, **page) -> list[dict]:
    """A page of the association list, each row with its ethnic group's name."""
    names = groups.ethnic_group_names(store)
    return [
        {**r, "ethnic_group_name": names.get(r["ethnic_group"], "")}
        for r in groups.list_associations(store, search, **page)
    ]


def _table_view(parent: QWidget, model, cap: int = 125) -> QTableView:
    view = record_view(model, parent)
    view.setSortingEnabled(True)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    model.modelReset.connect(lambda: fit_columns(view, cap))
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    return view


def _list_model(ctx, columns: list[Column], source, parent: QWidget) -> LazyTableModel:
    """A list sorted by the service (by name first), read in pages of 100 without a count."""
    model = LazyTableModel(columns, ctx, parent=parent, order=("name", False), source=source)
    model.PAGE = 100
    return model


def _paged(read, model: LazyTableModel) -> Fetch:
    """read(store, sort=, descending=, limit=, offset=) as a page fetch in the model's order of the moment."""
    assert model.order is not None  # the service sorts these lists
    sort, descending = model.order
    return lambda store, offset, limit: read(
        store, sort=sort, descending=descending, limit=limit, offset=offset
    )


def display_phone(phone: str | None) -> str:
    """'+77011234567' → '+7 701 123 45 67' (docs/KAZAKH.md §4); anything else as stored."""
    if phone and len(phone) == 12 and phone.startswith("+7") and phone[1:].isdigit():
        return f"+7 {phone[2:5]} {phone[5:8]} {phone[8:10]} {phone[10:]}"
    return phone or ""


def fit_columns(view, cap: int = 125) -> None:
    """Columns after the first fit their contents up to `cap` pixels, so the name column keeps the room."""
    for column in range(1, view.model().columnCount()):
        view.resizeColumnToContents(column)
        view.setColumnWidth(column, min(view.columnWidth(column), cap))


class GroupsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_groups_tab(), "")
        self.tabs.addTab(self._build_associations_tab(), "")
        self.dialog: GroupDialog | EventDialog | AssociationDialog | ImportWizard | None = None
        # One save announces several tables; refresh once for all of them.
        self._changed_timer = QTimer(self)
        self._changed_timer.setSingleShot(True)
        self._changed_timer.setInterval(0)
        self._changed_timer.timeout.connect(self.refresh)
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    # ---- creative groups -----------------------------------------------------------------------------------
    def _build_groups_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.new_group_button = QPushButton(page)
        self.new_group_button.clicked.connect(lambda: self.open_group(None))
        mark_action(self.new_group_button, "new")
        self.edit_group_button = QPushButton(page)
        self.edit_group_button.clicked.connect(lambda: self.open_group(self.panel.group_id))
        self.import_button = QPushButton(page)
        self.import_button.clicked.connect(self.open_import)
        self.genre_filter = QComboBox(page)
        self.genre_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.genre_filter.currentIndexChanged.connect(lambda _i: self.reload_groups())
        self.group_search = QLineEdit(page)
        self.group_search.setClearButtonEnabled(True)
        mark_action(self.group_search, "search")
        self._group_timer = QTimer(self)
        self._group_timer.setSingleShot(True)
        self._group_timer.setInterval(200)
        self._group_timer.timeout.connect(self.reload_groups)
        self.group_search.textChanged.connect(lambda _t: self._group_timer.start())
        for widget in (self.new_group_button, self.edit_group_button, self.import_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.export_groups_button = ExportButton(self.ctx, "groups", self._groups_query, page)
        self.export_members_button = ExportButton(
            self.ctx, "members", lambda: self.panel.group_id, page, label=N_("Export members…")
        )
        bar.addWidget(self.export_groups_button)
        bar.addWidget(self.export_members_button)
        layout.addLayout(bar)
        # The filters on their own line, so the actions above leave them room in either language.
        filters = QHBoxLayout()
        filters.addWidget(self.genre_filter)
        filters.addWidget(self.group_search, 1)
        layout.addLayout(filters)

        self.group_columns = [
            Column(N_("Name"), groups.group_label, order_by="name"),
            Column(N_("Genre"), lambda r: r["genre_name"], order_by="genre"),
            Column(
                N_("Members"), lambda r: format_number(r["members"]), align_right=True, order_by="members"
            ),
        ]
        self._select_when_loaded = False
        self.groups_model = _list_model(self.ctx, self.group_columns, self._groups_source, self)
        self.groups_model.loaded.connect(self._on_groups_model_loaded)
        self.groups_view = _table_view(page, self.groups_model)
        self.groups_empty = EmptyState(self.groups_view, self.group_search.text)
        self.groups_view.selectionModel().selectionChanged.connect(self._on_groups_view_selection_changed)
        self.groups_view.activated.connect(  # a double-click or Enter
            lambda index: self.open_group(self.groups_model.row_id(index.row()))
        )
        self.panel: GroupPanel = GroupPanel(self.ctx, page)
        self.panel.event_activated.connect(self.open_event)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        splitter.addWidget(self.groups_view)
        splitter.addWidget(self.panel)
        splitter.setSizes([560, 600])
        layout.addWidget(splitter, 1)
        return page

    def _groups_query(self) -> tuple[str, str | None, str, bool]:
        sort, descending = self.groups_model.order or ("name", False)
        return self.group_search.text(), self.genre_filter.currentData(), sort, descending

    def _groups_source(self) -> tuple[Fetch, Count | None]:
        search, genre = self.group_search.text(), self.genre_filter.currentData()
        return _paged(
            lambda store, **page: read_groups(store, search, genre, **page), self.groups_model
        ), None

    def reload_groups(self) -> None:
        """Reads the list again; once it is in, the selected group (or the first) is selected and shown."""
        self._select_when_loaded = True
        self.groups_model.reload()

    def _on_groups_model_loaded(self) -> None:
        if not self._select_when_loaded:
            return
        self._select_when_loaded = False
        selected = self.panel.group_id
        row = self.groups_model.row_of(selected) if selected else -1
        if row < 0 and self.groups_model.rowCount():
            row = 0
        if row >= 0:
            self.groups_view.selectRow(row)
        self.panel.show_group(self.groups_model.row_id(row) if row >= 0 else None)
        self.edit_group_button.setEnabled(self.panel.group_id is not None)

    def _on_groups_view_selection_changed(
        self, selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        indexes = selected.indexes()
        if indexes:
            self.panel.show_group(self.groups_model.row_id(indexes[0].row()))

    def select_group(self, group_id: str) -> None:
        row = self.groups_model.row_of(group_id)
        if row >= 0:
            self.groups_view.selectRow(row)
        self.panel.show_group(group_id)

    def open_group(self, group_id: str | None) -> GroupDialog:
        self.dialog = GroupDialog(self.ctx, group_id, self)
        self.dialog.saved.connect(self._on_group_saved)
        self.dialog.open()
        return self.dialog

    def _on_group_saved(self, group_id: str) -> None:
        self.reload_groups()
        self.select_group(group_id)

    def open_event(self, event_id: str) -> EventDialog:
        self.dialog = EventDialog(self.ctx, event_id, parent=self)
        self.dialog.saved.connect(lambda _id: self.panel.refresh())
        self.dialog.open()
        return self.dialog

    def open_import(self) -> ImportWizard:
        """The import wizard for group members: each row names its group, made when it is not on file yet (the
        core checks the account)."""
        self.dialog = ImportWizard(self.ctx, "members", parent=self)
        self.dialog.open()
        return self.dialog

    # ---- associations --------------------------------------------------------------------------------------
    def _build_associations_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.new_association_button = QPushButton(page)
        self.new_association_button.clicked.connect(lambda: self.open_association(None))
        mark_action(self.new_association_button, "new")
        self.association_search = QLineEdit(page)
        self.association_search.setClearButtonEnabled(True)
        mark_action(self.association_search, "search")
        self.association_search.textChanged.connect(lambda _t: self.associations_model.reload())
        bar.addWidget(self.new_association_button)
        bar.addStretch(1)
        bar.addWidget(self.association_search, 1)
        self.export_associations_button = ExportButton(
            self.ctx, "associations", self._associations_query, page
        )
        bar.addWidget(self.export_associations_button)
        layout.addLayout(bar)
        columns = [
            Column(N_("Name"), lambda r: r["name"], order_by="name"),
            Column(N_("Ethnic group"), lambda r: r["ethnic_group_name"], order_by="ethnic_group"),
            Column(N_("Leader"), lambda r: r["leader"], order_by="leader"),
            Column(N_("Phone"), lambda r: display_phone(r["phone"]), order_by="phone"),
            Column(N_("Groups"), lambda r: format_number(r["groups"]), align_right=True, order_by="groups"),
            Column(N_("Events"), lambda r: format_number(r["events"]), align_right=True, order_by="events"),
        ]
        self.associations_model: LazyTableModel = _list_model(
            self.ctx, columns, self._associations_source, self
        )
        self.associations_view = _table_view(page, self.associations_model, cap=230)
        self.associations_empty = EmptyState(self.associations_view, self.association_search.text)
        self.associations_view.activated.connect(self._on_associations_view_double_clicked)
        layout.addWidget(self.associations_view, 1)
        return page

    def _associations_query(self) -> tuple[str, str, bool]:
        sort, descending = self.associations_model.order or ("name", False)
        return self.association_search.text(), sort, descending

    def _associations_source(self) -> tuple[Fetch, Count | None]:
        search = self.association_search.text()
        return _paged(
            lambda store, **page: read_associations(store, search, **page), self.associations_model
        ), None

    def _on_associations_view_double_clicked(self, index: QModelIndex) -> None:
        self.open_association(self.associations_model.row_id(index.row()))

    def open_association(self, association_id: str | None) -> AssociationDialog:
        self.dialog = AssociationDialog(self.ctx, association_id, self)
        self.dialog.saved.connect(lambda _id: self.associations_model.reload())
        self.dialog.open()
        return self.dialog

    # ---- section -------------------------------------------------------------------------------------------
    def apply_actor(self, actor) -> None:
        self.import_button.setVisible(actor.can("records.write"))

    def refresh(self) -> None:
        self.reload_groups()
        self.associations_model.reload()

    def show_page(self, page) -> None:
        if page == "associations":
            self.tabs.setCurrentIndex(1)

    def _on_ctx_data_changed(self, table: str) -> None:
        if table in GROUP_TABLES and self.isVisible():
            self._changed_timer.start()

    def _fill_genres(self) -> None:
        everything = _("All genres")
        ReadOp(self.ctx, groups.genre_names, parent=self).latest("genres").success(
            lambda names: self._show_genres(names, everything)
        ).run()

    def _show_genres(self, names: dict[str, str], everything: str) -> None:
        current = self.genre_filter.currentData()
        self.genre_filter.blockSignals(True)
        self.genre_filter.clear()
        self.genre_filter.addItem(everything, None)
        for code, name in names.items():
            self.genre_filter.addItem(name, code)
        self.genre_filter.setCurrentIndex(max(0, self.genre_filter.findData(current)))
        self.genre_filter.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, _("Creative groups"))
        self.tabs.setTabText(1, _("Ethnocultural associations"))
        self.new_group_button.setText(_("New group"))
        self.edit_group_button.setText(_("Edit group"))
        self.import_button.setText(_("Import from a spreadsheet…"))
        self.group_search.setPlaceholderText(_("Search by name…"))
        self.new_association_button.setText(_("New association"))
        self.association_search.setPlaceholderText(_("Search by name…"))
        for button in (
            self.export_groups_button,
            self.export_members_button,
            self.export_associations_button,
        ):
            button.retranslate_ui()
        self._fill_genres()
        for model in (self.groups_model, self.associations_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self.refresh()
