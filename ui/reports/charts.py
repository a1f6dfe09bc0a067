"""Bar and line charts drawn with QPainter (QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.formats import format_number

SERIES_COLOURS = [QColor("#2f6690"), QColor("#d1495b"), QColor("#edae49")]
_GRID = QColor("#d0d0d0")
_TEXT = QColor("#222222")
_TITLE = QColor("#1f3b57")


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1, factor * power)
    return 10 * power


class _Chart(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(110)  # three stacked must fit a 768 px screen

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def _frame(self, painter: QPainter) -> QRectF:
        """Draws the background and title; returns the area left for the plot."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(_GRID))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(rect, 4, 4)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(_TITLE)
        metrics = QFontMetrics(font)
        title_rect = QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, metrics.height())
        painter.drawText(
            title_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(self.title, Qt.TextElideMode.ElideRight, int(title_rect.width())),
        )
        painter.setFont(self.font())
        return rect.adjusted(8, metrics.height() + 10, -8, -6)

    def _empty(self, painter: QPainter, area: QRectF) -> None:
        painter.setPen(QColor("#777777"))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)


class BarChart(_Chart):
    """Horizontal bars, one per label, with the value at the end of each bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.labels: list[str] = []
        self.values: list[float] = []

    def set_data(self, title: str, labels: list[str], values: list[float], empty_text: str = "") -> None:
        self.title, self.labels, self.values, self.empty_text = title, list(labels), list(values), empty_text
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        if not self.values or not any(self.values):
            self._empty(painter, area)
            painter.end()
            return
        metrics = QFontMetrics(self.font())
        label_w = min(area.width() * 0.42, max(metrics.horizontalAdvance(t) for t in self.labels) + 6)
        value_w = max(metrics.horizontalAdvance(format_number(v)) for v in self.values) + 8
        bar_x = area.left() + label_w + 4
        bar_room = max(10.0, area.right() - bar_x - value_w)
        row_h = min(26.0, area.height() / len(self.values))
        peak = max(self.values) or 1
        for i, (label, value) in enumerate(zip(self.labels, self.values)):
            top = area.top() + i * row_h
            painter.setPen(_TEXT)
            painter.drawText(
                QRectF(area.left(), top, label_w, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w)),
            )
            length = bar_room * value / peak
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SERIES_COLOURS[0])
            painter.drawRect(QRectF(bar_x, top + row_h * 0.18, max(length, 0), row_h * 0.64))
            painter.setPen(_TEXT)
            painter.drawText(
                QRectF(bar_x + length + 4, top, value_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                format_number(value),
            )
        painter.end()


class LineChart(_Chart):
    """Lines over the months, with a value grid and a legend."""

    def _legend_layout(self, metrics: QFontMetrics, area: QRectF) -> list[tuple[int, float, str, int]]:
        """(row, x, name, series index) of each legend entry, wrapping to a new row when the width runs out."""
        placed, row, x = [], 0, area.left() + 4
        for k, (name, _values) in enumerate(self.series):
            width = 18 + metrics.horizontalAdvance(name) + 18
            if x + width > area.right() and x > area.left() + 4:
                row, x = row + 1, area.left() + 4
            placed.append((row, x, name, k))
            x += width
        return placed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float]]] = []

    def set_data(
        self, title: str, labels: list[str], series: list[tuple[str, list[float]]], empty_text: str = ""
    ) -> None:
        self.title, self.labels, self.series, self.empty_text = title, list(labels), list(series), empty_text
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        area = self._frame(painter)
        values = [v for _name, vs in self.series for v in vs]
        if not values or not any(values):
            self._empty(painter, area)
            painter.end()
            return
        metrics = QFontMetrics(self.font())
        legend = self._legend_layout(metrics, area)
        legend_h = (max((row for row, _x, _name, _k in legend), default=0) + 1) * (metrics.height() + 2) + 2
        peak = max(values)
        step = nice_step(peak / 4)
        top_value = step * max(1, math.ceil(peak / step))
        axis_w = metrics.horizontalAdvance(format_number(top_value)) + 6
        plot = QRectF(
            area.left() + axis_w,
            area.top() + 4,
            area.width() - axis_w - 4,
            area.height() - metrics.height() - legend_h - 8,
        )
        ticks = round(top_value / step)
        for k in range(ticks + 1):
            y = plot.bottom() - plot.height() * k / ticks
            painter.setPen(QPen(_GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(_TEXT)
            painter.drawText(
                QRectF(area.left(), y - metrics.height() / 2, axis_w - 4, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_number(k * step),
            )
        n = max(1, len(self.labels))
        xs = [plot.left() + plot.width() * (i + 0.5) / n for i in range(n)]
        widest = max((metrics.horizontalAdvance(label) for label in self.labels), default=0) + 8
        label_every = max(1, math.ceil(widest * n / max(plot.width(), 1)))
        for i, label in enumerate(self.labels):
            if (n - 1 - i) % label_every:
                continue  # keep the latest month labelled
            painter.drawText(
                QRectF(xs[i] - 40, plot.bottom() + 2, 80, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter,
                label,
            )
        for k, (_name, vs) in enumerate(self.series):
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            painter.setPen(QPen(colour, 2.2))
            points = [QPointF(xs[i], plot.bottom() - plot.height() * v / top_value) for i, v in enumerate(vs)]
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
            painter.setBrush(colour)
            for p in points:
                painter.drawEllipse(p, 2.8, 2.8)
        top = area.bottom() - legend_h + 2
        for row, x, name, k in legend:
            y = top + row * (metrics.height() + 2)
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, y + metrics.height() / 2 - 4, 14, 8))
            painter.setPen(_TEXT)
            painter.drawText(
                QRectF(x + 18, y, metrics.horizontalAdvance(name) + 4, metrics.height()),
                Qt.AlignmentFlag.AlignVCenter,
                name,
            )
        painter.end()
