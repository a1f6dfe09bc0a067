"""The Events section."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop.i18n import _
from ui.sections.base import EmptyState, Section


class EventsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self)
        layout.addWidget(self.empty)

    def retranslate_ui(self) -> None:
        self.empty.set_texts(
            _("Events"),
            _("Plan cultural events, record attendance and the creative groups that performed. The calendar and the event list will appear here."),
        )
