"""The main window: a sidebar of sections and the status bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget

from desktop.i18n import _
from ui.sidebar import SECTION_ALIASES, SECTIONS
from ui.status_bar import SyncStatusBar
from ui.widgets.section import Section


class MainWindow(QMainWindow):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._pages: dict[str, Section] = {}
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget(central)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        # Kazakh labels run long ("Синхрондау және баптаулар"): wrap them rather than clip.
        self.sidebar.setFixedWidth(240)
        self.sidebar.setWordWrap(True)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.sidebar.setStyleSheet(
            "#sidebar { background: #1f3b57; color: white; border: none; font-size: 11pt; padding-left: 6px; }"
            "#sidebar::item { padding-top: 10px; padding-bottom: 10px; }"
            "#sidebar::item:selected { background: #2f6690; }"
        )
        for spec in SECTIONS:
            item = QListWidgetItem(self.style().standardIcon(spec.icon), "")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setStatusBar(SyncStatusBar(ctx, self))
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        ctx.section_requested.connect(self.show_section)
        self.resize(1180, 760)
        self.retranslate_ui()
        self.sidebar.setCurrentRow(0)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Dostyq — house of friendship records"))
        for row, spec in enumerate(SECTIONS):
            self.sidebar.item(row).setText(_(spec.title))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def page(self, key: str) -> Section:
        """The section page for `key`, built on first use."""
        if key not in self._pages:
            spec = next(s for s in SECTIONS if s.key == key)
            page = spec.create(self.ctx)
            self._pages[key] = page
            self.stack.addWidget(page)
        return self._pages[key]

    def show_section(self, name: str, page=None) -> None:
        key, alias_page = SECTION_ALIASES.get(name, (name, None))
        row = next(i for i, s in enumerate(SECTIONS) if s.key == key)
        self.sidebar.setCurrentRow(row)
        if page is not None or alias_page is not None:
            self.page(key).show_page(page if page is not None else alias_page)

    def _on_sidebar_row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(SECTIONS[row].key)
        self.stack.setCurrentWidget(page)
        page.refresh()
