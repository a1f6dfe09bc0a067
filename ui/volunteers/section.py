"""The Volunteers section: the register (search, sort, lazy list), hours (staff screen), the check-in kiosk,
the volunteer form and thank-you letters. The screens live in ui/volunteers/."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop import letters
from desktop.i18n import _
from ui.importing.wizard import ImportWizard
from ui.ops import ReadOp
from ui.volunteers.hours_page import HoursPage
from ui.volunteers.kiosk_dialog import KioskDialog
from ui.volunteers.letter_dialog import LetterDialog
from ui.volunteers.register_page import RegisterPage
from ui.volunteers.volunteer_dialog import VolunteerDialog
from ui.widgets.form_keys import mark_action
from ui.widgets.section import Section

# Saves from the volunteer form reload the register themselves; these change the hours column.
REFRESHING_TABLES = ("volunteer_shifts", "event_volunteers")


class VolunteersSection(Section):
    def build_ui(self) -> None:
        # The dialog open now (kept referenced; tests reach it here).
        self.dialog: VolunteerDialog | LetterDialog | ImportWizard | None = None
        self.kiosk: KioskDialog | None = None
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.new_button = QPushButton(self)
        self.open_button = QPushButton(self)
        self.letter_button = QPushButton(self)
        self.import_button = QPushButton(self)
        self.kiosk_button = QPushButton(self)
        self.kiosk_button.setStyleSheet("font-weight: bold;")
        mark_action(self.new_button, "new")
        for button in (self.new_button, self.open_button, self.letter_button, self.import_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.kiosk_button)
        layout.addLayout(actions)
        self.tabs = QTabWidget(self)
        self.register = RegisterPage(self.ctx, self.tabs)
        self.hours = HoursPage(self.ctx, self.tabs)
        self.tabs.addTab(self.register, "")
        self.tabs.addTab(self.hours, "")
        layout.addWidget(self.tabs, 1)
        # What a volunteer account sees here: the kiosk, and a word on what it is for.
        self.kiosk_panel = QWidget(self)
        panel = QVBoxLayout(self.kiosk_panel)
        panel.addStretch(1)
        self.kiosk_intro = QLabel(self.kiosk_panel)
        self.kiosk_intro.setWordWrap(True)
        self.kiosk_intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.kiosk_intro.setStyleSheet("font-size: 15pt;")
        panel.addWidget(self.kiosk_intro)
        self.kiosk_open_button = QPushButton(self.kiosk_panel)
        self.kiosk_open_button.setMinimumSize(360, 72)
        self.kiosk_open_button.setStyleSheet("font-size: 18pt; font-weight: bold; padding: 8px 32px;")
        panel.addWidget(self.kiosk_open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        panel.addStretch(2)
        layout.addWidget(self.kiosk_panel, 1)

        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.letter_button.clicked.connect(self._on_letter_button_clicked)
        self.import_button.clicked.connect(self.open_import)
        self.kiosk_button.clicked.connect(self.open_kiosk)
        self.kiosk_open_button.clicked.connect(self.open_kiosk)
        self.register.volunteer_opened.connect(self.open_volunteer)
        self.register.selection_changed.connect(self._on_register_selection_changed)
        self.hours.letter_requested.connect(self.open_letter)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.ctx.data_changed.connect(self._on_data_changed)
        self._on_register_selection_changed(None)

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New volunteer…"))
        self.open_button.setText(_("Open…"))
        self.letter_button.setText(_("Thank-you letter…"))
        self.import_button.setText(_("Import from a spreadsheet…"))
        self.kiosk_button.setText(_("Check-in kiosk"))
        self.kiosk_open_button.setText(_("Open the check-in kiosk"))
        self.kiosk_intro.setText(
            _(
                "Volunteers mark their arrival and departure at the kiosk: by their personal code or their name."
            )
        )
        self.tabs.setTabText(0, _("Register"))
        self.tabs.setTabText(1, _("Hours"))
        self.register.retranslate_ui()
        self.hours.retranslate_ui()

    def apply_actor(self, actor) -> None:
        # A volunteer account opens only the kiosk here: the register and hours hold other volunteers' data.
        records = actor.can("records.read")
        for widget in (self.new_button, self.open_button, self.letter_button, self.kiosk_button, self.tabs):
            widget.setVisible(records)
        self.kiosk_panel.setVisible(not records)
        self.import_button.setVisible(actor.can("records.write"))

    def refresh(self) -> None:
        if not self.ctx.actor.can("records.read"):
            return
        self.register.apply_query()
        if self.tabs.currentWidget() is self.hours:
            self.hours.refresh()

    def show_page(self, page) -> None:
        """'hours', 'kiosk', 'new', or 'search:<text>' (the search box filled, as if typed)."""
        if page == "hours":
            self.tabs.setCurrentWidget(self.hours)
        elif page == "kiosk":
            self.open_kiosk()
        elif page == "new":
            self._on_new_button_clicked()
        elif isinstance(page, str) and page.startswith("search:"):
            self.tabs.setCurrentWidget(self.register)
            self.register.search.setText(page.split(":", 1)[1])
            self.register.apply_query()

    # ---- actions ------------------------------------------------------------------------------------------
    def open_volunteer(self, volunteer_id: str | None = None) -> VolunteerDialog:
        self.dialog = VolunteerDialog(self.ctx, volunteer_id, parent=self)
        self.dialog.saved.connect(self._on_dialog_saved)
        self.dialog.open()
        return self.dialog

    def open_letter(self, volunteer_id: str) -> LetterDialog:
        self.dialog = LetterDialog(self.ctx, volunteer_id, parent=self)
        self.dialog.open()
        return self.dialog

    def open_kiosk(self) -> KioskDialog:
        self.kiosk = KioskDialog(self.ctx, parent=self)
        self.kiosk.start()
        return self.kiosk

    def open_import(self) -> ImportWizard:
        self.dialog = ImportWizard(self.ctx, "volunteers", parent=self)
        self.dialog.finished.connect(lambda _result: self.register.apply_query())
        self.dialog.open()
        return self.dialog

    def _on_new_button_clicked(self) -> None:
        self.open_volunteer(None)

    def _on_open_button_clicked(self) -> None:
        volunteer_id = self.register.current_volunteer()
        if volunteer_id:
            self.open_volunteer(volunteer_id)

    def _on_letter_button_clicked(self) -> None:
        volunteer_id = self.register.current_volunteer() or self.hours.volunteer_id
        if volunteer_id:
            self.open_letter(volunteer_id)

    def _on_register_selection_changed(self, volunteer_id) -> None:
        self.open_button.setEnabled(volunteer_id is not None)
        self.letter_button.setEnabled(False)  # until the volunteer's hours are read: no letter for no hours
        if volunteer_id:
            ReadOp(self.ctx, lambda store: letters.has_hours(store, volunteer_id), parent=self).latest(
                "has_hours"
            ).success(self.letter_button.setEnabled).run()
            self.hours.set_volunteer(volunteer_id)

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.hours:
            self.hours.refresh()

    def _on_dialog_saved(self, volunteer_id: str) -> None:
        self.register.apply_query()
        self.register.select(volunteer_id)

    def _on_data_changed(self, table: str) -> None:
        if table in REFRESHING_TABLES and self.isVisible():
            selected = self.register.current_volunteer()
            self.register.apply_query()
            if selected:
                self.register.select(selected)
