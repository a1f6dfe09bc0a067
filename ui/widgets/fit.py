"""Windows that fit the screen they open on: a small laptop (1366×768 with a taskbar leaves 1366×728) shows every
dialog whole, its buttons on screen.

- `available(widget)`: the part of the screen a window's inside may take: the screen's available geometry (without
  the taskbar) less what the window manager adds (title bar and borders; the real margins once the window has been
  shown, an allowance before).
- `fit_window(window)`: a window larger than that is made smaller, and one partly off screen is moved onto it.
- `ScreenFit`, installed once on the application, fits every top-level window when it is first shown.
- `scroll_body(dialog, layout)`: the form above a dialog's buttons goes into a scroll area, so the dialog can be
  shorter than its form while Save and Cancel stay visible.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialog,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

# What a window manager adds around a window before it is shown (Windows 10: a 31 px title bar and 8 px borders;
# GNOME and KDE are close): enough that the frame, not only the inside, fits.
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)


def frame_margins(window: QWidget) -> QMargins:
    """The window manager's margins around `window`: the real ones once shown, the allowance before (or with no
    window manager at all, e.g. on Xvfb, where the allowance stands for the one a house PC has)."""
    if window.isVisible():
        frame, inner = window.frameGeometry(), window.geometry()
        real = QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
        if real.top() > 0:
            return real
    return FRAME_ALLOWANCE


def available(window: QWidget) -> QRect:
    """The screen area the inside of `window` may take (its screen, or its parent's, or the primary one)."""
    screen = window.screen() if window.isVisible() else None
    parent = window.parentWidget()
    if screen is None and parent is not None:
        screen = parent.window().screen()
    screen = screen or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    return area.marginsRemoved(frame_margins(window))


def initial_size(window: QWidget, wanted: QSize) -> QSize:
    """`wanted`, or less where the screen is smaller."""
    return wanted.boundedTo(available(window).size())


def fit_window(window: QWidget) -> None:
    """Makes `window` no larger than the available area and moves it onto it."""
    area = available(window)
    full = Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized
    if area.isEmpty() or window.windowState() & full:
        return  # full screen or maximised: the window manager's size
    size = window.size()
    if size.width() > area.width() or size.height() > area.height():
        window.resize(size.boundedTo(area.size()))
    geometry = window.geometry()
    x = min(max(geometry.x(), area.left()), area.right() - geometry.width() + 1)
    y = min(max(geometry.y(), area.top()), area.bottom() - geometry.height() + 1)
    if (x, y) != (geometry.x(), geometry.y()):
        window.move(x, y)


def readable_headers(header: QHeaderView) -> None:
    """Widens each interactive or fixed column of `header` to its title (a stretched or fitted one is Qt's)."""
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return
    style, fm = header.style(), header.fontMetrics()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    last = model.columnCount() - 1
    needs: dict[int, int] = {}
    for section in range(model.columnCount()):
        mode = header.sectionResizeMode(section)
        if header.isSectionHidden(section) or mode not in _SIZED_BY_CODE:
            continue
        text = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        need = max(fm.horizontalAdvance(line) for line in str(text or "").split("\n")) + 2 * margin
        if header.isSortIndicatorShown():
            need += mark + margin
        needs[section] = need
        if section == last and header.stretchLastSection():
            continue
        if text and header.sectionSize(section) < need:
            header.resizeSection(section, need)
    # A stretched last column gets what the others leave: the widest of them gives up what it lacks.
    if last not in needs or not header.stretchLastSection():
        return
    lacking = needs[last] - header.sectionSize(last)
    if lacking > 0:
        others = [s for s in needs if s != last]
        if others:
            widest = max(others, key=header.sectionSize)
            spare = header.sectionSize(widest) - needs[widest]
            if spare > 0:
                header.resizeSection(widest, header.sectionSize(widest) - min(spare, lacking))


_SIZED_BY_CODE = (QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Fixed)


class _HeaderKeeper(QObject):
    """Keeps a header's titles readable after each reset, header change or language change of its model."""

    def __init__(self, header: QHeaderView):
        super().__init__(header)
        self.header = header
        self._pending = False
        model = header.model()
        if model is not None:
            for signal in (model.modelReset, model.headerDataChanged, model.layoutChanged):
                signal.connect(self.later)
        header.installEventFilter(self)

    def later(self, *_args) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.now)

    def now(self) -> None:
        self._pending = False
        if shiboken6.isValid(self.header):  # not deleted while the timer waited
            readable_headers(self.header)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.Show):
            self.later()
        return False


class ScreenFit(QObject):
    """Fits each dialog and main window to the screen the first time it shows, and keeps the column titles of
    every table readable (application-wide event filter)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QHeaderView)
            and not watched.property("dostyq_headers")
        ):
            watched.setProperty("dostyq_headers", True)
            _HeaderKeeper(watched)
            readable_headers(watched)
            return False
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog | QMainWindow)
            and watched.isWindow()
            and not watched.property("dostyq_fitted")
        ):
            watched.setProperty("dostyq_fitted", True)
            fit_window(watched)
        return False


_installed: list[ScreenFit] = []


def install(app: QApplication | None = None) -> None:
    """Installs the application-wide fit once (the composition root does; the main window makes sure)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None or _installed:
        return
    fitter = ScreenFit(app)
    app.installEventFilter(fitter)
    _installed.append(fitter)


def scroll_body(dialog: QWidget, layout: QBoxLayout) -> QScrollArea:
    """Moves what `layout` holds so far into a frameless scroll area that takes the layout's place; what is
    added after it (the error line, the buttons) stays below, always visible."""
    body = QWidget()
    inner = QVBoxLayout()
    inner.setContentsMargins(0, 0, 0, 0)
    stretches = [layout.stretch(i) for i in range(layout.count())]
    for stretch in stretches:
        item = layout.takeAt(0)
        if item is None:
            break
        widget, child = item.widget(), item.layout()
        if widget is not None:
            inner.addWidget(widget, stretch)
        elif child is not None:
            child.setParent(None)
            inner.addLayout(child, stretch)
        else:
            inner.addItem(item)
    body.setLayout(inner)
    area = QScrollArea(dialog)
    area.setObjectName("dialog_body")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(body)
    layout.addWidget(area, 1)
    return area


class WrapHeight(QObject):
    """Keeps a word-wrapped label at least as tall as its text needs at its current width, so a layout short of
    room squeezes the widgets that scroll (a table) rather than cutting the label's lines."""

    def __init__(self, label: QLabel):
        super().__init__(label)
        self.label = label
        label.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LanguageChange):
            self.update()
        return False

    def update(self) -> None:
        label = self.label
        need = label.heightForWidth(label.width()) if label.text() else 0
        if need > 0 and label.minimumHeight() != need:
            label.setMinimumHeight(need)


def keep_wrapped_lines(label: QLabel) -> WrapHeight:
    """`label` (word-wrapped) keeps room for all of its lines; call `update()` on what this returns after a
    `setText` (a resize or show measures it again anyway)."""
    label.setWordWrap(True)
    return WrapHeight(label)
