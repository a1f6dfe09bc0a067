"""The one way the app writes spreadsheets (XLSX, CSV, HXL): text stays text, so nothing typed into a record, a
name or a label can run as a formula where the file is opened (CSV injection, OWASP).

- XLSX: every workbook is made by `workbook()`, which tells XlsxWriter never to turn a string into a formula, a
  link or a number; a text cell starting with `=` is then an ordinary string cell.
- CSV and HXL: `csv_writer()` puts an apostrophe before a text cell that starts with `=`, `+`, `-`, `@`, a tab
  or a carriage return, which spreadsheet programs show as text. Numbers (negative ones too) are written as
  numbers, through the caller's `number` formatter.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_text(text: str) -> str:
    """`text` as a spreadsheet shows it as text: with a leading apostrophe when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _plain_number(value: float) -> str:
    return str(value)


class CsvWriter:
    """csv.writer's writerow/writerows, with text cells neutralised and numbers formatted by `number`."""

    def __init__(self, fh, number: Callable[[float], str] = _plain_number, **options: Any) -> None:
        self._writer = csv.writer(fh, **options)
        self._number = number

    def cell(self, value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return "" if value is None else str(value)
        if isinstance(value, (int, float)):
            return self._number(value)
        return neutral_text(str(value))

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([self.cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(fh, number: Callable[[float], str] = _plain_number, **options: Any) -> CsvWriter:
    return CsvWriter(fh, number, **options)


def workbook(path: str | Path, options: dict | None = None):
    """An XlsxWriter workbook whose write() keeps every string a string (never a formula, link or number)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        str(path),
        {
            **(options or {}),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
