"""The double-aid warning: shows the earlier aid of the period (date, point, who gave it) and gives the aid again
only with a reason for the override, which is saved with the entry and in the audit trail."""

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
from desktop.aid.rules import Breach
from desktop.formats import format_short_date
from desktop.i18n import _


class DoubleAidDialog(QDialog):
    def __init__(self, breaches: list[Breach], recipient: str, programme: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.breaches = breaches
        self.recipient, self.programme = recipient, programme
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setStyleSheet("color: #a04000;")
        self.heading.setWordWrap(True)
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
        self.buttons = QDialogButtonBox(self)
        self.give_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.give_button.setEnabled(False)
        self.give_button.setDefault(True)  # Enter in the reason field gives the aid once a reason is there
        for widget in (
            self.heading,
            self.explanation,
            self.table,
            self.reason_label,
            self.reason_edit,
            self.buttons,
        ):
            layout.addWidget(widget)
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(720, 400)
        self.retranslate_ui()
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Aid already given in this period"))
        self.heading.setText(
            _("{recipient} has already received aid of the programme {programme} in this period.").format(
                recipient=self.recipient, programme=self.programme
            )
        )
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
            _("To give it again, enter the reason for the override (it is saved and logged):")
        )
        self.reason_edit.setPlaceholderText(_("e.g. the house burned down; approved by the director"))
        self.give_button.setText(_("Give anyway"))

    def _on_reason_edit_text_changed(self, value: str) -> None:
        self.give_button.setEnabled(bool(value.strip()))
