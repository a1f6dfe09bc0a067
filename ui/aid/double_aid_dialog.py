"""The override question of an aid entry the core refused (`aid.OverrideNeeded`): the earlier aid of the period
(date, point, who gave it) when the double-aid guard spoke, the lines short of stock and the programme's ages when
those did; the aid is given only with a reason for the override (at least ten characters, checked as the core
checks it), which is saved with the entry and in the audit trail. An account without `aid.override` is told to ask
a staff member and cannot give it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import aid
from desktop.aid import OverrideNeeded
from desktop.errors import ValidationError
from desktop.formats import format_short_date
from desktop.i18n import _


class DoubleAidDialog(QDialog):
    def __init__(self, error: OverrideNeeded, parent: QWidget | None = None, *, allowed: bool = True):
        super().__init__(parent)
        self.error = error
        self.breaches = error.breaches
        self.recipient, self.programme = error.recipient, error.programme_name
        self.allowed = allowed
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setStyleSheet("color: #a04000;")
        self.heading.setWordWrap(True)
        self.problems = QLabel(self)  # the lines short of stock, the programme's ages
        self.problems.setObjectName("override_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #a04000;")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reason_label = QLabel(self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("override_reason")
        self.reason_hint = QLabel(self)
        self.reason_hint.setWordWrap(True)
        self.denied = QLabel(self)  # the account may not override
        self.denied.setWordWrap(True)
        self.denied.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.buttons = QDialogButtonBox(self)
        self.give_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.give_button.setEnabled(False)
        self.give_button.setDefault(True)  # Enter in the reason field gives the aid once a reason is there
        for widget in (
            self.heading,
            self.problems,
            self.explanation,
            self.table,
            self.reason_label,
            self.reason_edit,
            self.reason_hint,
            self.denied,
            self.buttons,
        ):
            layout.addWidget(widget)
        for widget in (self.explanation, self.table):
            widget.setVisible(bool(self.breaches))
        self.denied.setVisible(not allowed)
        self.reason_edit.setEnabled(allowed)
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.retranslate_ui()
        # With the earlier aid's table it needs room; without it, only what its texts take.
        self.resize(720, 400 if self.breaches else max(220, self.sizeHint().height()))
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def retranslate_ui(self) -> None:
        if self.breaches:
            self.setWindowTitle(_("Aid already given in this period"))
            self.heading.setText(
                _("{recipient} has already received aid of the programme {programme} in this period.").format(
                    recipient=self.recipient, programme=self.programme
                )
            )
        else:
            self.setWindowTitle(_("Give the aid despite a warning?"))
            self.heading.setText(
                _("This aid for {recipient} can only be given with a reason for the override.").format(
                    recipient=self.recipient
                )
            )
        # Each problem the core found, as its message names it (a short line names its line).
        others = [e.message for e in self.error.errors if e.field != "override_reason"]
        self.problems.setText("\n".join(others))
        self.problems.setVisible(bool(others))
        rules = "; ".join(
            _("{rule} (period {start} – {end})").format(
                rule=aid.rule_text(b.rule),
                start=format_short_date(b.window[0]),
                end=format_short_date(b.window[1] - dt.timedelta(days=1)),
            )
            for b in self.breaches
        )
        self.explanation.setText(_("The programme's rule: {rules}. Earlier aid:").format(rules=rules))
        self.table.setHorizontalHeaderLabels([_("Date"), _("Receipt No."), _("Aid point"), _("Given by")])
        earlier = [e for b in self.breaches for e in b.earlier]
        earlier = list({e.aid_id: e for e in earlier}.values())
        self.table.setRowCount(len(earlier))
        for row, e in enumerate(earlier):
            for column, value in enumerate(
                [format_short_date(e.given_on), e.number or "", e.aid_point, e.given_by]
            ):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.reason_label.setText(
            _("To give it anyway, enter the reason for the override (it is saved and logged):")
        )
        self.reason_edit.setPlaceholderText(_("e.g. the house burned down; approved by the director"))
        self.reason_hint.setText(
            _("At least {chars} characters, in words.").format(chars=aid.REASON_MIN_CHARS)
        )
        self.denied.setText(_("Your account may not give aid despite a warning. Ask a staff member."))
        self.give_button.setText(_("Give anyway"))

    def _on_reason_edit_text_changed(self, value: str) -> None:
        self.give_button.setEnabled(self.allowed and reason_ok(value))


def reason_ok(value: str) -> bool:
    """Whether the core will take this reason (aid.check_reason, a pure check)."""
    try:
        aid.check_reason(value)
    except ValidationError:
        return False
    return True
