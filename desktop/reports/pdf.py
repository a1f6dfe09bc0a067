"""The summary as a one- or two-page A4 PDF: the figures table, then charts drawn with fpdf2's own lines and
rectangles. DejaVu Sans is embedded, so ә ғ қ ң ө ұ ү һ і print on any machine. No Qt: the server renders the
regional roll-up with the same code.
"""

from __future__ import annotations

import dataclasses
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
_SIZE = 7.5  # pt, a table line
_LINE = 3.3  # mm per line of text in a table cell
_PAD = 0.5  # mm above and below the text of a table row
_BARS_HEIGHT, _LINE_CHART_HEIGHT = 72, 70  # mm
_CHARTS_HEIGHT = _BARS_HEIGHT + 6 + _LINE_CHART_HEIGHT + 6


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
        # The charts begin a page, unless the table went on to one with room for them below it.
        if self.page_no() == 1 or self.get_y() + 6 + _CHARTS_HEIGHT > self.page_break_trigger:
            self.add_page()
        else:
            self.ln(6)
        self.charts_page()
        self.sign_off()

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
        """Shortens text with an ellipsis so it stays inside its cell (a chart's label only when no smaller font
        lets it wrap into its place; a table's label always wraps)."""
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

    def header_height(self, labels: list[str], widths: list[float], size: float = 7) -> float:
        self.set_font(_FONT, "B", size)
        line = 3.2 * size / 7
        return 1.5 + line * max(len(self.dry_lines(w, line, label)) for label, w in zip(labels, widths))

    def header_row(self, labels: list[str], widths: list[float], size: float = 7) -> None:
        height = self.header_height(labels, widths, size)
        self.set_font(_FONT, "B", size)
        self.set_fill_color(*_BLUE)
        self.set_text_color(255, 255, 255)
        x, y = self.get_x(), self.get_y()
        line = 3.2 * size / 7
        for label, width in zip(labels, widths):
            self.set_xy(x, y)
            self.rect(x, y, width, height, style="F")
            lines = self.dry_lines(width, line, label, align="C")
            self.set_xy(x, y + (height - line * len(lines)) / 2)
            self.multi_cell(width, line, label, align="C")
            x += width
        self.set_xy(self.l_margin, y + height)
        self.set_text_color(0, 0, 0)

    # ---- tables that wrap their labels and break pages with their rows kept together ----------------------------
    def line_height(self, line: _Line, widths: list[float]) -> float:
        if line.span:
            self.set_font(_FONT, "B" if line.bold[0] else "", _SIZE)
            return 2 * _PAD + _LINE * len(self.dry_lines(sum(widths), _LINE, line.cells[0], align="L"))
        most = 1
        for i, (text, width, bold) in enumerate(zip(line.cells, widths, line.bold)):
            self.set_font(_FONT, "B" if bold else "", _SIZE)
            indent = line.indent if i < line.labels else 0
            most = max(most, len(self.dry_lines(width - indent, _LINE, text, align="L")))
        return 2 * _PAD + _LINE * most

    def draw_line(self, line: _Line, widths: list[float], height: float) -> None:
        x, y = self.l_margin, self.get_y()
        if line.span:
            if line.fill:
                self.set_fill_color(*_LIGHT)
            self.rect(x, y, sum(widths), height, style="DF" if line.fill else "D")
            self.set_font(_FONT, "B" if line.bold[0] else "", _SIZE)
            self.set_xy(x, y + _PAD)
            self.multi_cell(sum(widths), _LINE, line.cells[0], align="L")
        else:
            for i, (text, width, align, bold) in enumerate(zip(line.cells, widths, line.aligns, line.bold)):
                self.rect(x, y, width, height)
                self.set_font(_FONT, "B" if bold else "", _SIZE)
                indent = line.indent if i < line.labels else 0
                self.set_xy(x + indent, y + _PAD)
                self.multi_cell(width - indent, _LINE, text, align=align)
                x += width
        self.set_xy(self.l_margin, y + height)

    def kept_table(
        self,
        widths: list[float],
        heads: list[str],
        sections: list[list[_Line]],
        title: str | None = None,
        tail: float = 0,
    ) -> None:
        """Draws the column headings, then each section's lines (its title first, if it has one). A page break
        repeats the headings and never leaves a section's title with fewer than 3 of its rows (or all it has)
        or one row alone at the top of a page: `keep` says how many lines must follow a line on its page.
        `tail` is the height of what must follow the last line on its page (the signatures after the last table:
        never alone on a page of their own)."""
        lines = _with_keeps(sections)
        heights = [self.line_height(line, widths) for line in lines]

        def need(i: int) -> float:
            """The height that must be free for line i: it, the lines it keeps, and the tail after the last."""
            end = i + lines[i].keep + 1
            return sum(heights[i:end]) + (tail if end >= len(lines) else 0)

        lead = (2 + 5) if title else 0
        first = self.header_height(heads, widths) + (need(0) if lines else tail)
        if self.get_y() + lead + first > self.page_break_trigger:
            self.add_page()
        if title:
            self.ln(2)
            self.set_font(_FONT, "B", 8.5)
            self.set_text_color(*_BLUE)
            self.multi_cell(0, 5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
        self.header_row(heads, widths)
        for i, line in enumerate(lines):
            if self.get_y() + need(i) > self.page_break_trigger:
                self.add_page()
                self.header_row(heads, widths)
            self.draw_line(line, widths, heights[i])

    def summary_table(self) -> None:
        value_w = 24 if len(self.langs) == 1 else 21
        label_ws = self.label_widths(self.epw - 3 * value_w)
        widths = label_ws + [value_w] * 3
        heads = [self.heads["indicator"][lang] for lang in self.langs] + [
            self.stacked(self.heads[k]) for k in ("current", "previous", "year_ago")
        ]
        sections = []
        for block in layout.summary_blocks(self.summary):
            lines = [_Line([self.joined(block.title)], ["L"], [True], span=True, fill=True)]
            # Items given and stock by item are listed on page 2, with received quantities beside them.
            rows = [
                row
                for row in block.rows
                if not (row.key.startswith(("given:", "stock:")) or row.key in ("items_given", "stock"))
            ]
            for i, row in enumerate(rows):
                heading = row.values == ("", "", "")
                has_parts = not row.level and i + 1 < len(rows) and rows[i + 1].level > 0
                lines.append(
                    _Line(
                        [row.label[lang] for lang in self.langs]
                        + [format_value(v, row.kind, self.value_lang) for v in row.values],
                        ["L"] * len(self.langs) + ["R"] * 3,
                        [heading] * len(self.langs) + [not row.level, False, False],
                        indent=3 if row.level else 0,
                        labels=len(self.langs),
                        keep=_HEADING_KEEPS if heading else (1 if has_parts else 0),
                    )
                )
            sections.append(lines)
        self.kept_table(widths, heads, sections)

    # ---- page 2: charts and the items table --------------------------------------------------------------------
    def charts_page(self) -> None:
        charts = {c.key: c for c in layout.charts(self.summary)}
        top = self.get_y()
        half = (self.epw - 6) / 2
        height = _BARS_HEIGHT
        self.bar_chart(charts["by_programme"], self.l_margin, top, half, height)
        self.bar_chart(charts["by_category"], self.l_margin + half + 6, top, half, height)
        self.line_chart(charts["series"], self.l_margin, top + height + 6, self.epw, _LINE_CHART_HEIGHT)
        self.set_xy(self.l_margin, top + _CHARTS_HEIGHT)
        self.items_table()

    def chart_title(self, title: dict[str, str], x: float, y: float, w: float) -> float:
        """Draws the title (each language on a line of its own, wrapped if longer); returns its height."""
        self.set_font(_FONT, "B", 8.5 if len(self.langs) == 1 else 7.5)
        self.set_text_color(*_BLUE)
        self.set_xy(x, y)
        for lang in self.langs:
            self.set_x(x)
            self.multi_cell(w, 4, title[lang], align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        return self.get_y() - y + 2

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
        avail = h - title_h - 4
        bar_h = min(5.5 * len(self.langs), avail / len(values))
        peak = max(values) or 1
        font_size = 6.5 if len(self.langs) == 1 else 5.5
        texts = [[label[lang] for lang in self.langs] for label in chart.labels]
        size, slots, lines = self.bar_labels(texts, label_w, bar_h, avail, font_size)
        by = top
        for label_lines, slot, value in zip(lines, slots, values):
            # The label beside its bar, vertically centred on it.
            self.set_font(_FONT, "", size)
            line_h = size * 0.42
            mid = by + slot / 2
            for k, line in enumerate(label_lines):
                self.set_xy(x + 1, mid - len(label_lines) * line_h / 2 + k * line_h)
                self.cell(label_w, line_h, line, align="R")
            self.set_fill_color(*_SERIES[0])
            length = area_w * value / peak
            if length > 0:
                self.rect(area_x, mid - bar_h * 0.3, length, bar_h * 0.6, style="F")
            self.set_xy(area_x + length + 0.5, mid - bar_h * 0.3)
            self.set_font(_FONT, "", font_size)
            self.cell(10, bar_h * 0.6, format_value(value, layout.COUNT, self.value_lang))
            by += slot

    def bar_labels(
        self, texts: list[list[str]], w: float, bar_h: float, avail: float, size: float
    ) -> tuple[float, list[float], list[list[str]]]:
        """The font size, the height of each bar's place and its label's lines: every language of a label wrapped
        onto as many lines as it needs, a bar's place growing to hold them; the font shrinks (to 3.5 pt) until
        all the places fit the chart, and only then is a label shortened (more bars than the chart can hold)."""
        while True:
            self.set_font(_FONT, "", size)
            line_h = size * 0.42
            lines = [
                [line for text in label for line in self.dry_lines(w, line_h, text, align="R")]
                for label in texts
            ]
            slots = [max(bar_h, len(label) * line_h / 0.85) for label in lines]
            if sum(slots) <= avail or size <= 3.5:
                break
            size -= 0.5
        if sum(slots) > avail:
            lines = [[self.fit(text, w) for text in label] for label in texts]
            slots = [bar_h] * len(texts)
        return size, slots, lines

    def line_chart(self, chart: layout.ChartData, x: float, y: float, w: float, h: float) -> None:
        self.set_draw_color(*_GRID)
        self.rect(x, y, w, h)
        title_h = self.chart_title(chart.title, x + 1, y + 1, w - 2)
        left, right, top = x + 14, x + w - 4, y + title_h + 3
        legend = self.legend(chart, left, right, y + h - 4)
        bottom = min(ly for _lx, ly, _label in legend) - 6
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
        for k, (lx, ly, label) in enumerate(legend):
            self.set_fill_color(*_SERIES[k % len(_SERIES)])
            self.rect(lx, ly + 1, 4, 2.2, style="F")
            self.set_xy(lx + 5, ly)
            self.cell(self.get_string_width(label) + 2, 4, label)
        self.set_draw_color(0, 0, 0)

    def legend(self, chart: layout.ChartData, left: float, right: float, bottom: float) -> list:
        """Where each series' key goes, (x, y, label): side by side, on a further line when the next would pass
        `right`; the last line ends at `bottom`."""
        self.set_font(_FONT, "", 6.5)
        rows: list[list[tuple[float, str]]] = [[]]
        lx = left
        for name, _values in chart.series:
            label = self.joined(name)
            width = self.get_string_width(label) + 7
            if rows[-1] and lx + width > right:
                rows.append([])
                lx = left
            rows[-1].append((lx, label))
            lx += width + 4
        return [(lx, bottom - 4 * (len(rows) - j), label) for j, row in enumerate(rows) for lx, label in row]

    def items_table(self) -> None:
        table = layout.items_table(self.summary)
        value_w = 26
        label_ws = self.label_widths(self.epw - value_w * len(table.columns))
        widths = label_ws + [value_w] * len(table.columns)
        heads = [self.heads["indicator"][lang] for lang in self.langs] + [
            self.stacked(c[0]) for c in table.columns
        ]
        lines = [
            _Line(
                [label[lang] for lang in self.langs]
                + [
                    format_value(value, kind, self.value_lang)
                    for value, (_h, kind) in zip(values, table.columns)
                ],
                ["L"] * len(self.langs) + ["R"] * len(table.columns),
                [False] * len(widths),
                labels=len(self.langs),
            )
            for label, values in table.rows
        ]
        if not lines:
            lines = [_Line([self.joined(both(N_("Nothing this month.")))], ["L"], [False], span=True)]
        self.kept_table(widths, heads, [lines], title=self.joined(table.title), tail=self.sign_off_height())

    # ---- the end: signed and stamped ---------------------------------------------------------------------------
    def sign_off_height(self) -> float:
        self.set_font(_FONT, "B", 9)
        signer = len(self.dry_lines(self.epw, 5, self.joined(layout.sign_off(self.summary)["signer"])))
        return 10 + 5 * signer + 10 + 0.8 + 3.5 * len(self.langs) + 6 + 5

    def sign_off(self) -> None:
        """The signer's title, lines for the name, the signature and the date, and the place of the stamp."""
        words = layout.sign_off(self.summary)
        captions = 3.5 * len(self.langs)
        if self.get_y() + self.sign_off_height() > self.page_break_trigger:
            self.add_page()  # not after the items table, which keeps its last rows with it
        self.ln(10)
        self.set_font(_FONT, "B", 9)
        self.multi_cell(0, 5, self.joined(words["signer"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 10  # the lines to write on
        x = self.l_margin
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.25)
        lines = (
            (words["full_name"], 80.0),
            (words["signature"], 50.0),
            (words["date"], self.epw - 80 - 50 - 12),
        )
        for caption, width in lines:
            if caption is words["date"]:  # the date is written in the gaps of «__» ____ 20__
                self.set_font(_FONT, "", 9)
                self.set_xy(x, y - 4.2)
                self.cell(width, 4.5, "«____» ________________ 20____", align="C")
            else:
                self.line(x, y, x + width, y)
            self.set_font(_FONT, "", 7)
            self.set_text_color(90, 90, 90)
            self.set_xy(x, y + 0.8)
            self.multi_cell(width, 3.5, self.stacked(caption), align="C")
            self.set_text_color(0, 0, 0)
            x += width + 6
        self.set_line_width(0.2)
        self.set_xy(self.l_margin, y + 0.8 + captions + 6)
        self.set_font(_FONT, "B", 9)
        self.cell(0, 5, self.joined(words["stamp"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


@dataclasses.dataclass
class _Line:
    """One line of a table as printed: a text per column, or (`span`) one text across the table."""

    cells: list[str]
    aligns: list[str]
    bold: list[bool]
    span: bool = False
    fill: bool = False  # a section's title, on a light ground
    indent: float = 0  # mm before the label columns' text (a breakdown under the row above)
    labels: int = 0  # how many columns from the left are labels (indented)
    keep: int = 0  # how many lines after this one must be on its page (a sub-heading's, a total's breakdown)


_TITLE_KEEPS = 3  # rows kept with a section's title
_HEADING_KEEPS = 2  # rows kept with a sub-heading


def _with_keeps(sections: list[list[_Line]]) -> list[_Line]:
    """The lines of every section in order, each with `keep` set: a section's title stays with its first three
    rows, a sub-heading with two, a total with its first breakdown line, and the last row of a section is never
    left alone (the one before it keeps it)."""
    out: list[_Line] = []
    for lines in sections:
        n = len(lines)
        for i, line in enumerate(lines):
            after = n - i - 1
            keep = _TITLE_KEEPS if line.span and line.fill else line.keep
            if after == 1:
                keep = max(keep, 1)
            line.keep = min(keep, after)
            out.append(line)
    return out


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
