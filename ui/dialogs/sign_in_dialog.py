"""Signing in: the house administrator made at the first start, then a sign-in by account and password (or a
volunteer's PIN) at every start, after the screen locks, and to switch user. The checks are the core's
(desktop/accounts.py); this dialog only asks and shows the answer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import accounts, roles
from desktop.accounts import AccountInput
from desktop.errors import DostyqError
from desktop.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors


class SignInDialog(QDialog):
    """`first=True`: no account exists yet, so the dialog makes the house administrator. Otherwise the active
    accounts are listed (`current`, a display name, preselected as after a lock) and the password or PIN is asked."""

    signed_in = Signal(object)  # the Actor

    def __init__(
        self,
        ctx,
        *,
        first: bool = False,
        current: str | None = None,
        needs: str | None = None,
        parent: QWidget | None = None,
    ):
        """`needs`: a permission the account must hold (leaving the kiosk needs a staff account)."""
        super().__init__(parent)
        self.ctx = ctx
        self.first = first
        self.needs = needs
        self._current = current
        self.setModal(True)
        layout = QVBoxLayout(self)
        # Whoever sits down may not read the language the last person left: each language is named in itself.
        languages = QHBoxLayout()
        languages.addStretch(1)
        self.language_group = QButtonGroup(self)
        self.language_buttons: dict[str, QPushButton] = {}
        for code in LANGUAGES:
            button = QPushButton(LANGUAGE_NAMES[code], self)
            button.setCheckable(True)
            button.setFlat(True)
            button.setAutoDefault(False)
            button.setProperty("lang", code)
            self.language_group.addButton(button)
            self.language_buttons[code] = button
            languages.addWidget(button)
        self.language_group.buttonClicked.connect(self._on_language_clicked)
        layout.addLayout(languages)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.name_label, self.name_edit = QLabel(self), QLineEdit(self)
        self.login_label, self.login_edit = QLabel(self), QLineEdit(self)
        self.account_label, self.account_combo = QLabel(self), QComboBox(self)
        self.secret_label, self.secret_edit = QLabel(self), QLineEdit(self)
        self.again_label, self.again_edit = QLabel(self), QLineEdit(self)
        for edit in (self.secret_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if first:
            form.addRow(self.name_label, self.name_edit)
            form.addRow(self.login_label, self.login_edit)
            form.addRow(self.secret_label, self.secret_edit)
            form.addRow(self.again_label, self.again_edit)
            self.account_combo.hide()
            self.account_label.hide()
        else:
            form.addRow(self.account_label, self.account_combo)
            form.addRow(self.secret_label, self.secret_edit)
            for widget in (self.name_edit, self.login_edit, self.again_edit, self.name_label):
                widget.hide()
            self.login_label.hide()
            self.again_label.hide()
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        layout.addWidget(self.buttons)
        self.errors = FormErrors(
            self.message,
            {
                "display_name": self.name_edit,
                "login": self.login_edit,
                "secret": self.secret_edit,
                "secret_again": self.again_edit,
            },
        )
        self.buttons.accepted.connect(self._on_ok)
        self.secret_edit.returnPressed.connect(self._on_ok)
        self.setMinimumWidth(460)
        self.retranslate_ui()
        if not first:
            ReadOp(ctx, accounts.sign_in_names, parent=self).success(self._show_accounts).run()

    def retranslate_ui(self) -> None:
        if self.first:
            self.setWindowTitle(_("The house administrator"))
            self.intro.setText(
                _(
                    "Dostyq keeps personal data of the people the house helps, so everyone signs in. Create the "
                    "account of the house administrator first: they add the accounts of staff, coordinators and "
                    "volunteers."
                )
            )
            self.secret_label.setText(_("Password:"))
        else:
            self.setWindowTitle(_("Sign in to Dostyq"))
            if self.needs:
                self.intro.setText(_("Staff sign in here to leave the kiosk."))
            else:
                self.intro.setText(_("Choose your account and enter your password or PIN."))
            self.secret_label.setText(_("Password or PIN:"))
        self.name_label.setText(_("Your name:"))
        self.login_label.setText(_("Login:"))
        self.account_label.setText(_("Account:"))
        self.again_label.setText(_("Repeat the password:"))
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        button.setText(_("Create and sign in") if self.first else _("Sign in"))
        shown = self.language_buttons.get(current_language())
        if shown is not None:  # the tests' source language has no button
            shown.setChecked(True)

    def _on_language_clicked(self, button: QPushButton) -> None:
        self.ctx.switch_language(button.property("lang"))
        self.secret_edit.setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def keyPressEvent(self, event) -> None:
        # Esc does not get past the sign-in (only signing in, or closing the app, does); leaving the kiosk can be
        # given up with Esc, back to the kiosk.
        if event.key() == Qt.Key.Key_Escape and not self.needs:
            event.ignore()
            return
        super().keyPressEvent(event)

    def _show_accounts(self, names: list[tuple[str, str]]) -> None:
        self.account_combo.clear()
        for login, display_name in names:
            self.account_combo.addItem(display_name, login)
        if self._current:
            self.account_combo.setCurrentIndex(max(0, self.account_combo.findText(self._current)))
        self.secret_edit.setFocus()

    def _on_ok(self) -> None:
        self.errors.clear()
        self.buttons.setEnabled(False)
        if self.first:
            data = AccountInput(
                self.login_edit.text(),
                self.name_edit.text(),
                roles.ADMIN,
                self.secret_edit.text(),
                self.again_edit.text(),
            )
            op = WriteOp(
                self.ctx,
                lambda store: accounts.create_first_administrator(store, data),
                tables=None,
                parent=self,
            )
        else:
            login, secret, needs = self.account_combo.currentData() or "", self.secret_edit.text(), self.needs
            op = WriteOp(
                self.ctx,
                lambda store: accounts.sign_in(store, login, secret, needs=needs),
                tables=None,
                parent=self,
            )
        op.success(self._on_signed_in).failure(self._on_failed).run()

    def _on_signed_in(self, actor: roles.Actor) -> None:
        self.secret_edit.clear()
        self.again_edit.clear()
        self.signed_in.emit(actor)
        self.accept()

    def _on_failed(self, error: DostyqError) -> None:
        self.buttons.setEnabled(True)
        self.secret_edit.clear()
        self.errors.show(error)
        self.secret_edit.setFocus()
