"""The duplicate warning: before a new person is saved, people who may be the same are listed with why. The user
says "this is the same person" (that record opens) or "a different person" (saved; the pair is remembered).

An IIN that belongs to someone on file is no question: one IIN, one person. The dialog then names that person and
offers only "Open that person" or "Back to the form"."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop import people
from desktop.i18n import _
from desktop.phone import format_phone


class DuplicateDialog(QDialog):
    same_person_chosen = Signal(str)  # the id of the existing person
    different_person_chosen = Signal(list)  # ids of every candidate shown

    def __init__(self, duplicates: list[people.Duplicate], parent=None):
        super().__init__(parent)
        same_iin = [d for d in duplicates if d.reason == "iin"]
        self.same_iin = bool(same_iin)
        self.duplicates = same_iin or duplicates
        self.setModal(True)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.candidates = QListWidget(self)
        self.candidates.setAlternatingRowColors(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.candidates, 1)
        buttons = QHBoxLayout()
        self.same_button = QPushButton(self)
        self.different_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        buttons.addWidget(self.same_button)
        buttons.addWidget(self.different_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.same_button.clicked.connect(self._on_same_button_clicked)
        self.different_button.clicked.connect(self._on_different_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.candidates.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.retranslate_ui()
        self.candidates.setCurrentRow(0)

    def retranslate_ui(self) -> None:
        if self.same_iin:
            self.setWindowTitle(_("This IIN is on file"))
            self.heading.setText(
                _("This IIN belongs to {name}").format(name=people.full_name(self.duplicates[0].person))
            )
            self.explanation.setText(
                _(
                    "One IIN belongs to one person, so a second record with it cannot be saved. Open the person "
                    "on file, or go back and check the IIN against the document."
                )
            )
            self.same_button.setText(_("Open that person"))
        else:
            self.setWindowTitle(_("Possible duplicate"))
            self.heading.setText(_("This person may already be on file"))
            self.explanation.setText(
                _(
                    "Nothing is merged automatically. If one of these is the same person, open their record; if "
                    "not, save the new person and this pair will not be asked about again."
                )
            )
            self.same_button.setText(_("This is the same person — open"))
        self.different_button.setText(_("A different person — save"))
        self.different_button.setVisible(not self.same_iin)
        self.cancel_button.setText(_("Back to the form"))
        current = self.candidates.currentRow()
        self.candidates.clear()
        for duplicate in self.duplicates:
            item = QListWidgetItem(self._describe(duplicate), self.candidates)
            item.setData(Qt.ItemDataRole.UserRole, duplicate.person["id"])
        self.candidates.setCurrentRow(max(0, current))

    def _describe(self, duplicate: people.Duplicate) -> str:
        person = duplicate.person
        details = []
        if person.get("birth_date"):
            details.append(dt.date.fromisoformat(person["birth_date"]).strftime(people.DATE_FORMAT))
        if person.get("iin"):
            details.append(_("IIN {iin}").format(iin=person["iin"]))
        if person.get("phone"):
            details.append(format_phone(person["phone"]))
        if person.get("locality"):
            details.append(person["locality"])
        reason = _(people.DUPLICATE_REASONS[duplicate.reason])
        return f"{people.full_name(person)}  ·  {' · '.join(details)}\n    {reason}"

    def _update_buttons(self) -> None:
        self.same_button.setEnabled(self.candidates.currentRow() >= 0)

    def _on_same_button_clicked(self) -> None:
        # The stubs leave out None, which Qt returns when no row is current.
        item: QListWidgetItem | None = self.candidates.currentItem()
        if item is None:
            return
        self.same_person_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def _on_different_button_clicked(self) -> None:
        if self.same_iin:
            return
        self.different_person_chosen.emit([d.person["id"] for d in self.duplicates])
        self.accept()
