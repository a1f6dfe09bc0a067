"""The Reports section."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop.i18n import _
from ui.sections.base import EmptyState, Section


class ReportsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self)
        layout.addWidget(self.empty)

    def retranslate_ui(self) -> None:
        self.empty.set_texts(
            _("Reports"),
            _("The monthly summary for the regional assembly, with charts and exports, will appear here."),
        )
