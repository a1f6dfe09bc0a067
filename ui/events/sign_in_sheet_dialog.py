"""Options for an event's sign-in sheet: language (kk, ru or both), how many rows, and the optional phone and
organisation columns; the PDF is written off the UI thread to a file the user chooses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
)

from desktop import events, events_sheet
from desktop.errors import ValidationError
from desktop.events import EventInput
from desktop.formats import format_short_date
from desktop.i18n import _
from ui.ops import ReadOp
from ui.widgets import pdf_output
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons


class SignInSheetDialog(QDialog):
    # Open the saved PDF in the system's viewer (tests turn this off).
    open_after_save = True

    def __init__(self, ctx, event_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.event_id = ctx, event_id
        self.saved_path: Path | None = None
        self.record: EventInput | None = None
        self.setMinimumWidth(
            520
        )  # the wrapped lines (the event, the hint) read as sentences, not as a column
        self.form = QFormLayout(self)
        self.event_label = QLabel(self)
        self.event_label.setWordWrap(True)
        self.language_label, self.rows_label = QLabel(self), QLabel(self)
        self.language = QComboBox(self)
        self.rows = QSpinBox(self)
        self.rows.setRange(1, events_sheet.MAX_ROWS)
        self.rows.setValue(events_sheet.DEFAULT_ROWS)
        self.phone, self.organisation = QCheckBox(self), QCheckBox(self)
        self.phone.setChecked(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.errors = FormErrors(self.message, {"sheet_language": self.language, "sheet_rows": self.rows})
        self.form.addRow(self.event_label)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.rows_label, self.rows)
        self.form.addRow(self.phone)
        self.form.addRow(self.organisation)
        self.form.addRow(self.hint)
        self.form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.form.addRow(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)  # until the event is read
        self.retranslate_ui()
        # Ctrl+S and Ctrl+Enter save the PDF; Esc just closes (the dialog keeps nothing to lose).
        self.keys = for_buttons(self, self.buttons, unsaved=lambda: False)
        ReadOp(ctx, lambda store: events.get_event(store, event_id), parent=self).success(
            self._on_event_read
        ).failure(self.errors.show).run()

    def _on_event_read(self, event: EventInput | None) -> None:
        if event is None:
            self.errors.show(ValidationError("sheet_event", events_sheet.EVENT_GONE))
            return
        self.record = event
        self.rows.setValue(events_sheet.default_rows(event))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self._show_event()

    def _show_event(self) -> None:
        if self.record is None:
            return
        start = events.to_local(self.record.starts_at)
        title = self.record.title_kk or self.record.title_ru
        if self.record.title_ru and self.record.title_ru != title:
            title = f"{title} / {self.record.title_ru}"
        day = format_short_date(start.date()) if start else ""
        self.event_label.setText(f"<b>{title}</b> · {day}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.errors.retranslate()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Sign-in sheet"))
        self.language_label.setText(_("Language of the sheet"))
        self.rows_label.setText(_("Rows on the sheet"))
        self.phone.setText(_("Phone column"))
        self.organisation.setText(_("Organisation column"))
        self.hint.setText(
            _(
                "Rows are added to fill the last page. The boxes at its foot take the headcount, to be typed "
                "into the event after it."
            )
        )
        pdf_output.fill_languages(self.language)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save PDF…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self._show_event()

    def choose_path(self) -> str:
        title = (self.record.title_kk or self.record.title_ru) if self.record else ""
        return pdf_output.ask_path(
            self, _("Save the sign-in sheet as PDF"), f"{_('Sign-in sheet')} — {title}"
        )

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        language, rows = self.language.currentData(), self.rows.value()
        try:
            events_sheet.check_request(language, rows)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        path = self.choose_path()
        if not path:
            return
        event_id, phone, organisation = self.event_id, self.phone.isChecked(), self.organisation.isChecked()
        ReadOp(  # reads the event and writes the PDF file; nothing in the database changes
            self.ctx,
            lambda store: events_sheet.render_sign_in_sheet(
                store,
                event_id,
                path,
                language=language,
                rows=rows,
                phone=phone,
                organisation=organisation,
            ),
            parent=self,
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, path) -> None:
        self.saved_path = pdf_output.show_saved(self.message, path, self.open_after_save)
