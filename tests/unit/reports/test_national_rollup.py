"""The national roll-up: houses summed per region, regions summed for the country, and the four exports with the
region level (XLSX read back, PDF text, CSV and HXL rows), in kk and ru."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess

import openpyxl
import pytest

from desktop.reports.export import export_national
from desktop.reports.national import HOUSE, NATIONAL, REGION, headline_values, national_rollup
from desktop.reports.national_export import national_csv_rows, national_hxl_rows
from desktop.reports.submission import submit_month
from desktop.store import Store
from tests.unit.reports import fixture_month

TODAY = dt.date(2026, 11, 20)
MONTH = "2026-10"
HOUSES = [
    {"code": "KZ-55-01", "name_kk": "Павлодар №1 үйі", "name_ru": "Павлодар №1", "region_code": "KZ-55"},
    {"code": "KZ-55-02", "name_kk": "Павлодар №2 үйі", "name_ru": "Павлодар №2", "region_code": "KZ-55"},
    {"code": "KZ-71-01", "name_kk": "Астана №1 үйі", "name_ru": "Астана №1", "region_code": "KZ-71"},
    {"code": "KZ-71-02", "name_kk": "Астана №2 үйі", "name_ru": "Астана №2", "region_code": "KZ-71"},
]
REGIONS = {
    "KZ-55": {"name_kk": "Павлодар облысы", "name_ru": "Павлодарская область"},
    "KZ-71": {"name_kk": "Астана қаласы", "name_ru": "город Астана"},
    "KZ-75": {"name_kk": "Алматы қаласы", "name_ru": "город Алматы"},  # no house: left out
}


@pytest.fixture(scope="module")
def report_rows(tmp_path_factory):
    """Real submissions of three houses (KZ-71-02 submits nothing); KZ-55-02 submits twice, one event more."""
    rows = []
    folder = tmp_path_factory.mktemp("houses")
    for house in ("KZ-55-01", "KZ-55-02", "KZ-71-01"):
        store = Store(folder / f"{house}.db")
        fixture_month.build(store)
        store.set_house(house)
        submit_month(store, MONTH, today=TODAY)
        if house == "KZ-55-02":
            store.insert(
                "events", {"kind": "concert", "status": "held", "starts_at": "2026-10-28T18:00:00+05:00"}
            )
            submit_month(store, MONTH, today=TODAY)
        rows.extend(store.rows("SELECT * FROM monthly_reports"))
        store.close()
    return rows


@pytest.fixture
def national(report_rows):
    return national_rollup(report_rows, MONTH, HOUSES, REGIONS)


def _held(line) -> int:
    return line.summary.current["events"]["held"]


def test_regions_sum_their_houses_and_the_country_sums_the_regions(national):
    levels = [(line.level, line.code) for line in national.lines]
    assert levels == [
        (REGION, "KZ-55"),
        (HOUSE, "KZ-55-01"),
        (HOUSE, "KZ-55-02"),
        (REGION, "KZ-71"),
        (HOUSE, "KZ-71-01"),
        (HOUSE, "KZ-71-02"),
        (NATIONAL, "KZ"),
    ]
    by_code = {line.code: line for line in national.lines}
    one = _held(by_code["KZ-55-01"])
    assert _held(by_code["KZ-55-02"]) == one + 1  # the second version replaced the first
    assert _held(by_code["KZ-55"]) == 2 * one + 1
    assert _held(by_code["KZ-71"]) == one
    assert _held(by_code["KZ"]) == 3 * one + 1
    assert by_code["KZ-71-02"].summary is None and national.missing == ["KZ-71-02"]
    assert (by_code["KZ-71"].submitted, by_code["KZ-71"].expected) == (1, 2)
    assert (by_code["KZ"].submitted, by_code["KZ"].expected) == (3, 4)
    people = national.summary.current["aid"]["people"]
    assert people == sum(by_code[c].summary.current["aid"]["people"] for c in ("KZ-55", "KZ-71")) > 0
    assert national.summary.org["code"] == "KZ" and national.summary.houses_missing == ["KZ-71-02"]
    # The headline figures of a line are its summary's; a house without a report has blanks.
    assert headline_values(by_code["KZ"].summary)[0] == 3 * one + 1
    assert set(headline_values(None)) == {""}


def test_a_house_the_list_does_not_know_counts_in_the_region_its_summary_names(report_rows):
    national = national_rollup(report_rows, MONTH, HOUSES[:2], REGIONS)
    assert [(line.level, line.code) for line in national.lines][-3:] == [
        (REGION, "KZ-71"),
        (HOUSE, "KZ-71-01"),
        (NATIONAL, "KZ"),
    ]


def test_a_month_nobody_submitted(report_rows):
    national = national_rollup(report_rows, "2026-09", HOUSES, REGIONS)
    assert national.missing == [h["code"] for h in HOUSES]
    assert national.summary.current["events"]["held"] == 0


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_xlsx_has_the_region_level(national, tmp_path, lang):
    path = export_national(national, "xlsx", tmp_path / f"KZ_{MONTH}_{lang}.xlsx", lang)
    book = openpyxl.load_workbook(path)
    title = {"kk": "Өңір және үй бойынша", "ru": "По регионам и домам"}[lang]
    assert title in book.sheetnames and book.sheetnames.index(title) == 1
    sheet = book[title]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    codes = [r[1] for r in rows if r[1] in {line.code for line in national.lines}]
    assert codes == [line.code for line in national.lines]
    by_code = {r[1]: r for r in rows if r[1]}
    held_col = 4  # level, code, name, reports, then the first headline figure
    assert by_code["KZ"][held_col] == national.summary.current["events"]["held"]
    assert by_code["KZ-71"][held_col] == national.lines[3].summary.current["events"]["held"]
    assert by_code["KZ-71-02"][held_col] is None  # not submitted: blank, not 0
    region_word = {"kk": "Өңір", "ru": "Регион"}[lang]
    assert by_code["KZ-55"][0] == region_word
    assert by_code["KZ-55"][2] == REGIONS["KZ-55"][f"name_{lang}"]
    assert isinstance(by_code["KZ-55-01"][held_col], int)  # numbers stay numbers
    summary_sheet = book[book.sheetnames[0]]
    assert {"kk": "Қазақстан", "ru": "Казахстан"}[lang] in summary_sheet["A2"].value


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pdf_has_the_region_level(national, tmp_path, lang):
    path = export_national(national, "pdf", tmp_path / f"KZ_{MONTH}_{lang}.pdf", lang)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    title = {"kk": "Өңір және үй бойынша", "ru": "По регионам и домам"}[lang]
    assert title in text
    for house in HOUSES:
        assert house[f"name_{lang}"] in text
    assert REGIONS["KZ-55"][f"name_{lang}"] in text
    assert {"kk": "Қазақстан, барлығы", "ru": "Казахстан, итого"}[lang] in text
    assert {"kk": "2 ішінен 1", "ru": "1 из 2"}[lang] in text
    assert {"kk": "Әлі жіберілген жоқ", "ru": "Ещё не отправлен"}[lang] in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_csv_carries_every_figure_of_every_line(national, tmp_path, lang):
    rows = national_csv_rows(national, lang)
    header, body = rows[0], rows[1:]
    assert (
        header[:5]
        == {
            "kk": ["Деңгей", "Өңір коды", "Өңір", "Үй коды", "Үй"],
            "ru": ["Уровень", "Код региона", "Регион", "Код дома", "Дом"],
        }[lang]
    )
    held = [r for r in body if r[7] == "events.events_held"]
    assert [(r[1], r[3], r[8]) for r in held] == [
        ("KZ-55", "", national.lines[0].summary.current["events"]["held"]),
        ("KZ-55", "KZ-55-01", national.lines[1].summary.current["events"]["held"]),
        ("KZ-55", "KZ-55-02", national.lines[2].summary.current["events"]["held"]),
        ("KZ-71", "", national.lines[3].summary.current["events"]["held"]),
        ("KZ-71", "KZ-71-01", national.lines[4].summary.current["events"]["held"]),
        ("", "", national.summary.current["events"]["held"]),
    ]
    path = export_national(national, "csv", tmp_path / "n.csv", lang, ";")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh, delimiter=";"))) == len(rows)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_hxl_tags_region_and_house(national, tmp_path, lang):
    rows = national_hxl_rows(national, lang)
    tags = rows[1]
    assert tags[:2] == ["#meta+level", f"#adm1+name+i_{lang}"]
    assert {"#adm1+code", "#org+code", f"#org+name+i_{lang}"} <= set(tags)
    col = {tag: i for i, tag in enumerate(tags)}
    events = [r for r in rows[2:] if r[col["#activity+code"]] == "events"]
    assert [(r[0], r[col["#adm1+code"]], r[col["#org+code"]]) for r in events] == [
        ("region", "KZ-55", ""),
        ("house", "KZ-55", "KZ-55-01"),
        ("house", "KZ-55", "KZ-55-02"),
        ("region", "KZ-71", ""),
        ("house", "KZ-71", "KZ-71-01"),
        ("national", "", ""),
    ]
    entries = col["#indicator+entries+num"]
    assert events[-1][entries] == events[0][entries] + events[3][entries]
    assert events[1][1] == REGIONS["KZ-55"][f"name_{lang}"]
    path = export_national(national, "hxl", tmp_path / "n.hxl.csv", lang)
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("#meta+level,")
