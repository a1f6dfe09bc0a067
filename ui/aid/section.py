"""The Aid section: register aid, recipients, donations, stock on hand, and the catalogue & aid points."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from desktop.i18n import _
from ui.aid.catalogue_page import CataloguePage
from ui.aid.donations_page import DonationsPage
from ui.aid.recipients_page import RecipientsPage
from ui.aid.register_page import RegisterAidPage
from ui.aid.stock_page import StockPage
from ui.widgets.section import Section

PAGES = ("register", "recipients", "donations", "stock", "catalogue")


class AidSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.register_page = RegisterAidPage(self.ctx, self.tabs)
        self.recipients_page = RecipientsPage(self.ctx, self.tabs)
        self.donations_page = DonationsPage(self.ctx, self.tabs)
        self.stock_page = StockPage(self.ctx, self.tabs)
        self.catalogue_page = CataloguePage(self.ctx, self.tabs)
        self.pages: list[RegisterAidPage | RecipientsPage | DonationsPage | StockPage | CataloguePage] = [
            self.register_page,
            self.recipients_page,
            self.donations_page,
            self.stock_page,
            self.catalogue_page,
        ]
        for page in self.pages:
            self.tabs.addTab(page, "")
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.recipients_page.give_aid_requested.connect(self._on_give_aid_requested)
        # One refresh for all the tables a write announces, after the callbacks of that write (the aid desk's
        # "Saved" is on screen before the lists are read again).
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self.ctx.data_changed.connect(self._on_data_changed)

    def retranslate_ui(self) -> None:
        for index, title in enumerate(
            [_("Register aid"), _("Recipients"), _("Donations"), _("Stock"), _("Catalogue & points")]
        ):
            self.tabs.setTabText(index, title.replace("&", "&&"))
        for page in self.pages:
            page.retranslate_ui()

    def apply_actor(self, actor) -> None:
        # A volunteer account gives aid and finds recipients (masked by the core); the ledgers of donations and
        # stock and the catalogue are the staff's.
        records = actor.can("records.read")
        for page in (self.donations_page, self.stock_page, self.catalogue_page):
            self.tabs.setTabVisible(self.tabs.indexOf(page), records)
        self.recipients_page.apply_actor(actor)
        self.register_page.export_button.apply_actor(actor)
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentWidget(self.register_page)

    def refresh(self) -> None:
        self.pages[self.tabs.currentIndex()].refresh()

    def show_page(self, page) -> None:
        if page in PAGES:
            self.tabs.setCurrentIndex(PAGES.index(page))

    def _on_tabs_current_changed(self, index: int) -> None:
        self.pages[index].refresh()

    def _on_give_aid_requested(self, recipient_id: str) -> None:
        self.tabs.setCurrentWidget(self.register_page)
        self.register_page.set_recipient(recipient_id)
        self.register_page.programme_combo.setFocus()

    def _on_data_changed(self, table: str) -> None:
        # This or another screen (or sync) changed the aid data: the visible page shows it at once (its own saves
        # included: the register page's latest entries), the others on show.
        if (
            table in ("", "aid_points", "aid_items", "programme_rules")
            or table.startswith(("aid", "donation", "stock", "recipient"))
        ) and self.isVisible():
            self._refresh_timer.start()

    def _on_refresh_timer_timeout(self) -> None:
        if self.isVisible():
            self.pages[self.tabs.currentIndex()].refresh()
