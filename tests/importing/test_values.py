"""Cell values as houses type them: each quirk read the way the person form would take it, or refused."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.errors import ValidationError
from desktop.importing import values as v
from desktop.importing.header import KIND_FIELDS, match_field
from tests.importing import messy

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05.03.1990", dt.date(1990, 3, 5)),
        ("5.3.1990", dt.date(1990, 3, 5)),
        ("05/03/1990", dt.date(1990, 3, 5)),
        ("05-03-1990", dt.date(1990, 3, 5)),
        ("05.03.90", dt.date(1990, 3, 5)),
        ("09.07.04", dt.date(2004, 7, 9)),
        ("1990-03-05", dt.date(1990, 3, 5)),
        ("5 марта 1990 г.", dt.date(1990, 3, 5)),
        ("5 мар. 1990 г.", dt.date(1990, 3, 5)),
        ("5 март 1990", dt.date(1990, 3, 5)),
        ("1990 ж. 5 наурыз", dt.date(1990, 3, 5)),  # the app's own kk long date
        ("1990 ж. 05 нау.", dt.date(1990, 3, 5)),  # the app's own kk medium date
        ("12 желтоқсан 1985", dt.date(1985, 12, 12)),
        ("\u00a005.03.1990 ", dt.date(1990, 3, 5)),
        (32937, dt.date(1990, 3, 5)),  # an Excel serial
        (32937.0, dt.date(1990, 3, 5)),
        ("32937", dt.date(1990, 3, 5)),
        (dt.datetime(1990, 3, 5, 0, 0), dt.date(1990, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_form_people_type_them(cell, expected):
    assert v.to_date(cell, "birth_date", TODAY) == expected


@pytest.mark.parametrize(
    "cell", ["31.02.1990", "29.02.2023", "31.04.2001", "00.01.1990", "32.01.1990", "1990-02-30"]
)
def test_an_impossible_date_is_refused_never_rolled_over(cell):
    with pytest.raises(ValidationError) as caught:
        v.to_date(cell, "birth_date", TODAY)
    assert caught.value.field == "birth_date"


def test_a_leap_day_that_exists_is_kept():
    assert v.to_date("29.02.2024", "birth_date", TODAY) == dt.date(2024, 2, 29)


@pytest.mark.parametrize("cell", ["вчера", "05.13", "1990", 1.5])
def test_text_that_is_no_date_is_refused(cell):
    with pytest.raises(ValidationError):
        v.to_date(cell, "birth_date", TODAY)


@pytest.mark.parametrize(
    ("cell", "expected", "warned"),
    [
        ("8 (701) 123-45-67", "8 (701) 123-45-67", False),
        ("+7 701 123 45 67", "+7 701 123 45 67", False),
        (87011234567, "87011234567", False),  # an Excel number
        (87011234567.0, "87011234567", False),
        (77011234567, "+77011234567", False),  # the country code without its +
        ("7011234567", "87011234567", False),  # without the 8
        ("8 701 111 22 33, 8 702 444 55 66", "8 701 111 22 33", True),  # two numbers in a cell
        ("8 701 111 22 33 / 8 702 444 55 66", "8 701 111 22 33", True),
        ("", "", False),
    ],
)
def test_phones_in_domestic_and_international_forms(cell, expected, warned):
    value, warnings = v.to_phone(cell)
    assert value == expected
    assert bool(warnings) == warned


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (messy.IIN_A, messy.IIN_A),
        (int(messy.IIN_A), messy.IIN_A),
        (int(messy.IIN_B), messy.IIN_B),  # Excel dropped the leading zero
        (float(messy.IIN_A), messy.IIN_A),
        (f"{messy.IIN_A[:6]} {messy.IIN_A[6:]}", messy.IIN_A),
        ("'" + messy.IIN_B, messy.IIN_B),
    ],
)
def test_iins_as_text_or_as_numbers(cell, expected):
    assert v.to_iin(cell)[0] == expected


def test_an_iin_in_exponent_form_keeps_what_digits_it_has_and_warns():
    full = f"{messy.IIN_A[0]}.{messy.IIN_A[1:]}E+11"
    assert v.to_iin(full)[0] == messy.IIN_A and v.to_iin(full)[1]
    lost, warnings = v.to_iin(
        "9.00305E+11"
    )  # the digits Excel cut off are zeros now: the check digit will fail
    assert lost == "900305000000" and warnings


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ИВАНОВА", "Иванова"),
        ("айгүл", "Айгүл"),
        ("Айгүл\u00a0 Сериковна", "Айгүл Сериковна"),
        ("ЖАҢАБАЕВА-ОМАРОВА", "Жаңабаева-Омарова"),
        ("Aйгүл", "Айгүл"),  # a Latin A inside a Cyrillic word
        ("Kaйрат", "Кайрат"),
        ("Aigul", "Aigul"),  # a name in Latin script is left as written
        ("McDonald", "McDonald"),
    ],
)
def test_names_are_cleaned_the_way_they_are_stored(cell, expected):
    assert v.clean_name(cell, "surname")[0] == expected


def test_latin_look_alikes_are_corrected_with_a_warning():
    assert v.clean_name("Aйгүл", "name")[1]
    assert not v.clean_name("Айгүл", "name")[1]


def test_a_letter_lost_to_cp1251_is_flagged_not_imported():
    with pytest.raises(ValidationError):
        v.clean_name("Жа?абаев", "surname")


def test_a_full_name_splits_into_surname_name_and_patronymic():
    assert v.split_full_name("ИВАНОВА  Айгүл\u00a0Сериковна") == ("ИВАНОВА", "Айгүл", "Сериковна")
    assert v.split_full_name("Сейітов Нұрлан Әлі ұлы") == ("Сейітов", "Нұрлан", "Әлі ұлы")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ФИО / Аты-жөні", "full_name"),
        ("ФИО /\nАты-жөні", "full_name"),
        ("Аты-жөні  ", "full_name"),
        ("Дата\nрождения", "birth_date"),
        ("Дата рождения (Туған күні)", "birth_date"),
        (" ИИН / ЖСН ", "iin"),
        ("ЖСН:", "iin"),
        ("Тегі", "surname"),
        ("Телефон\u00a0", "phone"),
        ("Тілдер", "languages"),
        ("Номер", "number"),
    ],
)
def test_headers_in_kazakh_russian_or_both(header, field):
    assert match_field(header, KIND_FIELDS["volunteers"]) == field


def test_an_unknown_header_matches_nothing():
    assert match_field("Размер обуви", KIND_FIELDS["volunteers"]) is None
