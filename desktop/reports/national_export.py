"""The national roll-up in the four formats, with the region level between the country and the houses.

- XLSX: the national summary (as a regional one), then the sheet "By region and house": each region's subtotal
  with its houses below it, the national total last, the HEADLINE figures of this month as numbers.
- PDF: the national summary page, then the same table on landscape pages, then the charts.
- CSV: every figure of every line (national, region, house) with its level, region and house.
- HXL: the rows of the regional HXL for every line, tagged #adm1 (region) and #org (house), with #meta+level.
"""

from __future__ import annotations

from pathlib import Path

from fpdf.enums import XPos, YPos

from desktop.i18n import N_
from desktop.reports import csv_export, hxl, pdf, xlsx
from desktop.reports.layout import LANGUAGE_CHOICES, both, format_value, join, tr
from desktop.reports.national import (
    HOUSE,
    NATIONAL,
    REGION,
    Line,
    NationalRollup,
    headline_labels,
    headline_values,
    level_label,
    status_label,
)
from desktop.spreadsheet import csv_writer

_ROW = 4.3  # mm per line of the by-region table (one line of text per language)

BREAKDOWN_TITLE = N_("By region and house")


# ---- XLSX -------------------------------------------------------------------------------------------------------
class _NationalWorkbook(xlsx._Writer):
    def __init__(self, workbook, national: NationalRollup, langs: tuple[str, ...]):
        super().__init__(workbook, national.summary, langs)
        self.national = national
        self.f["region"] = workbook.add_format(
            {"font_name": "Arial", "font_size": 10, "bold": True, "bg_color": xlsx._LIGHT, "border": 1}
        )

    def write(self) -> None:
        self.write_summary()
        self.write_breakdown()
        self.write_events()
        self.write_volunteers()
        self.write_aid()
        self.write_donations()
        self.write_trend()

    def write_breakdown(self) -> None:
        ws = self.sheet(both(BREAKDOWN_TITLE))
        ws.set_landscape()
        columns = headline_labels()
        ws.set_column(0, 0, 10)  # level
        ws.set_column(1, 1, 12)  # code
        ws.set_column(2, 2 + len(self.langs) - 1, 40)
        first_value = 2 + len(self.langs) + 1
        ws.set_column(first_value - 1, first_value - 1, 22)  # status
        ws.set_column(first_value, first_value + len(columns) - 1, 13)
        row = self.header(ws, first_value + len(columns))
        heads = [self.text(both(N_("Level"))), self.text(both(N_("Code")))]
        heads += [tr(lg, N_("Region or house")) for lg in self.langs]
        heads += [self.text(both(N_("Reports")))] + [self.text(label) for label, _kind in columns]
        for col, text in enumerate(heads):
            ws.write(row, col, text, self.f["head"])
        ws.set_row(row, 45)
        ws.repeat_rows(row)
        ws.freeze_panes(row + 1, 2 + len(self.langs))
        row += 1
        for line in self.national.lines:
            bold = line.level != HOUSE
            label_format = self.f["region"] if bold else self.f["label1"]
            ws.write(row, 0, self.text(level_label(line.level)), label_format)
            ws.write(row, 1, line.code, label_format)
            for i, lang in enumerate(self.langs):
                ws.write(row, 2 + i, line.label[lang], label_format)
            ws.write(row, first_value - 1, self.text(status_label(line)), label_format)
            for j, (value, (_label, kind)) in enumerate(zip(headline_values(line.summary), columns)):
                self.number(ws, row, first_value + j, value, kind, bold=bold)
            row += 1
        ws.print_area(0, 0, row, first_value + len(columns) - 1)


def write_national_xlsx(national: NationalRollup, path: str | Path, lang: str = "kk") -> Path:
    from desktop import spreadsheet

    path = Path(path)
    workbook = spreadsheet.workbook(path, {"constant_memory": False})
    try:
        _NationalWorkbook(workbook, national, LANGUAGE_CHOICES[lang]).write()
    finally:
        workbook.close()
    return path


