"""Options for a thank-you letter or certificate: kind, language (kk, ru or both side by side) and period; the
hours in the period are shown before the PDF is saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
)

from desktop import clock, letters, people, volunteers
from desktop.errors import ValidationError
from desktop.formats import format_hours
from desktop.i18n import _
from ui.ops import ReadOp
from ui.widgets import pdf_output
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons


class LetterDialog(QDialog):
    # Open the saved PDF in the system's viewer (tests turn this off).
    open_after_save = True

    def __init__(self, ctx, volunteer_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.volunteer_id = ctx, volunteer_id
        self.saved_path: Path | None = None
        self.form = QFormLayout(self)
        self.name = QLabel(self)
        self.kind_label, self.language_label = QLabel(self), QLabel(self)
        self.start_label, self.end_label, self.hours_label = QLabel(self), QLabel(self), QLabel(self)
        self.kind, self.language = QComboBox(self), QComboBox(self)
        self.start, self.end = QDateEdit(self), QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
        self.hours = QLabel(self)
        self.message = QLabel(self)
        # Its errors mark the field they name; every message (and "Saved") goes on the line under the form.
        self.errors = FormErrors(
            self.message,
            {
                "letter_kind": self.kind,
                "letter_language": self.language,
                "period": self.end,
                "hours": self.hours,
            },
        )
        self.form.addRow(self.name)
        self.form.addRow(self.kind_label, self.kind)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.start_label, self.start)
        self.form.addRow(self.end_label, self.end)
        self.form.addRow(self.hours_label, self.hours)
        self.form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.form.addRow(self.buttons)
        today = clock.today()
        self.start.setDate(QDate(today.year, 1, 1))
        self.end.setDate(QDate(today.year, today.month, today.day))
        self.start.dateChanged.connect(lambda _d: self._update_hours())
        self.end.dateChanged.connect(lambda _d: self._update_hours())
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.person_name = ""  # read below, with the hours
        self._minutes: int | None = None  # not read yet
        self.retranslate_ui()
        # Ctrl+S and Ctrl+Enter save the PDF; Esc just closes (the dialog keeps nothing to lose).
        self.keys = for_buttons(self, self.buttons, unsaved=lambda: False)
        ReadOp(ctx, lambda store: _name_of(store, volunteer_id), parent=self).success(
            self._on_name_read
        ).run()
        self._update_hours()

    def _on_name_read(self, name: str) -> None:
        self.person_name = name
        self.name.setText(f"<b>{self.person_name}</b>")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Thank-you letter"))
        self.name.setText(f"<b>{self.person_name}</b>")
        self.kind_label.setText(_("Document"))
        self.language_label.setText(_("Language of the letter"))
        self.start_label.setText(_("From"))
        self.end_label.setText(_("To"))
        self.hours_label.setText(_("Hours in the period"))
        current = self.kind.currentData()
        self.kind.clear()
        for code, title in (("letter", _("Thank-you letter")), ("certificate", _("Certificate"))):
            self.kind.addItem(title, code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        pdf_output.fill_languages(self.language)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("dd.MM.yyyy")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save PDF…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self._show_minutes()

    def period(self) -> tuple[dt.date, dt.date]:
        # QDate.toPython() gives a datetime.date; the stubs type it as object.
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def _update_hours(self) -> None:
        start, end = self.period()
        volunteer_id = self.volunteer_id
        ReadOp(
            self.ctx,
            lambda store: (
                volunteers.minutes_in_period(store, volunteer_id, start, end) if end >= start else 0
            ),
            parent=self,
        ).latest("hours").success(self._on_minutes_read).run()

    def _on_minutes_read(self, minutes: int) -> None:
        self._minutes = minutes
        self._show_minutes()

    def _show_minutes(self) -> None:
        """The hours of the period; no letter is offered for a period without any (the core refuses it too)."""
        minutes = self._minutes or 0
        self.hours.setText(format_hours(minutes))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(minutes > 0)
        save.setToolTip(
            "" if minutes > 0 else _("No hours in this period: choose a period with volunteer time.")
        )

    def choose_path(self) -> str:
        return pdf_output.ask_path(
            self, _("Save the letter as PDF"), f"{self.person_name} — {self.kind.currentText()}"
        )

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        start, end = self.period()
        try:
            letters.check_request(self.language.currentData(), self.kind.currentData(), start, end)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        path = self.choose_path()
        if not path:
            return
        volunteer_id, language, kind, issued = (
            self.volunteer_id,
            self.language.currentData(),
            self.kind.currentData(),
            clock.today(),
        )
        ReadOp(  # reads the volunteer's hours and writes the PDF file; nothing in the database changes
            self.ctx,
            lambda store: letters.render_letter(
                store, volunteer_id, path, language=language, start=start, end=end, kind=kind, issued=issued
            ),
            parent=self,
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, path) -> None:
        self.saved_path = pdf_output.show_saved(self.message, path, self.open_after_save)


def _name_of(store, volunteer_id: str) -> str:
    record = volunteers.get_volunteer(store, volunteer_id)
    assert record is not None  # the letter is asked for an existing volunteer
    return people.full_name(record["person"])
