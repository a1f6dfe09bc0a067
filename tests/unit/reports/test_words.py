"""One term for each counted group in every place and language, and every export heading in the export's
language: the summary's rows, its CSV (";" and a BOM by default), the HXL's human row, the event form's fields."""

from __future__ import annotations

import csv

import pytest

from desktop import headcount_labels, list_export
from desktop.i18n import gettext_in
from desktop.reports import layout
from desktop.reports.csv_export import csv_rows, write_csv
from desktop.reports.export import DEFAULT_DELIMITER
from desktop.reports.hxl import hxl_rows

TERMS = {"kk": ("балалар", "егде жастағылар"), "ru": ("дети", "пожилые")}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_children_and_elderly_are_one_term_everywhere(lang):
    children, elderly = TERMS[lang]
    for message, term in (
        (headcount_labels.CHILDREN, children),
        (headcount_labels.CHILDREN_FIELD, children),
        (headcount_labels.CHILDREN_ROW, children),
        (headcount_labels.CHILDREN_COLUMN, children),
        (headcount_labels.ELDERLY, elderly),
        (headcount_labels.ELDERLY_FIELD, elderly),
        (headcount_labels.ELDERLY_ROW, elderly),
        (headcount_labels.ELDERLY_COLUMN, elderly),
    ):
        assert gettext_in(lang, message).lower().startswith(term), (lang, message)
    # The form's label is the field's name with a colon; the summary's line is the same words in lower case.
    assert (
        gettext_in(lang, headcount_labels.ELDERLY_FIELD) == gettext_in(lang, headcount_labels.ELDERLY) + ":"
    )
    assert (
        gettext_in(lang, headcount_labels.ELDERLY_ROW) == gettext_in(lang, headcount_labels.ELDERLY).lower()
    )
    assert (
        gettext_in(lang, headcount_labels.CHILDREN_ROW) == gettext_in(lang, headcount_labels.CHILDREN).lower()
    )


def test_the_summary_rows_use_the_plural_terms(october):
    rows = {r.key: r.label for b in layout.summary_blocks(october) for r in b.rows}
    for key in ("attendance_elderly", "reached_elderly"):
        assert rows[key] == {
            "kk": "егде жастағылар (60 жастан бастап)",
            "ru": "пожилые (60 лет и старше)",
        }
    counted = str([label for key, label in rows.items() if key.startswith(("attendance_", "reached_"))])
    assert "пожилой" not in counted and "қарт адам" not in counted


@pytest.mark.parametrize("lang", ["kk", "ru", "both"])
def test_every_csv_heading_is_in_the_export_language(october, lang):
    header = csv_rows(october, lang)[0]
    assert "key" not in header
    langs = layout.LANGUAGE_CHOICES[lang]
    assert header[2 * len(langs)] == " / ".join(gettext_in(lg, "Code") for lg in langs)
    assert header[-3] == layout.join(layout.month_label(october.month), langs)
    assert all(any("а" <= ch.lower() <= "я" or ch in "әғқңөұүһі" for ch in h) for h in header), header


def test_hxl_keeps_its_hashtags_under_a_translated_row(october):
    header, tags = hxl_rows(october, "ru")[:2]
    assert all(t.startswith("#") for t in tags)
    assert "пожилые (60 лет и старше)" in header and "elderly" not in " ".join(header)


def test_csv_defaults_to_semicolons_with_a_bom_and_keeps_commas_on_request(october, tmp_path):
    assert DEFAULT_DELIMITER == ";" == list_export.DEFAULT_DELIMITER
    path = write_csv(october, tmp_path / "r.csv", "ru")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert len(rows[0]) == 6 and rows[0][0] == "Раздел"
    comma = write_csv(october, tmp_path / "c.csv", "ru", ",")
    with open(comma, encoding="utf-8-sig", newline="") as fh:
        assert len(next(csv.reader(fh, delimiter=","))) == 6
