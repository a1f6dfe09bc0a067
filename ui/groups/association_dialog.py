"""The ethnocultural association form: name, ethnic group, leader and contacts."""

from __future__ import annotations

from typing import Any

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

from desktop import groups, person_lookup
from desktop.errors import ValidationError, ValidationErrors
from desktop.groups import AssociationInput
from desktop.i18n import _
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.person_picker import PersonPicker, find_people
from ui.widgets.record_dialog import RecordDialog


def read_form(store, association_id: str | None) -> dict[str, Any]:
    """The form's choice of ethnic groups, the association and its leader's name, read in one go."""
    data = groups.get_association(store, association_id) if association_id else None
    return {
        "ethnic_groups": list(groups.ethnic_group_names(store).items()),
        "data": data,
        "leader_name": person_lookup.person_name(store, data.leader_id) if data else "",
    }


def save_checked(
    store, data: AssociationInput, association_id: str | None, found: list[ValidationError]
) -> str:
    """Saves the association unless the form or desktop.groups found something wrong (then all of it is raised)."""
    errors = groups.validate_association(data) + found
    if errors:
        raise ValidationErrors(errors)
    return groups.save_association(store, data, association_id)


class AssociationDialog(RecordDialog):
    saved = Signal(str)
    loaded = Signal()  # the choices and the association are on the form

    def __init__(self, ctx, association_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.association_id = association_id
        self.errors = FormErrors()
        self.is_loaded = False
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.ethnic_group = QComboBox(self)
        self.ethnic_group.addItem("—", None)
        self.leader = PersonPicker(ctx, find_people, self, can_add=True)
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
        self.buttons.setEnabled(False)  # until the association is on the form
        self.retranslate_ui()
        ReadOp(ctx, lambda store: read_form(store, association_id), parent=self).success(
            self._on_form_read
        ).run()

    def _on_form_read(self, form: dict[str, Any]) -> None:
        for code, name in form["ethnic_groups"]:
            self.ethnic_group.addItem(name, code)
        data = form["data"]
        if data:
            self.name.setText(data.name)
            self.ethnic_group.setCurrentIndex(max(0, self.ethnic_group.findData(data.ethnic_group)))
            self.leader.set_person(data.leader_id, form["leader_name"])
            self.phone.setText(data.phone)
            self.email.setText(data.email)
            self.address.setText(data.address)
            self.notes.setPlainText(data.notes)
        self.is_loaded = True
        self.buttons.setEnabled(True)
        self.loaded.emit()

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
        found = (
            [ValidationError("association_leader", groups.PICK_LEADER)] if self.leader.unresolved() else []
        )
        self.buttons.setEnabled(False)
        association_id = self.association_id
        # Checked on the writer thread with the save: a refusal comes back as ValidationErrors and writes nothing.
        WriteOp(
            self.ctx,
            lambda store: save_checked(store, data, association_id, found),
            tables=("associations",),
            parent=self,
        ).success(self._on_saved).failure(self._on_save_failed).run()

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
        WriteOp(
            self.ctx,
            lambda store: groups.delete_association(store, association_id),
            tables=("associations",),
            parent=self,
        ).success(lambda _r: self._on_saved(association_id)).failure(self._on_save_failed).run()

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
        if self.is_loaded:  # the ethnic groups' names in the new language
            ReadOp(self.ctx, groups.ethnic_group_names, parent=self).latest("names").success(
                self._name_ethnic_groups
            ).run()

    def _name_ethnic_groups(self, names: dict[str, str]) -> None:
        for i in range(1, self.ethnic_group.count()):
            self.ethnic_group.setItemText(i, names.get(self.ethnic_group.itemData(i), ""))
