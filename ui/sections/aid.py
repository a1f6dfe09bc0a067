"""The Aid section."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from desktop.i18n import _
from ui.sections.base import EmptyState, Section


class AidSection(Section):
    def build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self)
        layout.addWidget(self.empty)

    def retranslate_ui(self) -> None:
        self.empty.set_texts(
            _("Aid"),
            _("The humanitarian aid point: recipients, donations received, aid given and stock on hand will appear here."),
        )
