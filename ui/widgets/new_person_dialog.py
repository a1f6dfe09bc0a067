"""A new person from a person picker ("New person…"): the shared person form in a small dialog, saved through the
one person path (desktop.people.create_person: the person rules, then the duplicate check). A possible duplicate
opens the duplicate dialog: "the same person" takes the one on file instead, "a different person" saves.

The person gets no role here: the form that opened the picker gives them theirs (group member, leader, attendee,
donor). Nobody becomes a volunteer this way."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop import clock, people, person_lookup
from desktop.errors import DostyqError, ValidationError, ValidationErrors
from desktop.i18n import _
from ui.ops import ReadOp, WriteOp
from ui.widgets.duplicate_dialog import DuplicateDialog
from ui.widgets.form_errors import ERROR_STYLE
from ui.widgets.form_keys import for_buttons
from ui.widgets.person_form import PersonForm

PERSON_TABLES = ("people", "people_distinct")


def typed_values(typed: str) -> dict:
    """What was typed in the picker, put where it belongs: digits are an IIN (12 of them) or a phone number;
    words are surname, name and patronymic, in the order the lists show them."""
    typed = typed.strip()
    if not typed:
        return {}
    if not any(ch.isalpha() for ch in typed):
        digits = "".join(ch for ch in typed if ch.isdigit())
        return {"iin": digits} if len(digits) == 12 and typed.replace(" ", "").isdigit() else {"phone": typed}
    words = typed.split()
    values = {"surname": words[0]}
    if len(words) > 1:
        values["name"] = words[1]
    if len(words) > 2:
        values["patronymic"] = " ".join(words[2:])
    return values


def create(store, values: dict, today, different_from: tuple[str, ...]) -> tuple[str, str]:
    """Creates the person (people.create_person) and returns (id, label as the pickers show it)."""
    person_id = people.create_person(store, values, today=today, different_from=different_from)
    return person_id, label_of(store, person_id)


def label_of(store, person_id: str) -> str:
    row = person_lookup.person(store, person_id)
    return person_lookup.person_label(row) if row else ""


class NewPersonDialog(QDialog):
    created = Signal(str, str)  # (person id, label): the new person, or the one on file the user took instead

    def __init__(self, ctx, typed: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.person_id: str | None = None
        self._different_from: list[str] = []
        self.duplicate_dialog: DuplicateDialog | None = None
        self.setModal(True)
        self.resize(520, 560)
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.person_form = PersonForm(self)
        layout.addWidget(self.person_form, 1)
        row = QHBoxLayout()
        self.required_note = QLabel(self)
        row.addWidget(self.required_note, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.buttons.accepted.connect(self.save)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.person_form.set_values(typed_values(typed))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New person"))
        self.required_note.setText(_("* required"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.person_form.retranslate_ui()
        super().changeEvent(event)

    # ---- saving -----------------------------------------------------------------------------------------
    def save(self) -> None:
        self.banner.hide()
        if self.person_form.validate(final=True) is None:
            self.person_form.focus_first_error()
            self._show_banner(_("Please correct the marked fields."))
            return
        self._write()

    def _write(self) -> None:
        self.buttons.setEnabled(False)
        values, today, different_from = self.person_form.values(), clock.today(), tuple(self._different_from)
        WriteOp(
            self.ctx,
            lambda store: create(store, values, today, different_from),
            tables=PERSON_TABLES,
            parent=self,
        ).success(self._on_created).failure(self._on_write_failed).run()

    def _on_write_failed(self, error: DostyqError) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, people.DuplicatesFound):
            self.duplicate_dialog = DuplicateDialog(error.duplicates, self)
            self.duplicate_dialog.same_person_chosen.connect(self._on_duplicate_dialog_same_person_chosen)
            self.duplicate_dialog.different_person_chosen.connect(
                self._on_duplicate_dialog_different_person_chosen
            )
            self.duplicate_dialog.open()
            return
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        fields = [e for e in errors if isinstance(e, ValidationError) and e.field in self.person_form.fields]
        if fields:
            self.person_form.show_messages(fields)
            self.person_form.focus_first_error()
        self._show_banner(error.message)

    def _on_duplicate_dialog_same_person_chosen(self, person_id: str) -> None:
        """The person is on file already: take them, and create nobody."""
        ReadOp(self.ctx, lambda store: label_of(store, person_id), parent=self).success(
            lambda label: self._on_created((person_id, label))
        ).run()

    def _on_duplicate_dialog_different_person_chosen(self, person_ids: list) -> None:
        self._different_from.extend(p for p in person_ids if p not in self._different_from)
        self._write()

    def _on_created(self, result: tuple[str, str]) -> None:
        self.person_id, label = result
        self.buttons.setEnabled(True)
        self.created.emit(self.person_id, label)
        self.accept()

    def _show_banner(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()
