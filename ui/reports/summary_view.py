"""A summary on screen: the figures table beside the three charts (by programme, by category, 12 months)."""

from __future__ import annotations

from babel import dates as babel_dates
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QTableView, QVBoxLayout, QWidget

from desktop.formats import babel_locale
from desktop.i18n import _
from desktop.periods import parse_month
from desktop.reports import layout
from desktop.reports.summary import MonthlySummary
from ui.reports.charts import BarChart, LineChart
from ui.reports.figures_model import FiguresModel, ui_lang


def short_month(month: str) -> str:
    day = parse_month(month)
    names = babel_dates.get_month_names("abbreviated", context="stand-alone", locale=babel_locale())
    return f"{names[day.month]} {day.year % 100:02d}"


class SummaryView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary: MonthlySummary | None = None
        layout_ = QHBoxLayout(self)
        layout_.setContentsMargins(0, 0, 0, 0)
        self.model = FiguresModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("figures")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        # Each row as tall as its wrapped label at the column's width of the moment: never cut.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)  # long indicator names wrap rather than being cut
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout_.addWidget(self.table, 3)
        charts = QVBoxLayout()
        self.programme_chart = BarChart(self)
        self.category_chart = BarChart(self)
        self.series_chart = LineChart(self)
        charts.addWidget(self.programme_chart, 3)
        charts.addWidget(self.category_chart, 4)
        charts.addWidget(self.series_chart, 4)
        layout_.addLayout(charts, 2)

    def set_summary(self, summary: MonthlySummary | None) -> None:
        self.summary = summary
        self.model.set_summary(summary)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.model.retranslate()  # the rows fit their labels by themselves (ResizeToContents)
        if self.summary is None:
            return
        lang = ui_lang()
        nothing = _("Nothing this month.")
        charts = {c.key: c for c in layout.charts(self.summary)}
        for widget, key in ((self.programme_chart, "by_programme"), (self.category_chart, "by_category")):
            chart = charts[key]
            widget.set_data(
                chart.title[lang], [label[lang] for label in chart.labels], chart.series[0][1], nothing
            )
        chart = charts["series"]
        self.series_chart.set_data(
            chart.title[lang],
            [short_month(p["month"]) for p in self.summary.series],
            [(name[lang], values) for name, values in chart.series],
            nothing,
        )
