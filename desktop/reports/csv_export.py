"""The summary as plain CSV figures: UTF-8 with a BOM so Excel opens Kazakh letters correctly; `;` (what Excel
expects on Kazakh and Russian Windows, with decimal commas) by default, or `,`.

Every heading is in the export's language: the section, the indicator, the code of the line (a stable key such as
`events.attendance`, for programs) and the three months.
"""

from __future__ import annotations

from pathlib import Path

from desktop.i18n import N_
from desktop.reports import layout
from desktop.reports.files import DEFAULT_DELIMITER
from desktop.reports.layout import LANGUAGE_CHOICES, both, tr
from desktop.reports.summary import MonthlySummary
from desktop.spreadsheet import csv_writer


def csv_rows(summary: MonthlySummary, lang: str = "kk") -> list[list]:
    """Header and figure rows (numbers stay numbers; the writer decides how to print them)."""
    langs = LANGUAGE_CHOICES[lang]
    heads = layout.headings(summary)
    header = (
        [tr(lg, N_("Section")) for lg in langs]
        + [heads["indicator"][lg] for lg in langs]
        + [layout.join(both(N_("Code")), langs)]
        + [layout.join(heads[column], langs) for column in ("current", "previous", "year_ago")]
    )
    rows = [header]
    for block in layout.summary_blocks(summary):
        for row in block.rows:
            if row.values == ("", "", ""):
                continue  # a breakdown heading: its lines carry the section in their key
            rows.append(
                [block.title[lg] for lg in langs]
                + [row.label[lg] for lg in langs]
                + [f"{block.key}.{row.key}", *row.values]
            )
    return rows


def write_csv(
    summary: MonthlySummary, path: str | Path, lang: str = "kk", delimiter: str = DEFAULT_DELIMITER
) -> Path:
    path = Path(path)
    decimal_comma = delimiter == ";"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh, lambda v: _number(v, decimal_comma), delimiter=delimiter)
        writer.writerows(csv_rows(summary, lang))
    return path


def _number(value: float, decimal_comma: bool) -> str:
    """Whole numbers as they are; fractions with up to 3 decimals (a comma with `;`)."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text
