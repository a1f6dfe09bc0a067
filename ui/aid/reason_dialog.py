"""Asks for the reason of a correction (a reversal entry) before it is recorded."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.i18n import _


class ReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.reason_edit = QLineEdit(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        layout.addWidget(self.prompt)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(lambda value: self.ok_button.setEnabled(bool(value.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.setPlaceholderText(_("Reason"))
        self.resize(460, 140)

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()
