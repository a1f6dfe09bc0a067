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

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QDialog,
    QFrame,
    QMainWindow,
    QScrollArea,
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
    if area.isEmpty():
        return
    size = window.size()
    if size.width() > area.width() or size.height() > area.height():
        window.resize(size.boundedTo(area.size()))
    geometry = window.geometry()
    x = min(max(geometry.x(), area.left()), area.right() - geometry.width() + 1)
    y = min(max(geometry.y(), area.top()), area.bottom() - geometry.height() + 1)
    if (x, y) != (geometry.x(), geometry.y()):
        window.move(x, y)


class ScreenFit(QObject):
    """Fits each dialog and main window to the screen the first time it shows (application-wide event filter)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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
