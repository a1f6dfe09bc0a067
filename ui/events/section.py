"""The Events section: the month calendar and the event list, with filters, search and the national holidays."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from desktop import clock, event_calendar, event_facts, events
from desktop.events import EventFilter
from desktop.formats import format_month
from desktop.i18n import _, ngettext
from ui.events.calendar_view import MonthCalendar
from ui.events.event_dialog import EventDialog
from ui.events.events_model import EventsModel
from ui.events.presets_dialog import PresetsDialog
from ui.events.sign_in_sheet_dialog import SignInSheetDialog
from ui.importing.wizard import ImportWizard
from ui.ops import DostyqError, ReadOp, WriteOp
from ui.widgets.empty_state import EmptyState
from ui.widgets.export_button import ExportButton
from ui.widgets.form_keys import mark_action
from ui.widgets.section import Section

EVENT_TABLES = {
    "events",
    "event_groups",
    "event_volunteers",
    "event_attendance",
    "event_attendees",
    "creative_groups",
    "associations",
    "",
}


class EventsSection(Section):
    def build_ui(self) -> None:
        today = clock.today()
        self.month = dt.date(today.year, today.month, 1)
        self.dialog: EventDialog | None = None
        self.menu: QMenu | None = None
        self.sheet_dialog: SignInSheetDialog | None = None
        layout = QVBoxLayout(self)

        actions = QHBoxLayout()
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(lambda: self.open_event(None))
        mark_action(self.new_button, "new")
        self.presets_button = QPushButton(self)
        self.presets_button.clicked.connect(self._on_presets_button_clicked)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.open_import)
        self.calendar_button = QPushButton(self)
        self.list_button = QPushButton(self)
        for button in (self.calendar_button, self.list_button):
            button.setCheckable(True)
            button.setAutoExclusive(True)
        self.calendar_button.setChecked(True)
        self.calendar_button.toggled.connect(self._on_calendar_button_toggled)
        actions.addWidget(self.new_button)
        actions.addWidget(self.presets_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        actions.addWidget(self.calendar_button)
        actions.addWidget(self.list_button)
        self.export_button = ExportButton(self.ctx, "events", self._export_query, self)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)
        layout.addWidget(self._build_past_planned_bar())

        filters = QHBoxLayout()
        self.prev_button = QToolButton(self)
        self.prev_button.setText("◀")
        self.prev_button.clicked.connect(lambda: self.set_month(self._shift(self.month, -1)))
        self.month_label = QLabel(self)
        font = self.month_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.month_label.setFont(font)
        self.month_label.setMinimumWidth(170)
        self.month_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.clicked.connect(lambda: self.set_month(self._shift(self.month, 1)))
        self.today_button = QPushButton(self)
        self.today_button.clicked.connect(lambda: self.set_month(clock.today()))
        self.all_months = QCheckBox(self)
        self.all_months.toggled.connect(lambda _v: self.reload())
        self.kind_filter = QComboBox(self)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.status_filter = QComboBox(self)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        mark_action(self.search, "search")
        self.search.setMinimumWidth(180)
        for combo in (self.kind_filter, self.status_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for widget in (
            self.prev_button,
            self.month_label,
            self.next_button,
            self.today_button,
            self.all_months,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        self.stack = QStackedWidget(self)
        self.calendar = MonthCalendar(self)
        self.calendar.event_activated.connect(self.open_event)
        self.calendar.day_activated.connect(lambda day: self.open_event(None, day))
        self.calendar.event_menu_requested.connect(lambda event_id, at: self.event_menu(event_id).popup(at))
        self.table = QTableView(self)
        self.model = EventsModel(self.ctx, self)
        self.table.setModel(self.model)
        self.empty_state = EmptyState(self.table, self.search.text)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.model.modelReset.connect(self._fit_columns)
        self.model.loaded.connect(self._on_model_loaded)
        self.table.activated.connect(self._on_table_double_clicked)  # a double-click or Enter
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_custom_context_menu_requested)
        self.stack.addWidget(self.calendar)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)
        # One save announces several tables; reload once for all of them.
        self._changed_timer = QTimer(self)
        self._changed_timer.setSingleShot(True)
        self._changed_timer.setInterval(0)
        self._changed_timer.timeout.connect(self.reload)
        self.ctx.data_changed.connect(self._on_ctx_data_changed)
        self._fill_filters()

    def _build_past_planned_bar(self) -> QFrame:
        """ "N past events are still planned — Mark held / Review": shown while any event is over but unmarked."""
        self.past_planned_ids: list[str] = []
        self.reviewing = False
        self.past_bar = QFrame(self)
        self.past_bar.setObjectName("pastPlannedBar")
        self.past_bar.setStyleSheet(
            "#pastPlannedBar { background: #fff4e0; border: 1px solid #f0c987; border-radius: 4px; }"
        )
        bar = QHBoxLayout(self.past_bar)
        bar.setContentsMargins(10, 4, 6, 4)
        self.past_label = QLabel(self.past_bar)
        self.past_label.setWordWrap(True)
        self.mark_held_button = QPushButton(self.past_bar)
        self.mark_held_button.clicked.connect(self._on_mark_held_button_clicked)
        self.review_button = QPushButton(self.past_bar)
        self.review_button.clicked.connect(self._on_review_button_clicked)
        bar.addWidget(self.past_label, 1)
        bar.addWidget(self.mark_held_button)
        bar.addWidget(self.review_button)
        self.past_bar.hide()
        return self.past_bar

    def _read_past_planned(self) -> None:
        ReadOp(self.ctx, event_facts.past_planned, parent=self).latest("past_planned").success(
            self._show_past_planned
        ).failure(lambda _error: self.past_bar.hide()).run()

    def _show_past_planned(self, found: dict) -> None:
        self.past_planned_ids = list(found["ids"])
        if not found["count"] and self.reviewing:
            self._stop_review()
            return
        self.past_bar.setVisible(bool(found["count"]) or self.reviewing)
        self._label_past_bar()

    def _label_past_bar(self) -> None:
        count = len(self.past_planned_ids)
        self.past_label.setText(
            ngettext(
                "{count} past event is still planned: mark it held if it took place, or cancel it.",
                "{count} past events are still planned: mark them held if they took place, or cancel them.",
                count,
            ).format(count=count)
        )
        self.mark_held_button.setText(_("Mark held"))
        self.mark_held_button.setEnabled(count > 0)
        self.review_button.setText(_("Show all events") if self.reviewing else _("Review"))

    def _on_mark_held_button_clicked(self) -> None:
        ids = list(self.past_planned_ids)
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            _("Mark held"),
            ngettext(
                "Mark {count} past event as held? One that did not take place should be cancelled instead "
                "(Review).",
                "Mark {count} past events as held? Those that did not take place should be cancelled instead "
                "(Review).",
                len(ids),
            ).format(count=len(ids)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.mark_held_button.setEnabled(False)
        WriteOp(
            self.ctx, lambda store: event_facts.mark_held(store, ids), tables=("events",), parent=self
        ).success(lambda _n: self.reload()).failure(self._on_mark_held_failed).run()

    def _on_mark_held_failed(self, error: DostyqError) -> None:
        self.past_label.setText(error.message)
        self.reload()

    def _on_review_button_clicked(self) -> None:
        if self.reviewing:
            self._stop_review()
            return
        self.reviewing = True
        if self.in_list_mode():
            self.reload()
        else:
            self.list_button.setChecked(True)  # reloads through the toggled calendar button

    def _stop_review(self) -> None:
        self.reviewing = False
        self.reload()

    # ---- filters and months --------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self._fill_filter(
            self.status_filter, [(c, _(label)) for c, label in events.STATUSES], _("All statuses")
        )
        everything = _("All kinds")
        ReadOp(self.ctx, events.kind_names, parent=self).latest("kinds").success(
            lambda kinds: self._fill_filter(self.kind_filter, list(kinds.items()), everything)
        ).run()

    @staticmethod
    def _fill_filter(combo: QComboBox, items: list[tuple[str, str]], everything: str) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for code, name in items:
            combo.addItem(name, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    @staticmethod
    def _shift(month: dt.date, step: int) -> dt.date:
        index = month.year * 12 + month.month - 1 + step
        return dt.date(index // 12, index % 12 + 1, 1)

    def set_month(self, day: dt.date) -> None:
        self.month = dt.date(day.year, day.month, 1)
        self.reload()

    def current_filter(self, with_month: bool = True) -> EventFilter:
        month = None if (self.all_months.isChecked() or not with_month) else self.month.strftime("%Y-%m")
        if self.reviewing:  # every past event still planned, whatever month the calendar shows
            return EventFilter(search=self.search.text(), past_planned=True)
        return EventFilter(
            kind=self.kind_filter.currentData(),
            status=self.status_filter.currentData(),
            month=month,
            search=self.search.text(),
        )

    def _export_query(self):
        sort, descending = self.model.order or ("starts_at", True)
        return self.current_filter(), sort, descending

    def in_list_mode(self) -> bool:
        return self.list_button.isChecked()

    def reload(self) -> None:
        self.month_label.setText(format_month(self.month))
        # As wide as its longest month so far: never cut, and the arrows do not move back and forth.
        self.month_label.setMinimumWidth(
            max(self.month_label.minimumWidth(), self.month_label.sizeHint().width())
        )
        self.reviewing = self.reviewing and self.in_list_mode()
        listing = self.in_list_mode()
        self.all_months.setVisible(listing and not self.reviewing)
        for widget in (self.prev_button, self.next_button, self.today_button, self.month_label):
            widget.setEnabled(not (listing and (self.all_months.isChecked() or self.reviewing)))
        for combo in (self.kind_filter, self.status_filter):
            combo.setEnabled(not self.reviewing)
        self._read_past_planned()
        if listing:
            ReadOp(self.ctx, lambda _store: None, parent=self).latest("calendar")  # drops a month under way
            self.model.set_filter(self.current_filter())
        else:
            year, month, f = self.month.year, self.month.month, self.current_filter(with_month=False)
            ReadOp(
                self.ctx, lambda store: event_calendar.calendar_month(store, year, month, f), parent=self
            ).latest("calendar").success(self._show_month).run()

    def _show_month(self, view: event_calendar.MonthView) -> None:
        self.calendar.set_view(view, clock.today())
        self._show_summary(view.event_count, listing=False)

    def _on_model_loaded(self) -> None:
        if self.in_list_mode():
            self._show_summary(self.model.total, listing=True)

    def _show_summary(self, count: int, listing: bool) -> None:
        summary = ngettext("{count} event", "{count} events", count).format(count=count)
        if count == 0 and not listing:
            summary += " · " + _("Double-click a day to plan an event, or add the national holidays.")
        self.summary.setText(summary)

    def refresh(self) -> None:
        self.reload()

    def _on_ctx_data_changed(self, table: str) -> None:
        if table in EVENT_TABLES and self.isVisible():
            self._changed_timer.start()

    def _on_calendar_button_toggled(self, calendar: bool) -> None:
        self.stack.setCurrentIndex(0 if calendar else 1)
        self.reload()

    # ---- opening events ------------------------------------------------------------------------------------
    def open_event(self, event_id: str | None, day: dt.date | None = None) -> EventDialog:
        if day is None:
            today = clock.today()
            day = today if (today.year, today.month) == (self.month.year, self.month.month) else self.month
        self.dialog = EventDialog(self.ctx, event_id, day, self)
        self.dialog.saved.connect(lambda _id: self.reload())
        self.dialog.deleted.connect(lambda _id: self.reload())
        self.dialog.open()
        return self.dialog

    def event_menu(self, event_id: str) -> QMenu:
        """What a right-click on an event offers: open it, print its sign-in sheet."""
        self.menu = QMenu(self)
        self.menu.addAction(_("Open…")).triggered.connect(lambda _c=False: self.open_event(event_id))
        sheet = self.menu.addAction(_("Print sign-in sheet…"))
        sheet.triggered.connect(lambda _c=False: self.open_sign_in_sheet(event_id))
        sheet.setVisible(self.ctx.actor.can("exports"))
        return self.menu

    def open_sign_in_sheet(self, event_id: str) -> SignInSheetDialog:
        self.sheet_dialog = SignInSheetDialog(self.ctx, event_id, self)
        self.sheet_dialog.open()
        return self.sheet_dialog

    def _on_table_custom_context_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.event_menu(self.model.event_id(index.row())).popup(self.table.viewport().mapToGlobal(pos))

    def _fit_columns(self) -> None:
        # Every column but the title fits its contents, within reason, so the title keeps the room.
        for column in (0, 2, 3, 4, 5):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 210))

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.open_event(self.model.event_id(index.row()))

    def _on_presets_button_clicked(self) -> None:
        dialog = PresetsDialog(self.ctx, self.month.year, self)
        dialog.created.connect(lambda _id: self.reload())
        dialog.open()

    def show_page(self, page) -> None:
        if page == "list":
            self.list_button.setChecked(True)

    # ---- language ------------------------------------------------------------------------------------------
    def apply_actor(self, actor) -> None:
        self.import_button.setVisible(actor.can("records.write"))
        self.mark_held_button.setVisible(actor.can("records.write"))

    def open_import(self) -> ImportWizard:
        """The import wizard for past events (the core checks the account)."""
        self.wizard = ImportWizard(self.ctx, "events", parent=self)
        self.wizard.open()
        return self.wizard

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New event"))
        self.presets_button.setText(_("National holidays…"))
        self.import_button.setText(_("Import from a spreadsheet…"))
        self.calendar_button.setText(_("Calendar"))
        self.list_button.setText(_("List"))
        self.export_button.retranslate_ui()
        self.today_button.setText(_("This month"))
        self.all_months.setText(_("All months"))
        self.prev_button.setToolTip(_("Previous month"))
        self.next_button.setToolTip(_("Next month"))
        self.search.setPlaceholderText(_("Search by title…"))
        self._label_past_bar()
        self._fill_filters()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.reload()
