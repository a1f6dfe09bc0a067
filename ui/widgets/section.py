"""The base of every section page: builds once, retranslates on LanguageChange (a section hidden in the window
when it is shown again), refreshes when shown."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.context import AppContext


class Section(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.build_ui()
        self.retranslate_ui()

    def build_ui(self) -> None:
        raise NotImplementedError

    def retranslate_ui(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Called each time the section is shown."""

    def apply_actor(self, actor) -> None:
        """Called when the account acting changes: a section shows only what the account may use (the core refuses
        the rest in any case)."""

    def show_page(self, page) -> None:
        """Called when another screen asks for a specific page of this section (e.g. `--section settings`)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            if self.parentWidget() is not None and self.window().isVisible() and not self.isVisible():
                # A section hidden behind another in the window: retranslated when it is shown again, so a
                # language switch costs the section on screen, not every section built so far.
                self._language_stale = True
            else:
                self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if getattr(self, "_language_stale", False):
            self._language_stale = False
            self.retranslate_ui()
        super().showEvent(event)


class EmptyState(QWidget):
    """A centred heading and explanation, for a list with nothing in it yet."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.heading = QLabel(self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.heading)
        row = QHBoxLayout()  # stretches either side keep long explanations to a readable width
        row.addStretch(1)
        row.addWidget(self.body, 3)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def set_texts(self, heading: str, body: str) -> None:
        self.heading.setText(heading)
        self.body.setText(body)
