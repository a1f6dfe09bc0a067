"""The event form: what, when and where; who organised and performed; volunteers' minutes; attendance.

The form's choices and the event are read off the UI thread (a read op); the save is a write op that
desktop.events checks before writing anything. Messages appear beside their fields, and the tab with the first
problem comes to the front.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, events, groups, headcount_labels, person_lookup
from desktop.clock import TZ
from desktop.errors import DostyqError, ValidationErrors
from desktop.events import EventInput, Headcount
from desktop.formats import format_hours
from desktop.i18n import _
from ui.events.sign_in_sheet_dialog import SignInSheetDialog
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.person_picker import PersonPicker, find_people, find_volunteers
from ui.widgets.record_dialog import RecordDialog

DATETIME_FORMAT = "dd.MM.yyyy HH:mm"
HEADCOUNT_FIELDS = ("total", "women", "men", "children", "elderly")
TAB_OF_FIELD = {
    "event_title": 0,
    "event_kind": 0,
    "event_status": 0,
    "event_starts_at": 0,
    "event_ends_at": 0,
    "event_volunteers": 1,
    "event_attendance_mode": 2,
    **{f"attendance_{name}": 2 for name in HEADCOUNT_FIELDS},
}


EVENT_SAVE_TABLES = ("events", "event_groups", "event_volunteers", "event_attendance")


def read_form(store, event_id: str | None) -> dict[str, Any]:
    """All the form shows, read in one go: its choices, the event, and the names of its people."""
    data = events.get_event(store, event_id) if event_id else None
    attendees = {}
    for person_id in data.attendee_ids if data else []:
        row = person_lookup.person(store, person_id)
        if row:
            attendees[person_id] = person_lookup.person_label(row)
    return {
        "kinds": list(events.kind_names(store).items()),
        "associations": groups.association_names(store),
        "groups": groups.group_names(store),
        "data": data,
        "volunteer_names": {
            v: person_lookup.volunteer_name(store, v) for v in (data.volunteers if data else {})
        },
        "attendees": attendees,
        "volunteer_count": person_lookup.volunteer_count(store),
    }


def to_qdatetime(value: dt.datetime | str) -> QDateTime:
    local = events.to_local(value)
    assert local is not None  # given an event's start or end, never empty
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=TZ)


class EventDialog(RecordDialog):
    saved = Signal(str)  # the event's id, after the save committed
    deleted = Signal(str)
    loaded = Signal()  # the choices and the event are on the form

    def __init__(
        self, ctx, event_id: str | None = None, day: dt.date | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.event_id = event_id
        self.errors = FormErrors()
        self.is_loaded = False
        self.preset: str | None = None
        self._had_headcount = False
        self._volunteer_count: int | None = None
        self.resize(780, 660)
        self._build()
        self.buttons.setEnabled(False)  # until the event is on the form
        self.retranslate_ui()
        ReadOp(ctx, lambda store: read_form(store, event_id), parent=self).success(
            lambda form: self._on_form_read(form, day)
        ).run()

    def _on_form_read(self, form: dict[str, Any], day: dt.date | None) -> None:
        self._fill_choices(form)
        data = form["data"]
        if data is None:
            start = dt.datetime.combine(day or clock.today(), dt.time(11, 0), tzinfo=TZ)
            data = EventInput(starts_at=start, ends_at=start + dt.timedelta(hours=2))
        self._volunteer_count = form["volunteer_count"]
        self.load(data, form["volunteer_names"], form["attendees"])
        self.is_loaded = True
        self.retranslate_ui()
        self.buttons.setEnabled(True)
        self.loaded.emit()

    # ---- building ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_past_banner())
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_general(), "")
        self.tabs.addTab(self._build_participants(), "")
        self.tabs.addTab(self._build_attendance(), "")
        self.add_footer(layout, deletable=self.event_id is not None)
        self.sheet_dialog: SignInSheetDialog | None = None
        self.sheet_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.sheet_button.setVisible(self.event_id is not None and self.ctx.actor.can("exports"))
        self.sheet_button.clicked.connect(self.open_sign_in_sheet)

    def _build_past_banner(self) -> QFrame:
        """Shown on an event whose start has passed while it is still planned: one click marks it held."""
        self.past_banner = QFrame(self)
        self.past_banner.setObjectName("pastBanner")
        self.past_banner.setStyleSheet(
            "#pastBanner { background: #fff4e0; border: 1px solid #f0c987; border-radius: 4px; }"
        )
        row = QHBoxLayout(self.past_banner)
        row.setContentsMargins(10, 4, 6, 4)
        self.past_label = QLabel(self.past_banner)
        self.past_label.setWordWrap(True)
        self.mark_held_button = QPushButton(self.past_banner)
        self.mark_held_button.clicked.connect(self.mark_held)
        row.addWidget(self.past_label, 1)
        row.addWidget(self.mark_held_button)
        self.past_banner.hide()
        return self.past_banner

    def _update_past_banner(self) -> None:
        over = self.event_id is not None and from_qdatetime(self.starts.dateTime()) <= clock.now()
        self.past_banner.setVisible(bool(over and self.status.currentData() == "planned"))

    def open_sign_in_sheet(self) -> SignInSheetDialog:
        """The sign-in sheet of the saved event, to print before it (the core checks the account)."""
        assert self.event_id is not None  # the button is shown only for a saved event
        self.sheet_dialog = SignInSheetDialog(self.ctx, self.event_id, self)
        self.sheet_dialog.open()
        return self.sheet_dialog

    def mark_held(self) -> None:
        """Sets the status to held and saves the form (the core checks the account and the date)."""
        self.status.setCurrentIndex(max(0, self.status.findData("held")))
        self.save()

    def _build_general(self) -> QWidget:
        page = QWidget(self)
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # spare height below the fields, not between them
        self.form = form
        self.title_kk = QLineEdit(page)
        self.title_ru = QLineEdit(page)
        self.kind = QComboBox(page)
        self.starts = QDateTimeEdit(page)
        self.ends = QDateTimeEdit(page)
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
        self.starts.dateTimeChanged.connect(self._on_starts_date_time_changed)
        self.place = QLineEdit(page)
        self.status = QComboBox(page)
        self.status.currentIndexChanged.connect(lambda _i: self._update_past_banner())
        self.notes = QPlainTextEdit(page)
        self.notes.setFixedHeight(80)
        self.labels: dict[str, QLabel] = {}
        for key, widget, field in (
            ("title_kk", self.title_kk, "event_title"),
            ("title_ru", self.title_ru, None),
            ("kind", self.kind, "event_kind"),
            ("starts", self.starts, "event_starts_at"),
            ("ends", self.ends, "event_ends_at"),
            ("place", self.place, None),
            ("status", self.status, "event_status"),
            ("notes", self.notes, None),
        ):
            label = QLabel(page)
            self.labels[key] = label
            form.addRow(label, self.errors.wrap(field, widget, page) if field else widget)
        return page

    def _build_participants(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.by_house = QCheckBox(page)
        layout.addWidget(self.by_house)
        row = QHBoxLayout()
        self.associations_box = QGroupBox(page)
        box_layout = QVBoxLayout(self.associations_box)
        self.associations = QListWidget(self.associations_box)
        box_layout.addWidget(self.associations)
        self.groups_box = QGroupBox(page)
        box_layout = QVBoxLayout(self.groups_box)
        self.groups = QListWidget(self.groups_box)
        box_layout.addWidget(self.groups)
        row.addWidget(self.associations_box)
        row.addWidget(self.groups_box)
        layout.addLayout(row, 1)
        layout.addWidget(self._build_volunteers(page), 1)
        return page

    def _build_volunteers(self, parent: QWidget) -> QWidget:
        page = QGroupBox(parent)
        self.volunteers_box = page
        layout = QVBoxLayout(page)
        self.volunteers_hint = QLabel(page)
        self.volunteers_hint.setWordWrap(True)
        layout.addWidget(self.volunteers_hint)
        row = QHBoxLayout()
        self.volunteer_picker = PersonPicker(self.ctx, find_volunteers, page)
        self.volunteer_minutes = QSpinBox(page)
        self.volunteer_minutes.setRange(0, 24 * 60)
        self.volunteer_minutes.setSingleStep(15)
        self.volunteer_minutes.setValue(120)
        self.add_volunteer_button = QPushButton(page)
        self.add_volunteer_button.clicked.connect(self._on_add_volunteer_button_clicked)
        self.volunteer_picker.picked.connect(lambda *_: self.add_volunteer_button.setFocus())
        row.addWidget(self.volunteer_picker, 1)
        row.addWidget(self.volunteer_minutes)
        row.addWidget(self.add_volunteer_button)
        layout.addLayout(row)
        self.volunteers_table = QTableWidget(0, 3, page)
        self.volunteers_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.volunteers_table.verticalHeader().hide()
        header = self.volunteers_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.errors.wrap("event_volunteers", self.volunteers_table, page))
        self.volunteers_total = QLabel(page)
        layout.addWidget(self.volunteers_total)
        return page

    def _build_attendance(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.attendance_hint = QLabel(page)
        self.attendance_hint.setWordWrap(True)
        layout.addWidget(self.attendance_hint)
        self.mode_headcount = QRadioButton(page)
        self.mode_named = QRadioButton(page)
        self.mode_group = QButtonGroup(page)
        self.mode_group.addButton(self.mode_headcount)
        self.mode_group.addButton(self.mode_named)
        self.mode_headcount.toggled.connect(self._on_mode_headcount_toggled)
        modes = QHBoxLayout()
        modes.addWidget(self.mode_headcount)
        modes.addWidget(self.mode_named)
        modes.addStretch(1)
        layout.addLayout(modes)

        self.headcount_box = QGroupBox(page)
        grid = QGridLayout(self.headcount_box)
        self.count: dict[str, QSpinBox] = {}
        self.count_labels: dict[str, QLabel] = {}
        for i, name in enumerate(HEADCOUNT_FIELDS):
            label = QLabel(self.headcount_box)
            spin = QSpinBox(self.headcount_box)
            spin.setRange(0, 100000)
            self.count[name], self.count_labels[name] = spin, label
            grid.addWidget(label, i, 0)
            grid.addWidget(self.errors.wrap(f"attendance_{name}", spin, self.headcount_box), i, 1)
        grid.setColumnStretch(2, 1)
        layout.addWidget(self.headcount_box)

        self.named_box = QGroupBox(page)
        named = QVBoxLayout(self.named_box)
        row = QHBoxLayout()
        self.attendee_picker = PersonPicker(self.ctx, find_people, self.named_box, can_add=True)
        self.attendee_picker.picked.connect(self._on_attendee_picker_picked)
        self.remove_attendee_button = QPushButton(self.named_box)
        self.remove_attendee_button.clicked.connect(self._on_remove_attendee_button_clicked)
        row.addWidget(self.attendee_picker, 1)
        row.addWidget(self.remove_attendee_button)
        named.addLayout(row)
        self.attendees = QListWidget(self.named_box)
        self.attendees.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        named.addWidget(self.attendees)
        self.attendees_count = QLabel(self.named_box)
        named.addWidget(self.attendees_count)
        layout.addWidget(self.named_box)
        layout.addStretch(1)
        return page

    # ---- data in and out -----------------------------------------------------------------------------------
    def _fill_choices(self, form: dict[str, Any]) -> None:
        self.kind.clear()
        for code, name in form["kinds"]:
            self.kind.addItem(name, code)
        self.status.clear()
        for code, label in events.STATUSES:
            self.status.addItem(_(label), code)
        self.associations.clear()
        for assoc_id, name in form["associations"]:
            self._add_check_item(self.associations, assoc_id, name)
        self.groups.clear()
        for group_id, name in form["groups"]:
            self._add_check_item(self.groups, group_id, name)

    @staticmethod
    def _add_check_item(widget: QListWidget, item_id: str, text: str) -> None:
        item = QListWidgetItem(text, widget)
        item.setData(Qt.ItemDataRole.UserRole, item_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)

    @staticmethod
    def _set_checked(widget: QListWidget, ids: list[str]) -> None:
        wanted = set(ids)
        for i in range(widget.count()):
            item = widget.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    @staticmethod
    def _checked(widget: QListWidget) -> list[str]:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def load(
        self, data: EventInput, volunteer_names: dict[str, str], attendee_labels: dict[str, str]
    ) -> None:
        """Puts an event on the form; the names of its volunteers and attendees were read with it."""
        self.preset = data.preset
        self.title_kk.setText(data.title_kk)
        self.title_ru.setText(data.title_ru)
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        self.starts.setDateTime(to_qdatetime(data.starts_at))
        self.ends.setDateTime(to_qdatetime(data.ends_at or data.starts_at))
        self.place.setText(data.place)
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.notes.setPlainText(data.notes)
        self.by_house.setChecked(data.organised_by_house)
        self._set_checked(self.associations, data.association_ids)
        self._set_checked(self.groups, data.group_ids)
        self.volunteers_table.setRowCount(0)
        for volunteer_id, minutes in data.volunteers.items():
            self.add_volunteer(volunteer_id, volunteer_names.get(volunteer_id, ""), minutes)
        (self.mode_named if data.attendance_mode == "named" else self.mode_headcount).setChecked(True)
        self._on_mode_headcount_toggled(data.attendance_mode != "named")
        self._had_headcount = data.headcount is not None
        head = data.headcount or Headcount()
        for name in HEADCOUNT_FIELDS:
            self.count[name].setValue(getattr(head, name))
        self.attendees.clear()
        for person_id in data.attendee_ids:
            if person_id in attendee_labels:
                self.add_attendee(person_id, attendee_labels[person_id])
        self._update_totals()
        self._update_past_banner()

    def data(self) -> EventInput:
        named = self.mode_named.isChecked()
        return EventInput(
            title_kk=self.title_kk.text(),
            title_ru=self.title_ru.text(),
            kind=self.kind.currentData() or "",
            starts_at=from_qdatetime(self.starts.dateTime()),
            ends_at=from_qdatetime(self.ends.dateTime()),
            place=self.place.text(),
            status=self.status.currentData() or "",
            notes=self.notes.toPlainText(),
            organised_by_house=self.by_house.isChecked(),
            association_ids=self._checked(self.associations),
            group_ids=self._checked(self.groups),
            volunteers=self.volunteer_minutes_map(),
            attendance_mode="named" if named else "headcount",
            headcount=None if named else self._headcount(),
            attendee_ids=self.attendee_ids(),
            preset=self.preset,
        )

    def _headcount(self) -> Headcount | None:
        count = Headcount(**{n: self.count[n].value() for n in HEADCOUNT_FIELDS})
        # All zeros on an event that never had a headcount means "not recorded yet", not "nobody came".
        if count == Headcount() and not self._had_headcount:
            return None
        return count

    # ---- volunteers ----------------------------------------------------------------------------------------
    def add_volunteer(self, volunteer_id: str, name: str, minutes: int) -> None:
        for row in range(self.volunteers_table.rowCount()):
            if self._row_volunteer_id(row) == volunteer_id:
                self._row_minutes(row).setValue(minutes)
                return
        row = self.volunteers_table.rowCount()
        self.volunteers_table.insertRow(row)
        item = QTableWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, volunteer_id)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.volunteers_table.setItem(row, 0, item)
        spin = QSpinBox(self.volunteers_table)
        spin.setRange(0, 24 * 60)
        spin.setSingleStep(15)
        spin.setSuffix(" " + _("min"))
        spin.setValue(minutes)
        spin.valueChanged.connect(lambda _v: self._update_totals())
        self.volunteers_table.setCellWidget(row, 1, spin)
        remove = QPushButton(_("Remove"), self.volunteers_table)
        remove.clicked.connect(lambda _c=False, vid=volunteer_id: self.remove_volunteer(vid))
        self.volunteers_table.setCellWidget(row, 2, remove)
        self._update_totals()

    def remove_volunteer(self, volunteer_id: str) -> None:
        for row in range(self.volunteers_table.rowCount()):
            if self._row_volunteer_id(row) == volunteer_id:
                self.volunteers_table.removeRow(row)
                break
        self._update_totals()

    def volunteer_minutes_map(self) -> dict[str, int]:
        return {
            self._row_volunteer_id(r): self._row_minutes(r).value()
            for r in range(self.volunteers_table.rowCount())
        }

    def _row_volunteer_id(self, row: int) -> str:
        item = self.volunteers_table.item(row, 0)
        assert item is not None  # add_volunteer gives every row its name item
        return item.data(Qt.ItemDataRole.UserRole)

    def _row_minutes(self, row: int) -> QSpinBox:
        spin = self.volunteers_table.cellWidget(row, 1)
        assert isinstance(spin, QSpinBox)  # add_volunteer puts the minutes in column 1
        return spin

    def _on_add_volunteer_button_clicked(self) -> None:
        if not self.volunteer_picker.picked_id:
            self.volunteer_picker.update_results()
            return
        volunteer_id, minutes = self.volunteer_picker.picked_id, self.volunteer_minutes.value()
        ReadOp(
            self.ctx, lambda store: person_lookup.volunteer_name(store, volunteer_id), parent=self
        ).success(lambda name: self._on_volunteer_name_read(volunteer_id, name, minutes)).run()

    def _on_volunteer_name_read(self, volunteer_id: str, name: str, minutes: int) -> None:
        self.add_volunteer(volunteer_id, name, minutes)
        if self.volunteer_picker.picked_id == volunteer_id:
            self.volunteer_picker.clear_pick()

    # ---- attendees -----------------------------------------------------------------------------------------
    def add_attendee(self, person_id: str, label: str) -> None:
        if person_id in self.attendee_ids():
            return
        item = QListWidgetItem(label, self.attendees)
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        self._update_totals()

    def attendee_ids(self) -> list[str]:
        return [self.attendees.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.attendees.count())]

    def _on_attendee_picker_picked(self, person_id: str, label: str) -> None:
        self.add_attendee(person_id, label)
        self.attendee_picker.clear_pick()

    def _on_remove_attendee_button_clicked(self) -> None:
        for item in self.attendees.selectedItems():
            self.attendees.takeItem(self.attendees.row(item))
        self._update_totals()

    def _on_mode_headcount_toggled(self, headcount: bool) -> None:
        self.headcount_box.setVisible(headcount)
        self.named_box.setVisible(not headcount)

    def _on_starts_date_time_changed(self, value: QDateTime) -> None:
        # Moving the start keeps the end after it (a common slip when re-planning).
        if self.ends.dateTime() < value:
            self.ends.setDateTime(value.addSecs(2 * 3600))

    def _update_totals(self) -> None:
        minutes = sum(self.volunteer_minutes_map().values())
        self.volunteers_total.setText(
            _("Volunteers' time at this event: {hours} h").format(hours=format_hours(minutes))
        )
        self.attendees_count.setText(_("People on the list: {count}").format(count=self.attendees.count()))

    # ---- saving --------------------------------------------------------------------------------------------
    def save(self) -> None:
        data = self.data()
        self.errors.clear()
        self.buttons.setEnabled(False)
        event_id = self.event_id
        # desktop.events checks the event before writing anything: a refusal comes back as ValidationError(s).
        WriteOp(
            self.ctx,
            lambda store: events.save_event(store, data, event_id),
            tables=EVENT_SAVE_TABLES,
            parent=self,
        ).success(self._on_saved).failure(self._on_save_failed).run()

    def show_errors(self, error: DostyqError) -> None:
        # The tab of the first bad field first, so that the field can take the focus.
        first = (error.errors if isinstance(error, ValidationErrors) else [error])[0]
        self.tabs.setCurrentIndex(TAB_OF_FIELD.get(getattr(first, "field", ""), 0))
        super().show_errors(error)

    def _on_saved(self, event_id: str) -> None:
        self.event_id = event_id
        self.saved.emit(event_id)
        self.accept()

    def _on_delete_button_clicked(self) -> None:
        answer = QMessageBox.question(
            self, _("Delete event"), _("Delete this event? It cannot be undone here.")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        event_id = self.event_id
        assert event_id is not None  # Delete is shown only for a saved event
        WriteOp(
            self.ctx, lambda store: events.delete_event(store, event_id), tables=("events",), parent=self
        ).success(lambda _r: self._on_deleted(event_id)).failure(self._on_save_failed).run()

    def _on_deleted(self, event_id: str) -> None:
        self.deleted.emit(event_id)
        self.accept()

    # ---- language ------------------------------------------------------------------------------------------
    def _name_kinds(self, kinds: dict[str, str]) -> None:
        for i in range(self.kind.count()):
            self.kind.setItemText(i, kinds.get(self.kind.itemData(i), self.kind.itemText(i)))

    def _name_groups(self, names: list[tuple[str, str]]) -> None:
        by_id = dict(names)
        for i in range(self.groups.count()):
            item = self.groups.item(i)
            item.setText(by_id.get(item.data(Qt.ItemDataRole.UserRole), item.text()))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Event") if self.event_id else _("New event"))
        for i, text in enumerate((_("Event"), _("Organisers, performers, volunteers"), _("Attendance"))):
            self.tabs.setTabText(i, text)
        texts = {
            "title_kk": _("Title in Kazakh:"),
            "title_ru": _("Title in Russian:"),
            "kind": _("Kind:"),
            "starts": _("Starts:"),
            "ends": _("Ends:"),
            "place": _("Place:"),
            "status": _("Status:"),
            "notes": _("Notes:"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat(DATETIME_FORMAT)
        for i, (code, label) in enumerate(events.STATUSES):
            self.status.setItemText(i, _(label))
        if self.is_loaded:  # the kinds' names in the new language
            ReadOp(self.ctx, events.kind_names, parent=self).latest("kinds").success(self._name_kinds).run()
            ReadOp(self.ctx, groups.group_names, parent=self).latest("groups").success(
                self._name_groups
            ).run()
        self.by_house.setText(_("Organised by the house of friendship"))
        self.volunteers_box.setTitle(_("Volunteers"))
        self.associations_box.setTitle(_("Ethnocultural associations (co-organisers)"))
        self.groups_box.setTitle(_("Creative groups performing"))
        hint = _(
            "Volunteers who helped, with the minutes they gave: these count in each volunteer's monthly hours."
        )
        if self._volunteer_count == 0:
            hint += " " + _(
                "The volunteer register is empty: volunteers added in the Volunteers section can be "
                "chosen here."
            )
        self.volunteers_hint.setText(hint)
        self.volunteer_picker.setPlaceholderText(_("Find a volunteer by name…"))
        self.add_volunteer_button.setText(_("Add"))
        self.volunteers_table.setHorizontalHeaderLabels([_("Volunteer"), _("Time"), ""])
        for row in range(self.volunteers_table.rowCount()):
            self._row_minutes(row).setSuffix(" " + _("min"))
            remove = self.volunteers_table.cellWidget(row, 2)
            assert isinstance(remove, QPushButton)  # add_volunteer puts the Remove button in column 2
            remove.setText(_("Remove"))
        self.volunteer_minutes.setSuffix(" " + _("min"))
        self.attendance_hint.setText(_("After the event, record how many people came, or list them by name."))
        self.mode_headcount.setText(_("Headcount"))
        self.mode_named.setText(_("Named list"))
        self.headcount_box.setTitle(_("Headcount"))
        labels = {
            "total": _("Total:"),
            "women": _("Women:"),
            "men": _("Men:"),
            "children": _(headcount_labels.CHILDREN_FIELD),
            "elderly": _(headcount_labels.ELDERLY_FIELD),
        }
        for name, text in labels.items():
            self.count_labels[name].setText(text)
        self.named_box.setTitle(_("Named list"))
        self.attendee_picker.setPlaceholderText(_("Find a person by name to add…"))
        self.remove_attendee_button.setText(_("Remove selected"))
        self.delete_button.setText(_("Delete"))
        self.sheet_button.setText(_("Print sign-in sheet…"))
        self.past_label.setText(_("This event is over but still marked as planned."))
        self.mark_held_button.setText(_("Mark as held"))
        self._update_totals()
