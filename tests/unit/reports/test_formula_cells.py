"""No text a house or a person typed becomes a live formula in a spreadsheet: every XLSX, CSV and HXL writer goes
through desktop.spreadsheet, which writes text as text (XLSX string cells; CSV/HXL cells starting with = + - @ tab
or CR get a leading apostrophe), while numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest

from desktop.reports.export import export_report, export_rollup

ROOT = Path(__file__).resolve().parents[3]
EVIL = ['=HYPERLINK("http://x","y")', "-2+3", "@SUM(A1)", "+1+1", "\t=1+1", "\r=1+1"]
DANGER = ("=", "+", "-", "@", "\t", "\r")


def poisoned(summary):
    """The October summary with formula text wherever a label reaches a file: the house's names, an item's,
    a programme's and an event kind's."""
    summary.org = dict(summary.org, name_kk=EVIL[0], name_ru=EVIL[1])
    items = summary.names["items"]
    first = min(items)
    items[first] = [EVIL[0], EVIL[2], EVIL[1], EVIL[3]]
    for code in summary.current["aid"]["by_programme"]:
        summary.names["programmes"][code] = [EVIL[2], EVIL[1]]
    for code in summary.current["events"]["by_kind"]:
        summary.names["kinds"][code] = [EVIL[4], EVIL[5]]
    return summary


def assert_xlsx_is_inert(path) -> None:
    wb = openpyxl.load_workbook(path)  # formulas read back as "=..." with data_type "f"
    texts, numbers = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, (int, float)):
                    numbers.append(cell.value)
    joined = "\n".join(texts)
    assert sum(e in joined for e in EVIL) >= 2  # the texts are there, as plain text
    return numbers


def assert_csv_is_inert(path, delimiter=",") -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh, delimiter=delimiter) for c in row]
    for cell in cells:
        if cell.startswith(DANGER):
            # Only a number may start with a minus sign (a negative stock or change).
            assert re.fullmatch(r"-\d+([.,]\d+)?", cell), cell
    assert "'" + EVIL[0] in cells or any(c.startswith("'" + EVIL[0]) for c in cells)
    return cells


@pytest.mark.parametrize("lang", ["kk", "ru", "both"])
def test_the_monthly_summary_xlsx_has_no_formulas(october, tmp_path, lang):
    path = export_report(poisoned(october), "xlsx", tmp_path / "r.xlsx", lang)
    numbers = assert_xlsx_is_inert(path)
    assert -2 in numbers  # September's negative flour stock is still a number


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_the_monthly_summary_csv_has_no_formulas(october, tmp_path, delimiter):
    path = export_report(poisoned(october), "csv", tmp_path / "r.csv", "both", delimiter)
    cells = assert_csv_is_inert(path, delimiter)
    assert "'-2+3" in cells or any("'-2+3" in c for c in cells)
    assert "-2" in cells  # the negative stock, as a number


def test_the_hxl_file_has_no_formulas(october, tmp_path):
    path = export_report(poisoned(october), "hxl", tmp_path / "r.hxl.csv", "both")
    cells = assert_csv_is_inert(path)
    assert "'@SUM(A1)" in cells
    assert any(c.startswith("#") for c in cells)  # the hashtag row is untouched (it starts with #)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "hxl"])
def test_the_rollup_has_no_formulas(october, tmp_path, fmt):
    payload = poisoned(october).to_payload()
    path = tmp_path / f"rollup.{fmt}"
    export_rollup(
        [{"house_id": "KZ-55-01", "version": 1, "status": "submitted", "payload": payload}],
        october.month,
        fmt,
        path,
        lang="both",
        org={"code": "KZ-55", "name_kk": EVIL[0], "name_ru": EVIL[2], "region_code": "KZ-55"},
    )
    if fmt == "xlsx":
        assert_xlsx_is_inert(path)
    else:
        assert_csv_is_inert(path, ";" if fmt == "csv" else ",")  # CSV: ";" by default; HXL keeps ","


def test_every_spreadsheet_writer_goes_through_the_one_helper():
    """A new export cannot forget: nothing in desktop/, sync/ or ui/ but desktop/spreadsheet.py makes a workbook or
    a CSV writer."""
    pattern = re.compile(r"xlsxwriter\.Workbook\(|openpyxl\.Workbook\(|csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("desktop", "sync", "ui")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "spreadsheet.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
