"""The main window: a sidebar of sections and the status bar.

It opens at the size it had when it was last closed, or at 1180×760 where the screen has room, and never larger than
the screen less its taskbar and the window's title bar (ui/widgets/fit.py). Ctrl+N makes a new record in the section
shown (its button marked with `form_keys.mark_action(button, "new")`), Ctrl+F goes to its search field (`"search"`); both are
named in the buttons' and fields' tooltips."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from desktop import roles
from desktop.i18n import _
from ui.session import Session
from ui.sidebar import SECTION_ALIASES, SECTIONS
from ui.status_bar import SyncStatusBar
from ui.widgets import fit
from ui.widgets.form_keys import with_shortcut
from ui.widgets.section import Section

DEFAULT_SIZE = QSize(1180, 760)
GEOMETRY_KEY = "window_geometry"
# The section's own shortcuts: (the mark on its widget, the key).
ACTION_KEYS = {
    "new": QKeySequence.StandardKey.New,
    "search": QKeySequence.StandardKey.Find,
}


class MainWindow(QMainWindow):
    def __init__(self, ctx, session: Session | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.session = session or Session(ctx, self)
        self.session.window = self
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
        # What a locked screen shows: nothing of the house's records.
        self.locked_page = QLabel(self.stack)
        self.locked_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.locked_page)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        status = SyncStatusBar(ctx, self)
        self.setStatusBar(status)
        self.account_label = QLabel(status)
        self.lock_button = QPushButton(status)
        self.lock_button.setFlat(True)
        self.lock_button.clicked.connect(self.session.lock)
        status.addPermanentWidget(self.account_label)
        status.addPermanentWidget(self.lock_button)
        self.session.changed.connect(self.apply_actor)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        ctx.section_requested.connect(self.show_section)
        self.actions_by_key: dict[str, QAction] = {}
        for action, key in ACTION_KEYS.items():
            qaction = QAction(self)
            qaction.setShortcut(QKeySequence(key))
            qaction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            qaction.triggered.connect(lambda _checked=False, a=action: self.trigger(a))
            self.addAction(qaction)
            self.actions_by_key[action] = qaction
        fit.install()
        self.restore_geometry()
        self.retranslate_ui()
        self.apply_actor(ctx.actor)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Dostyq — house of friendship records"))
        for row, spec in enumerate(SECTIONS):
            self.sidebar.item(row).setText(_(spec.title))
        self.locked_page.setText(_("The screen is locked."))
        self.lock_button.setText(_("Lock"))
        self.lock_button.setToolTip(_("Lock the screen, or let someone else sign in"))
        self._show_account(self.ctx.actor)
        # After the sections' own retranslation (the tooltips name their buttons' new text).
        QTimer.singleShot(0, self.label_shortcuts)

    # ---- geometry ------------------------------------------------------------------------------------------
    def restore_geometry(self) -> None:
        """The size and place of the last session, kept inside the screen as it is now; else the default size."""
        saved = self.ctx.settings.extra.get(GEOMETRY_KEY)
        try:
            x, y, w, h = (int(saved[k]) for k in ("x", "y", "w", "h"))
            maximized = bool(saved.get("maximized"))
        except (TypeError, KeyError, ValueError, AttributeError):
            self.resize(fit.initial_size(self, DEFAULT_SIZE))
            return
        area = fit.available(self)
        self.resize(QSize(max(w, 640), max(h, 480)).boundedTo(area.size()))
        if area.intersects(QRect(x, y, w, h)):
            self.move(x, y)
        fit.fit_window(self)
        if maximized:
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def save_geometry(self) -> None:
        normal = self.normalGeometry() if self.isMaximized() else self.geometry()
        self.ctx.settings.extra[GEOMETRY_KEY] = {
            "x": normal.x(),
            "y": normal.y(),
            "w": normal.width(),
            "h": normal.height(),
            "maximized": self.isMaximized(),
        }
        try:
            self.ctx.settings.save()
        except OSError:
            pass  # a read-only config folder: the next start opens at the default size

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        super().closeEvent(event)

    # ---- the sections' shortcuts ---------------------------------------------------------------------------
    def _marked(self, action: str) -> list[QWidget]:
        page = self.stack.currentWidget()
        if page is None or page is self.locked_page:
            return []
        return [w for w in page.findChildren(QWidget) if w.property("dostyq_action") == action]

    def trigger(self, action: str) -> bool:
        """Ctrl+N / Ctrl+F: clicks the section's visible "new" button or focuses its visible search field."""
        for widget in self._marked(action):
            if not (widget.isVisible() and widget.isEnabled()):
                continue
            if isinstance(widget, QLineEdit):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                widget.selectAll()
            elif isinstance(widget, QAbstractButton):
                widget.click()
            return True
        return False

    def label_shortcuts(self) -> None:
        """Names Ctrl+N and Ctrl+F in the tooltips of the buttons and fields they act on."""
        if not shiboken6.isValid(self):
            return
        for page in self._pages.values():
            for widget in page.findChildren(QWidget):
                action = widget.property("dostyq_action")
                if action not in ACTION_KEYS:
                    continue
                if isinstance(widget, QLineEdit):
                    text = widget.placeholderText() or _("Search")
                elif isinstance(widget, QAbstractButton):
                    text = widget.text().replace("&", "").rstrip("…").rstrip(".")
                else:
                    continue
                widget.setToolTip(with_shortcut(text, ACTION_KEYS[action]))

    def _show_account(self, actor: roles.Actor) -> None:
        if actor is roles.NOBODY or not actor.display_name:
            self.account_label.clear()
        else:
            self.account_label.setText(
                f"{actor.display_name} · {_(roles.ROLE_LABELS.get(actor.role, actor.role))}"
            )
        self.lock_button.setVisible(actor is not roles.NOBODY and bool(actor.account_id))

    def apply_actor(self, actor: roles.Actor) -> None:
        """Shows the sections the account may open (the core refuses the rest anyway); a locked screen shows none."""
        self._show_account(actor)
        status = self.statusBar()
        if isinstance(status, SyncStatusBar):
            status.refresh_reminder()  # the month-end reminder is for those who open the reports
        first = None
        for row, spec in enumerate(SECTIONS):
            hidden = not actor.can(spec.permission)
            self.sidebar.item(row).setHidden(hidden)
            if not hidden and first is None:
                first = row
        for page in self._pages.values():
            page.apply_actor(actor)
        current = self.sidebar.currentRow()
        if first is None:
            self.stack.setCurrentWidget(self.locked_page)
            return
        if current < 0 or self.sidebar.item(current).isHidden():
            self.sidebar.setCurrentRow(first)
        else:
            self._on_sidebar_row_changed(current)

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
            page.apply_actor(self.ctx.actor)
            QTimer.singleShot(0, self.label_shortcuts)
        return self._pages[key]

    def show_section(self, name: str, page=None) -> None:
        key, alias_page = SECTION_ALIASES.get(name, (name, None))
        row = next(i for i, s in enumerate(SECTIONS) if s.key == key)
        self.sidebar.setCurrentRow(row)
        if page is not None or alias_page is not None:
            self.page(key).show_page(page if page is not None else alias_page)

    def _on_sidebar_row_changed(self, row: int) -> None:
        if row < 0 or self.sidebar.item(row).isHidden():
            return
        page = self.page(SECTIONS[row].key)
        self.stack.setCurrentWidget(page)
        page.refresh()