# ---- PDF --------------------------------------------------------------------------------------------------------
class _NationalReport(pdf._Report):
    def __init__(self, national: NationalRollup, langs: tuple[str, ...]):
        super().__init__(national.summary, langs)
        self.national = national

    def build(self) -> None:
        self.add_page()
        self.heading()
        self.summary_table()
        self.add_page(orientation="L")
        self.breakdown_table()
        self.add_page(orientation="P")
        self.charts_page()

    def breakdown_table(self) -> None:
        self.set_font(pdf._FONT, "B", 10)
        self.set_text_color(*pdf._BLUE)
        self.cell(0, 6, self.joined(both(BREAKDOWN_TITLE)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(pdf._FONT, "", 8)
        self.cell(0, 4.5, self.joined(self.heads["month"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        columns = headline_labels()
        value_w = 19
        status_w = 31
        name_w = self.epw - status_w - value_w * len(columns)
        widths = [name_w, status_w] + [value_w] * len(columns)
        heads = [self.stacked(both(N_("Region or house"))), self.stacked(both(N_("Reports")))]
        heads += [self.stacked(label) for label, _kind in columns]

        def header() -> None:
            self.header_row(heads, widths, size=6)

        header()
        for line in self.national.lines:
            if self.will_page_break(_ROW * len(self.langs)):
                self.add_page(orientation="L")
                header()
            self._line(line, widths, columns)

    def _line(self, line: Line, widths: list[float], columns) -> None:
        """One line; in a bilingual report the name and the status take a line per language."""
        strong = line.level in (REGION, NATIONAL)
        height = _ROW * len(self.langs)
        x, y = self.get_x(), self.get_y()
        self.set_font(pdf._FONT, "B" if strong else "", 7)
        if strong:
            self.set_fill_color(*pdf._LIGHT)
            self.rect(x, y, sum(widths), height, style="F")
        indent = "" if strong else "    "
        texts = ({lg: indent + line.label[lg] for lg in self.langs}, status_label(line))
        for text, width in zip(texts, widths):
            for i, lang in enumerate(self.langs):
                self.set_xy(x, y + i * _ROW)
                self.cell(width, _ROW, self.fit(text[lang], width))
            self.rect(x, y, width, height)
            x += width
        self.set_xy(x, y)
        for value, width, (_label, kind) in zip(headline_values(line.summary), widths[2:], columns):
            self.cell(width, height, format_value(value, kind, self.value_lang), border=1, align="R")
        self.set_xy(self.l_margin, y + height)


def write_national_pdf(national: NationalRollup, path: str | Path, lang: str = "kk") -> Path:
    path = Path(path)
    report = _NationalReport(national, LANGUAGE_CHOICES[lang])
    report.build()
    report.output(str(path))
    return path


# ---- CSV --------------------------------------------------------------------------------------------------------
def national_csv_rows(national: NationalRollup, lang: str = "kk") -> list[list]:
    """Every figure of every line: level, region code and name, house code and name, then csv_export's columns."""
    langs = LANGUAGE_CHOICES[lang]
    header = [join(both(N_("Level")), langs), join(both(N_("Region code")), langs)]
    header += [tr(lg, N_("Region")) for lg in langs]
    header += [join(both(N_("House code")), langs)] + [tr(lg, N_("House")) for lg in langs]
    regions = {line.code: line for line in national.regions}
    rows: list[list] = []
    for line in national.lines:
        if line.summary is None:
            continue  # a house that has not submitted: no figures (listed in the XLSX and PDF)
        region = regions.get(line.region_code)
        prefix = [join(level_label(line.level), langs), line.region_code]
        prefix += [region.label[lg] if region else "" for lg in langs]
        if line.level == HOUSE:
            prefix += [line.code] + [line.label[lg] for lg in langs]
        else:
            prefix += [""] + ["" for _lg in langs]
        body = csv_export.csv_rows(line.summary, lang)
        if not rows:
            rows.append(header + body[0])
        rows.extend(prefix + figures for figures in body[1:])
    return rows


def write_national_csv(
    national: NationalRollup, path: str | Path, lang: str = "kk", delimiter: str = ";"
) -> Path:
    path = Path(path)
    decimal_comma = delimiter == ";"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh, lambda v: csv_export._number(v, decimal_comma), delimiter=delimiter)
        writer.writerows(national_csv_rows(national, lang))
    return path


# ---- HXL --------------------------------------------------------------------------------------------------------
def national_hxl_rows(national: NationalRollup, lang: str = "kk") -> list[list]:
    """The regional HXL's rows for every line that has figures. A house line names its house (#org) and its
    region (#adm1+code); a region's subtotal leaves #org empty; the national total leaves #adm1 empty too.
    #meta+level says which (national, region, house), and #adm1+name gives the region's names."""
    langs = LANGUAGE_CHOICES[lang]
    regions = {line.code: line for line in national.regions}
    out: list[list] = []
    for line in national.lines:
        if line.summary is None:
            continue
        rows = hxl.hxl_rows(line.summary, lang)
        region = regions.get(line.region_code)
        if not out:
            header = [join(both(N_("Level")), langs)] + [tr(lg, N_("Region")) for lg in langs]
            tags = ["#meta+level"] + [f"#adm1+name+i_{lg}" for lg in langs]
            out += [header + rows[0], tags + rows[1]]
        tags = rows[1]
        for row in rows[2:]:
            row = list(row)
            if line.level != HOUSE:
                for i, tag in enumerate(tags):
                    if tag.startswith("#org+"):
                        row[i] = ""
            if line.level == NATIONAL:
                row[tags.index("#adm1+code")] = ""
            names = [region.label[lg] if region else "" for lg in langs]
            out.append([line.level, *names, *row])
    return out


def write_national_hxl(national: NationalRollup, path: str | Path, lang: str = "kk") -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv_writer(fh).writerows(national_hxl_rows(national, lang))
    return path
