"""A donation received: date, point, donor (a person, an organisation with its BIN, or anonymous), the lines of
item + quantity + estimated value in tenge, and who received it. Saved with all its lines or not at all."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import aid, clock, text
from desktop.aid import DonationEntry
from desktop.errors import DostyqError
from desktop.i18n import _
from desktop.iin import is_valid_bin
from ui.aid.common import point_pairs
from ui.aid.lines_editor import LinesEditor
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons
from ui.widgets.inputs import date_of, fill_combo, setup_date_edit
from ui.widgets.person_picker import PersonPicker, find_people


class DonationDialog(QDialog):
    saved = Signal(object)  # SaveResult

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.labels = {
            key: QLabel(self)
            for key in ("date", "point", "kind", "person", "org", "bin", "received_by", "notes", "items")
        }
        self.date_edit = QDateEdit(self)
        setup_date_edit(self.date_edit, clock.today())
        self.point_combo = QComboBox(self)
        self.kind_combo = QComboBox(self)
        # The donor: a person on file, or a new one added from the picker (a person only, no other role).
        self.person_picker = PersonPicker(ctx, find_people, self, can_add=True)
        self.org_edit = QLineEdit(self)
        self.bin_edit = QLineEdit(self)
        self.bin_edit.setMaxLength(14)
        self.bin_state = QLabel(self)
        self.received_by_edit = QLineEdit(self)
        self.received_by_edit.setText(ctx.settings.extra.get("aid_given_by", ""))
        self.notes_edit = QLineEdit(self)
        self.lines = LinesEditor(ctx, with_value=True, parent=self)
        form.addRow(self.labels["date"], self.date_edit)
        form.addRow(self.labels["point"], self.point_combo)
        form.addRow(self.labels["kind"], self.kind_combo)
        form.addRow(self.labels["person"], self.person_picker)
        form.addRow(self.labels["org"], self.org_edit)
        form.addRow(self.labels["bin"], self.bin_edit)
        form.addRow("", self.bin_state)
        form.addRow(self.labels["items"], self.lines)
        form.addRow(self.labels["received_by"], self.received_by_edit)
        form.addRow(self.labels["notes"], self.notes_edit)
        self.form = form
        layout.addLayout(form)
        self.error_label = QLabel(self)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.errors = FormErrors(
            self.error_label,
            {
                "received_on": self.date_edit,
                "aid_point_id": self.point_combo,
                "donor_kind": self.kind_combo,
                "donor_person_id": self.person_picker,
                "donor_org_name": self.org_edit,
                "donor_bin": self.bin_edit,
                "lines": self.lines.item_edit,
                "item_id": self.lines.table,
                "quantity": self.lines.table,
                "value_kzt": self.lines.table,
            },
        )
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.bin_edit.textChanged.connect(self._on_bin_edit_text_changed)
        self.lines.submit_requested.connect(self._on_buttons_accepted)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.resize(720, 640)
        self.retranslate_ui()
        self._on_kind_combo_changed()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Donation received"))
        texts = {
            "date": _("Date:"),
            "point": _("Aid point:"),
            "kind": _("Donor:"),
            "person": _("Person:"),
            "org": _("Organisation:"),
            "bin": _("BIN:"),
            "received_by": _("Received by:"),
            "notes": _("Notes:"),
            "items": _("Items:"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key])
        ReadOp(self.ctx, point_pairs, parent=self).success(
            lambda points: fill_combo(self.point_combo, points)
        ).latest("points").run()
        fill_combo(
            self.kind_combo,
            [(k, _(aid.DONOR_KIND_LABELS[k])) for k in ("organisation", "person", "anonymous")],
        )
        self.person_picker.setPlaceholderText(_("Type the donor's name…"))
        self.lines.retranslate_ui()
        self._on_bin_edit_text_changed(self.bin_edit.text())

    def _on_kind_combo_changed(self, _index: int = 0) -> None:
        kind = self.kind_combo.currentData()
        for widget, show in (
            (self.person_picker, kind == "person"),
            (self.org_edit, kind == "organisation"),
            (self.bin_edit, kind == "organisation"),
            (self.bin_state, kind == "organisation"),
        ):
            self.form.setRowVisible(widget, show)

    def _on_bin_edit_text_changed(self, value: str) -> None:
        digits = text.digits(value)
        if not digits:
            self.bin_state.setText(_("Optional; 12 digits."))
            self.bin_state.setStyleSheet("color: #666;")
        elif is_valid_bin(digits):
            self.bin_state.setText(_("✓ The BIN is valid."))
            self.bin_state.setStyleSheet("color: #1e7b34;")
        else:
            self.bin_state.setText(_("✗ Not a valid BIN yet."))
            self.bin_state.setStyleSheet("color: #c0392b;")

    def current_entry(self) -> DonationEntry:
        return DonationEntry(
            date_of(self.date_edit),
            self.point_combo.currentData(),
            self.kind_combo.currentData(),
            self.lines.entry_lines(),
            donor_person_id=self.person_picker.picked_id if self.person_picker.text().strip() else None,
            donor_org_name=self.org_edit.text(),
            donor_bin=self.bin_edit.text(),
            received_by=self.received_by_edit.text(),
            notes=self.notes_edit.text(),
        )

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        entry = self.current_entry()
        WriteOp(
            self.ctx,
            lambda store: aid.save_donation(store, entry),
            tables=("donations", "donation_lines"),
            parent=self,
        ).success(self._on_saved).failure(self._on_save_failed).run()

    def _on_save_failed(self, error: DostyqError) -> None:
        self.errors.show(error)

    def _on_saved(self, result) -> None:
        self.saved.emit(result)
        self.accept()
