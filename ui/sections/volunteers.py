"""The Volunteers section."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop.i18n import _
from ui.sections.base import EmptyState, Section


class VolunteersSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self)
        layout.addWidget(self.empty)

    def retranslate_ui(self) -> None:
        self.empty.set_texts(
            _("Volunteers"),
            _("The house's volunteer register, their hours and the check-in kiosk will appear here."),
        )
