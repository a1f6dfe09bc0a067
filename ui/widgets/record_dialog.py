"""What the record forms (event, creative group, association) share: a line for errors that belong to no single
field, and the Save / Cancel / Delete buttons, with saving re-enabled when the write fails."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QLabel

from desktop.errors import DostyqError, ValidationError, ValidationErrors
from ui.widgets.field_errors import FieldErrors


class RecordDialog(QDialog):
    errors: FieldErrors

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def _on_delete_button_clicked(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def add_footer(self, layout: QBoxLayout, deletable: bool) -> None:
        """Adds the general error line and the buttons; subclasses provide save() and _on_delete_button_clicked()."""
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet("color: #b00020;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.delete_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setVisible(deletable)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def show_general_error(self, lines: list[str] | str) -> None:
        text = lines if isinstance(lines, str) else "\n".join(lines)
        if text:
            self.general_error.setText(text)
            self.general_error.show()

    def show_errors(self, exc: ValidationError | ValidationErrors) -> None:
        """Each message beside the field it names; the ones for no field of this form on the general line."""
        unplaced = self.errors.show(exc)
        if unplaced:
            self.show_general_error(unplaced)

    def _on_save_failed(self, error: DostyqError) -> None:
        """A write op's failure: saving is possible again, and the message goes beside its field if it names one."""
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError | ValidationErrors):
            self.show_errors(error)
        else:
            self.show_general_error(error.message)
