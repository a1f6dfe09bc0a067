"""The creative group form: the group's details and its member list.

Adding a member checks at once (desktop.groups.validate_member): a person under 18 on the join date needs the
guardian's name and consent date first, and nobody joins twice. The whole group saves in one transaction (a write
op); reads run off the UI thread as read ops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, consents, erasure, groups, person_lookup
from desktop.errors import ValidationError, ValidationErrors
from desktop.formats import format_short_date
from desktop.groups import GroupInput, MemberInput
from desktop.i18n import N_, _, current_language
from ui.aid.reason_dialog import ReasonDialog
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.person_picker import PersonPicker, find_people
from ui.widgets.record_dialog import RecordDialog
from ui.widgets.withdrawal import withdrawal_dialog

DATE_FORMAT = "dd.MM.yyyy"
GROUP_SAVE_TABLES = ("creative_groups", "group_members")
WITHDRAWAL_TABLES = ("people", "consents", "group_members", "volunteers", "recipients", "households")


def read_names(store) -> dict[str, Any]:
    """The names of the reference choices (in the language of the moment)."""
    return {"ethnic_groups": groups.ethnic_group_names(store), "genres": groups.genre_names(store)}


def read_form(store, group_id: str | None) -> dict[str, Any]:
    """The form's choices, the group, its leader's name and its members' people, read in one go."""
    data = groups.get_group(store, group_id) if group_id else None
    people = {}
    for member in data.members if data else []:
        row = person_lookup.person(store, member.person_id)
        if row:
            people[member.person_id] = row
    return {
        **read_names(store),
        "associations": groups.association_names(store),
        "data": data,
        "leader_name": person_lookup.person_name(store, data.leader_id) if data else "",
        "people": people,
    }


def check_member(
    store, member_ids: list[str], member: MemberInput
) -> tuple[list[ValidationError], dict | None]:
    """What stops `member` joining (already a member; a minor without the guardian's consent), and their person."""
    if member.person_id in member_ids:
        name = person_lookup.person_name(store, member.person_id)
        return [
            ValidationError("member_person", N_("{name} is already a member of this group."), name=name)
        ], None
    return groups.validate_member(store, member), person_lookup.person(store, member.person_id)


