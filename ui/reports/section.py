"""The Reports section: opens on this month so far; the monthly report tab previews, exports and submits."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from desktop.i18n import _
from ui.reports.dashboard_page import DashboardPage
from ui.reports.report_page import ReportPage
from ui.reports.rollup_page import RollupPage
from ui.widgets.section import Section


class ReportsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.dashboard = DashboardPage(self.ctx, self.tabs)
        self.report = ReportPage(self.ctx, self.tabs)
        self.tabs.addTab(self.dashboard, "")
        self.rollup = RollupPage(self.ctx, self.tabs)
        self.tabs.addTab(self.report, "")
        self.tabs.addTab(self.rollup, "")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.dashboard.report_requested.connect(self._on_dashboard_report_requested)
        self.rollup.scope_changed.connect(self._on_rollup_scope_changed)
        layout.addWidget(self.tabs)

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, _("This month"))
        self.tabs.setTabText(1, _("Monthly report"))
        self.dashboard.retranslate_ui()
        self._name_rollup_tab()
        self.report.retranslate_ui()
        self.rollup.retranslate_ui()

    def _name_rollup_tab(self) -> None:
        national = self.rollup.shows_national
        self.tabs.setTabText(2, _("National roll-up") if national else _("Regional roll-up"))

    def _on_rollup_scope_changed(self) -> None:
        self._name_rollup_tab()

    def refresh(self) -> None:
        self._current_page().refresh()

    def _current_page(self) -> DashboardPage | ReportPage | RollupPage:
        page = self.tabs.currentWidget()
        assert isinstance(page, (DashboardPage, ReportPage, RollupPage))  # the tabs hold only these pages
        return page

    def show_page(self, page) -> None:
        """'dashboard', 'report', 'rollup', or a month (YYYY-MM) to open in the monthly report."""
        if page in ("dashboard", "rollup"):
            self.tabs.setCurrentWidget(self.dashboard if page == "dashboard" else self.rollup)
            return
        if isinstance(page, str) and len(page) == 7 and page[4] == "-":
            self.report.set_month(page)
        self.tabs.setCurrentWidget(self.report)
        self.report.refresh()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._current_page().refresh()

    def _on_dashboard_report_requested(self, month: str) -> None:
        self.show_page(month)
