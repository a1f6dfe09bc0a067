"""The sign-in sheet of an event read back from the PDF (pdftotext): its heading, numbered rows that fill the last
page, the optional columns and the headcount boxes, in Kazakh, Russian or both; bad requests write nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

from desktop import events, events_sheet
from desktop.clock import TZ
from desktop.errors import DostyqError, ValidationError
from desktop.events import EventInput, Headcount

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("CI"), reason="needs poppler-utils"
)


@pytest.fixture
def concert(store, clock):
    return events.save_event(
        store,
        EventInput(
            starts_at=dt.datetime(2026, 12, 16, 11, 0, tzinfo=TZ),
            title_kk="Тәуелсіздік күніне арналған мерекелік концерт",
            title_ru="Праздничный концерт ко Дню Независимости",
            kind="concert",
            place="Үлкен зал",
        ),
    )


def pdf_text(path, *args) -> str:
    out = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def pages(path) -> list[str]:
    return [" ".join(page.split()) for page in pdf_text(path).split("\f")[:-1]]


def row_numbers(path) -> list[list[int]]:
    """The numbers printed in the first column (the left 23 mm) of each page, top to bottom."""
    html = pdf_text(path, "-bbox")
    numbers = []
    for page in html.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(\d+)</word>', page
        )
        column = sorted((float(y), int(n)) for x0, y, x1, n in words if float(x1) < 23 / 25.4 * 72)
        numbers.append([n for _y, n in column])
    return numbers


@pytest.mark.parametrize(
    "language,expected",
    [
        (
            "kk",
            [
                "Қатысушыларды тіркеу парағы",
                "Павлодар облысының Достық үйі",
                "Іс-шара: Тәуелсіздік күніне арналған мерекелік концерт",
                "Күні мен уақыты: 2026 ж. 16 желтоқсан, 11:00",
                "Өтетін орны: Үлкен зал",
                "№ Тегі, аты Телефон Қолы",
            ],
        ),
        (
            "ru",
            [
                "Лист регистрации участников",
                "Мероприятие: Праздничный концерт ко Дню Независимости",
                "Дата и время: 16 декабря 2026 г., 11:00",
                "Место: Үлкен зал",
                "№ Фамилия, имя Телефон Подпись",
            ],
        ),
        (
            "both",
            [
                "Қатысушыларды тіркеу парағы / Лист регистрации участников",
                (
                    "Іс-шара / Мероприятие: Тәуелсіздік күніне арналған мерекелік концерт / Праздничный концерт "
                    "ко Дню Независимости"
                ),
                "Күні мен уақыты / Дата и время: 16.12.2026, 11:00",
            ],
        ),
    ],
)
def test_the_sheet_names_the_event_in_its_language(store, concert, tmp_path, language, expected):
    out = events_sheet.render_sign_in_sheet(store, concert, tmp_path / "sheet.pdf", language=language)
    text = pages(out)
    for words in expected:
        assert words.replace("\u202f", " ") in text[0].replace("\u202f", " ").replace("\xa0", " "), words
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded


def test_numbered_rows_fill_the_last_page_and_the_boxes_close_it(store, concert, tmp_path):
    out = events_sheet.render_sign_in_sheet(store, concert, tmp_path / "sheet.pdf", language="ru", rows=40)
    numbers = row_numbers(out)
    flat = [n for page in numbers for n in page]
    assert flat == list(range(1, len(flat) + 1))  # numbered one after the other, over the pages
    assert len(numbers) == 2 and len(flat) >= 50  # the second page is filled, not left with 13 rows
    text = pages(out)
    boxes = [
        "Подсчитывается после мероприятия",
        "Всего",
        "Женщины",
        "Мужчины",
        "Дети (до 18 лет)",
        "Пожилые (60 лет и старше)",
        "Люди с инвалидностью",
        "Подсчитал(а):",
        "(Ф. И. О.)",
        "(подпись)",
    ]
    for word in boxes:
        assert word in text[1] and word not in text[0], word
    assert text[1].startswith(
        "Лист регистрации участников · Праздничный концерт"
    )  # each page says whose it is
    assert "№ Фамилия, имя Телефон Подпись" in text[1]  # and repeats the column headings
    assert "Праздничный концерт ко Дню Независимости · 16.12.2026" in text[1] and text[1].endswith("2/2")


def test_a_short_sheet_is_one_full_page(store, concert, tmp_path):
    out = events_sheet.render_sign_in_sheet(store, concert, tmp_path / "sheet.pdf", language="kk", rows=5)
    [numbers] = row_numbers(out)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 18
    assert "Мүгедектігі бар адамдар" in pages(out)[0]


def test_the_optional_columns(store, concert, tmp_path):
    out = events_sheet.render_sign_in_sheet(
        store, concert, tmp_path / "sheet.pdf", language="both", phone=False, organisation=True
    )
    first = pages(out)[0]
    assert "№ Тегі, аты Фамилия, имя Ұйым Организация Қолы Подпись" in first
    assert "Телефон" not in first


def test_the_rows_follow_the_people_counted_before(store, concert):
    event = events.get_event(store, concert)
    assert events_sheet.default_rows(event) == events_sheet.DEFAULT_ROWS == 30
    event.headcount = Headcount(total=64, women=30, men=34)
    assert events_sheet.default_rows(event) == 64


def test_bad_requests_write_nothing(store, concert, tmp_path):
    target = tmp_path / "sheet.pdf"
    for kwargs, field in (({"language": "en"}, "sheet_language"), ({"rows": 0}, "sheet_rows")):
        with pytest.raises(ValidationError) as caught:
            events_sheet.render_sign_in_sheet(store, concert, target, **kwargs)
        assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        events_sheet.render_sign_in_sheet(store, "no-such-event", target)
    assert caught.value.field == "sheet_event"
    missing = tmp_path / "no-folder" / "sheet.pdf"
    with pytest.raises(DostyqError) as caught:
        events_sheet.render_sign_in_sheet(store, concert, missing)
    assert "no-folder" in caught.value.message
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("house.sqlite")] == []
