"""The Creative groups section."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop.i18n import _
from ui.sections.base import EmptyState, Section


class GroupsSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self)
        layout.addWidget(self.empty)

    def retranslate_ui(self) -> None:
        self.empty.set_texts(
            _("Creative groups"),
            _("Ensembles, choirs and dance groups, their members and performances will appear here."),
        )
