"""The ethnocultural association form: name, ethnic group, leader and contacts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import groups, person_lookup, reference
from desktop.errors import ValidationError, ValidationErrors
from desktop.groups import AssociationInput
from desktop.i18n import N_, _
from ui.widgets.field_errors import FieldErrors
from ui.widgets.person_picker import PersonPicker
from ui.widgets.record_dialog import RecordDialog


class AssociationDialog(RecordDialog):
    saved = Signal(str)

    def __init__(self, ctx, association_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.association_id = association_id
        self.errors = FieldErrors()
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.ethnic_group = QComboBox(self)
        self.ethnic_group.addItem("—", None)
        for code, name in reference.names(ctx.store.conn, "ethnic_groups"):
            self.ethnic_group.addItem(name, code)
        self.leader = PersonPicker(
            lambda q: [
                (r["id"], person_lookup.person_label(r)) for r in person_lookup.search_people(ctx.store, q)
            ],
            self,
        )
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.address = QLineEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(70)
        self.labels: dict[str, QLabel] = {}
        for key, widget in (
            ("name", self.name),
            ("ethnic_group", self.ethnic_group),
            ("leader", self.leader),
            ("phone", self.phone),
            ("email", self.email),
            ("address", self.address),
            ("notes", self.notes),
        ):
            self.labels[key] = QLabel(self)
            field = {"name": "association_name", "leader": "association_leader"}.get(key)
            form.addRow(self.labels[key], self.errors.wrap(field, widget, self) if field else widget)
        layout.addLayout(form)
        self.add_footer(layout, deletable=association_id is not None)
        data = groups.get_association(ctx.store, association_id) if association_id else None
        if data:
            self.name.setText(data.name)
            self.ethnic_group.setCurrentIndex(max(0, self.ethnic_group.findData(data.ethnic_group)))
            self.leader.set_person(data.leader_id, person_lookup.person_name(ctx.store, data.leader_id))
            self.phone.setText(data.phone)
            self.email.setText(data.email)
            self.address.setText(data.address)
            self.notes.setPlainText(data.notes)
        self.retranslate_ui()

    def data(self) -> AssociationInput:
        return AssociationInput(
            name=self.name.text(),
            ethnic_group=self.ethnic_group.currentData(),
            leader_id=self.leader.picked_id if self.leader.text().strip() else None,
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        data = self.data()
        self.errors.clear()
        found = []
        if not data.name.strip():
            found.append(ValidationError("association_name", N_("Enter the name of the association.")))
        if self.leader.unresolved():
            found.append(ValidationError("association_leader", groups.PICK_LEADER))
        if found:
            self.errors.show(ValidationErrors(found))
            return
        self.buttons.setEnabled(False)
        self.ctx.write(
            groups.save_association,
            data,
            self.association_id,
            tables=("associations",),
            on_done=self._on_saved,
            on_error=self._on_save_failed,
        )

    def _on_saved(self, association_id: str) -> None:
        self.association_id = association_id
        self.saved.emit(association_id)
        self.accept()

    def _on_delete_button_clicked(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Delete association"),
            _("Delete this association? Its groups and events stay, without the link to it."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        association_id = self.association_id
        assert association_id is not None  # Delete is shown only for a saved association
        self.ctx.write(
            groups.delete_association,
            association_id,
            tables=("associations",),
            on_done=lambda _r: self._on_saved(association_id),
            on_error=self._on_save_failed,
        )

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            _("Ethnocultural association") if self.association_id else _("New ethnocultural association")
        )
        texts = {
            "name": _("Name:"),
            "ethnic_group": _("Ethnic group:"),
            "leader": _("Leader:"),
            "phone": _("Phone:"),
            "email": _("Email:"),
            "address": _("Address:"),
            "notes": _("Notes:"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.leader.setPlaceholderText(_("Find a person by name…"))
        self.delete_button.setText(_("Delete"))
        names = dict(reference.names(self.ctx.store.conn, "ethnic_groups"))
        for i in range(1, self.ethnic_group.count()):
            self.ethnic_group.setItemText(i, names.get(self.ethnic_group.itemData(i), ""))
