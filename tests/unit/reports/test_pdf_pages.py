"""The printed summary read back from the PDF (pdftotext): every label whole however long (it wraps, the row
grows), the signature and stamp block at the end, and page breaks that carry the column headings over and never
leave a table's row alone at the top of a page or a section's title at the foot of one, nor the signatures alone
on the last page."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess

import pytest

from desktop.reports import layout
from desktop.reports.layout import LANGUAGE_CHOICES, join
from desktop.reports.pdf import write_pdf

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext") and not os.environ.get("CI"),
    reason="pdftotext (poppler-utils) is not installed; scripts/dostyq.sh installs it",
)

LONG_KK = (
    "Қазақстан халқы Ассамблеясының этномәдени бірлестіктерімен бірге өткізілетін "
    "«Бірлігіміз жарасқан — Мәңгілік Ел» атты ұзақ мерзімді қайырымдылық бағдарламасы"
)
LONG_RU = (
    "Долгосрочная благотворительная программа «Единство народа — Мәңгілік Ел», проводимая вместе "
    "с этнокультурными объединениями Ассамблеи народа Казахстана"
)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def _pages(path) -> list[str]:
    """Each page's text in the order it was drawn (-raw), its white space made single spaces."""
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return [_normal(page) for page in out.stdout.split("\f")[:-1]]


def _with_programme(summary, kk: str, ru: str):
    summary = copy.deepcopy(summary)
    summary.names["programmes"]["long"] = [kk, ru]
    summary.current["aid"]["by_programme"]["long"] = {
        "entries": 1,
        "people": 1,
        "households": 1,
        "quantity": 1,
        "reached": {"total": 1, "women": 1, "men": 0, "children": 0, "elderly": 0},
    }
    return summary


def _with_categories(summary, count: int):
    summary = copy.deepcopy(summary)
    for i in range(count):
        code = f"test-{i:02d}"
        summary.names["categories"][code] = [f"Сынақ санаты {i:02d}", f"Тестовая категория {i:02d}"]
        summary.current["aid"]["by_category"][code] = {
            "entries": 1,
            "people": 1,
            "households": 1,
            "quantity": 1,
            "reached": {"total": 1, "women": 0, "men": 1, "children": 0, "elderly": 0},
            "anonymous": 0,
        }
    return summary


def _with_items(summary, count: int):
    summary = copy.deepcopy(summary)
    for i in range(count):
        code = f"item-test-{i:02d}"
        summary.names["items"][code] = [f"Сынақ заты {i:02d}", f"Тестовый товар {i:02d}", "дана", "шт."]
        summary.current["stock"][code] = i + 1
    return summary


def _summary_sections(summary, langs) -> list[tuple[str, list[str]]]:
    """The summary table as the PDF prints it: each block's title and its rows' labels (first language)."""
    sections = []
    for block in layout.summary_blocks(summary):
        rows = [
            row.label[langs[0]]
            for row in block.rows
            if not (row.key.startswith(("given:", "stock:")) or row.key in ("items_given", "stock"))
        ]
        sections.append((join(block.title, langs), rows))
    return sections


def _find_in_order(pages: list[str], texts: list[str], start: tuple[int, int] = (0, 0)):
    """The page of each text, found one after the other (a label printed twice is the next one along)."""
    found, (page, pos) = [], start
    for text in texts:
        pattern = re.compile(r"(?<!\w)" + re.escape(_normal(text)) + r"(?!\w)")
        while page < len(pages):
            match = pattern.search(pages[page], pos)
            if match:
                found.append(page)
                pos = match.end()
                break
            page, pos = page + 1, 0
        else:
            raise AssertionError(f"{text!r} is not in the PDF (or not in its place)")
    return found, (page, pos)


def _check_breaks(pages, sections, heading: str, start=(0, 0)):
    """No section's title without 3 of its rows (or all it has) on its page; no page where a section goes on
    with fewer than 2 rows; the column headings at the top of every page a section goes on to."""
    position = start
    for title, rows in sections:
        texts = ([title] if title else []) + rows
        found, position = _find_in_order(pages, texts, position)
        row_pages = found[1:] if title else found
        if title:
            on_title_page = row_pages.count(found[0])
            assert on_title_page >= min(3, len(rows)), f"{title!r} left with {on_title_page} row(s)"
        first = found[0]
        for page in sorted(set(row_pages)):
            if page == first:
                continue
            count = row_pages.count(page)
            assert count >= 2, f"page {page + 1} starts with a single row of {title or 'the table'}"
            head = pages[page].find(_normal(heading))
            assert 0 <= head < pages[page].find(_normal(rows[row_pages.index(page)])), (
                f"page {page + 1} does not repeat the column headings"
            )
    return position


