"""The summary as a one- or two-page A4 PDF: the figures table, then charts drawn with fpdf2's own lines and
rectangles. DejaVu Sans is embedded, so ә ғ қ ң ө ұ ү һ і print on any machine. No Qt: the server renders the
regional roll-up with the same code.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import cast

from babel import dates as babel_dates
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from desktop.formats import babel_locale
from desktop.i18n import N_
from desktop.paths import fonts_dir
from desktop.periods import parse_month
from desktop.reports import layout
from desktop.reports.layout import LANGUAGE_CHOICES, both, format_value, join
from desktop.reports.summary import MonthlySummary

_BLUE = (31, 59, 87)
_LIGHT = (220, 230, 240)
_GRID = (200, 200, 200)
_SERIES = [(47, 102, 144), (209, 73, 91), (237, 174, 73)]
_FONT = "DejaVu"
_ROW = 4.3  # mm per table row


def write_pdf(summary: MonthlySummary, path: str | Path, lang: str = "kk") -> Path:
    path = Path(path)
    pdf = _Report(summary, LANGUAGE_CHOICES[lang])
    pdf.build()
    pdf.output(str(path))
    return path


class _Report(FPDF):
    def __init__(self, summary: MonthlySummary, langs: tuple[str, ...]):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.summary, self.langs = summary, langs
        self.heads = layout.headings(summary)
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(True, margin=12)
        self.add_font(_FONT, "", str(fonts_dir() / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(fonts_dir() / "DejaVuSans-Bold.ttf"))
        self.set_title(self.joined(self.heads["title"]))
        self.set_creator("Dostyq")
        self.value_lang = langs[0]

    def joined(self, label: dict[str, str]) -> str:
        return join(label, self.langs)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(_FONT, "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"{self.joined(self.heads['org'])} · {self.joined(self.heads['month'])}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def build(self) -> None:
        self.add_page()
        self.heading()
        self.summary_table()
        self.add_page()
        self.charts_page()

    # ---- page 1: heading and the figures ------------------------------------------------------------------------
    def heading(self) -> None:
        self.set_text_color(*_BLUE)
        self.set_font(_FONT, "B", 15)
        self.cell(0, 8, self.joined(self.heads["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(_FONT, "", 10.5)
        self.cell(0, 5.5, self.joined(self.heads["org"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "B", 10.5)
        self.cell(0, 5.5, self.joined(self.heads["month"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, "", 7)
        self.set_text_color(90, 90, 90)
        for lang in self.langs:
            self.cell(
                0,
                3.6,
                f"{self.heads['generated'][lang]}. {self.heads['no_personal'][lang]}",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        if self.heads["houses"]:
            self.set_text_color(0, 0, 0)
            self.set_font(_FONT, "B", 7.5)
            for lang in self.langs:
                self.multi_cell(0, 3.8, self.heads["houses"][lang], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def label_widths(self, total: float) -> list[float]:
        return [total / len(self.langs)] * len(self.langs)

    def fit(self, text: str, width: float) -> str:
        """Shortens text with an ellipsis so it stays inside its cell."""
        if self.get_string_width(text) <= width - 1.5:
            return text
        while text and self.get_string_width(text + "…") > width - 1.5:
            text = text[:-1]
        return text + "…"

    def stacked(self, label: dict[str, str]) -> str:
        """One line per language (column headings in a bilingual report)."""
        return join(label, self.langs, "\n")

    def dry_lines(self, w: float, h: float, label: str, align: str | Align = Align.J) -> list[str]:
        """The lines `label` would take in a cell `w` wide, without writing it."""
        # With output="LINES" alone multi_cell returns the list of lines; fpdf2 annotates the union of every output.
        return cast(list[str], self.multi_cell(w, h, label, align=align, dry_run=True, output="LINES"))

    def header_row(self, labels: list[str], widths: list[float], size: float = 7) -> None:
        self.set_font(_FONT, "B", size)
        self.set_fill_color(*_BLUE)
        self.set_text_color(255, 255, 255)
        x, y = self.get_x(), self.get_y()
        line = 3.2 * size / 7
        height = 1.5 + line * max(len(self.dry_lines(w, line, label)) for label, w in zip(labels, widths))
        for label, width in zip(labels, widths):
            self.set_xy(x, y)
            self.rect(x, y, width, height, style="F")
            lines = self.dry_lines(width, line, label, align="C")
            self.set_xy(x, y + (height - line * len(lines)) / 2)
            self.multi_cell(width, line, label, align="C")
            x += width
        self.set_xy(self.l_margin, y + height)
        self.set_text_color(0, 0, 0)

    def summary_table(self) -> None:
        value_w = 24 if len(self.langs) == 1 else 21
        label_ws = self.label_widths(self.epw - 3 * value_w)
        widths = label_ws + [value_w] * 3
        heads = [self.heads["indicator"][lang] for lang in self.langs] + [
            self.stacked(self.heads[k]) for k in ("current", "previous", "year_ago")
        ]
        self.header_row(heads, widths)
        for block in layout.summary_blocks(self.summary):
            self.set_font(_FONT, "B", 7.5)
            self.set_fill_color(*_LIGHT)
            self.cell(
                sum(widths),
                _ROW,
                self.fit(self.joined(block.title), sum(widths)),
                border=1,
                fill=True,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            for row in block.rows:
                # Items given and stock by item are listed on page 2, with received quantities beside them.
                if row.key.startswith(("given:", "stock:")) or row.key in ("items_given", "stock"):
                    continue
                heading = row.values == ("", "", "")
                self.set_font(_FONT, "B" if heading else "", 7.5)
                for lang, width in zip(self.langs, label_ws):
                    indent = "    " if row.level else ""
                    self.cell(width, _ROW, self.fit(indent + row.label[lang], width), border=1)
                for j, value in enumerate(row.values):
                    self.set_font(_FONT, "B" if j == 0 and not row.level else "", 7.5)
                    self.cell(
                        value_w, _ROW, format_value(value, row.kind, self.value_lang), border=1, align="R"
                    )
                self.ln(_ROW)

    # ---- page 2: charts and the items table --------------------------------------------------------------------
    def charts_page(self) -> None:
        charts = {c.key: c for c in layout.charts(self.summary)}
        top = self.get_y()
        half = (self.epw - 6) / 2
        height = 72
        self.bar_chart(charts["by_programme"], self.l_margin, top, half, height)
        self.bar_chart(charts["by_category"], self.l_margin + half + 6, top, half, height)
        self.line_chart(charts["series"], self.l_margin, top + height + 6, self.epw, 70)
        self.set_xy(self.l_margin, top + height + 6 + 70 + 6)
        self.items_table()

    def chart_title(self, title: dict[str, str], x: float, y: float, w: float) -> float:
        """Draws the title (one line per language); returns its height."""
        self.set_font(_FONT, "B", 8.5 if len(self.langs) == 1 else 7.5)
        self.set_text_color(*_BLUE)
        for i, lang in enumerate(self.langs):
            self.set_xy(x, y + i * 4)
            self.cell(w, 4.5, self.fit(title[lang], w))
        self.set_text_color(0, 0, 0)
        return 4 * len(self.langs) + 2

    def bar_chart(self, chart: layout.ChartData, x: float, y: float, w: float, h: float) -> None:
        self.set_draw_color(*_GRID)
        self.rect(x, y, w, h)
        title_h = self.chart_title(chart.title, x + 1, y + 1, w - 2)
        values = chart.series[0][1]
        if not values or not any(values):
            self.set_font(_FONT, "", 7.5)
            self.set_xy(x, y + h / 2 - 2)
            self.cell(w, 4, self.joined(both(N_("Nothing this month."))), align="C")
            return
        label_w = w * 0.42
        area_x, area_w = x + label_w + 2, w - label_w - 12
        top = y + title_h + 2
        bar_h = min(5.5 * len(self.langs), (h - title_h - 4) / len(values))
        peak = max(values) or 1
        font_size = 6.5 if len(self.langs) == 1 else 5.5
        line_h = bar_h * 0.8 / len(self.langs)
        for i, (label, value) in enumerate(zip(chart.labels, values)):
            by = top + i * bar_h
            self.set_font(_FONT, "", min(font_size, line_h * 2.4))
            for k, lang in enumerate(self.langs):
                self.set_xy(x + 1, by + k * line_h)
                self.cell(label_w, line_h, self.fit(label[lang], label_w), align="R")
            self.set_fill_color(*_SERIES[0])
            length = area_w * value / peak
            if length > 0:
                self.rect(area_x, by + bar_h * 0.1, length, bar_h * 0.6, style="F")
            self.set_xy(area_x + length + 0.5, by + bar_h * 0.1)
            self.set_font(_FONT, "", font_size)
            self.cell(10, bar_h * 0.6, format_value(value, layout.COUNT, self.value_lang))

    def line_chart(self, chart: layout.ChartData, x: float, y: float, w: float, h: float) -> None:
        self.set_draw_color(*_GRID)
        self.rect(x, y, w, h)
        title_h = self.chart_title(chart.title, x + 1, y + 1, w - 2)
        left, right, top, bottom = x + 14, x + w - 4, y + title_h + 3, y + h - 14
        peak = max((max(values) for _name, values in chart.series if values), default=0)
        step = _nice_step(peak / 4 if peak else 1)
        top_value = max(step * 4, step * math.ceil(peak / step)) if peak else 4 * step
        self.set_font(_FONT, "", 6)
        self.set_line_width(0.1)
        ticks = round(top_value / step)
        for k in range(ticks + 1):
            value = k * step
            ty = bottom - (bottom - top) * value / top_value
            self.set_draw_color(*_GRID)
            self.line(left, ty, right, ty)
            self.set_xy(x + 1, ty - 1.5)
            self.cell(left - x - 2, 3, format_value(value, layout.COUNT, self.value_lang), align="R")
        n = len(chart.labels)
        xs = [left + (right - left) * (i + 0.5) / n for i in range(n)]
        for i, month in enumerate(self.summary.series):
            self.set_xy(xs[i] - 8, bottom + 1)
            self.cell(16, 3, _short_month(month["month"], self.value_lang), align="C")
        self.set_line_width(0.6)
        for k, (_name, values) in enumerate(chart.series):
            colour = _SERIES[k % len(_SERIES)]
            self.set_draw_color(*colour)
            self.set_fill_color(*colour)
            points = [(xs[i], bottom - (bottom - top) * v / top_value) for i, v in enumerate(values)]
            for (x1, y1), (x2, y2) in itertools.pairwise(points):
                self.line(x1, y1, x2, y2)
            for px, py in points:
                self.ellipse(px - 0.8, py - 0.8, 1.6, 1.6, style="F")
        self.set_line_width(0.2)
        lx = left
        self.set_font(_FONT, "", 6.5)
        for k, (name, _values) in enumerate(chart.series):
            colour = _SERIES[k % len(_SERIES)]
            self.set_fill_color(*colour)
            self.rect(lx, y + h - 7, 4, 2.2, style="F")
            label = self.joined(name)
            self.set_xy(lx + 5, y + h - 8)
            self.cell(self.get_string_width(label) + 2, 4, label)
            lx += self.get_string_width(label) + 11
        self.set_draw_color(0, 0, 0)

    def items_table(self) -> None:
        table = layout.items_table(self.summary)
        self.set_font(_FONT, "B", 8.5)
        self.set_text_color(*_BLUE)
        self.cell(0, 5, self.joined(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        value_w = 26
        label_ws = self.label_widths(self.epw - value_w * len(table.columns))
        widths = label_ws + [value_w] * len(table.columns)
        heads = [self.heads["indicator"][lang] for lang in self.langs] + [
            self.stacked(c[0]) for c in table.columns
        ]
        self.header_row(heads, widths)
        self.set_font(_FONT, "", 7.5)
        if not table.rows:
            self.cell(
                sum(widths),
                _ROW,
                self.joined(both(N_("Nothing this month."))),
                border=1,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        for label, values in table.rows:
            for lang, width in zip(self.langs, label_ws):
                self.cell(width, _ROW, self.fit(label[lang], width), border=1)
            for value, (_head, kind) in zip(values, table.columns):
                self.cell(value_w, _ROW, format_value(value, kind, self.value_lang), border=1, align="R")
            self.ln(_ROW)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw` (round axis ticks)."""
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1, factor * power)
    return 10 * power


def _short_month(month: str, lang: str) -> str:
    day = parse_month(month)
    names = babel_dates.get_month_names("abbreviated", context="stand-alone", locale=babel_locale(lang))
    return f"{names[day.month]} {day.year % 100:02d}"
