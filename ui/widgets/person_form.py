"""The person form every role shares (volunteer, recipient, group member): names, birth date, sex, IIN, phone,
e-mail, languages, locality, address, notes. It validates as the user types and shows each message beside its
field; warnings (an IIN that disagrees with the birth date, a foreign phone) are shown but do not block."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, people
from desktop.errors import ValidationError, ValidationErrors, field_label
from desktop.i18n import _, current_language
from desktop.iin import filled_from_iin
from desktop.phone import country_name, format_phone
from ui.widgets.form_errors import ERROR_STYLE, FieldMessage

WARNING_STYLE = "color: #8a5a00;"
TICKED_LANGUAGES = ("kk", "ru")


def required_label(text: str, required: bool) -> str:
    return f"{text} *" if required else text


class PersonForm(QWidget):
    """Call values() for what is typed; validate(final=True) before saving shows every error at once.

    `fields` (a subset of people.PERSON_FIELDS, in the form's order) leaves the others off a shorter form, such
    as the recipient's; they stay empty in values()."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, fields: Sequence[str] | None = None):
        super().__init__(parent)
        self._touched: set[str] = set()
        self._from_iin: set[str] = set()  # fields the IIN filled in (and the user has not changed since)
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)  # spare height goes below the last field, not between the rows
        self.labels: dict[str, QLabel] = {}
        self.fields: dict[str, FieldMessage] = {}

        self.surname = QLineEdit(self)
        self.name = QLineEdit(self)
        self.patronymic = QLineEdit(self)
        self.birth_date = QLineEdit(self)
        self.birth_date.setMaxLength(10)
        self.sex = QComboBox(self)
        self.iin = QLineEdit(self)
        self.iin.setMaxLength(14)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.languages_box = QWidget(self)
        lang_layout = QHBoxLayout(self.languages_box)
        lang_layout.setContentsMargins(0, 0, 0, 0)
        self.language_checks = {code: QCheckBox(self.languages_box) for code in TICKED_LANGUAGES}
        for check in self.language_checks.values():
            lang_layout.addWidget(check)
            check.toggled.connect(lambda _checked: self._on_field_edited("languages"))
        self.other_languages = QLineEdit(self.languages_box)
        lang_layout.addWidget(self.other_languages, 1)
        self.locality = QLineEdit(self)
        self.address = QLineEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(60)

        editors = {
            "surname": self.surname,
            "name": self.name,
            "patronymic": self.patronymic,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "iin": self.iin,
            "phone": self.phone,
            "email": self.email,
            "languages": self.languages_box,
            "locality": self.locality,
            "address": self.address,
            "notes": self.notes,
        }
        for name, editor in editors.items():
            if fields is not None and name not in fields:
                editor.hide()
                continue
            messages = FieldMessage(editor, self)
            label = QLabel(self)
            self.labels[name] = label
            self.fields[name] = messages
            self.form.addRow(label, messages.box)
            if isinstance(editor, QLineEdit):
                editor.textEdited.connect(lambda _text, n=name: self._on_field_edited(n))
                editor.editingFinished.connect(lambda n=name: self._on_field_finished(n))
        self.sex.currentIndexChanged.connect(lambda _i: self._on_field_edited("sex"))
        self.other_languages.textEdited.connect(lambda _t: self._on_field_edited("languages"))
        self.notes.textChanged.connect(self.changed.emit)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for name, label in self.labels.items():
            label.setText(required_label(_(field_label(name)), name in people.REQUIRED))
        current = self.sex.currentData()
        self.sex.blockSignals(True)
        self.sex.clear()
        self.sex.addItem(_("not stated"), "")
        for code, title in people.SEXES.items():
            self.sex.addItem(_(title), code)
        self.sex.setCurrentIndex(max(0, self.sex.findData(current or "")))
        self.sex.blockSignals(False)
        self.birth_date.setPlaceholderText(_("dd.mm.yyyy"))
        self.iin.setPlaceholderText(_("12 digits, optional"))
        self.phone.setPlaceholderText("+7 701 123 45 67")
        self.email.setPlaceholderText("name@example.kz")
        for code, check in self.language_checks.items():
            check.setText(_(people.COMMON_LANGUAGES[code]))
        self.other_languages.setPlaceholderText(_("other languages, separated by commas"))
        if self._touched:
            self.validate()

    # ---- values -----------------------------------------------------------------------------------------
    def values(self) -> dict:
        languages = [code for code, check in self.language_checks.items() if check.isChecked()]
        languages += [part.strip() for part in self.other_languages.text().split(",") if part.strip()]
        return {
            "surname": self.surname.text(),
            "name": self.name.text(),
            "patronymic": self.patronymic.text(),
            "birth_date": self.birth_date.text(),
            "sex": self.sex.currentData() or "",
            "iin": self.iin.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
            "languages": languages,
            "locality": self.locality.text(),
            "address": self.address.text(),
            "notes": self.notes.toPlainText(),
        }

    def set_values(self, values: dict) -> None:
        for name in ("surname", "name", "patronymic", "birth_date", "iin", "email", "locality", "address"):
            getattr(self, name).setText(values.get(name) or "")
        self.phone.setText(
            format_phone(values.get("phone"))
            if (values.get("phone") or "").startswith("+")
            else values.get("phone") or ""
        )
        self.sex.setCurrentIndex(max(0, self.sex.findData(values.get("sex") or "")))
        languages = list(values.get("languages") or [])
        for code, check in self.language_checks.items():
            check.setChecked(code in languages)
        self.other_languages.setText(
            ", ".join(lang for lang in languages if lang not in self.language_checks)
        )
        self.notes.setPlainText(values.get("notes") or "")
        self._touched.clear()
        self._from_iin.clear()
        for messages in self.fields.values():
            messages.clear()

    # ---- validation -------------------------------------------------------------------------------------
    def validate(self, final: bool = False) -> people.CleanPerson | None:
        """Shows the messages of the fields the user has touched (all of them when final). Returns the clean
        values when nothing blocks saving."""
        if final:
            self._touched.update(self.fields)
        errors: list[ValidationError] = []
        clean = None
        try:
            clean = people.validate_person(self.values(), clock.today())
        except ValidationErrors as exc:
            errors = exc.errors
        self.show_messages(errors, clean.warnings if clean else self._warnings_only())
        return clean

    def _warnings_only(self) -> list[ValidationError]:
        """Warnings still matter while another field has an error (e.g. an IIN date while the name is empty)."""
        values = self.values()
        for name in people.REQUIRED:
            values[name] = values[name] or "x"
        try:
            return people.validate_person(values, clock.today()).warnings
        except ValidationErrors:
            return []

    def show_messages(self, errors: list[ValidationError], warnings: Sequence[ValidationError] = ()) -> None:
        shown: dict[str, tuple[str, str]] = {}
        for warning in warnings:
            if warning.field in self.fields:
                shown[warning.field] = (self._warning_text(warning), WARNING_STYLE)
        for error in errors:
            if error.field in self.fields and error.field in self._touched:
                shown[error.field] = (error.message, ERROR_STYLE)
        for name, messages in self.fields.items():
            message, style = shown.get(name, ("", ""))
            messages.show(message, style)

    def _warning_text(self, warning: ValidationError) -> str:
        if warning.field == "phone" and "country" in warning.params:
            code = warning.params["country"]
            return _("{field}: this number is not a Kazakh one ({country}).").format(
                field=_(field_label("phone")), country=country_name(code, current_language())
            )
        return warning.message

    def message_of(self, name: str) -> str:
        return self.fields[name].message

    def focus_first_error(self) -> None:
        for messages in self.fields.values():
            if messages.message and messages.label.styleSheet() == ERROR_STYLE:
                messages.editor.setFocus()
                return

    def _fill_from_iin(self) -> None:
        """A valid IIN fills in an empty birth date and sex (and those it filled itself, as the IIN is corrected);
        a value the user typed is never overwritten: if it disagrees, the IIN's field shows a warning."""
        fill = filled_from_iin(
            self.iin.text(),
            "" if "birth_date" in self._from_iin else self.birth_date.text(),
            "" if "sex" in self._from_iin else self.sex.currentData() or "",
            clock.today(),
        )
        if "birth_date" in fill and "birth_date" in self.fields:
            self.birth_date.setText(fill["birth_date"].strftime(people.DATE_FORMAT))
            self._from_iin.add("birth_date")
        if "sex" in fill and "sex" in self.fields:
            self.sex.blockSignals(True)
            self.sex.setCurrentIndex(max(0, self.sex.findData(fill["sex"])))
            self.sex.blockSignals(False)
            self._from_iin.add("sex")

    def _on_field_edited(self, name: str) -> None:
        if name == "iin":
            self._fill_from_iin()
        elif name in ("birth_date", "sex"):
            self._from_iin.discard(name)
        self.changed.emit()
        if name in self._touched or name in ("iin", "sex", "languages"):
            self._touched.add(name)
            self.validate()

    def _on_field_finished(self, name: str) -> None:
        self._touched.add(name)
        self.validate()
