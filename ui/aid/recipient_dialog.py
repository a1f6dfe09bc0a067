"""Registering (or editing) a recipient. With signed consent the person's details are kept; without it only the
categories, sex and age band (an anonymous recipient) — the personal fields are switched off, not just hidden.

The person's details are the shared person form (ui/widgets/person_form.py, with the fields a recipient keeps),
checked as they are typed; saving runs the one person path, and a possible duplicate opens the duplicate
dialog ("the same person" takes the one on file)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import aid, people
from desktop.aid import RecipientInput
from desktop.consent_form import save_consent_form
from desktop.errors import DostyqError, ValidationError, ValidationErrors
from desktop.i18n import _
from ui.aid.common import short_date
from ui.aid.recipient_search import PersonSearch
from ui.ops import ReadOp, WriteOp
from ui.widgets import fit
from ui.widgets.duplicate_dialog import DuplicateDialog
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons
from ui.widgets.inputs import parse_user_date
from ui.widgets.person_form import PersonForm


class RecipientDialog(QDialog):
    saved = Signal(str)

    def __init__(
        self, ctx, *, consent: bool = True, recipient_id: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.recipient_id = recipient_id
        self.person_id: str | None = None
        layout = QVBoxLayout(self)

        # Consent is never assumed: the box starts clear and the date and form version are typed by the person
        # registering (printing the form fills in the version it carries).
        self.consent_check = QCheckBox(self)
        self.consent_check.setChecked(False)
        consent_row = QHBoxLayout()
        self.consent_date = QLineEdit(self)
        self.consent_date.setPlaceholderText("dd.mm.yyyy")
        self.consent_date.setMaximumWidth(110)
        self.form_version_label = QLabel(self)
        self.form_version = QLineEdit(self)
        self.form_version.setMaximumWidth(80)
        self.print_kk = QPushButton(self)
        self.print_ru = QPushButton(self)
        consent_row.addWidget(self.consent_check, 1)
        consent_row.addWidget(self.consent_date)
        consent_row.addWidget(self.form_version_label)
        consent_row.addWidget(self.form_version)
        consent_row.addWidget(self.print_kk)
        consent_row.addWidget(self.print_ru)
        layout.addLayout(consent_row)
        self.consent_hint = QLabel(self)
        self.consent_hint.setWordWrap(True)
        self.consent_hint.setStyleSheet("color: #555;")
        layout.addWidget(self.consent_hint)

        self.person_box = QGroupBox(self)
        person_layout = QVBoxLayout(self.person_box)
        find_form = QFormLayout()
        self.existing = PersonSearch(ctx, lambda store, q: aid.search_people(store, q, limit=8), parent=self)
        self.existing_label = QLabel(self)
        self.find_label = QLabel(self)
        find_form.addRow(self.find_label, self.existing)
        find_form.addRow("", self.existing_label)
        person_layout.addLayout(find_form)
        self.person_form = PersonForm(self.person_box, fields=aid.RECIPIENT_PERSON_FIELDS)
        person_layout.addWidget(self.person_form)
        layout.addWidget(self.person_box)

        self.anonymous_box = QGroupBox(self)
        anon_form = QFormLayout(self.anonymous_box)
        self.anon_sex_label, self.anon_sex_combo = QLabel(self), QComboBox(self)
        self.age_band_label, self.age_band_combo = QLabel(self), QComboBox(self)
        anon_form.addRow(self.anon_sex_label, self.anon_sex_combo)
        anon_form.addRow(self.age_band_label, self.age_band_combo)
        layout.addWidget(self.anonymous_box)

        self.aid_box = QGroupBox(self)
        aid_form = QFormLayout(self.aid_box)
        self.categories_label = QLabel(self)
        self.categories_list = QListWidget(self)
        self.categories_list.setMaximumHeight(150)
        self.members_label, self.members_edit = QLabel(self), QLineEdit(self)
        self.children_label, self.children_edit = QLabel(self), QLineEdit(self)
        self.household_of: str | None = None
        self.household_label = QLabel(self)
        self.household_search = PersonSearch(
            ctx, lambda store, q: aid.search_recipients(store, q, limit=8), parent=self
        )
        self.household_chosen = QLabel(self)
        aid_form.addRow(self.categories_label, self.categories_list)
        aid_form.addRow(self.household_label, self.household_search)
        aid_form.addRow("", self.household_chosen)
        aid_form.addRow(self.members_label, self.members_edit)
        aid_form.addRow(self.children_label, self.children_edit)
        layout.addWidget(self.aid_box)

        fit.scroll_body(self, layout)  # a short screen scrolls the form; the buttons stay in view
        self.error_label = QLabel(self)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self._different_from: list[str] = []
        self.duplicate_dialog: DuplicateDialog | None = None
        # The person's fields show their messages in the person form; the others here.
        self.errors = FormErrors(
            self.error_label,
            {
                "categories": self.categories_list,
                "members_count": self.members_edit,
                "children_count": self.children_edit,
                "consent_on": self.consent_date,
                "form_version": self.form_version,
                "person_id": self.existing.edit,
                "age_band": self.age_band_combo,
                "household_of": self.household_search.edit,
            },
        )

        self.consent_check.toggled.connect(self._on_consent_check_toggled)
        self.existing.chosen.connect(self._on_existing_chosen)
        self.household_search.chosen.connect(self._on_household_search_chosen)
        self.print_kk.clicked.connect(lambda: self._print("kk"))
        self.print_ru.clicked.connect(lambda: self._print("ru"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.resize(620, 720)
        self.retranslate_ui()
        if recipient_id:
            self._load(recipient_id)
        self._on_consent_check_toggled(self.consent_check.isChecked())
        # Opened to register a person: the first thing to record is the consent they signed.
        (self.consent_check if consent else self.age_band_combo).setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Recipient"))
        self.consent_check.setText(_("The person signed the consent form on:"))
        self.form_version_label.setText(_("form version"))
        self.form_version.setPlaceholderText(aid.CONSENT_FORM_VERSION)
        self.print_kk.setText(_("Form (kk)"))
        self.print_ru.setText(_("Form (ru)"))
        self.consent_hint.setText(
            _(
                "Without consent aid is still given and counted, but no personal details are kept: only the categories, "
                "sex and age band."
            )
        )
        self.person_box.setTitle(_("Person"))
        self.existing.set_placeholder(_("Already in Dostyq? Type their name…"))
        self.find_label.setText(_("Find:"))
        self.person_form.retranslate_ui()
        self.anonymous_box.setTitle(_("Anonymous recipient"))
        self.anon_sex_label.setText(_("Sex:"))
        self.age_band_label.setText(_("Age band:"))
        current = self.anon_sex_combo.currentData()
        self.anon_sex_combo.clear()
        for code in ("", "f", "m"):
            self.anon_sex_combo.addItem(_(aid.SEX_LABELS[code]), code)
        self.anon_sex_combo.setCurrentIndex(max(0, self.anon_sex_combo.findData(current)))
        current = self.age_band_combo.currentData()
        self.age_band_combo.clear()
        for code in aid.AGE_BANDS:
            self.age_band_combo.addItem(_(aid.AGE_BAND_LABELS[code]), code)
        self.age_band_combo.setCurrentIndex(max(0, self.age_band_combo.findData(current)))
        self.aid_box.setTitle(_("Aid"))
        self.categories_label.setText(_("Categories:"))
        ReadOp(self.ctx, aid.category_names, parent=self).success(self._fill_categories).latest(
            "categories"
        ).run()
        self.household_label.setText(_("Same household as:"))
        self.household_search.set_placeholder(_("Another recipient of the family (optional)…"))
        self.members_label.setText(_("Household members:"))
        self.children_label.setText(_("of them children:"))

    def _fill_categories(self, names: dict[str, str]) -> None:
        checked = self.checked_categories()
        self.categories_list.clear()
        for code, name in names.items():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
            self.categories_list.addItem(item)

    def checked_categories(self) -> list[str]:
        return [
            self.categories_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.categories_list.count())
            if self.categories_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_categories(self, codes: list[str]) -> None:
        for i in range(self.categories_list.count()):
            item = self.categories_list.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in codes
                else Qt.CheckState.Unchecked
            )

    def _load(self, recipient_id: str) -> None:
        def read(store):
            card = aid.recipient_card(store, recipient_id)
            person_id = card["recipient"]["person_id"] if card else None
            return card, people.get_person(store, person_id) if person_id else None

        ReadOp(self.ctx, read, parent=self).success(lambda result: self._show_card(*result)).run()

    def _show_card(self, card: dict | None, person: dict | None) -> None:
        assert card is not None  # the dialog is opened on an existing recipient
        r = card["recipient"]
        self.consent_check.setChecked(bool(r["person_id"]))
        if r["person_id"]:
            self._show_person(r["person_id"], person)
            consent = card["consent"]["row"]
            if consent and consent["given_on"]:
                self.consent_date.setText(short_date(consent["given_on"]))
                self.form_version.setText(consent["form_version"] or "")
        self.anon_sex_combo.setCurrentIndex(max(0, self.anon_sex_combo.findData(r["sex"])))
        self.age_band_combo.setCurrentIndex(max(0, self.age_band_combo.findData(r["age_band"])))
        self.set_categories(json.loads(r["categories"] or "[]"))
        if card["household"]:
            h = card["household"]
            self.members_edit.setText("" if h["members_count"] is None else str(h["members_count"]))
            self.children_edit.setText("" if h["children_count"] is None else str(h["children_count"]))

    def _on_consent_check_toggled(self, on: bool) -> None:
        self.person_box.setEnabled(on)
        self.consent_date.setEnabled(on)
        self.form_version.setEnabled(on)
        self.anonymous_box.setVisible(not on)
        if not on:
            self.person_form.set_values({})
            self.person_form.setEnabled(True)
            self.person_id = None
            self.existing_label.clear()

    def _on_existing_chosen(self, person_id: str) -> None:
        ReadOp(self.ctx, lambda store: people.get_person(store, person_id), parent=self).success(
            lambda person: self._show_person(person_id, person)
        ).latest("person").run()

    def _show_person(self, person_id: str, person: dict | None) -> None:
        if person is None:
            return
        self.person_id = person_id
        name = " ".join(p for p in (person["surname"], person["name"], person["patronymic"]) if p)
        self.existing_label.setText(f"<b>{name}</b> {short_date(person['birth_date'])}")
        values = people.form_values(person)
        self.person_form.set_values({k: v for k, v in values.items() if k in aid.RECIPIENT_PERSON_FIELDS})
        self.person_form.setEnabled(False)  # a person on file is edited in their own record

    def _on_household_search_chosen(self, recipient_id: str) -> None:
        self.household_of = recipient_id
        ReadOp(self.ctx, lambda store: aid.recipient_card(store, recipient_id), parent=self).success(
            lambda card: self.household_chosen.setText(f"<b>{card['label']}</b>" if card else "")
        ).latest("household").run()

    def current_input(self) -> RecipientInput:
        consent = self.consent_check.isChecked()
        person = self.person_form.values()
        return RecipientInput(
            consent=consent,
            person_id=self.person_id if consent else None,
            surname=person["surname"],
            name=person["name"],
            patronymic=person["patronymic"],
            birth_date=parse_user_date(person["birth_date"]) or None,
            sex=person["sex"] if consent else self.anon_sex_combo.currentData() or "",
            iin=person["iin"],
            phone=person["phone"],
            locality=person["locality"],
            address=person["address"],
            categories=self.checked_categories(),
            age_band=None if consent else self.age_band_combo.currentData(),
            members_count=self.members_edit.text(),
            children_count=self.children_edit.text(),
            consent_on=(parse_user_date(self.consent_date.text()) or None) if consent else None,
            form_version=self.form_version.text() if consent else "",
            household_of=self.household_of,
            different_from=tuple(self._different_from),
        )

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        if self.consent_check.isChecked() and not self.person_id:
            self.person_form.validate(final=True)  # every message beside its field; the save checks again
        data = self.current_input()
        recipient_id = self.recipient_id
        WriteOp(
            self.ctx,
            lambda store: aid.save_recipient(store, data, recipient_id),
            tables=("recipients", "people", "households", "consents", "people_distinct"),
            parent=self,
        ).success(self._on_saved).failure(self._on_save_failed).run()

    def _on_save_failed(self, error: DostyqError) -> None:
        if isinstance(error, people.DuplicatesFound):
            self.duplicate_dialog = DuplicateDialog(error.duplicates, self)
            self.duplicate_dialog.same_person_chosen.connect(self._on_existing_chosen)
            self.duplicate_dialog.different_person_chosen.connect(
                self._on_duplicate_dialog_different_person_chosen
            )
            self.duplicate_dialog.open()
            return
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        person_fields = [
            e for e in errors if isinstance(e, ValidationError) and e.field in self.person_form.fields
        ]
        if person_fields:
            self.person_form.show_messages(person_fields)
            self.person_form.focus_first_error()
        self.errors.show(error)

    def _on_duplicate_dialog_different_person_chosen(self, person_ids: list) -> None:
        self._different_from.extend(p for p in person_ids if p not in self._different_from)
        self._on_buttons_accepted()

    def _on_saved(self, result) -> None:
        self.saved.emit(result)
        self.accept()

    def _print(self, lang: str) -> None:
        # The printed form carries its version: once it is signed, that is the version recorded.
        self.form_version.setText(aid.CONSENT_FORM_VERSION)
        data = self.current_input()
        # Reads the house's name and writes the form's file (not the database): a read op.
        ReadOp(self.ctx, lambda store: save_consent_form(store, lang, data), parent=self).success(
            _open_file
        ).run()


def _open_file(path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
