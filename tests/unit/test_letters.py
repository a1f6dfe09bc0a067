"""Thank-you letters and certificates: the PDF carries the exact Kazakh (and Russian) words, fonts embedded."""

import datetime as dt
import shutil
import subprocess

import pytest

from desktop import letters, volunteers
from desktop.clock import TZ
from desktop.errors import ValidationError

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
ISSUED = dt.date(2026, 11, 25)


@pytest.fixture
def volunteer_id(store):
    _person, vid = volunteers.save_volunteer(
        store,
        {"surname": "Сейітқали", "name": "Әсел", "patronymic": "Нұрланқызы", "sex": "f"},
        {"status": "active"},
        today=ISSUED,
    )
    start = dt.datetime(2026, 3, 21, 9, 0, tzinfo=TZ)
    volunteers.add_shift(
        store, vid, start, start + dt.timedelta(hours=4, minutes=30), now=start.replace(day=22)
    )
    return vid


def pdf_text(path, *args):
    out = subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


def test_kazakh_letter_text_comes_back_exactly(store, volunteer_id, tmp_path):
    out = letters.render_letter(
        store,
        volunteer_id,
        tmp_path / "kk.pdf",
        language="kk",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 30),
        issued=ISSUED,
    )
    words = letters.letter_text(
        store, volunteer_id, "kk", dt.date(2026, 1, 1), dt.date(2026, 6, 30), issued=ISSUED
    )
    assert words.greeting == "Құрметті Әсел Нұрланқызы!"
    assert words.body == (
        "Павлодар облысының Достық үйі Сізге 01.01.2026 – 30.06.2026 аралығында ерікті ретінде "
        "атқарған 4,5 сағат еңбегіңіз, адалдығыңыз бен жанашырлығыңыз үшін шын жүректен алғыс "
        "білдіреді."
    )
    assert pdf_text(out) == " ".join(" ".join(words.paragraphs()).split())
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded


def test_both_languages_side_by_side(store, volunteer_id, tmp_path):
    out = letters.render_letter(
        store,
        volunteer_id,
        tmp_path / "both.pdf",
        language="both",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 30),
        issued=ISSUED,
    )
    # Landscape A4 (842 × 595 pt): the left half is Kazakh, the right half Russian.
    left = pdf_text(out, "-x", "0", "-y", "0", "-W", "421", "-H", "595")
    right = pdf_text(out, "-x", "421", "-y", "0", "-W", "421", "-H", "595")
    assert left.startswith("АЛҒЫС ХАТ Павлодар облысының Достық үйі Құрметті Әсел Нұрланқызы!")
    assert right.startswith(
        "БЛАГОДАРСТВЕННОЕ ПИСЬМО Дом дружбы — Павлодарская область Уважаемая Әсел Нұрланқызы!"
    )
    assert "4,5 ч." in right and "4,5 сағат" in left


def test_certificate_names_the_volunteer_in_full(store, volunteer_id, tmp_path):
    out = letters.render_letter(
        store,
        volunteer_id,
        tmp_path / "cert.pdf",
        language="ru",
        kind="certificate",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        issued=ISSUED,
    )
    text = pdf_text(out)
    assert text.startswith("СЕРТИФИКАТ") and "Сейітқали Әсел Нұрланқызы" in text
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter_printed'") == 1


def test_bad_request_is_refused_before_anything_is_written(store, volunteer_id, tmp_path):
    with pytest.raises(ValidationError) as info:
        letters.render_letter(
            store,
            volunteer_id,
            tmp_path / "x.pdf",
            language="kk",
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 1, 1),
            issued=ISSUED,
        )
    assert info.value.field == "period"
    assert not (tmp_path / "x.pdf").exists()


def test_a_letter_for_no_hours_is_refused_on_the_hours_field(store, volunteer_id, tmp_path):
    with pytest.raises(ValidationError) as info:
        letters.render_letter(
            store,
            volunteer_id,
            tmp_path / "none.pdf",
            language="ru",
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 31),
            issued=ISSUED,
        )
    assert info.value.field == "hours" and "01.05.2026" in info.value.message
    assert not (tmp_path / "none.pdf").exists()
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'letter_printed'") == 0


def test_has_hours_tells_whom_a_letter_can_thank(store, volunteer_id):
    assert letters.has_hours(store, volunteer_id, today=ISSUED)
    _person, newcomer = volunteers.save_volunteer(
        store, {"surname": "Ким", "name": "Дана", "sex": "f"}, {"status": "active"}, today=ISSUED
    )
    assert not letters.has_hours(store, newcomer, today=ISSUED)
