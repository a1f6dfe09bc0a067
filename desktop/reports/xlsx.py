"""The summary as an Excel workbook: a print-ready summary sheet, one sheet per area, native Excel charts.

Every figure is written as a number with a number format (never as text), so the region can sum and chart it.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from desktop import spreadsheet
from desktop.i18n import N_
from desktop.reports import layout
from desktop.reports.layout import COUNT, HOURS, LANGUAGE_CHOICES, MONEY, QUANTITY, both, join
from desktop.reports.summary import MonthlySummary

_FORMATS = {COUNT: "#,##0", HOURS: "#,##0.0", MONEY: '#,##0 "₸"', QUANTITY: "#,##0.###"}
_BLUE, _LIGHT = "#1F3B57", "#DCE6F0"


def write_xlsx(summary: MonthlySummary, path: str | Path, lang: str = "kk") -> Path:
    langs = LANGUAGE_CHOICES[lang]
    path = Path(path)
    workbook = spreadsheet.workbook(path, {"constant_memory": False})
    try:
        _Writer(workbook, summary, langs).write()
    finally:
        workbook.close()
    return path


class _Writer:
    def __init__(self, workbook, summary: MonthlySummary, langs: tuple[str, ...]):
        self.wb, self.summary, self.langs = workbook, summary, langs
        self.heads = layout.headings(summary)
        font = {"font_name": "Arial", "font_size": 10}
        self.f = {
            "title": workbook.add_format({**font, "bold": True, "font_size": 14, "font_color": _BLUE}),
            "sub": workbook.add_format({**font, "font_size": 11}),
            "note": workbook.add_format({**font, "italic": True, "font_color": "#555555", "font_size": 9}),
            "head": workbook.add_format(
                {
                    **font,
                    "bold": True,
                    "bg_color": _BLUE,
                    "font_color": "white",
                    "text_wrap": True,
                    "valign": "vcenter",
                    "border": 1,
                }
            ),
            "block": workbook.add_format({**font, "bold": True, "bg_color": _LIGHT, "border": 1}),
            "label": workbook.add_format({**font, "border": 1, "text_wrap": True}),
            "label1": workbook.add_format({**font, "border": 1, "indent": 2, "text_wrap": True}),
            "empty": workbook.add_format({**font, "border": 1}),
        }
        self.nums = {}
        for kind, num_format in _FORMATS.items():
            for bold in (False, True):
                self.nums[kind, bold] = workbook.add_format(
                    {**font, "num_format": num_format, "border": 1, "bold": bold}
                )
        self.nums["fraction", False] = workbook.add_format({**font, "num_format": "#,##0.0##", "border": 1})

    def text(self, label: dict[str, str]) -> str:
        return join(label, self.langs)

    def month_heads(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """The headings of the three value columns: this month, the month before, a year ago."""
        return self.heads["current"], self.heads["previous"], self.heads["year_ago"]

    def sheet(self, title: dict[str, str]):
        name = title[self.langs[0]][:31]
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        ws = self.wb.add_worksheet(name)
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.fit_to_pages(1, 0)
        ws.set_footer(f"&L{self.text(self.heads['org'])}&R&P / &N")
        return ws

    def number(self, ws, row: int, col: int, value, kind: str, bold: bool = False) -> None:
        if value == "" or value is None:
            ws.write_blank(row, col, None, self.f["empty"])
            return
        fmt = self.nums[kind, bold]
        if kind == QUANTITY and isinstance(value, float) and not value.is_integer():
            fmt = self.nums["fraction", False]
        ws.write_number(row, col, value, fmt)

    def header(self, ws, width: int) -> int:
        """Title lines at the top of a sheet; returns the next free row."""
        ws.write(0, 0, self.text(self.heads["title"]), self.f["title"])
        ws.write(1, 0, self.text(self.heads["org"]), self.f["sub"])
        ws.write(2, 0, self.text(self.heads["month"]), self.f["sub"])
        ws.write(
            3,
            0,
            f"{self.text(self.heads['generated'])}. {self.text(self.heads['no_personal'])}",
            self.f["note"],
        )
        if self.heads["houses"]:
            ws.write(4, 0, self.text(self.heads["houses"]), self.f["sub"])
            return 6
        return 5

    def label_columns(self, ws, first_width: int = 46) -> int:
        for i, _lang in enumerate(self.langs):
            ws.set_column(i, i, first_width)
        return len(self.langs)

    def write(self) -> None:
        self.write_summary()
        self.write_events()
        self.write_volunteers()
        self.write_aid()
        self.write_donations()
        self.write_trend()

    # ---- the summary sheet ---------------------------------------------------------------------------------
    def write_summary(self) -> None:
        ws = self.sheet(layout.both(N_("Summary")))
        ws.set_landscape() if len(self.langs) > 1 else ws.set_portrait()
        n = self.label_columns(ws)
        ws.set_column(n, n + 2, 16)
        row = self.header(ws, n + 3)
        for i, lang in enumerate(self.langs):
            ws.write(row, i, self.heads["indicator"][lang], self.f["head"])
        for j, label in enumerate(self.month_heads()):
            ws.write(row, n + j, self.text(label), self.f["head"])
        ws.set_row(row, 30)
        ws.repeat_rows(row)
        ws.freeze_panes(row + 1, n)
        row += 1
        for block in layout.summary_blocks(self.summary):
            for i, lang in enumerate(self.langs):
                ws.write(row, i, block.title[lang], self.f["block"])
            for j in range(3):
                ws.write_blank(row, n + j, None, self.f["block"])
            row += 1
            for r in block.rows:
                heading = r.values == ("", "", "")
                for i, lang in enumerate(self.langs):
                    ws.write(row, i, r.label[lang], self.f["label1" if r.level else "label"])
                for j, value in enumerate(r.values):
                    self.number(ws, row, n + j, value, r.kind, bold=not r.level and not heading and j == 0)
                row += 1
        ws.print_area(0, 0, row, n + 2)

    # ---- area sheets ---------------------------------------------------------------------------------------
    def table(self, ws, row: int, table: layout.Table) -> tuple[int, int, int]:
        """Writes a breakdown table; returns (first data row, last data row, next free row)."""
        n = len(self.langs)
        ws.write(row, 0, self.text(table.title), self.f["title"])
        row += 1
        for i, lang in enumerate(self.langs):
            ws.write(row, i, (table.row_heading or self.heads["indicator"])[lang], self.f["head"])
        for j, (label, _kind) in enumerate(table.columns):
            ws.write(row, n + j, self.text(label), self.f["head"])
        ws.set_row(row, 30)
        row += 1
        first = row
        for label, values in table.rows:
            for i, lang in enumerate(self.langs):
                ws.write(row, i, label[lang], self.f["label"])
            for j, value in enumerate(values):
                self.number(ws, row, n + j, value, table.columns[j][1])
            row += 1
        if not table.rows:
            ws.write(row, 0, self.text(both(N_("Nothing this month."))), self.f["note"])
            row += 1
        return first, row - 1, row + 1

    def bar_chart(
        self,
        ws,
        sheet_name: str,
        title: dict,
        first: int,
        last: int,
        value_col: int,
        anchor: str,
        series_name: dict,
    ) -> None:
        if last < first:
            return
        chart = self.wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": self.text(series_name),
                "categories": [sheet_name, first, 0, last, 0],
                "values": [sheet_name, first, value_col, last, value_col],
                "fill": {"color": "#2F6690"},
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": self.text(title), "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})  # first category on top, as in the table
        chart.set_size({"width": 620, "height": max(220, 40 + 28 * (last - first + 1))})
        ws.insert_chart(anchor, chart)

    def write_events(self) -> None:
        ws = self.sheet(layout.both(N_("Events")))
        n = self.label_columns(ws, 34)
        ws.set_column(n, n + 8, 14)
        row = self.header(ws, n + 1)
        row = self.block_table(ws, row, "events")
        table = layout.kind_table(self.summary)
        first, last, row = self.table(ws, row, table)
        self.bar_chart(
            ws,
            ws.get_name(),
            table.title,
            first,
            last,
            n,
            xl_rowcol_to_cell(row, 0),
            layout.both(N_("Events")),
        )

    def write_volunteers(self) -> None:
        ws = self.sheet(layout.both(N_("Volunteers")))
        n = self.label_columns(ws, 40)
        ws.set_column(n, n + 2, 16)
        row = self.header(ws, n + 3)
        self.block_table(ws, row, "volunteers")

    def write_aid(self) -> None:
        ws = self.sheet(layout.both(N_("Humanitarian aid")))
        ws.set_landscape()
        n = self.label_columns(ws, 30)
        ws.set_column(n, n + 8, 12)
        row = self.header(ws, n + 8)
        row = self.block_table(ws, row, "aid")
        prog = layout.programme_table(self.summary)
        p_first, p_last, row = self.table(ws, row, prog)
        cat = layout.category_table(self.summary)
        c_first, c_last, row = self.table(ws, row, cat)
        people = layout.both(N_("People reached"))
        self.bar_chart(
            ws,
            ws.get_name(),
            layout.both(N_("People reached by programme")),
            p_first,
            p_last,
            n + 1,
            xl_rowcol_to_cell(row + 1, 0),
            people,
        )
        self.bar_chart(
            ws,
            ws.get_name(),
            layout.both(N_("People reached by recipient category")),
            c_first,
            c_last,
            n + 1,
            xl_rowcol_to_cell(row + 1, n + 3),
            people,
        )

    def write_donations(self) -> None:
        ws = self.sheet(layout.both(N_("Donations and stock")))
        n = self.label_columns(ws, 36)
        ws.set_column(n, n + 2, 16)
        row = self.header(ws, n + 3)
        row = self.block_table(ws, row, "donations", with_breakdown=False)
        row = self.block_table(ws, row, "groups")
        self.table(ws, row, layout.items_table(self.summary))

    def write_trend(self) -> None:
        ws = self.sheet(layout.both(N_("The last 12 months")))
        ws.set_landscape()
        n = self.label_columns(ws, 22)
        ws.set_column(n, n + 7, 14)
        row = self.header(ws, n + 7)
        table = layout.series_table(self.summary)
        first, last, row = self.table(ws, row, table)
        chart = self.wb.add_chart({"type": "line"})
        colours = ["#2F6690", "#D1495B", "#EDAE49"]
        for k, column in enumerate((2, 1, 5)):  # people reached, attendance, volunteer hours
            chart.add_series(
                {
                    "name": [ws.get_name(), first - 1, n + column],
                    "categories": [ws.get_name(), first, 0, last, 0],
                    "values": [ws.get_name(), first, n + column, last, n + column],
                    "line": {"color": colours[k], "width": 2.25},
                    "marker": {
                        "type": "circle",
                        "size": 5,
                        "fill": {"color": colours[k]},
                        "border": {"color": colours[k]},
                    },
                }
            )
        chart.set_title({"name": self.text(table.title), "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 860, "height": 340})
        ws.insert_chart(xl_rowcol_to_cell(row, 0), chart)

    def block_table(self, ws, row: int, key: str, with_breakdown: bool = True) -> int:
        """One block of the summary (this month, last month, a year ago) at the top of its area sheet."""
        block = next(b for b in layout.summary_blocks(self.summary) if b.key == key)
        n = len(self.langs)
        for i, lang in enumerate(self.langs):
            ws.write(row, i, self.heads["indicator"][lang], self.f["head"])
        for j, label in enumerate(self.month_heads()):
            ws.write(row, n + j, self.text(label), self.f["head"])
        ws.set_row(row, 30)
        row += 1
        rows = block.rows
        if not with_breakdown:
            rows = [r for r in rows if not r.level and r.values != ("", "", "")]
        for r in rows:
            for i, lang in enumerate(self.langs):
                ws.write(row, i, r.label[lang], self.f["label1" if r.level else "label"])
            for j, value in enumerate(r.values):
                self.number(ws, row, n + j, value, r.kind)
            row += 1
        return row + 1
