"""The four exports of the hand-built October: numbers stay numbers, charts are there, Kazakh text survives, HXL
parses and carries no personal data; an unwritable target gives a clear message."""

import csv
import os
import re
import shutil
import subprocess

import hxl
import openpyxl
import pytest

from desktop.reports.csv_export import write_csv
from desktop.reports.export import ReportWriteError, export_report
from desktop.reports.hxl import write_hxl
from desktop.reports.pdf import write_pdf
from desktop.reports.xlsx import write_xlsx


def _read_csv(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _find_row(ws, label):
    for row in ws.iter_rows(values_only=True):
        if label in row:
            return row
    raise AssertionError(f"{label!r} not on sheet {ws.title}")


@pytest.mark.parametrize("lang", ["kk", "ru", "both"])
def test_xlsx_has_numbers_and_charts(october, tmp_path, lang):
    path = write_xlsx(october, tmp_path / "report.xlsx", lang)
    wb = openpyxl.load_workbook(path)
    summary = wb.worksheets[0]
    n = 2 if lang == "both" else 1
    label = {"kk": "Қамқор", "ru": "«Қамқор»", "both": "Қамқор"}[lang]
    numbers = [v for v in summary.iter_rows(values_only=True) if v[0] and isinstance(v[n], (int, float))]
    assert len(numbers) > 20
    row = _find_row(summary, label)
    assert row[n : n + 3] == (1, 1, 0)  # people reached by Қамқор: this month, September, a year ago
    assert all(isinstance(v, (int, float)) for v in row[n : n + 3])
    values = [r[n] for r in summary.iter_rows(values_only=True)]
    assert 153 in values and 150000 in values and 3.8 in values  # attendance, donations ₸, volunteer hours
    charts = sum(len(ws._charts) for ws in wb.worksheets)
    assert charts >= 3  # bars by programme and by category, the 12-month line (and events by kind)
    assert len(wb.worksheets) >= 5


def test_xlsx_sheet_and_heading_in_kazakh(october, tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(october, tmp_path / "r.xlsx", "kk"))
    first = wb.worksheets[0]
    assert "қазан" in first["A3"].value
    assert first["A2"].value == "Павлодар облысының Достық үйі"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize(
    "lang,expected",
    [
        ("kk", ["қазан", "Қамқор", "Ұн, кг", "150 000 ₸"]),
        ("ru", ["октябрь 2026", "Мука, кг", "Праздник"]),
        ("both", ["қазан", "октябрь", "Қамқор", "«Қамқор»"]),
    ],
)
def test_pdf_text_and_pages(october, tmp_path, lang, expected):
    path = write_pdf(october, tmp_path / "r.pdf", lang)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for fragment in expected:
        assert fragment.replace("\u202f", " ") in text.replace("\u202f", " ").replace("\xa0", " ")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded


def test_csv_bom_and_separators(october, tmp_path):
    path = write_csv(october, tmp_path / "r.csv", "kk", ",")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _read_csv(path)
    by_key = {r[2]: r for r in rows[1:]}
    assert by_key["events.attendance"][3:] == ["153", "0", "10"]
    assert by_key["volunteers.volunteer_hours"][3] == "3.8"
    path = write_csv(october, tmp_path / "r2.csv", "both", ";")
    rows = _read_csv(path, ";")
    by_key = {r[4]: r for r in rows[1:]}
    assert by_key["volunteers.volunteer_hours"][5] == "3,8"
    assert by_key["aid.programme:qamqor"][2:4] == ["Қамқор", "«Қамқор»"]


def test_hxl_parses_and_has_no_personal_data(october, fixture_store, tmp_path):
    path = write_hxl(october, tmp_path / "r.hxl.csv", "both")
    data = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    tags = [c.display_tag for c in data.columns]
    for tag in (
        "#org+name+i_kk",
        "#adm1+code",
        "#sector+code",
        "#activity+name+i_ru",
        "#date+month",
        "#reached+total",
        "#reached+f",
        "#reached+m",
        "#reached+children",
        "#reached+elderly",
    ):
        assert tag in tags
    rows = {r.get("#activity+code"): r for r in data}
    assert rows["events"].get("#reached+total") == "153"
    assert rows["zhurekten"].get("#reached+m") == "2" and rows["zhurekten"].get("#reached+children") == "1"
    assert {r.get("#adm1+code") for r in rows.values()} == {"KZ-55"}
    text = path.read_text(encoding="utf-8")
    for person in fixture_store.rows("SELECT * FROM people"):
        for field in ("surname", "name", "iin", "phone", "id", "birth_date"):
            if person[field] and len(person[field]) > 2:
                assert person[field] not in text
    for table in ("recipients", "aid_given", "households"):
        for row in fixture_store.rows(f"SELECT id FROM {table}"):
            assert row["id"] not in text


def test_export_to_missing_folder_gives_clear_message(october, tmp_path):
    with pytest.raises(ReportWriteError) as err:
        export_report(october, "csv", tmp_path / "no such folder" / "r.csv", "kk")
    assert err.value.kind == "folder" and "no such folder" in err.value.message


def test_export_over_a_file_held_open_keeps_it_and_explains(october, tmp_path, monkeypatch):
    # On Windows a file open in Excel cannot be replaced: os.replace raises PermissionError. Reproduce that here.
    target = tmp_path / "open_in_excel.xlsx"
    target.write_bytes(b"old")

    def held_open(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used", str(dst))

    monkeypatch.setattr(os, "replace", held_open)
    with pytest.raises(ReportWriteError) as err:
        export_report(october, "xlsx", target, "kk")
    assert err.value.kind == "locked" and "open_in_excel.xlsx" in err.value.message
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(".dostyq-*"))  # no temporary file left behind


_EXPORT_CHILD = r"""
import sys, datetime as dt
from desktop.store import Store
from desktop.reports.summary import build_summary
from desktop.reports.export import export_report, ReportWriteError
store = Store(sys.argv[1])
summary = build_summary(store, "2026-10", today=dt.date(2026, 11, 5))
try:
    export_report(summary, sys.argv[3], sys.argv[2], "ru")
    print("written")
except ReportWriteError as err:
    print(err.kind)
    print(err.message)
"""


def _export_as_ordinary_user(prefix, tmp_path, target, fmt):
    import subprocess
    import sys

    db = tmp_path / "child.sqlite"
    return subprocess.run(
        [*prefix, sys.executable, "-c", _EXPORT_CHILD, str(db), str(target), fmt],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )


def test_export_to_read_only_folder_gives_clear_message(obeying_file_modes, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        out = _export_as_ordinary_user(obeying_file_modes, tmp_path, folder / "r.xlsx", "xlsx")
    finally:
        os.chmod(folder, 0o755)
    kind, message = out.stdout.splitlines()[:2]
    assert kind == "folder", out.stderr
    assert str(folder) in message
    assert list(folder.iterdir()) == []


def test_export_over_a_read_only_file_keeps_it_and_explains(obeying_file_modes, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "open_in_excel.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    os.chmod(folder, 0o555)  # as with a file Excel holds open: it cannot be replaced
    try:
        out = _export_as_ordinary_user(obeying_file_modes, tmp_path, target, "pdf")
    finally:
        os.chmod(folder, 0o755)
        os.chmod(target, 0o644)
    assert out.stdout.splitlines()[0] in {"locked", "folder"}, out.stderr
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["open_in_excel.pdf"]  # no temporary file left behind


def test_export_of_empty_month_is_zeros(store, tmp_path):
    import datetime as dt

    from desktop.reports.summary import build_summary

    empty = build_summary(store, "2030-01", today=dt.date(2030, 3, 1))
    for fmt in ("xlsx", "pdf", "csv", "hxl"):
        assert export_report(empty, fmt, tmp_path / f"empty.{fmt}", "kk").stat().st_size > 0
    wb = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    values = [
        r[1]
        for r in wb.worksheets[0].iter_rows(min_row=7, values_only=True)
        if isinstance(r[1], (int, float))
    ]
    assert values and all(v == 0 for v in values)
    rows = _read_csv(tmp_path / "empty.csv", ";")  # the default for Excel in Kazakh and Russian
    assert all(r[3:] == ["0", "0", "0"] for r in rows[1:])
