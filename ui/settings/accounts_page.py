"""Accounts (the administrator's page in Sync & settings): the house's accounts, adding one, changing its role,
name, password or PIN, switching it off. The rules and the permission check are the core's (desktop/accounts.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import accounts, roles
from desktop.accounts import AccountInput
from desktop.i18n import N_, _
from ui.ops import WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons, mark_action
from ui.widgets.lazy_table import Column, LazyTableModel, record_view

ACCOUNT_TABLES = ("accounts",)


def _role(row: dict) -> str:
    return _(roles.ROLE_LABELS.get(row["role"], row["role"]))


def _state(row: dict) -> str:
    return _("active") if row["active"] else _("switched off")


COLUMNS = [
    Column(N_("Name"), lambda r: r["display_name"]),
    Column(N_("Login"), lambda r: r["login"]),
    Column(N_("Role"), _role),
    Column(N_("Signs in with"), lambda r: _("PIN") if r["secret_kind"] == "pin" else _("password")),
    Column(N_("State"), _state),
]


class AccountDialog(QDialog):
    """A new account, or changes to one (an empty password keeps the current one)."""

    def __init__(self, ctx, row: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = row["id"] if row else None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_label, self.name_edit = QLabel(self), QLineEdit(self)
        self.login_label, self.login_edit = QLabel(self), QLineEdit(self)
        self.role_label, self.role_combo = QLabel(self), QComboBox(self)
        self.secret_label, self.secret_edit = QLabel(self), QLineEdit(self)
        self.again_label, self.again_edit = QLabel(self), QLineEdit(self)
        self.active_check = QCheckBox(self)
        for edit in (self.secret_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Each field's message on its own line under it; a refusal that names no field goes under the form.
        self.errors = FormErrors()
        fields: tuple[tuple[QLabel, str, QWidget], ...] = (
            (self.name_label, "display_name", self.name_edit),
            (self.login_label, "login", self.login_edit),
            (self.role_label, "role", self.role_combo),
            (self.secret_label, "secret", self.secret_edit),
            (self.again_label, "secret_again", self.again_edit),
        )
        for label, field, editor in fields:
            form.addRow(label, self.errors.wrap(field, editor, self))
        form.addRow("", self.active_check)
        layout.addLayout(form)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        layout.addWidget(self.hint)
        self.error_label = QLabel(self)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.errors.set_form_label(self.error_label)
        self.buttons.accepted.connect(self._on_save)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(480)
        self.retranslate_ui()
        if row:
            self.name_edit.setText(row["display_name"])
            self.login_edit.setText(row["login"])
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(row["role"])))
            self.active_check.setChecked(bool(row["active"]))
        else:
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(roles.STAFF)))
            self.active_check.setChecked(True)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Account"))
        self.name_label.setText(_("Name:"))
        self.login_label.setText(_("Login:"))
        self.role_label.setText(_("Role:"))
        self.secret_label.setText(_("Password or PIN:"))
        self.again_label.setText(_("Repeat:"))
        self.active_check.setText(_("May sign in"))
        current = self.role_combo.currentData()
        self.role_combo.clear()
        for role in roles.ROLES:
            self.role_combo.addItem(_(roles.ROLE_LABELS[role]), role)
        if current:
            self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(current)))
        self.hint.setText(
            _(
                "A password has at least 8 characters; a volunteer may use a PIN of 4 to 6 digits instead. "
                "Leave both empty to keep the current password."
            )
            if self.account_id
            else _(
                "A password has at least 8 characters; a volunteer may use a PIN of 4 to 6 digits instead."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_save(self) -> None:
        self.errors.clear()
        data = AccountInput(
            self.login_edit.text(),
            self.name_edit.text(),
            self.role_combo.currentData() or "",
            self.secret_edit.text(),
            self.again_edit.text(),
            self.active_check.isChecked(),
        )
        account_id = self.account_id
        WriteOp(
            self.ctx,
            lambda store: accounts.save_account(store, data, account_id),
            tables=ACCOUNT_TABLES,
            parent=self,
        ).success(lambda _id: self.accept()).failure(self.errors.show).run()


class AccountsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: AccountDialog | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self)
        mark_action(self.new_button, "new")
        self.edit_button = QPushButton(self)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.model = LazyTableModel(
            COLUMNS,
            ctx,
            fetch=lambda store, offset, limit: accounts.list_accounts(store, offset=offset, limit=limit),
        )
        self.view = record_view(self.model, self)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.view, 1)
        self.new_button.clicked.connect(lambda: self.open_account(None))
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.view.activated.connect(lambda _index: self._on_edit_clicked())
        ctx.data_changed.connect(self._on_data_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "Everyone who uses this PC signs in with their own account. Accounts are the same on every PC of "
                "the house (they sync); a volunteer's account opens only the kiosk and the aid desk."
            )
        )
        self.new_button.setText(_("New account…"))
        self.edit_button.setText(_("Change…"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def refresh(self) -> None:
        self.model.reload()

    def _on_data_changed(self, table: str) -> None:
        if table in ("", *ACCOUNT_TABLES):
            self.refresh()

    def _on_edit_clicked(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.open_account(self.model.row(index.row()))

    def open_account(self, row: dict | None) -> AccountDialog:
        self.dialog = AccountDialog(self.ctx, row, self)
        self.dialog.open()
        return self.dialog
