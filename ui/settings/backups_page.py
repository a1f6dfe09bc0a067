"""The Backups page: set backups up (folder, password, the recovery key shown once), back up now, the list of
backups in the folder, and restore one after a preview of what it holds. The work runs in ops and in the
BackupController; only the administrator may set up, change or restore backups (the core checks it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import backup, backup_folder, clock, formats
from desktop.errors import DostyqError
from desktop.i18n import N_, _, ngettext
from ui.backup_controller import backup_controller
from ui.ops import BackgroundOp, ReadOp, WriteOp
from ui.sync_controller import sync_controller
from ui.widgets.form_errors import FormErrors

FILE_FILTER = N_("Dostyq backups (*.dqbackup)")


def format_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("{size} KB").format(size=formats.format_number(max(1, round(size / 1024))))
    return _("{size} MB").format(size=formats.format_number(round(size / (1024 * 1024), 1)))


class _Dialog(QDialog):
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        raise NotImplementedError


class SetUpDialog(_Dialog):
    """Folder and password (twice). Setting up again makes new keys (a new password and recovery key)."""

    def __init__(self, ctx, folder: str, again: bool, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.again = again
        self.recovery_key: str | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        # Each field's message on its own line under it; one that names no field goes under the form.
        self.errors = FormErrors()
        self.folder_label = QLabel(self)
        self.folder_edit = QLineEdit(folder, self)
        self.browse = QPushButton(self)
        self.browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.errors.wrap("folder", self.folder_edit, self), 1)
        row.addWidget(self.browse)
        form.addRow(self.folder_label, row)
        self.password_label = QLabel(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.password_label, self.errors.wrap("password", self.password, self))
        self.password2_label = QLabel(self)
        self.password2 = QLineEdit(self)
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.password2_label, self.errors.wrap("password2", self.password2, self))
        layout.addLayout(form)
        self.error = QLabel(self)
        self.errors.set_form_label(self.error)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        self.setMinimumWidth(520)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Change the backup password") if self.again else _("Set up backups"))
        self.intro.setText(
            _(
                "New keys are made: backups from now on open with the new password or the new recovery key; "
                "older backups still open with the old ones."
            )
            if self.again
            else _(
                "Dostyq will back up this PC's data every day it runs, encrypted, into the folder you choose "
                "(best a USB stick or another disk). Restoring a backup needs this password or the recovery key."
            )
        )
        self.folder_label.setText(_("Folder:"))
        self.browse.setText(_("Choose…"))
        self.password_label.setText(_("Backup password:"))
        self.password2_label.setText(_("Repeat the password:"))
        self.errors.retranslate()

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose where to save the backups (e.g. a USB stick)")
        )
        if folder:
            self.folder_edit.setText(folder)

    def _on_buttons_accepted(self) -> None:
        folder, password, password2 = (
            self.folder_edit.text().strip(),
            self.password.text(),
            self.password2.text(),
        )
        self.errors.clear()
        self.buttons.setEnabled(False)
        WriteOp(
            self.ctx,
            lambda store: backup.set_up(store, folder, password, password2),
            tables=None,
            parent=self,
        ).success(self._on_set_up).failure(self._on_failed).finished(
            lambda: self.buttons.setEnabled(True)
        ).run()

    def _on_set_up(self, recovery_key: str) -> None:
        self.recovery_key = recovery_key
        self.accept()

    def _on_failed(self, error: DostyqError) -> None:
        self.errors.show(error)  # beside the field it names, focused; one for no field under the form


class RecoveryKeyDialog(_Dialog):
    """Shows the recovery key once; it closes only after the user says it is written down."""

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.key = QLabel(key, self)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 4)
        self.key.setFont(font)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        self.confirm = QCheckBox(self)
        self.confirm.toggled.connect(self._on_confirm_toggled)
        layout.addWidget(self.confirm)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        self.setMinimumWidth(560)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Recovery key"))
        self.intro.setText(
            _(
                "Write this recovery key down on paper and keep it in a safe place. It opens the backups if the "
                "password is forgotten. Dostyq shows it only now and does not keep it."
            )
        )
        self.confirm.setText(_("I have written the recovery key down"))

    def _on_confirm_toggled(self, checked: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(checked)

    def reject(self) -> None:
        if self.confirm.isChecked():
            super().reject()


class RestoreDialog(_Dialog):
    """The password or recovery key, a preview of what the backup holds, and a confirmation."""

    def __init__(self, ctx, path: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.preview: backup.BackupPreview | None = None
        layout = QVBoxLayout(self)
        self.file = QLabel(path, self)
        self.file.setWordWrap(True)
        layout.addWidget(self.file)
        form = QFormLayout()
        self.secret_label = QLabel(self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.textChanged.connect(self._on_secret_changed)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.secret, 1)
        row.addWidget(self.open_button)
        form.addRow(self.secret_label, row)
        layout.addLayout(form)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.confirm = QCheckBox(self)
        self.confirm.setEnabled(False)
        self.confirm.toggled.connect(self._update_buttons)
        layout.addWidget(self.confirm)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._error: DostyqError | None = None
        self._update_buttons()
        self.retranslate_ui()
        self.setMinimumWidth(560)

    @property
    def secret_text(self) -> str:
        return self.secret.text()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Restore a backup"))
        self.secret_label.setText(_("Password or recovery key:"))
        self.open_button.setText(_("Show what it holds"))
        self.confirm.setText(_("Replace the data on this PC with this backup"))
        self.note.setText(
            _(
                "The current data is kept as a copy beside the database file. After the restore, sync sends "
                "what the backup has not sent yet and fetches what changed since."
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Restore"))
        self._show_summary()

    def _on_secret_changed(self, _text: str) -> None:
        self.preview = None
        self.confirm.setChecked(False)
        self.confirm.setEnabled(False)
        self._update_buttons()

    def _on_open_button_clicked(self) -> None:
        path, secret = self.path, self.secret.text()
        self.open_button.setEnabled(False)
        self._error = None
        self.summary.setText(_("Opening the backup…"))
        BackgroundOp(self.ctx, lambda: backup.preview(path, secret), parent=self).success(
            self._on_preview
        ).failure(self._on_preview_failed).finished(lambda: self.open_button.setEnabled(True)).run()

    def _on_preview(self, preview: backup.BackupPreview) -> None:
        self.preview = preview
        self.confirm.setEnabled(True)
        self._show_summary()
        self._update_buttons()

    def _on_preview_failed(self, error: DostyqError) -> None:
        self._error = error
        self._show_summary()

    def _show_summary(self) -> None:
        if self._error is not None:
            self.summary.setText(self._error.message)
            return
        info = self.preview
        if info is None:
            self.summary.setText("")
            return
        lines = [
            _("Made: {when}").format(
                when=formats.format_short_datetime(info.made_at) if info.made_at else _("unknown")
            ),
            _("House: {house}").format(house=info.house_name or info.house_id or _("not chosen")),
            *(
                _("{what}: {count}").format(what=_(label), count=formats.format_number(n))
                for label, n in info.counts
            ),
            ngettext(
                "{count} change not yet sent to the server",
                "{count} changes not yet sent to the server",
                info.unsent,
            ).format(count=info.unsent),
            _("Database schema version: {version}").format(version=info.schema_version),
        ]
        self.summary.setText("\n".join(lines))
        self.adjustSize()

    def _update_buttons(self, *_args) -> None:
        ok = self.preview is not None and self.confirm.isChecked()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class BackupsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.controller = backup_controller(ctx)
        self.controller.state_changed.connect(self.refresh)
        self.controller.progressed.connect(self._on_controller_progressed)
        self.config: backup.BackupSettings | None = None
        self.files: list[backup_folder.BackupFile] = []
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        actions = QHBoxLayout()
        self.set_up_button = QPushButton(self)
        self.set_up_button.clicked.connect(self._on_set_up_button_clicked)
        self.folder_button = QPushButton(self)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.now_button = QPushButton(self)
        self.now_button.clicked.connect(self._on_now_button_clicked)
        for button in (self.set_up_button, self.folder_button, self.now_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.table = QTableWidget(0, 2, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.activated.connect(lambda _index: self._on_restore_button_clicked())
        layout.addWidget(self.table, 1)
        restore_row = QHBoxLayout()
        self.restore_button = QPushButton(self)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.restore_file_button = QPushButton(self)
        self.restore_file_button.clicked.connect(self._on_restore_file_button_clicked)
        restore_row.addWidget(self.restore_button)
        restore_row.addWidget(self.restore_file_button)
        restore_row.addStretch(1)
        layout.addLayout(restore_row)
        self._message: tuple[str, dict] | DostyqError | None = None
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.folder_button.setText(_("Change folder…"))
        self.now_button.setText(_("Back up now"))
        self.restore_button.setText(_("Restore…"))
        self.restore_file_button.setText(_("Restore from another file…"))
        self.table.setHorizontalHeaderLabels([_("Backup made"), _("Size")])
        self._show_config()
        self._fill_table()
        self._show_message()

    # ---- reading -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        ReadOp(self.ctx, backup.settings, parent=self).success(self._on_settings_read).latest(
            "settings"
        ).run()

    def _on_settings_read(self, config: backup.BackupSettings) -> None:
        self.config = config
        self._show_config()
        folder = config.folder
        BackgroundOp(self.ctx, lambda: backup_folder.list_backups(folder), parent=self).success(
            self._on_files_listed
        ).latest("files").run()

    def _on_files_listed(self, files: list[backup_folder.BackupFile]) -> None:
        self.files = files
        self._fill_table()

    def _show_config(self) -> None:
        config = self.config
        self.set_up_button.setText(
            _("Change the backup password…") if config and config.set_up else _("Set up backups…")
        )
        if config is None:
            self.status.setText("")
        elif not config.set_up:
            self.status.setText(
                _(
                    "Backups are not set up. Once set up, Dostyq backs up this PC's data every day it runs, "
                    "encrypted, into a folder or onto a USB stick."
                )
            )
        else:
            lines = [_("Backups go to: {folder}").format(folder=config.folder)]
            if config.last_at:
                lines.append(
                    _("Last backup: {when}").format(when=formats.format_short_datetime(config.last_at))
                )
            else:
                lines.append(_("No backup has been made yet."))
            error = backup.last_error(config)
            if error is not None:
                lines.append(_("The last attempt failed: {error}").format(error=error.message))
            lines.append(_("Kept: one a day for 7 days, one a week for 4 weeks, one a month for 12 months."))
            self.status.setText("\n".join(lines))
        self._update_buttons()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.files))
        for row, item in enumerate(self.files):
            when = QTableWidgetItem(formats.format_short_datetime(item.made_at))
            when.setData(Qt.ItemDataRole.UserRole, str(item.path))
            self.table.setItem(row, 0, when)
            size = QTableWidgetItem(format_size(item.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, size)
        self.table.resizeColumnToContents(1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        set_up = bool(self.config and self.config.set_up)
        running = self.controller.running
        self.folder_button.setEnabled(set_up)
        self.now_button.setEnabled(set_up and not running)
        self.restore_button.setEnabled(bool(self.table.selectedItems()) and not running)
        self.restore_file_button.setEnabled(not running)

    # ---- messages ------------------------------------------------------------------------------------------
    def _say(self, template: str, **params) -> None:
        self._message = (template, params)
        self._show_message()

    def _say_error(self, error: DostyqError) -> None:
        self._message = error
        self._show_message()

    def _show_message(self) -> None:
        message = self._message
        self.message.setVisible(message is not None)
        if message is None:
            self.message.setText("")
        elif isinstance(message, DostyqError):
            self.message.setText(message.message)
        else:
            template, params = message
            self.message.setText(_(template).format(**params))

    # ---- set up, folder, back up now -----------------------------------------------------------------------
    def _on_set_up_button_clicked(self) -> None:
        again = bool(self.config and self.config.set_up)
        dialog = SetUpDialog(self.ctx, (self.config.folder if self.config else None) or "", again, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_set_up_done(dialog.recovery_key))
        dialog.open()

    def _on_set_up_done(self, key: str | None) -> None:
        self.refresh()
        if key:
            self._say(N_("Backups are set up. The first one is made now."))
            shown = RecoveryKeyDialog(key, self)
            shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            shown.finished.connect(lambda _code: self._on_now_button_clicked())
            shown.open()

    def _on_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose where to save the backups (e.g. a USB stick)")
        )
        if not folder:
            return
        WriteOp(
            self.ctx,
            lambda store: backup.change_folder(store, folder),
            tables=None,
            parent=self,
        ).success(lambda _r: self.refresh()).failure(self._say_error).run()

    def _on_now_button_clicked(self) -> None:
        self.progress.setValue(0)
        self.progress.show()
        self._say(N_("Backing up…"))
        self.controller.back_up_now(on_done=self._on_backed_up, on_error=self._on_backup_failed, by_hand=True)
        self._update_buttons()

    def _on_controller_progressed(self, done: int, total: int) -> None:
        self.progress.setValue(int(100 * done / total) if total else 0)

    def _on_backed_up(self, path: str) -> None:
        self.progress.hide()
        self._say(N_("Backup saved and checked: {path}"), path=path)

    def _on_backup_failed(self, error: DostyqError) -> None:
        self.progress.hide()
        self._say_error(error)

    # ---- restore -------------------------------------------------------------------------------------------
    def _on_restore_button_clicked(self) -> None:
        items = self.table.selectedItems()
        first = self.table.item(items[0].row(), 0) if items else None
        if first is not None:
            self._ask_restore(first.data(Qt.ItemDataRole.UserRole))

    def _on_restore_file_button_clicked(self) -> None:
        start = (self.config.folder if self.config else None) or ""
        path, _filter = QFileDialog.getOpenFileName(self, _("Backup to restore"), start, _(FILE_FILTER))
        if path:
            self._ask_restore(path)

    def _ask_restore(self, path: str) -> None:
        dialog = RestoreDialog(self.ctx, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._restore(path, dialog.secret_text))
        dialog.open()

    def _restore(self, path: str, secret: str) -> None:
        self._say(N_("Restoring the backup…"))
        self.setEnabled(False)
        sync = sync_controller(self.ctx)

        def run() -> None:
            WriteOp(
                self.ctx,
                lambda store: backup.restore(store, path, secret, clock.now()),
                tables=None,
                parent=self,
            ).success(self._on_restored).failure(self._on_restore_failed).finished(finish).run()

        def finish() -> None:
            self.setEnabled(True)
            sync.release()

        sync.hold(run)

    def _on_restored(self, result: backup.RestoreResult) -> None:
        # Every connection opens the restored file anew; then every view reloads.
        self.ctx.reopen_stores()
        self.ctx.data_changed.emit("")
        made = result.preview.made_at
        self._say(
            N_(
                "The backup of {when} is restored. The data as it was before is kept in {path}. Sync now sends "
                "and fetches what changed since the backup."
            ),
            when=formats.format_short_datetime(made) if made else "—",
            path=str(result.pre_restore),
        )
        self.refresh()

    def _on_restore_failed(self, error: DostyqError) -> None:
        self._say_error(error)
