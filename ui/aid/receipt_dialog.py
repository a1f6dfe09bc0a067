"""Print the receipt of one aid entry (беру актісі / акт выдачи): the language of the document (kk, ru or both side
by side), then Save PDF… writes it where the user chooses and opens it in the system's viewer for printing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

from desktop.aid import receipt
from desktop.i18n import _
from ui.ops import ReadOp
from ui.widgets import pdf_output
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons


class ReceiptDialog(QDialog):
    # Open the saved PDF in the system's viewer (tests turn this off).
    open_after_save = True

    def __init__(self, ctx, aid_id: str, number: str, parent=None):
        super().__init__(parent)
        self.ctx, self.aid_id, self.number = ctx, aid_id, number
        self.saved_path: Path | None = None
        self.form = QFormLayout(self)
        self.title = QLabel(self)
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.errors = FormErrors(self.message, {"receipt_language": self.language})
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.form.addRow(self.title)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.retranslate_ui()
        self.resize(420, 160)
        # Ctrl+S and Ctrl+Enter save the PDF; Esc just closes (the dialog keeps nothing to lose).
        self.keys = for_buttons(self, self.buttons, unsaved=lambda: False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.errors.retranslate()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Aid receipt"))
        self.title.setText("<b>{}</b>".format(_("Receipt No. {number}").format(number=self.number)))
        self.language_label.setText(_("Language of the receipt"))
        pdf_output.fill_languages(self.language)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save PDF…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))

    def choose_path(self) -> str:
        return pdf_output.ask_path(
            self, _("Save the receipt as PDF"), _("Receipt No. {number}").format(number=self.number)
        )

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        path = self.choose_path()
        if not path:
            return
        aid_id, language = self.aid_id, self.language.currentData()
        ReadOp(  # reads the entry and writes the PDF file; nothing in the records changes
            self.ctx,
            lambda store: receipt.render_receipt(store, aid_id, path, language=language),
            parent=self,
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, path) -> None:
        self.saved_path = pdf_output.show_saved(self.message, path, self.open_after_save)
