"""Staff entries in the shift ledger: add a shift, correct one (reversal + new entry), close one left open, or
cancel one (reversal). Nothing is ever edited in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from desktop import clock, people, volunteers
from desktop.clock import TZ
from desktop.errors import DostyqError, ValidationError, ValidationErrors, field_label
from desktop.i18n import N_, _
from ui.ops import WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons

MODES = ("add", "correct", "close", "reverse")


def parse_time(value: str, field: str) -> dt.time:
    try:
        return dt.datetime.strptime(value.strip(), "%H:%M").time()
    except ValueError:
        raise ValidationError(field, N_("{field}: enter a time as hh:mm, e.g. 09:30.")) from None


class ShiftDialog(QDialog):
    def __init__(self, ctx, mode: str, volunteer_id: str, shift: dict | None = None, parent=None):
        super().__init__(parent)
        assert mode in MODES
        self.ctx, self.mode, self.volunteer_id, self.shift = ctx, mode, volunteer_id, shift
        self.form = QFormLayout(self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.form.addRow(self.heading)
        self.day, self.start, self.end = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.activity, self.reason = QLineEdit(self), QLineEdit(self)
        self.labels: dict[str, QLabel] = {}
        self.errors = FormErrors()
        wanted = {
            "add": ("shift_date", "check_in", "check_out", "activity"),
            "correct": ("shift_date", "check_in", "check_out", "reason"),
            "close": ("shift_date", "check_out"),
            "reverse": ("reason",),
        }[mode]
        editors = {
            "shift_date": self.day,
            "check_in": self.start,
            "check_out": self.end,
            "activity": self.activity,
            "reason": self.reason,
        }
        for name in wanted:
            self.labels[name] = QLabel(self)
            self.form.addRow(self.labels[name], self.errors.wrap(name, editors[name], self))
        # An error about the entry itself (already reversed, no longer open…) names no field here.
        self.general_error = QLabel(self)
        self.errors.set_form_label(self.general_error)
        self.form.addRow(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.form.addRow(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self._prefill()
        self.retranslate_ui()
        self.setMinimumWidth(420)

    def retranslate_ui(self) -> None:
        titles = {
            "add": _("Add a shift"),
            "correct": _("Correct a shift"),
            "close": _("Close an open shift"),
            "reverse": _("Cancel an entry"),
        }
        self.setWindowTitle(titles[self.mode])
        notes = {
            "add": _("For a shift the volunteer did not check in or out for."),
            "correct": _("The wrong entry is reversed and a new one is recorded; both stay in the ledger."),
            "close": _(
                "When did the volunteer really leave? (If after midnight, the time is on the next day.)"
            ),
            "reverse": _("A reversal entry cancels this one; the original stays in the ledger."),
        }
        self.heading.setText(notes[self.mode])
        for name, label in self.labels.items():
            label.setText(_(field_label(name)) + (" *" if name != "activity" else ""))
        self.day.setPlaceholderText(_("dd.mm.yyyy"))
        for edit in (self.start, self.end):
            edit.setPlaceholderText(_("hh:mm"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def _prefill(self) -> None:
        if self.shift:
            start = dt.datetime.fromisoformat(self.shift["check_in"]).astimezone(TZ)
            self.day.setText(start.strftime(people.DATE_FORMAT))
            self.start.setText(start.strftime("%H:%M"))
            if self.shift.get("check_out"):
                self.end.setText(
                    dt.datetime.fromisoformat(self.shift["check_out"]).astimezone(TZ).strftime("%H:%M")
                )
        else:
            self.day.setText(clock.now().strftime(people.DATE_FORMAT))

    def _times(self) -> tuple[dt.datetime, dt.datetime]:
        errors = []
        day = start_time = end_time = None
        try:
            day = people.parse_date(self.day.text(), "shift_date")
            if day is None:
                errors.append(ValidationError("shift_date", N_("{field} is required.")))
        except ValidationError as exc:
            errors.append(exc)
        if "check_in" in self.labels:
            try:
                start_time = parse_time(self.start.text(), "check_in")
            except ValidationError as exc:
                errors.append(exc)
        else:
            assert self.shift is not None  # only "close" has no check-in field, and it is opened on a shift
            start_time = dt.datetime.fromisoformat(self.shift["check_in"]).astimezone(TZ).time()
        try:
            end_time = parse_time(self.end.text(), "check_out")
        except ValidationError as exc:
            errors.append(exc)
        if errors:
            raise ValidationErrors(errors)
        # Each is set by now: a missing or unparsable one has raised above.
        assert day is not None and start_time is not None and end_time is not None
        if self.mode == "close":
            assert self.shift is not None  # "close" is opened on the shift it closes
            day = dt.datetime.fromisoformat(self.shift["check_in"]).astimezone(TZ).date()
        start = dt.datetime.combine(day, start_time, TZ)
        end = dt.datetime.combine(day, end_time, TZ)
        if end <= start and self.mode == "close":
            end += dt.timedelta(days=1)  # left after midnight
        return start, end

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        shift_id: str = self.shift["id"] if self.shift is not None else ""  # every mode but "add" has one
        reason, activity, volunteer_id = self.reason.text(), self.activity.text(), self.volunteer_id
        work: Callable[[Any], Any]
        try:
            if self.mode == "reverse":
                work = lambda store: volunteers.reverse_shift(store, shift_id, reason)
            else:
                start, end = self._times()
                now = clock.now()
                if self.mode == "add":
                    work = lambda store: volunteers.add_shift(
                        store, volunteer_id, start, end, activity, now=now
                    )
                elif self.mode == "correct":
                    work = lambda store: volunteers.correct_shift(
                        store, shift_id, start, end, reason, now=now
                    )
                else:
                    work = lambda store: volunteers.close_shift(store, shift_id, end, now=now)
        except ValidationErrors as exc:
            self.errors.show(exc)
            return
        self.buttons.setEnabled(False)
        WriteOp(self.ctx, work, tables=("volunteer_shifts",), parent=self).success(
            lambda _result: self.accept()
        ).failure(self._on_write_failed).run()

    def _on_write_failed(self, error: DostyqError) -> None:
        self.buttons.setEnabled(True)
        self.errors.show(error)  # beside the field each error names; the others under the fields

    def message_of(self, name: str) -> str:
        return self.errors.message_of(name)
