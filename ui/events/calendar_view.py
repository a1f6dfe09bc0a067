"""The month calendar: a Monday-first grid of days, each with its events as coloured lines.

It paints the MonthView that desktop.event_calendar.calendar_month builds (one query for the month), and lays the lines
out once per resize or new month, not per paint, so a month with hundreds of events stays smooth. A day with more
events than fit shows "+N more", which opens the full list of that day. A click selects an event; a double-click or
Enter opens it (the arrow keys move the selection). A title too long for its day is cut with "…" and shown whole
in the tooltip.
"""

from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from desktop import clock
from desktop.event_calendar import CalendarDay, CalendarEntry, MonthView
from desktop.formats import babel_locale
from desktop.i18n import _, ngettext
from ui.events.kind_colors import kind_color

_HEADER = 24
_DAY_LABEL = 18
_LINE = 17


class MonthCalendar(QWidget):
    event_activated = Signal(str)  # an event was double-clicked, or Enter pressed on it: its id
    day_activated = Signal(object)  # an empty part of a day was double-clicked: the date (to plan an event)
    event_menu_requested = Signal(str, QPoint)  # an event was right-clicked: its id, where (global position)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: MonthView | None = None
        self.today = clock.today()
        self._cells: list[tuple[QRect, CalendarDay]] = []
        self._lines: list[tuple[QRect, CalendarEntry]] = []
        self._more: list[tuple[QRect, CalendarDay, int]] = []  # (rect, day, hidden count)
        self.selected_id: str | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(QSize(560, 420))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_view(self, view: MonthView, today: dt.date | None = None) -> None:
        self.view = view
        if today:
            self.today = today
        self._layout()
        self.update()

    # ---- layout --------------------------------------------------------------------------------------------
    def _layout(self) -> None:
        self._cells, self._lines, self._more = [], [], []
        if self.view is None:
            return
        rows = len(self.view.weeks)
        width, height = self.width(), self.height() - _HEADER
        col_w, row_h = width / 7, height / rows
        for r, week in enumerate(self.view.weeks):
            for c, day in enumerate(week):
                rect = QRect(int(c * col_w), int(_HEADER + r * row_h), int(col_w), int(row_h))
                self._cells.append((rect, day))
                capacity = max(0, (rect.height() - _DAY_LABEL - 2) // _LINE)
                entries = day.entries
                shown = entries if len(entries) <= capacity else entries[: max(0, capacity - 1)]
                y = rect.top() + _DAY_LABEL
                for entry in shown:
                    self._lines.append((QRect(rect.left() + 3, y, rect.width() - 6, _LINE - 1), entry))
                    y += _LINE
                hidden = len(entries) - len(shown)
                if hidden:
                    self._more.append((QRect(rect.left() + 3, y, rect.width() - 6, _LINE - 1), day, hidden))

    def resizeEvent(self, event) -> None:
        self._layout()
        super().resizeEvent(event)

    # ---- painting ------------------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        if self.view is None:
            return
        grid = QPen(pal.color(QPalette.ColorRole.Mid))
        names = babel_dates.get_day_names("abbreviated", context="stand-alone", locale=babel_locale())
        col_w = self.width() / 7
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        for c in range(7):
            painter.drawText(
                QRect(int(c * col_w), 0, int(col_w), _HEADER),
                Qt.AlignmentFlag.AlignCenter,
                names[c].capitalize(),
            )
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        for rect, day in self._cells:
            if not day.in_month:
                painter.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(grid)
            painter.drawRect(rect)
            label_rect = QRect(rect.left() + 4, rect.top() + 1, rect.width() - 8, _DAY_LABEL - 2)
            if day.date == self.today:
                painter.fillRect(
                    QRect(rect.left() + 1, rect.top() + 1, rect.width() - 1, _DAY_LABEL - 1),
                    pal.color(QPalette.ColorRole.Highlight),
                )
                painter.setPen(pal.color(QPalette.ColorRole.HighlightedText))
            else:
                text_role = QPalette.ColorRole.Text if day.in_month else QPalette.ColorRole.PlaceholderText
                painter.setPen(pal.color(text_role))
            painter.drawText(
                label_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(day.date.day)
            )
        for rect, entry in self._lines:
            color = kind_color(entry.kind)
            faded = entry.status == "cancelled"
            fill = QColor(color)
            fill.setAlpha(40 if faded else 70)
            painter.fillRect(rect, fill)
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), color)
            if entry.id == self.selected_id:
                painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
            text = f"{entry.time_label} {entry.title}" if entry.time_label else f"→ {entry.title}"
            font = QFont(self.font())
            font.setStrikeOut(faded)
            painter.setFont(font)
            painter.setPen(
                pal.color(QPalette.ColorRole.PlaceholderText if faded else QPalette.ColorRole.Text)
            )
            inner = rect.adjusted(6, 0, -2, 0)
            painter.drawText(
                inner,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width()),
            )
        painter.setFont(self.font())
        painter.setPen(pal.color(QPalette.ColorRole.Link))
        for rect, _day, hidden in self._more:
            painter.drawText(
                rect.adjusted(6, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.more_text(hidden),
            )

    @staticmethod
    def more_text(hidden: int) -> str:
        return ngettext("+{count} more", "+{count} more", hidden).format(count=hidden)

    # ---- hit testing ---------------------------------------------------------------------------------------
    def entry_at(self, pos: QPoint) -> CalendarEntry | None:
        return next((entry for rect, entry in self._lines if rect.contains(pos)), None)

    def day_at(self, pos: QPoint):
        return next((day for rect, day in self._cells if rect.contains(pos)), None)

    def entry_rect(self, event_id: str) -> QRect | None:
        return next((rect for rect, entry in self._lines if entry.id == event_id), None)

    def more_at(self, pos: QPoint):
        return next(((day, hidden) for rect, day, hidden in self._more if rect.contains(pos)), None)

    def visible_entries(self) -> list[CalendarEntry]:
        return [entry for _rect, entry in self._lines]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            pos = event.position().toPoint()
            entry = self.entry_at(pos)
            if entry is not None:
                self.select(entry.id)
                return
            more = self.more_at(pos)
            if more is not None:
                self.day_menu(more[0]).popup(self.mapToGlobal(pos))
                return
        super().mousePressEvent(event)

    def select(self, event_id: str | None) -> None:
        self.selected_id = event_id
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        entry = self.entry_at(pos)
        if entry is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select(entry.id)
            self.event_activated.emit(entry.id)
            return
        if entry is None and self.more_at(pos) is None:
            day = self.day_at(pos)
            if day is not None:
                self.day_activated.emit(day.date)
                return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        entry = self.entry_at(event.pos())
        if entry is None:
            super().contextMenuEvent(event)
            return
        self.select(entry.id)
        self.event_menu_requested.emit(entry.id, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ids = [entry.id for entry in self.visible_entries()]
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_id in ids:
            assert self.selected_id is not None
            self.event_activated.emit(self.selected_id)
            return
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1}.get(key)  # type: ignore[call-overload]
        if step is not None and ids:
            at = ids.index(self.selected_id) + step if self.selected_id in ids else (0 if step > 0 else -1)
            self.select(ids[max(0, min(len(ids) - 1, at))])
            return
        super().keyPressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        over = self.entry_at(pos) is not None or self.more_at(pos) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        entry = self.entry_at(pos)
        self.setToolTip(f"{entry.time_label} {entry.title}".strip() if entry else "")
        super().mouseMoveEvent(event)

    def day_menu(self, day) -> QMenu:
        """All of a day's events, for a day too full to show them all."""
        menu = QMenu(self)
        menu.setTitle(_("Events of the day"))
        for entry in day.entries:
            action = menu.addAction(f"{entry.time_label or '→'} {entry.title}")
            action.triggered.connect(
                lambda _checked=False, event_id=entry.id: self.event_activated.emit(event_id)
            )
        return menu

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.update()
        super().changeEvent(event)
