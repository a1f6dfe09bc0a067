"""The staff screen for hours: a month's hours per volunteer, one volunteer's ledger entries with the actions
that append to it (add, correct, close, cancel), and the shifts left open over midnight."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, letters, people, volunteers
from desktop.clock import TZ
from desktop.formats import format_hours, format_month
from desktop.i18n import N_, _
from ui.ops import ReadOp
from ui.volunteers.shift_dialog import ShiftDialog

KINDS = {
    "open": N_("open"),
    "checked_in": N_("check-in"),
    "closed": N_("shift"),
    "reversal": N_("reversal"),
    "reversed": N_("cancelled"),
}
MONTHS_BACK = 24


class HoursPage(QWidget):
    letter_requested = Signal(str)  # volunteer id

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.shift_dialog: ShiftDialog | None = None
        layout = QVBoxLayout(self)

        self.flag_box = QWidget(self)
        flag_layout = QVBoxLayout(self.flag_box)
        flag_layout.setContentsMargins(8, 6, 8, 6)
        self.flag_box.setStyleSheet("background: #fff4e0;")
        self.flag_label = QLabel(self.flag_box)
        self.flag_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.flag_label.setWordWrap(True)
        self.flag_list = QListWidget(self.flag_box)
        self.flag_list.setMaximumHeight(80)
        flag_row = QHBoxLayout()
        flag_row.addWidget(self.flag_list, 1)
        self.flag_close_button = QPushButton(self.flag_box)
        flag_row.addWidget(self.flag_close_button, 0, Qt.AlignmentFlag.AlignTop)
        flag_layout.addWidget(self.flag_label)
        flag_layout.addLayout(flag_row)
        layout.addWidget(self.flag_box)

        top = QHBoxLayout()
        self.month_label = QLabel(self)
        self.month = QComboBox(self)
        top.addWidget(self.month_label)
        top.addWidget(self.month)
        top.addStretch(1)
        self.total_label = QLabel(self)
        top.addWidget(self.total_label)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.month_table = QTableWidget(0, 4, splitter)
        self._setup_table(self.month_table)
        header = self.month_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.entries_label = QLabel(lower)
        lower_layout.addWidget(self.entries_label)
        self.entries = QTableWidget(0, 7, lower)
        self._setup_table(self.entries)
        lower_layout.addWidget(self.entries, 1)
        actions = QHBoxLayout()
        self.add_button = QPushButton(lower)
        self.correct_button = QPushButton(lower)
        self.close_button = QPushButton(lower)
        self.cancel_button = QPushButton(lower)
        self.letter_button = QPushButton(lower)
        for button in (self.add_button, self.correct_button, self.close_button, self.cancel_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.letter_button)
        lower_layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.month_table.currentCellChanged.connect(self._on_month_table_current_cell_changed)
        self.entries.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.add_button.clicked.connect(lambda: self._open_shift_dialog("add"))
        self.correct_button.clicked.connect(lambda: self._open_shift_dialog("correct"))
        self.close_button.clicked.connect(lambda: self._open_shift_dialog("close"))
        self.cancel_button.clicked.connect(lambda: self._open_shift_dialog("reverse"))
        self.flag_close_button.clicked.connect(self._on_flag_close_button_clicked)
        self.letter_button.clicked.connect(self._on_letter_button_clicked)
        ctx.data_changed.connect(self._on_data_changed)
        self.volunteer_id: str | None = None
        self._entries: list[dict] = []
        self._entries_name = ""
        self._flags: list[dict] = []
        self._rows: list[dict] = []
        self._has_hours = False  # the chosen volunteer has given time (a letter is offered only then)
        self.retranslate_ui()

    @staticmethod
    def _setup_table(table: QTableWidget) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)

    def retranslate_ui(self) -> None:
        self.month_label.setText(_("Month:"))
        current = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        first = clock.today().replace(day=1)
        for back in range(MONTHS_BACK):
            year, mon = divmod(first.year * 12 + first.month - 1 - back, 12)
            day = dt.date(year, mon + 1, 1)
            self.month.addItem(format_month(day), day.strftime("%Y-%m"))
        self.month.setCurrentIndex(max(0, self.month.findData(current)) if current else 0)
        self.month.blockSignals(False)
        self.month_table.setHorizontalHeaderLabels(
            [_("Volunteer"), _("Shifts, h"), _("Events, h"), _("Total, h")]
        )
        self.entries.setHorizontalHeaderLabels(
            [_("Date"), _("Arrived at"), _("Left at"), _("Hours"), _("Entry"), _("Activity"), _("Reason")]
        )
        self.add_button.setText(_("Add a shift…"))
        self.correct_button.setText(_("Correct…"))
        self.close_button.setText(_("Close the shift…"))
        self.cancel_button.setText(_("Cancel the entry…"))
        self.letter_button.setText(_("Thank-you letter…"))
        self.flag_close_button.setText(_("Close the shift…"))
        self._render()

    # ---- data ---------------------------------------------------------------------------------------------
    def set_volunteer(self, volunteer_id: str | None) -> None:
        """Shows this volunteer's entries (the register's selection follows here)."""
        self.volunteer_id = volunteer_id
        self._load_entries()

    def _on_month_table_current_cell_changed(self, row: int, *_rest) -> None:
        if 0 <= row < len(self._rows):
            self.volunteer_id = self._rows[row]["id"]
            self._load_entries()

    def refresh(self) -> None:
        """Reads the month, the flags and the chosen volunteer's entries again (off the UI thread)."""
        now, month, volunteer_id = clock.now(), self.month.currentData(), self.volunteer_id

        def read(store):
            flags = volunteers.open_shifts_over_midnight(store, now)
            rows = volunteers.month_hours(store, month) if month else []
            return flags, rows, _entries_of(store, volunteer_id, month)

        ReadOp(self.ctx, read, parent=self).latest("hours").success(self._on_read).run()

    def _on_read(self, result) -> None:
        self._flags, self._rows, (self._entries, self._entries_name) = result
        self._render()

    def _render(self) -> None:
        """Shows what was read, in the current language (no database reads: also used on a language change)."""
        self.flag_list.clear()
        for shift in self._flags:
            start = dt.datetime.fromisoformat(shift["check_in"]).astimezone(TZ)
            QListWidgetItem(f"{people.full_name(shift)} — {start:%d.%m.%Y %H:%M}", self.flag_list)
        self.flag_label.setText(
            _(
                "Shifts left open over midnight: {count}. Close each with the time the volunteer "
                "left, or cancel it."
            ).format(count=len(self._flags))
        )
        self.flag_box.setVisible(bool(self._flags))
        self.month_table.blockSignals(True)
        self.month_table.setRowCount(len(self._rows))
        total = 0
        for row, data in enumerate(self._rows):
            total += data["total_minutes"]
            values = [
                people.full_name(data),
                format_hours(data["shift_minutes"] or 0),
                format_hours(data["event_minutes"] or 0),
                format_hours(data["total_minutes"]),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.month_table.setItem(row, column, item)
        self.total_label.setText(
            _("Volunteers: {count}; hours in all: {hours}").format(
                count=len(self._rows), hours=format_hours(total)
            )
        )
        row = next((i for i, data in enumerate(self._rows) if data["id"] == self.volunteer_id), -1)
        if row >= 0:
            self.month_table.selectRow(row)
        else:
            self.month_table.clearSelection()
        self.month_table.blockSignals(False)
        self._render_entries()

    def _load_entries(self) -> None:
        month, volunteer_id = self.month.currentData(), self.volunteer_id
        self._has_hours = False
        if volunteer_id:
            ReadOp(self.ctx, lambda store: letters.has_hours(store, volunteer_id), parent=self).latest(
                "has_hours"
            ).success(self._on_has_hours_read).run()
        ReadOp(self.ctx, lambda store: _entries_of(store, volunteer_id, month), parent=self).latest(
            "entries"
        ).success(self._on_entries_read).run()

    def _on_has_hours_read(self, has_hours: bool) -> None:
        self._has_hours = has_hours
        self._update_buttons()

    def _on_entries_read(self, result) -> None:
        self._entries, self._entries_name = result
        self._render()

    def _render_entries(self) -> None:
        name = getattr(self, "_entries_name", "")
        self.entries_label.setText(
            _("Entries of {name}").format(name=name)
            if name
            else _("Choose a volunteer to see their entries.")
        )
        self.entries.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            start = dt.datetime.fromisoformat(entry["check_in"]).astimezone(TZ)
            end = dt.datetime.fromisoformat(entry["check_out"]).astimezone(TZ) if entry["check_out"] else None
            kind_title = KINDS[entry["kind"]]
            values = [
                start.strftime("%d.%m.%Y"),
                start.strftime("%H:%M"),
                end.strftime("%H:%M") if end else "—",
                format_hours(entry["minutes"]) if entry["minutes"] is not None else "",
                _(kind_title),
                entry["activity"] or "",
                entry["reason"] or "",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if entry["kind"] in ("reversal", "reversed"):
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.entries.setItem(row, column, item)
        self._update_buttons()

    def selected_entry(self) -> dict | None:
        row = self.entries.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        kind = entry["kind"] if entry else None
        self.add_button.setEnabled(self.volunteer_id is not None)
        self.letter_button.setEnabled(self.volunteer_id is not None and self._has_hours)
        self.correct_button.setEnabled(kind == "closed")
        self.close_button.setEnabled(kind == "open")
        self.cancel_button.setEnabled(kind in ("closed", "open"))

    # ---- actions ------------------------------------------------------------------------------------------
    def _open_shift_dialog(self, mode: str, shift: dict | None = None) -> None:
        shift = shift if shift is not None else (None if mode == "add" else self.selected_entry())
        volunteer_id = shift["volunteer_id"] if shift else self.volunteer_id
        if volunteer_id is None:
            return
        self.shift_dialog = ShiftDialog(self.ctx, mode, volunteer_id, shift, self)
        self.shift_dialog.open()

    def _on_flag_close_button_clicked(self) -> None:
        row = self.flag_list.currentRow()
        if 0 <= row < len(self._flags):
            self._open_shift_dialog("close", self._flags[row])

    def _on_letter_button_clicked(self) -> None:
        if self.volunteer_id:
            self.letter_requested.emit(self.volunteer_id)

    def _on_data_changed(self, table: str) -> None:
        if table in ("volunteer_shifts", "volunteers", "people", "event_volunteers", "") and self.isVisible():
            self.refresh()


def _entries_of(store, volunteer_id: str | None, month: str | None) -> tuple[list[dict], str]:
    """A volunteer's shift entries of a month and their name (read on the reader thread)."""
    if not volunteer_id:
        return [], ""
    entries = volunteers.shift_entries(store, volunteer_id, month) if month else []
    record = volunteers.get_volunteer(store, volunteer_id)
    return entries, people.full_name(record["person"]) if record else ""
