"""Sync & settings: the sync page (server, status, sync files), the backups page and the settings page (language,
data, about)."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import desktop
from desktop import audit, backup, pc_state
from desktop.errors import DostyqError
from desktop.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language
from desktop.settings import IDLE_LOCK_RANGE, idle_lock_minutes, set_idle_lock_minutes
from ui.importing.wizard import ImportWizard
from ui.ops import BackgroundOp, ReadOp, WriteOp
from ui.settings.accounts_page import AccountsPage
from ui.settings.audit_page import AuditPage
from ui.settings.backups_page import BackupsPage
from ui.settings.merge_page import MergePage
from ui.settings.retention_page import RetentionPage
from ui.settings.sync_page import SyncPage
from ui.sync_controller import sync_controller
from ui.widgets.section import Section


class SettingsPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)

        self.language_box = QGroupBox(self)
        lang_form = QFormLayout(self.language_box)
        self.language_label = QLabel(self.language_box)
        self.language_combo = QComboBox(self.language_box)
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[code], code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current_language())))
        self.language_combo.currentIndexChanged.connect(self._on_language_combo_changed)
        lang_form.addRow(self.language_label, self.language_combo)
        self.idle_label = QLabel(self.language_box)
        self.idle_spin = QSpinBox(self.language_box)
        self.idle_spin.setRange(*IDLE_LOCK_RANGE)
        self.idle_spin.setValue(idle_lock_minutes(ctx.settings))
        self.idle_spin.editingFinished.connect(self._on_idle_spin_edited)
        lang_form.addRow(self.idle_label, self.idle_spin)
        self.pc_label_label = QLabel(self.language_box)
        self.pc_label_edit = QLineEdit(self.language_box)
        self.pc_label_edit.setMaxLength(audit.MAX_LABEL)
        self.pc_label_edit.editingFinished.connect(self._on_pc_label_edited)
        lang_form.addRow(self.pc_label_label, self.pc_label_edit)
        layout.addWidget(self.language_box)

        self.house_box = QGroupBox(self)
        house_form = QFormLayout(self.house_box)
        self.house_label = QLabel(self.house_box)
        self.house_combo = QComboBox(self.house_box)
        self.house_combo.currentIndexChanged.connect(self._on_house_combo_changed)
        house_form.addRow(self.house_label, self.house_combo)
        layout.addWidget(self.house_box)

        self.data_box = QGroupBox(self)
        data_form = QFormLayout(self.data_box)
        self.db_label = QLabel(self.data_box)
        self.db_path = QLabel(str(ctx.db_path), self.data_box)
        self.db_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_path.setWordWrap(True)
        self.open_folder = QPushButton(self.data_box)
        self.open_folder.clicked.connect(self._on_open_folder_clicked)
        row = QHBoxLayout()
        row.addWidget(self.db_path, 1)
        row.addWidget(self.open_folder)
        data_form.addRow(self.db_label, row)
        self.switch_button = QPushButton(self.data_box)
        self.switch_button.clicked.connect(self._on_switch_button_clicked)
        actions = QHBoxLayout()
        actions.addWidget(self.switch_button)
        self.import_button = QPushButton(self.data_box)
        self.import_button.clicked.connect(self.open_import)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        data_form.addRow("", actions)
        self.data_message = QLabel(self.data_box)
        self.data_message.setWordWrap(True)
        data_form.addRow("", self.data_message)
        layout.addWidget(self.data_box)

        self.about_box = QGroupBox(self)
        about_layout = QVBoxLayout(self.about_box)
        self.about_text = QLabel(self.about_box)
        self.about_text.setWordWrap(True)
        self.about_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about_layout.addWidget(self.about_text)
        layout.addWidget(self.about_box)
        layout.addStretch(1)

    def _on_idle_spin_edited(self) -> None:
        try:
            set_idle_lock_minutes(self.ctx.settings, self.idle_spin.value(), self.ctx.actor)
        except DostyqError as error:
            self.idle_spin.setValue(idle_lock_minutes(self.ctx.settings))
            self.idle_spin.setToolTip(error.message)
            return
        if self.ctx.session is not None:
            self.ctx.session.apply_idle_setting()

    def apply_actor(self, actor) -> None:
        self.idle_spin.setEnabled(actor.can("settings"))
        self.house_box.setEnabled(actor.can("settings"))
        self.pc_label_edit.setEnabled(actor.can("settings"))
        self.import_button.setVisible(actor.can("records.write"))

    def open_import(self) -> ImportWizard:
        self.wizard = ImportWizard(self.ctx, parent=self)
        self.wizard.open()
        return self.wizard

    def _read_pc_label(self) -> None:
        ReadOp(self.ctx, audit.pc_label, parent=self).success(self.pc_label_edit.setText).latest(
            "pc_label"
        ).run()

    def _on_pc_label_edited(self) -> None:
        label = self.pc_label_edit.text()
        WriteOp(
            self.ctx, lambda store: audit.set_pc_label(store, label), tables=("devices",), parent=self
        ).success(self.pc_label_edit.setText).failure(self._on_pc_label_refused).run()

    def _on_pc_label_refused(self, error: DostyqError) -> None:
        self.pc_label_edit.setToolTip(error.message)
        self._read_pc_label()

    def _fill_houses(self) -> None:
        ReadOp(self.ctx, pc_state.house_choice, parent=self).success(self._on_houses_read).latest(
            "houses"
        ).run()

    def _on_houses_read(self, answer: tuple[list[tuple[str, str]], str | None]) -> None:
        houses, house_id = answer
        self.house_combo.blockSignals(True)
        self.house_combo.clear()
        self.house_combo.addItem(_("Not chosen yet"), "")
        for code, name in houses:
            self.house_combo.addItem(name, code)
        self.house_combo.setCurrentIndex(max(0, self.house_combo.findData(house_id or "")))
        self.house_combo.blockSignals(False)
        # Once enrolled, the server's enrolment decides the house.
        enrolled = sync_controller(self.ctx).enrolled
        self.house_combo.setEnabled(not enrolled)
        self.house_combo.setToolTip(_("Set by the server when this PC was enrolled.") if enrolled else "")

    def retranslate_ui(self) -> None:
        self.language_box.setTitle(_("This PC"))
        self.language_label.setText(_("Interface language:"))
        self.idle_label.setText(_("Lock the screen after this many idle minutes:"))
        self.pc_label_label.setText(_("This PC's name (shown in the audit and Needs review):"))
        self._read_pc_label()
        self.house_box.setTitle(_("House of friendship"))
        self.house_label.setText(_("This PC belongs to:"))
        self._fill_houses()
        self.data_box.setTitle(_("Data"))
        self.db_label.setText(_("Database file:"))
        self.open_folder.setText(_("Open folder"))
        self.switch_button.setText(_("Use another database file…"))
        self.import_button.setText(_("Import from a spreadsheet…"))
        self.about_box.setTitle(_("About Dostyq"))
        self.about_text.setText(
            _(
                "Dostyq {version}: records of the house of friendship, kept on this PC and synced with the "
                "central server.\nPython {python}, Qt for Python {qt}, SQLite {sqlite}."
            ).format(
                version=desktop.__version__,
                python=platform.python_version(),
                qt=pyside_version,
                sqlite=backup.sqlite_version(),
            )
        )

    def _on_language_combo_changed(self, index: int) -> None:
        lang = self.language_combo.itemData(index)
        if lang:
            self.ctx.switch_language(lang)

    def _on_house_combo_changed(self, index: int) -> None:
        code = self.house_combo.itemData(index) or None
        WriteOp(self.ctx, lambda store: pc_state.set_house(store, code), tables=("meta",), parent=self).run()

    def _on_switch_button_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Database file to use"),
            str(self.ctx.db_path.parent),
            _("Dostyq database (*.sqlite *.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return

        def chosen(_result) -> None:
            self.ctx.settings.db_path = path
            self.ctx.settings.save()
            self._show_data_message(_("Dostyq will use {path} from its next start.").format(path=path))

        BackgroundOp(self.ctx, lambda: backup.check_database_file(path), parent=self).success(chosen).failure(
            self._show_data_error
        ).run()

    def _show_data_message(self, text: str) -> None:
        self.data_message.setText(text)

    def _show_data_error(self, error: DostyqError) -> None:
        self.data_message.setText(error.message)

    def _on_open_folder_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.db_path.parent)))


# Each tab of the section, with the permission that shows it (the core checks every op on it anyway).
TAB_PERMISSIONS = {1: "backups", 3: "accounts", 4: "people.erase", 5: "audit", 6: "people.erase"}
PAGES = {"settings": 2, "backups": 1, "accounts": 3, "retention": 4, "audit": 5, "duplicates": 6}


class SettingsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.sync_page = SyncPage(self.ctx, self.tabs)
        self.backups_page = BackupsPage(self.ctx, self.tabs)
        self.settings_page = SettingsPage(self.ctx, self.tabs)
        self.accounts_page = AccountsPage(self.ctx, self.tabs)
        self.retention_page = RetentionPage(self.ctx, self.tabs)
        self.merge_page = MergePage(self.ctx, self.tabs)
        self.tabs.addTab(self.sync_page, "")
        self.tabs.addTab(self.backups_page, "")
        self.tabs.addTab(self.settings_page, "")
        self.audit_page = AuditPage(self.ctx, self.tabs)
        self.tabs.addTab(self.accounts_page, "")
        self.tabs.addTab(self.retention_page, "")
        self.tabs.addTab(self.audit_page, "")
        self.tabs.addTab(self.merge_page, "")
        layout.addWidget(self.tabs)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, _("Sync"))
        self.tabs.setTabText(1, _("Backups"))
        self.tabs.setTabText(2, _("Settings"))
        self.tabs.setTabText(3, _("Accounts"))
        self.tabs.setTabText(4, _("Retention"))
        self.tabs.setTabText(5, _("Audit"))
        self.tabs.setTabText(6, _("Possible duplicates"))
        self.sync_page.retranslate_ui()
        self.backups_page.retranslate_ui()
        self.settings_page.retranslate_ui()
        self.accounts_page.retranslate_ui()
        self.retention_page.retranslate_ui()
        self.audit_page.retranslate_ui()
        self.merge_page.retranslate_ui()

    def apply_actor(self, actor) -> None:
        for index, permission in TAB_PERMISSIONS.items():
            self.tabs.setTabVisible(index, actor.can(permission))
        self.settings_page.apply_actor(actor)

    def refresh(self) -> None:
        self.sync_page.refresh()
        if self.ctx.actor.can("backups"):
            self.backups_page.refresh()
        if self.ctx.actor.can("accounts"):
            self.accounts_page.refresh()
        if self.ctx.actor.can("people.erase"):
            self.retention_page.refresh()
            self.merge_page.refresh()
        if self.ctx.actor.can("audit"):
            self.audit_page.refresh()

    def show_page(self, page) -> None:
        self.tabs.setCurrentIndex(PAGES.get(page, 0))
        if page == "review":
            self.sync_page.show_review()
