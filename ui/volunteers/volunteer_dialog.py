"""A volunteer's record: the shared person form plus the volunteer tab (status, since, skills, activities,
emergency contact, consent). Saving a new person first asks about possible duplicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import get_month_names
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, consents, erasure, people, volunteers
from desktop.errors import DostyqError, ValidationError, ValidationErrors, field_label
from desktop.formats import babel_locale, format_hours
from desktop.i18n import _
from ui.aid.reason_dialog import ReasonDialog
from ui.ops import ReadOp, WriteOp
from ui.widgets.duplicate_dialog import DuplicateDialog
from ui.widgets.form_errors import ERROR_STYLE, FormErrors
from ui.widgets.form_keys import for_buttons
from ui.widgets.person_form import PersonForm
from ui.widgets.withdrawal import withdrawal_dialog

WRITTEN_TABLES = ("people", "volunteers", "consents", "people_distinct")
WITHDRAWAL_TABLES = ("people", "volunteers", "consents", "recipients", "households", "group_members")


class VolunteerForm(QWidget):
    """The volunteer tab. Skills come from the `skills` table; the house can add its own."""

    add_skill_requested = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)
        self.labels: dict[str, QLabel] = {}
        self.errors = FormErrors()
        self.status = QComboBox(self)
        self.since = QLineEdit(self)
        skills_box = QWidget(self)
        skills_layout = QVBoxLayout(skills_box)
        skills_layout.setContentsMargins(0, 0, 0, 0)
        self.skills = QListWidget(skills_box)
        self.skills.setFixedHeight(130)
        self.add_skill_button = QPushButton(skills_box)
        skills_layout.addWidget(self.skills)
        skills_layout.addWidget(self.add_skill_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.activities = QPlainTextEdit(self)
        self.activities.setFixedHeight(60)
        self.emergency_contact = QLineEdit(self)
        self.consent_given_on = QLineEdit(self)
        self.consent_form_version = QLineEdit(self)
        self.kiosk_code = QLabel(self)
        editors = {
            "status": self.status,
            "since": self.since,
            "skills": skills_box,
            "activities": self.activities,
            "emergency_contact": self.emergency_contact,
            "consent_given_on": self.consent_given_on,
            "consent_form_version": self.consent_form_version,
        }
        for name, editor in editors.items():
            self.labels[name] = QLabel(self)
            self.form.addRow(self.labels[name], self.errors.wrap(name, editor, self))
        self.kiosk_label = QLabel(self)
        self.form.addRow(self.kiosk_label, self.kiosk_code)
        # Hours per month of this year (shifts and events), for a volunteer already on file.
        self.months_label = QLabel(self)
        self.months = QTableWidget(1, 12, self)
        self.months.verticalHeader().hide()
        self.months.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.months.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.months.setFixedHeight(
            self.months.horizontalHeader().sizeHint().height()
            + self.months.verticalHeader().defaultSectionSize()
            + 4
        )
        self.months.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.months.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form.addRow(self.months_label)  # label above: twelve columns need the whole width
        self.form.addRow(self.months)
        self._year: int | None = None
        self._month_minutes: dict[int, int] = {}
        self.show_month_minutes(None, {})
        self.add_skill_button.clicked.connect(self.add_skill_requested.emit)
        self._skills_checked: set[str] = set()
        self._skill_rows: list = []
        self.retranslate_ui()
        self._read_skills()

    def _read_skills(self) -> None:
        ReadOp(self.ctx, volunteers.skill_rows, parent=self).latest("skills").success(
            self._on_skills_read
        ).run()

    def _on_skills_read(self, rows: list) -> None:
        self._skill_rows = rows
        self.skills.clear()
        self.load_skills()

    def retranslate_ui(self) -> None:
        for name, label in self.labels.items():
            label.setText(_(field_label(name)))
        current = self.status.currentData() or "active"
        self.status.clear()
        for code, title in volunteers.STATUSES.items():
            self.status.addItem(_(title), code)
        self.status.setCurrentIndex(max(0, self.status.findData(current)))
        for edit in (self.since, self.consent_given_on):
            edit.setPlaceholderText(_("dd.mm.yyyy"))
        self.add_skill_button.setText(_("Add a skill to the list…"))
        self.kiosk_label.setText(_("Kiosk code"))
        self._render_months()
        self.emergency_contact.setPlaceholderText(_("name and phone"))
        self.load_skills()
        self.errors.retranslate()

    def load_skills(self) -> None:
        """(Re)fills the skill list, keeping what is ticked (from the list itself once it has items)."""
        if self.skills.count():
            self._skills_checked = set(self.checked_skills())
        self.skills.clear()
        for skill_id, name in volunteers.skill_names(self._skill_rows):
            item = QListWidgetItem(name, self.skills)
            item.setData(Qt.ItemDataRole.UserRole, skill_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if skill_id in self._skills_checked else Qt.CheckState.Unchecked
            )

    def show_month_minutes(self, year: int | None, minutes: dict[int, int]) -> None:
        self._year, self._month_minutes = year, minutes
        self.months_label.setVisible(year is not None)
        self.months.setVisible(year is not None)
        self._render_months()

    def _render_months(self) -> None:
        names = get_month_names("abbreviated", context="stand-alone", locale=babel_locale())
        self.months.setHorizontalHeaderLabels([names[m] for m in range(1, 13)])
        for month in range(1, 13):
            item = QTableWidgetItem(format_hours(self._month_minutes.get(month, 0)))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.months.setItem(0, month - 1, item)
        if self._year:
            self.months_label.setText(_("Hours by month, {year}").format(year=self._year))

    def set_checked_skills(self, skill_ids: set[str], reread: bool = False) -> None:
        self._skills_checked = set(skill_ids)
        self.skills.clear()
        self.load_skills()
        if reread:
            self._read_skills()

    def checked_skills(self) -> list[str]:
        return [
            self.skills.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.skills.count())
            if self.skills.item(i).checkState() == Qt.CheckState.Checked
        ]

    def values(self) -> dict:
        return {
            "status": self.status.currentData(),
            "since": self.since.text(),
            "skills": self.checked_skills(),
            "activities": self.activities.toPlainText(),
            "emergency_contact": self.emergency_contact.text(),
            "consent_given_on": self.consent_given_on.text(),
            "consent_form_version": self.consent_form_version.text(),
        }

    def set_values(self, values: dict) -> None:
        self.status.setCurrentIndex(max(0, self.status.findData(values.get("status") or "active")))
        self.since.setText(values.get("since") or "")
        self.set_checked_skills(set(values.get("skills") or []))
        self.activities.setPlainText(values.get("activities") or "")
        self.emergency_contact.setText(values.get("emergency_contact") or "")
        self.consent_given_on.setText(values.get("consent_given_on") or "")
        self.consent_form_version.setText(values.get("consent_form_version") or "")
        self.kiosk_code.setText(values.get("kiosk_code") or "—")

    def show_errors(self, errors: list[ValidationError], focus: bool = False) -> None:
        """The volunteer fields' messages (none: clears them); the dialog's banner says what is wrong overall."""
        if errors:
            self.errors.show(ValidationErrors(errors), focus=focus)
        else:
            self.errors.clear()

    def message_of(self, name: str) -> str:
        return self.errors.message_of(name)


class SkillDialog(QDialog):
    """Adds a skill to the house's list (a name in Kazakh, Russian or both)."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.skill_id: str | None = None
        form = QFormLayout(self)
        self.kk_label, self.ru_label = QLabel(self), QLabel(self)
        self.name_kk, self.name_ru = QLineEdit(self), QLineEdit(self)
        self.errors = FormErrors()
        form.addRow(self.kk_label, self.errors.wrap("skill_name", self.name_kk, self))
        form.addRow(self.ru_label, self.name_ru)
        self.general_error = QLabel(self)
        self.errors.set_form_label(self.general_error)
        form.addRow(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.setWindowTitle(_("New skill"))
        self.kk_label.setText(_("Name in Kazakh"))
        self.ru_label.setText(_("Name in Russian"))

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        name_kk, name_ru = self.name_kk.text(), self.name_ru.text()
        WriteOp(
            self.ctx,
            lambda store: volunteers.add_skill(store, name_kk, name_ru),
            tables=("skills",),
            parent=self,
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, skill_id: str) -> None:
        self.skill_id = skill_id
        self.accept()


class VolunteerDialog(QDialog):
    saved = Signal(str)  # volunteer id

    def __init__(self, ctx, volunteer_id: str | None = None, person_id: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.volunteer_id = volunteer_id
        self.person_id = person_id
        self._different_from: list[str] = []
        self.duplicate_dialog: DuplicateDialog | None = None
        self.skill_dialog: SkillDialog | None = None
        self.resize(640, 640)
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget(self)
        self.person_form = PersonForm(self.tabs)
        self.volunteer_form = VolunteerForm(ctx, self.tabs)
        self.tabs.addTab(self.person_form, "")
        self.tabs.addTab(self.volunteer_form, "")
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.required_note = QLabel(self)
        row.addWidget(self.required_note, 1)
        # The person withdraws their consent as a volunteer (their last one: their personal data is erased).
        self.withdraw_button = QPushButton(self)
        self.withdraw_button.setVisible(volunteer_id is not None)
        self.withdraw_button.clicked.connect(self._on_withdraw_button_clicked)
        self.withdraw_dialog: ReasonDialog | None = None
        row.addWidget(self.withdraw_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.keys = for_buttons(self, self.buttons)
        self.volunteer_form.add_skill_requested.connect(self._on_volunteer_form_add_skill_requested)
        self._load()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        new = self.volunteer_id is None
        self.setWindowTitle(_("New volunteer") if new else _("Volunteer"))
        self.tabs.setTabText(0, _("Person"))
        self.tabs.setTabText(1, _("Volunteer"))
        self.required_note.setText(_("* required"))
        self.withdraw_button.setText(_("Withdraw consent…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.person_form.retranslate_ui()
            self.volunteer_form.retranslate_ui()
        super().changeEvent(event)

    def _load(self, then: Callable[[_Loaded], None] | None = None) -> None:
        """Fills the forms from the records (read off the UI thread); a new volunteer needs no read."""
        if not self.volunteer_id and not self.person_id:
            # Consent is never filled in for the person: its date and form version are typed when it is given.
            self.volunteer_form.set_values({"since": clock.today().strftime(people.DATE_FORMAT)})
            self.volunteer_form.show_month_minutes(None, {})
            return
        volunteer_id, person_id, year = self.volunteer_id, self.person_id, clock.today().year
        ReadOp(self.ctx, lambda store: _read(store, volunteer_id, person_id, year), parent=self).latest(
            "load"
        ).success(lambda loaded: self._on_loaded(loaded, then)).run()

    def _on_loaded(self, loaded: _Loaded, then: Callable[[_Loaded], None] | None) -> None:
        self.person_id, self.volunteer_id = loaded.person_id, loaded.volunteer_id
        self.person_form.set_values(people.form_values(loaded.person))
        if loaded.volunteer is not None:
            self.volunteer_form.set_values(volunteers.form_values(loaded.volunteer))
            self.volunteer_form.show_month_minutes(loaded.year, loaded.minutes)
        else:
            self.volunteer_form.set_values({"since": clock.today().strftime(people.DATE_FORMAT)})
            self.volunteer_form.show_month_minutes(None, {})
        if then is not None:
            then(loaded)

    # ---- withdrawal ---------------------------------------------------------------------------------------
    def _on_withdraw_button_clicked(self) -> None:
        person_id = self.person_id
        ReadOp(
            self.ctx,
            lambda store: erasure.withdrawal_erases(store, person_id, consents.VOLUNTEER),
            parent=self,
        ).success(self._ask_withdrawal).run()

    def _ask_withdrawal(self, erases: bool) -> None:
        self.withdraw_dialog = withdrawal_dialog(erases, self)
        self.withdraw_dialog.accepted.connect(self._on_withdraw_dialog_accepted)
        self.withdraw_dialog.open()

    def _on_withdraw_dialog_accepted(self) -> None:
        assert self.withdraw_dialog is not None and self.person_id is not None
        person_id, note = self.person_id, self.withdraw_dialog.reason
        WriteOp(
            self.ctx,
            lambda store: erasure.withdraw(store, person_id, consents.VOLUNTEER, note=note),
            tables=WITHDRAWAL_TABLES,
            parent=self,
        ).success(lambda _erased: self._on_write_done((self.person_id, self.volunteer_id))).run()

    # ---- saving -----------------------------------------------------------------------------------------
    def _on_buttons_accepted(self) -> None:
        self.banner.hide()
        clean = self.person_form.validate(final=True)
        volunteer_errors: list[ValidationError] = []
        try:
            volunteers.validate_volunteer(self.volunteer_form.values(), clock.today())
        except ValidationErrors as exc:
            volunteer_errors = exc.errors
        self.volunteer_form.show_errors(volunteer_errors)
        if clean is None or volunteer_errors:
            self.tabs.setCurrentIndex(0 if clean is None else 1)
            if clean is None:
                self.person_form.focus_first_error()
            else:
                self.volunteer_form.show_errors(volunteer_errors, focus=True)
            self._show_banner(_("Please correct the marked fields."))
            return
        values, person_id = clean.values, self.person_id
        self.buttons.setEnabled(False)
        ReadOp(
            self.ctx, lambda store: people.find_duplicates(store, values, exclude_id=person_id), parent=self
        ).success(self._on_duplicates_read).finished(lambda: self.buttons.setEnabled(True)).run()

    def _on_duplicates_read(self, found: list) -> None:
        # The same IIN is asked about every time: "a different person" does not wave it through.
        duplicates = [d for d in found if d.reason == "iin" or d.person["id"] not in self._different_from]
        if duplicates:
            self._ask_about_duplicates(duplicates)
            return
        self._write()

    def _ask_about_duplicates(self, duplicates: list) -> None:
        self.duplicate_dialog = DuplicateDialog(duplicates, self)
        self.duplicate_dialog.same_person_chosen.connect(self._on_duplicate_dialog_same_person_chosen)
        self.duplicate_dialog.different_person_chosen.connect(
            self._on_duplicate_dialog_different_person_chosen
        )
        self.duplicate_dialog.open()

    def _write(self) -> None:
        self.buttons.setEnabled(False)
        person, volunteer = self.person_form.values(), self.volunteer_form.values()
        person_id, volunteer_id, today = self.person_id, self.volunteer_id, clock.today()
        different_from = tuple(self._different_from)
        WriteOp(
            self.ctx,
            lambda store: volunteers.save_volunteer(
                store,
                person,
                volunteer,
                person_id=person_id,
                volunteer_id=volunteer_id,
                today=today,
                different_from=different_from,
            ),
            tables=WRITTEN_TABLES,
            parent=self,
        ).success(self._on_write_done).failure(self._on_write_failed).run()

    def _on_write_done(self, ids) -> None:
        self.person_id, self.volunteer_id = ids
        self.buttons.setEnabled(True)
        self.saved.emit(self.volunteer_id)
        self.accept()

    def _on_write_failed(self, error: DostyqError) -> None:
        self.buttons.setEnabled(True)
        if isinstance(
            error, people.DuplicatesFound
        ):  # found by the save's own check (people.check_duplicates)
            self._ask_about_duplicates(error.duplicates)
            return
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        fields = [e for e in errors if isinstance(e, ValidationError)]
        person_fields = [e for e in fields if e.field in self.person_form.labels]
        volunteer_fields = [e for e in fields if e not in person_fields]
        if person_fields:
            self.person_form.show_messages(person_fields)
            self.person_form.focus_first_error()
            self.tabs.setCurrentIndex(0)
        if volunteer_fields:
            self.volunteer_form.show_errors(volunteer_fields)
            if not person_fields:
                self.tabs.setCurrentIndex(1)
        self._show_banner(error.message)

    def _show_banner(self, message: str, style: str = ERROR_STYLE) -> None:
        self.banner.setStyleSheet(style + " font-weight: bold;")
        self.banner.setText(message)
        self.banner.show()

    def _on_duplicate_dialog_same_person_chosen(self, person_id: str) -> None:
        """Open the existing person instead; what was typed on the volunteer tab is kept."""
        typed = self.volunteer_form.values()
        self.person_id = person_id
        self.volunteer_id = None

        def opened(loaded: _Loaded) -> None:
            if loaded.volunteer is None:
                typed["kiosk_code"] = ""
                self.volunteer_form.set_values(typed)
            self.retranslate_ui()
            self._show_banner(_("The existing record is open. Check it and save."), "color: #1f3b57;")

        self._load(then=opened)

    def _on_duplicate_dialog_different_person_chosen(self, person_ids: list) -> None:
        self._different_from.extend(p for p in person_ids if p not in self._different_from)
        self._write()

    def _on_volunteer_form_add_skill_requested(self) -> None:
        self.skill_dialog = SkillDialog(self.ctx, self)
        self.skill_dialog.accepted.connect(self._on_skill_dialog_accepted)
        self.skill_dialog.open()

    def _on_skill_dialog_accepted(self) -> None:
        if self.skill_dialog and self.skill_dialog.skill_id:
            form = self.volunteer_form
            form.set_checked_skills(set(form.checked_skills()) | {self.skill_dialog.skill_id}, reread=True)


@dataclass
class _Loaded:
    person_id: str
    person: dict
    volunteer_id: str | None
    volunteer: dict | None
    year: int
    minutes: dict[int, int]


def _read(store, volunteer_id: str | None, person_id: str | None, year: int) -> _Loaded:
    """The person and, if they are one, the volunteer record with this year's hours by month."""
    if volunteer_id:
        record = volunteers.get_volunteer(store, volunteer_id)
        assert record is not None  # the dialog is opened on an existing volunteer
        person_id, person = record["person_id"], record["person"]
    else:
        assert person_id is not None  # the dialog is opened on an existing volunteer or person
        found = people.get_person(store, person_id)
        assert found is not None  # the dialog is opened on an existing person
        person = found
        volunteer_id = volunteers.volunteer_of_person(store, person_id)
        record = volunteers.get_volunteer(store, volunteer_id) if volunteer_id else None
    minutes = volunteers.minutes_by_month(store, volunteer_id, year) if volunteer_id else {}
    assert person_id is not None
    return _Loaded(person_id, person, volunteer_id, record, year, minutes)
