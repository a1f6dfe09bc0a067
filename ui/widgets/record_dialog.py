"""What the record forms (event, creative group, association) share: the form-level line for errors that belong to
no single field, and the Save / Cancel / Delete buttons, with saving re-enabled when the write fails."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QLabel

from desktop.errors import DostyqError
from ui.widgets.form_errors import FormErrors


class RecordDialog(QDialog):
    errors: FormErrors

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def _on_delete_button_clicked(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.errors.retranslate()
        super().changeEvent(event)

    def add_footer(self, layout: QBoxLayout, deletable: bool) -> None:
        """Adds the general error line and the buttons; subclasses provide save() and _on_delete_button_clicked()."""
        self.general_error = QLabel(self)
        self.errors.set_form_label(self.general_error)
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

    def show_errors(self, error: DostyqError) -> None:
        """Each message beside the field it names; the ones for no field of this form on the general line."""
        self.errors.show(error)

    def _on_save_failed(self, error: DostyqError) -> None:
        """A write op's failure: saving is possible again, and the message goes beside its field if it names one."""
        self.buttons.setEnabled(True)
        self.show_errors(error)