def save_checked(store, data: GroupInput, group_id: str | None, found: list[ValidationError]) -> str:
    """Saves the group unless the form or desktop.groups found something wrong (then all of it is raised)."""
    errors = groups.validate_group(store, data) + found
    if errors:
        raise ValidationErrors(errors)
    return groups.save_group(store, data, group_id)


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class GroupDialog(RecordDialog):
    saved = Signal(str)
    loaded = Signal()  # the choices and the group are on the form

    def __init__(self, ctx, group_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.group_id = group_id
        self.errors = FormErrors()
        self.members: list[MemberInput] = []
        self.people: dict[str, dict] = {}  # the members' people rows (names and birth dates), read with them
        self.is_loaded = False
        self.resize(860, 780)
        self._build()
        self.buttons.setEnabled(False)  # until the group is on the form
        self.retranslate_ui()
        ReadOp(ctx, lambda store: read_form(store, group_id), parent=self).success(self._on_form_read).run()

    def _on_form_read(self, form: dict[str, Any]) -> None:
        self._fill_choices(form)
        self.people.update(form["people"])
        self.load(form["data"] or GroupInput(), form["leader_name"])
        self.is_loaded = True
        self.retranslate_ui()
        self.buttons.setEnabled(True)
        self.loaded.emit()

    # ---- building ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_kk = QLineEdit(self)
        self.name_ru = QLineEdit(self)
        self.ethnic_group = QComboBox(self)
        self.genre = QComboBox(self)
        self.leader = PersonPicker(self.ctx, find_people, self, can_add=True)
        self.association = QComboBox(self)
        founded_row = QHBoxLayout()
        self.has_founded = QCheckBox(self)
        self.founded = QDateEdit(self)
        self.founded.setCalendarPopup(True)
        self.has_founded.toggled.connect(self.founded.setEnabled)
        founded_row.addWidget(self.has_founded)
        founded_row.addWidget(self.founded, 1)
        founded_box = QWidget(self)
        founded_box.setLayout(founded_row)
        founded_row.setContentsMargins(0, 0, 0, 0)
        self.honorary_title = QComboBox(self)
        self.honorary_title.setEditable(True)
        self.status = QComboBox(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(54)
        self.labels: dict[str, QLabel] = {}
        for key, widget, field in (
            ("name_kk", self.name_kk, "group_name"),
            ("name_ru", self.name_ru, None),
            ("ethnic_group", self.ethnic_group, None),
            ("genre", self.genre, None),
            ("leader", self.leader, "group_leader"),
            ("association", self.association, None),
            ("founded", founded_box, "group_founded"),
            ("honorary_title", self.honorary_title, None),
            ("status", self.status, "group_status"),
            ("notes", self.notes, None),
        ):
            label = QLabel(self)
            self.labels[key] = label
            form.addRow(label, self.errors.wrap(field, widget, self) if field else widget)
        layout.addLayout(form)

        self.members_box = QGroupBox(self)
        members_layout = QVBoxLayout(self.members_box)
        grid = QGridLayout()
        self.member_picker = PersonPicker(self.ctx, find_people, self.members_box, can_add=True)
        self.member_picker.picked.connect(self._on_member_picker_picked)
        self.member_role = QLineEdit(self.members_box)
        self.member_joined = QDateEdit(self.members_box)
        self.member_joined.setCalendarPopup(True)
        self.guardian_name = QLineEdit(self.members_box)
        self.guardian_consent = QDateEdit(self.members_box)
        self.guardian_consent.setCalendarPopup(True)
        self.add_member_button = QPushButton(self.members_box)
        self.add_member_button.clicked.connect(self._on_add_member_button_clicked)
        self.member_labels = {
            key: QLabel(self.members_box)
            for key in ("person", "role", "joined", "guardian_name", "guardian_consent")
        }
        grid.addWidget(self.member_labels["person"], 0, 0)
        grid.addWidget(self.member_picker, 0, 1, 1, 3)
        grid.addWidget(self.member_labels["role"], 1, 0)
        grid.addWidget(self.member_role, 1, 1)
        grid.addWidget(self.member_labels["joined"], 1, 2)
        grid.addWidget(self.member_joined, 1, 3)
        grid.addWidget(self.member_labels["guardian_name"], 2, 0)
        grid.addWidget(self.guardian_name, 2, 1)
        grid.addWidget(self.member_labels["guardian_consent"], 2, 2)
        grid.addWidget(self.guardian_consent, 2, 3)
        grid.addWidget(self.add_member_button, 3, 3)
        # One line under the member fields for their messages: the cells are too narrow for a sentence.
        self.member_error = QLabel(self.members_box)
        grid.addWidget(self.member_error, 4, 0, 1, 4)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        member_fields = QWidget(self.members_box)
        member_fields.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        member_fields.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        members_layout.addWidget(member_fields)
        self.guardian_hint = QLabel(self.members_box)
        self.guardian_hint.setWordWrap(True)
        self.guardian_hint.hide()
        members_layout.addWidget(self.guardian_hint)
        self.members_table = QTableWidget(0, 5, self.members_box)
        self.members_table.verticalHeader().hide()
        self.members_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.members_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.members_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        members_layout.addWidget(self.members_table, 1)
        # A member's message goes on the line under the member fields; one about a member on the list (its row)
        # also selects that row.
        for field, widget in (
            ("member_person", self.member_picker),
            ("member_joined", self.member_joined),
            ("member_guardian_name", self.guardian_name),
            ("member_guardian_consent_on", self.guardian_consent),
        ):
            self.errors.add(field, widget, self.member_error, rows=self.members_table)
        self.remove_member_button = QPushButton(self.members_box)
        self.remove_member_button.clicked.connect(self._on_remove_member_button_clicked)
        # The member (or a minor's guardian) withdraws their consent; their last one erases their personal data.
        self.withdraw_member_button = QPushButton(self.members_box)
        self.withdraw_member_button.clicked.connect(self._on_withdraw_member_button_clicked)
        self.withdraw_dialog: ReasonDialog | None = None
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.withdraw_member_button)
        row.addWidget(self.remove_member_button)
        members_layout.addLayout(row)
        layout.addWidget(self.members_box, 1)

        self.add_footer(layout, deletable=self.group_id is not None)

    def _fill_choices(self, form: dict[str, Any]) -> None:
        for combo, items in (
            (self.ethnic_group, form["ethnic_groups"].items()),
            (self.genre, form["genres"].items()),
            (self.association, form["associations"]),
        ):
            combo.clear()
            combo.addItem("—", None)
            for code, name in items:
                combo.addItem(name, code)
        self.status.clear()
        for code, label in groups.GROUP_STATUSES:
            self.status.addItem(_(label), code)

    def _fill_titles(self) -> None:
        current = self.honorary_title.currentText()
        self.honorary_title.clear()
        self.honorary_title.addItem("")
        ru = current_language() == "ru"
        for kk, ru_title in groups.HONORARY_TITLES:
            self.honorary_title.addItem(ru_title if ru else kk)
        self.honorary_title.setCurrentText(current)

    # ---- data in and out -----------------------------------------------------------------------------------
    def load(self, data: GroupInput, leader_name: str) -> None:
        """Puts a group on the form (its members' people are in `self.people`)."""
        self.name_kk.setText(data.name_kk)
        self.name_ru.setText(data.name_ru)
        self.ethnic_group.setCurrentIndex(max(0, self.ethnic_group.findData(data.ethnic_group)))
        self.genre.setCurrentIndex(max(0, self.genre.findData(data.genre)))
        self.leader.set_person(data.leader_id, leader_name)
        self.association.setCurrentIndex(max(0, self.association.findData(data.association_id)))
        self.has_founded.setChecked(data.founded is not None)
        self.founded.setEnabled(data.founded is not None)
        self.founded.setDate(to_qdate(data.founded or clock.today()))
        self._fill_titles()
        self.honorary_title.setCurrentText(data.honorary_title)
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.notes.setPlainText(data.notes)
        self.members = list(data.members)
        self.member_joined.setDate(to_qdate(clock.today()))
        self.guardian_consent.setDate(to_qdate(clock.today()))
        self._show_members()

    def data(self) -> GroupInput:
        leader = self.leader.picked_id if self.leader.text().strip() else None
        return GroupInput(
            name_kk=self.name_kk.text(),
            name_ru=self.name_ru.text(),
            ethnic_group=self.ethnic_group.currentData(),
            genre=self.genre.currentData(),
            leader_id=leader,
            association_id=self.association.currentData(),
            founded=from_qdate(self.founded.date()) if self.has_founded.isChecked() else None,
            honorary_title=self.honorary_title.currentText(),
            status=self.status.currentData() or "",
            notes=self.notes.toPlainText(),
            members=list(self.members),
        )

    # ---- members -------------------------------------------------------------------------------------------
    def _show_members(self) -> None:
        self.members_table.setRowCount(len(self.members))
        today = clock.today()
        for row, member in enumerate(self.members):
            person = self.people.get(member.person_id) or {}
            age = person_lookup.age_on(person.get("birth_date"), today)
            guardian = ""
            if member.guardian_name:
                consent = format_short_date(member.guardian_consent_on) if member.guardian_consent_on else ""
                guardian = f"{member.guardian_name} ({consent})" if consent else member.guardian_name
            cells = (
                person_lookup.full_name(person),
                "" if age is None else str(age),
                member.role,
                format_short_date(member.joined) if member.joined else "",
                guardian,
            )
            for col, value in enumerate(cells):
                self.members_table.setItem(row, col, QTableWidgetItem(value))
        header = self.members_table.horizontalHeader()
        for col in (2, 4):
            self.members_table.resizeColumnToContents(col)
            width = min(self.members_table.columnWidth(col), 220)
            self.members_table.setColumnWidth(col, max(width, header.sectionSizeHint(col)))

    def add_member(self, member: MemberInput, then: Callable[[], None] | None = None) -> None:
        """Adds a member to the list if the checks pass (then calls `then`); otherwise shows why beside the member
        fields. The checks read the person, off the UI thread."""
        self.errors.clear()
        member_ids = [m.person_id for m in self.members]
        ReadOp(self.ctx, lambda store: check_member(store, member_ids, member), parent=self).success(
            lambda checked: self._on_member_checked(member, checked, then)
        ).run()

    def _on_member_checked(
        self,
        member: MemberInput,
        checked: tuple[list[ValidationError], dict | None],
        then: Callable[[], None] | None,
    ) -> None:
        found, person = checked
        if not found and any(m.person_id == member.person_id for m in self.members):
            return  # added meanwhile (a second click while the first was being checked)
        if found:
            self.errors.show(ValidationErrors(found))
            return
        if person:
            self.people[member.person_id] = person
        self.members.append(member)
        self._show_members()
        if then is not None:
            then()

    def _on_add_member_button_clicked(self) -> None:
        person_id = self.member_picker.picked_id
        if not person_id:
            self.errors.show(ValidationError("member_person", N_("Choose the person who joins the group.")))
            return
        joined = from_qdate(self.member_joined.date())
        member = MemberInput(
            person_id=person_id,
            role=self.member_role.text(),
            joined=joined,
            guardian_name=self.guardian_name.text(),
            guardian_consent_on=from_qdate(self.guardian_consent.date())
            if self.guardian_name.text().strip()
            else None,
        )
        self.add_member(member, then=self._clear_member_fields)

    def _clear_member_fields(self) -> None:
        self.member_picker.clear_pick()
        self.member_role.clear()
        self.guardian_name.clear()

    def _on_member_picker_picked(self, person_id: str, _label: str) -> None:
        # Say straight away whether a guardian's consent is needed for this person.
        ReadOp(self.ctx, lambda store: person_lookup.person(store, person_id), parent=self).latest(
            "picked"
        ).success(self._show_guardian_hint).run()

    def _show_guardian_hint(self, person: dict | None) -> None:
        age = person_lookup.age_on(
            person["birth_date"] if person else None, from_qdate(self.member_joined.date())
        )
        minor = age is not None and age < groups.ADULT_AGE
        self.guardian_hint.setText(
            _("Under 18: the guardian's name and consent date are required.") if minor else ""
        )
        self.guardian_hint.setVisible(minor)

    def _on_remove_member_button_clicked(self) -> None:
        rows = sorted({i.row() for i in self.members_table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self.members[row]
        self._show_members()

    def _on_withdraw_member_button_clicked(self) -> None:
        rows = {i.row() for i in self.members_table.selectedIndexes()}
        saved = [self.members[r] for r in rows if self.members[r].id]
        if len(saved) != 1:
            QMessageBox.information(
                self, _("Withdraw consent"), _("Select one member already saved in the group.")
            )
            return
        person_id = saved[0].person_id
        ReadOp(
            self.ctx,
            lambda store: erasure.withdrawal_erases(store, person_id, consents.GROUP_MEMBER),
            parent=self,
        ).success(lambda erases: self._ask_withdrawal(person_id, erases)).run()

    def _ask_withdrawal(self, person_id: str, erases: bool) -> None:
        self.withdraw_dialog = withdrawal_dialog(erases, self)
        dialog = self.withdraw_dialog
        dialog.accepted.connect(lambda: self._withdraw(person_id, dialog.reason))
        dialog.open()

    def _withdraw(self, person_id: str, note: str) -> None:
        WriteOp(
            self.ctx,
            lambda store: erasure.withdraw(store, person_id, consents.GROUP_MEMBER, note=note),
            tables=WITHDRAWAL_TABLES,
            parent=self,
        ).success(self._on_withdrawn).run()

    def _on_withdrawn(self, _erased: bool) -> None:
        group_id = self.group_id
        ReadOp(self.ctx, lambda store: read_form(store, group_id), parent=self).success(
            self._on_form_read
        ).run()

    # ---- saving --------------------------------------------------------------------------------------------
    def save(self) -> None:
        data = self.data()
        self.errors.clear()
        found = [ValidationError("group_leader", groups.PICK_LEADER)] if self.leader.unresolved() else []
        self.buttons.setEnabled(False)
        group_id = self.group_id
        # Checked on the writer thread with the save: a refusal comes back as ValidationErrors and writes nothing.
        WriteOp(
            self.ctx,
            lambda store: save_checked(store, data, group_id, found),
            tables=GROUP_SAVE_TABLES,
            parent=self,
        ).success(self._on_saved).failure(self._on_save_failed).run()

    def _on_saved(self, group_id: str) -> None:
        self.group_id = group_id
        self.saved.emit(group_id)
        self.accept()

    def _on_delete_button_clicked(self) -> None:
        answer = QMessageBox.question(self, _("Delete group"), _("Delete this group and its member list?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        group_id = self.group_id
        assert group_id is not None  # Delete is shown only for a saved group
        WriteOp(
            self.ctx,
            lambda store: groups.delete_group(store, group_id),
            tables=("creative_groups",),
            parent=self,
        ).success(lambda _r: self._on_saved(group_id)).failure(self._on_save_failed).run()

    # ---- language ------------------------------------------------------------------------------------------
    def _name_choices(self, names: dict[str, Any]) -> None:
        for combo, key in ((self.ethnic_group, "ethnic_groups"), (self.genre, "genres")):
            for i in range(1, combo.count()):
                combo.setItemText(i, names[key].get(combo.itemData(i), combo.itemText(i)))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Creative group") if self.group_id else _("New creative group"))
        texts = {
            "name_kk": _("Name in Kazakh:"),
            "name_ru": _("Name in Russian:"),
            "ethnic_group": _("Ethnic group:"),
            "genre": _("Genre:"),
            "leader": _("Leader:"),
            "association": _("Association:"),
            "founded": _("Founded:"),
            "honorary_title": _("Honorary title:"),
            "status": _("Status:"),
            "notes": _("Notes:"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.leader.setPlaceholderText(_("Find a person by name…"))
        self.has_founded.setText(_("known"))
        for edit in (self.founded, self.member_joined, self.guardian_consent):
            edit.setDisplayFormat(DATE_FORMAT)
        for i, (_code, label) in enumerate(groups.GROUP_STATUSES):
            self.status.setItemText(i, _(label))
        if self.is_loaded:  # the choices' names in the new language
            ReadOp(self.ctx, read_names, parent=self).latest("names").success(self._name_choices).run()
        self._fill_titles()
        self.members_box.setTitle(_("Members"))
        member_texts = {
            "person": _("Person:"),
            "role": _("Role:"),
            "joined": _("Joined:"),
            "guardian_name": _("Guardian:"),
            "guardian_consent": _("Consent given on:"),
        }
        for key, text in member_texts.items():
            self.member_labels[key].setText(text)
        self.member_picker.setPlaceholderText(_("Find a person by name…"))
        self.guardian_name.setPlaceholderText(_("Only for members under 18"))
        self.add_member_button.setText(_("Add member"))
        self.remove_member_button.setText(_("Remove selected"))
        self.withdraw_member_button.setText(_("Withdraw consent…"))
        self.members_table.setHorizontalHeaderLabels(
            [_("Name"), _("Age"), _("Role"), _("Joined"), _("Guardian (consent)")]
        )
        self.delete_button.setText(_("Delete"))
        self._show_members()  # header labels changed: refit the columns
