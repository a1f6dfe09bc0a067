"""What the record forms (event, creative group, association) share: the form-level line for errors that belong to
no single field, and the Save / Cancel / Delete buttons, with saving re-enabled when the write fails; a form body
that scrolls when the screen is shorter than the form, with the buttons always on screen; and the keyboard (the
first field focused, Ctrl+S / Ctrl+Enter save, Esc on a changed form asks first: ui/widgets/form_keys.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QLabel

from desktop.errors import DostyqError
from desktop.i18n import _
from ui.widgets import fit
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import FormKeys, with_shortcut

SAVE_KEY = QKeySequence.StandardKey.Save


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
            self._retranslate_footer()
        super().changeEvent(event)

    def add_footer(self, layout: QBoxLayout, deletable: bool) -> None:
        """Puts what `layout` holds so far in a scroll area, then adds the general error line and the buttons;
        subclasses provide save() and _on_delete_button_clicked(), and may have a `loaded` signal (the record is on
        the form: from then on a change is one to ask about)."""
        self.body = fit.scroll_body(self, layout)
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
        self.keys = FormKeys(self, self.save, can_save=self._can_save)
        loaded = getattr(self, "loaded", None)
        if loaded is not None:
            loaded.connect(self.keys.mark_clean)
        self._retranslate_footer()

    def _can_save(self) -> bool:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        return self.buttons.isEnabled() and save is not None and save.isEnabled()

    def _retranslate_footer(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setToolTip(with_shortcut(_("Save"), SAVE_KEY))

    def show_errors(self, error: DostyqError) -> None:
        """Each message beside the field it names; the ones for no field of this form on the general line."""
        self.errors.show(error)

    def _on_save_failed(self, error: DostyqError) -> None:
        """A write op's failure: saving is possible again, and the message goes beside its field if it names one."""
        self.buttons.setEnabled(True)
        self.show_errors(error)
