"""The creative group form: the group's details and its member list.

Adding a member checks at once (desktop.groups.validate_member): a person under 18 on the join date needs the
guardian's name and consent date first, and nobody joins twice. The whole group saves in one transaction.
"""

from __future__ import annotations

import datetime as dt

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

from desktop import clock, groups, person_lookup, reference
from desktop.errors import ValidationError, ValidationErrors
from desktop.formats import format_short_date
from desktop.groups import GroupInput, MemberInput
from desktop.i18n import N_, _, current_language
from ui.widgets.field_errors import FieldErrors
from ui.widgets.person_picker import PersonPicker
from ui.widgets.record_dialog import RecordDialog

DATE_FORMAT = "dd.MM.yyyy"


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class GroupDialog(RecordDialog):
    saved = Signal(str)

    def __init__(self, ctx, group_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.group_id = group_id
        self.errors = FieldErrors()
        self.members: list[MemberInput] = []
        self.resize(860, 780)
        self._build()
        self._fill_choices()
        data = groups.get_group(ctx.store, group_id) if group_id else None
        self.load(data or GroupInput(name=""))
        self.retranslate_ui()

    # ---- building ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.ethnic_group = QComboBox(self)
        self.genre = QComboBox(self)
        self.leader = PersonPicker(self._search_people, self)
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
            ("name", self.name, "group_name"),
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
        self.member_picker = PersonPicker(self._search_people, self.members_box)
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
        for field, widget in (
            ("member_person", self.member_picker),
            ("member_joined", self.member_joined),
            ("member_guardian_name", self.guardian_name),
            ("member_guardian_consent_on", self.guardian_consent),
        ):
            self.errors.add_label(field, self.member_error, widget)
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
        self.remove_member_button = QPushButton(self.members_box)
        self.remove_member_button.clicked.connect(self._on_remove_member_button_clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_member_button)
        members_layout.addLayout(row)
        layout.addWidget(self.members_box, 1)

        self.add_footer(layout, deletable=self.group_id is not None)

    def _search_people(self, query: str) -> list[tuple[str, str]]:
        return [
            (r["id"], person_lookup.person_label(r))
            for r in person_lookup.search_people(self.ctx.store, query)
        ]

    def _fill_choices(self) -> None:
        conn = self.ctx.store.conn
        for combo, items in (
            (self.ethnic_group, reference.names(conn, "ethnic_groups")),
            (self.genre, reference.names(conn, "genres")),
            (self.association, groups.association_names(self.ctx.store)),
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
    def load(self, data: GroupInput) -> None:
        self.name.setText(data.name)
        self.ethnic_group.setCurrentIndex(max(0, self.ethnic_group.findData(data.ethnic_group)))
        self.genre.setCurrentIndex(max(0, self.genre.findData(data.genre)))
        self.leader.set_person(data.leader_id, person_lookup.person_name(self.ctx.store, data.leader_id))
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
            name=self.name.text(),
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
            person = person_lookup.person(self.ctx.store, member.person_id) or {}
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

    def add_member(self, member: MemberInput) -> bool:
        """Adds a member to the list if the checks pass; otherwise shows why beside the member fields."""
        self.errors.clear()
        found: list[ValidationError] = []
        if any(m.person_id == member.person_id for m in self.members):
            found.append(
                ValidationError(
                    "member_person",
                    N_("{name} is already a member of this group."),
                    name=person_lookup.person_name(self.ctx.store, member.person_id),
                )
            )
        else:
            found = groups.validate_member(self.ctx.store, member)
        if found:
            self.errors.show(ValidationErrors(found))
            return False
        self.members.append(member)
        self._show_members()
        return True

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
        if self.add_member(member):
            self.member_picker.clear_pick()
            self.member_role.clear()
            self.guardian_name.clear()

    def _on_member_picker_picked(self, person_id: str, _label: str) -> None:
        # Say straight away whether a guardian's consent is needed for this person.
        person = person_lookup.person(self.ctx.store, person_id)
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

    # ---- saving --------------------------------------------------------------------------------------------
    def save(self) -> None:
        data = self.data()
        self.errors.clear()
        self.general_error.hide()
        found = groups.validate_group(self.ctx.store, data)
        if self.leader.unresolved():
            found.append(ValidationError("group_leader", groups.PICK_LEADER))
        if found:
            unplaced = self.errors.show(ValidationErrors(found))
            if unplaced:
                self.show_general_error(unplaced)
            return
        self.buttons.setEnabled(False)
        self.ctx.write(
            groups.save_group,
            data,
            self.group_id,
            tables=("creative_groups", "group_members"),
            on_done=self._on_saved,
            on_error=self._on_save_failed,
        )

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
        self.ctx.write(
            groups.delete_group,
            group_id,
            tables=("creative_groups",),
            on_done=lambda _r: self._on_saved(group_id),
            on_error=self._on_save_failed,
        )

    # ---- language ------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Creative group") if self.group_id else _("New creative group"))
        texts = {
            "name": _("Name:"),
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
        conn = self.ctx.store.conn
        for combo, table in ((self.ethnic_group, "ethnic_groups"), (self.genre, "genres")):
            names = dict(reference.names(conn, table))
            for i in range(1, combo.count()):
                combo.setItemText(i, names.get(combo.itemData(i), combo.itemText(i)))
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
        self.members_table.setHorizontalHeaderLabels(
            [_("Name"), _("Age"), _("Role"), _("Joined"), _("Guardian (consent)")]
        )
        self.delete_button.setText(_("Delete"))
        self._show_members()  # header labels changed: refit the columns
