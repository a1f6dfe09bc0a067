"""This month so far: the same figures and charts as the monthly report, counted up to today."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop import clock
from desktop.formats import format_month
from desktop.i18n import _
from desktop.periods import month_key
from desktop.reports.submission import months_awaiting_submission, reminder_text
from desktop.reports.summary import MonthlySummary, build_summary
from ui.ops import ReadOp
from ui.reports.summary_view import SummaryView


class DashboardPage(QWidget):
    # Asks the section to open the monthly report of a month (YYYY-MM).
    report_requested = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.summary: MonthlySummary | None = None
        self._awaiting: list[str] = []  # months not submitted, read when the page is shown
        self._stale = True
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel(self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        top.addWidget(self.heading)
        top.addStretch(1)
        self.reminder_label = QLabel(self)
        self.reminder_label.setStyleSheet("color: #b35c00; font-weight: bold;")
        # Long in Kazakh: let it wrap rather than widen the window past a laptop screen.
        self.reminder_label.setWordWrap(True)
        self.reminder_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reminder_button = QPushButton(self)
        self.reminder_button.clicked.connect(self._on_reminder_button_clicked)
        top.addWidget(self.reminder_label)
        top.addWidget(self.reminder_button)
        outer.addLayout(top)
        self.view = SummaryView(self)
        outer.addWidget(self.view, 1)
        ctx.data_changed.connect(self._on_ctx_data_changed)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("This month so far: {month}").format(month=format_month(clock.today())))
        self.reminder_button.setText(_("Open the report"))
        self.view.retranslate_ui()
        self._show_reminder()

    def refresh(self) -> None:
        self._read_awaiting()
        if self._stale:
            self.load()

    def load(self) -> None:
        self._stale = False
        month = month_key(clock.today())
        ReadOp(self.ctx, lambda store: build_summary(store, month), parent=self).success(
            self._on_summary_ready
        ).latest("summary").run()

    def _read_awaiting(self) -> None:
        ReadOp(self.ctx, months_awaiting_submission, parent=self).success(self._on_awaiting_read).latest(
            "awaiting"
        ).run()

    def _on_awaiting_read(self, months: list[str]) -> None:
        self._awaiting = months
        self._show_reminder()

    def _on_summary_ready(self, summary: MonthlySummary) -> None:
        self.summary = summary
        self.view.set_summary(summary)

    def _on_ctx_data_changed(self, table: str) -> None:
        if table == "monthly_reports":
            self._read_awaiting()
        else:
            self._stale = True

    def _show_reminder(self) -> None:
        text = reminder_text(self._awaiting)
        self.reminder_label.setText(text or "")
        self.reminder_label.setVisible(bool(text))
        self.reminder_button.setVisible(bool(text))

    def _on_reminder_button_clicked(self) -> None:
        if self._awaiting:
            self.report_requested.emit(self._awaiting[-1])