def _check_signed_with_rows(pages, summary, langs) -> None:
    """The signatures share their page with the last two rows of the last table (or the one it has): a page
    with nothing but signatures could be put under any report."""
    rows = [label[langs[0]] for label, _v in layout.items_table(summary).rows]
    found, position = _find_in_order(pages, rows, (1, 0))
    [signed], _end = _find_in_order(pages, [join(layout.sign_off(summary)["signer"], langs)], position)
    assert signed == len(pages) - 1 and found[-min(2, len(rows)) :] == [signed] * min(2, len(rows))


@pytest.mark.parametrize("lang", ["kk", "ru", "both"])
def test_every_label_prints_whole_however_long(october, tmp_path, lang):
    langs = LANGUAGE_CHOICES[lang]
    summary = _with_programme(october, LONG_KK, LONG_RU)
    pages = _pages(write_pdf(summary, tmp_path / "r.pdf", lang))
    text = " ".join(pages)
    assert "…" not in text  # nothing shortened
    for block in layout.summary_blocks(summary):
        assert _normal(join(block.title, langs)) in text
        for row in block.rows:
            if row.key.startswith(("given:", "stock:")) or row.key in ("items_given", "stock"):
                continue  # the items are in their own table, with what was received
            for code in langs:
                assert _normal(row.label[code]) in text, row.label[code]
    for label, _values in layout.items_table(summary).rows:
        for code in langs:
            assert _normal(label[code]) in text
    for code, long in (("kk", LONG_KK), ("ru", LONG_RU)):
        if code in langs:
            # In the table and under the chart's bar, each time in full.
            assert text.count(_normal(long)) == 2


@pytest.mark.parametrize(
    "lang,words",
    [
        ("kk", ["Достық үйінің басшысы", "(аты-жөні)", "(қолы)", "(күні)", "М.О."]),
        ("ru", ["Руководитель Дома дружбы", "(Ф. И. О.)", "(подпись)", "(дата)", "М.П."]),
        ("both", ["Достық үйінің басшысы / Руководитель Дома дружбы", "(қолы) (подпись)", "М.О. / М.П."]),
    ],
)
def test_the_summary_ends_with_the_signature_and_the_stamp(october, tmp_path, lang, words):
    pages = _pages(write_pdf(october, tmp_path / "r.pdf", lang))
    last = pages[-1]
    items_end = last.find(_normal(layout.items_table(october).rows[-1][0][LANGUAGE_CHOICES[lang][0]]))
    for word in words:
        assert items_end < last.find(word), word  # after the last table, on the last page
    assert "«____» ________________ 20____" in last
    assert len(pages) == 2


def test_a_rollup_is_signed_by_the_regional_coordinator(october, tmp_path):
    rollup = copy.deepcopy(october)
    rollup.houses = ["KZ-55-01", "KZ-55-02"]
    last = _pages(write_pdf(rollup, tmp_path / "r.pdf", "ru"))[-1]
    assert "Региональный координатор" in last and "Руководитель Дома дружбы" not in last


@pytest.mark.parametrize("lang,counts", [("kk", range(12, 23)), ("both", range(7, 18))])
def test_no_page_starts_with_a_lonely_row_of_the_summary_table(october, tmp_path, lang, counts):
    """Each extra category moves the page break one row further back through the aid, donations and groups
    blocks (from the table on one page to ten lines on the next): none leaves a row alone."""
    langs = LANGUAGE_CHOICES[lang]
    carried = set()
    for count in counts:
        summary = _with_categories(october, count)
        pages = _pages(write_pdf(summary, tmp_path / f"r{count}.pdf", lang))
        sections = _summary_sections(summary, langs)
        _check_breaks(pages, sections, _heading(langs))
        _check_signed_with_rows(pages, summary, langs)
        found, _end = _find_in_order(pages, [t for title, rows in sections for t in [title, *rows]])
        carried.add(sum(page > 0 for page in found))
    assert carried >= {0, 3, 6} and max(carried) >= 9  # the break did fall at many rows


@pytest.mark.parametrize(
    "lang,counts", [("ru", [13, 14, *range(24, 33)]), ("both", [11, 12, *range(23, 32)])]
)
def test_no_page_starts_with_a_lonely_row_of_the_items_table(october, tmp_path, lang, counts):
    langs = LANGUAGE_CHOICES[lang]
    carried = set()
    for count in counts:
        summary = _with_items(october, count)
        pages = _pages(write_pdf(summary, tmp_path / f"r{count}.pdf", lang))
        table = layout.items_table(summary)
        rows = [label[langs[0]] for label, _v in table.rows]
        # The items table comes after the charts: look from the charts' page on.
        start = (_find_in_order(pages, [join(layout.charts(summary)[0].title, langs, " ")])[0][0], 0)
        _check_breaks(pages, [(join(table.title, langs), rows)], _heading(langs), start)
        _check_signed_with_rows(pages, summary, langs)
        found, _end = _find_in_order(pages, rows, start)
        carried.add(sum(page > found[0] for page in found))
    assert 0 in carried and max(carried) >= 8


def _heading(langs) -> str:
    """The first column heading: printed at the top of every page of a table."""
    return layout.tr(langs[0], "Indicator")
