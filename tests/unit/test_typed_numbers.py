"""Numbers and dates as people type them: BIN structure, compact dates, and digits of other scripts refused (never
converted, never a crash), with random Unicode input through every parser."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop import iin, people, phone
from desktop.errors import ValidationError, ValidationErrors

TODAY = dt.date(2026, 11, 20)
VALID_BIN = "150440012344"  # docs/KAZAKH.md §4


# ---- BIN -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "attribute"),
    [("4", "0"), ("4", "1"), ("4", "2"), ("5", "0"), ("5", "2"), ("6", "0"), ("6", "3")],
)
def test_a_bin_of_every_allowed_type_and_attribute_is_valid(kind, attribute):
    value = next(
        b for serial in range(1, 50) if (b := iin.make_bin(dt.date(2015, 4, 1), kind, attribute, serial))
    )
    assert value[4:6] == kind + attribute
    assert iin.is_valid_bin(value) and iin.bin_problem(value) == ""


def test_the_documented_bin_is_valid():
    assert iin.is_valid_bin(VALID_BIN)


def _with_check(first11: str) -> str:
    check = iin.check_digit(first11)
    assert check is not None
    return first11 + str(check)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (_with_check("15134001234"), "month"),  # month 13
        (_with_check("15004001234"), "month"),  # month 00
        (_with_check("15043001234"), "type"),  # 5th digit 3: an IIN's century digit, not a BIN type
        (_with_check("15047001234"), "type"),
        (_with_check("15044401234"), "attribute"),  # 4 is no attribute
        (
            _with_check("15044301234"),
            "attribute",
        ),  # a peasant farm is of a joint entrepreneur (6), not a company
        (_with_check("15046101234"), "attribute"),  # a joint entrepreneur has no branches
        ("150440012345", "checksum"),
        ("15044001234", "format"),
        ("1504400123445", "format"),
        ("15044001234a", "format"),
        ("15044001234²", "script"),
        ("١٥٠٤٤٠٠١٢٣٤٤", "script"),  # Arabic-Indic
        ("１５０４４００１２３４４", "script"),  # full-width
    ],
)
def test_a_bin_with_a_wrong_part_is_refused_for_that_part(value, problem):
    assert iin.bin_problem(value) == problem
    assert not iin.is_valid_bin(value)
    error = iin.bin_error(value, "donor_bin")
    assert error is not None and error.field == "donor_bin"


def test_a_bin_typed_with_spaces_is_read():
    assert iin.bin_error("1504 4001 2344", "donor_bin") is None


# ---- IIN and phone in another script -------------------------------------------------------------------------
FOREIGN = {
    "arabic_indic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "full_width": str.maketrans("0123456789", "０１２３４５６７８９"),
    "superscript": str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"),
    "devanagari": str.maketrans("0123456789", "०१२३४५६७८९"),
}


def _person(**values) -> dict:
    return {"surname": "Сейітқали", "name": "Әсел", **values}


@pytest.mark.parametrize("script", FOREIGN)
def test_an_iin_in_another_script_is_refused_naming_the_field(script):
    typed = "900101300017".translate(FOREIGN[script])
    with pytest.raises(ValidationErrors) as err:
        people.validate_person(_person(iin=typed), TODAY)
    (only,) = err.value.errors
    assert only.field == "iin" and "0–9" in only.message and only.message.startswith("IIN:")


def test_one_superscript_digit_in_an_iin_is_refused_not_dropped():
    with pytest.raises(ValidationErrors) as err:
        people.validate_person(_person(iin="90010130001⁷"), TODAY)
    assert [e.field for e in err.value.errors] == ["iin"]


@pytest.mark.parametrize("script", FOREIGN)
def test_a_phone_in_another_script_is_refused_naming_the_field(script):
    typed = "+7 701 123 45 67".translate(FOREIGN[script])
    with pytest.raises(ValidationError) as err:
        phone.parse_phone(typed)
    assert err.value.field == "phone" and "0–9" in err.value.message


def test_the_same_phone_in_ascii_digits_is_accepted():
    assert phone.parse_phone("8 701 123 45 67").e164 == "+77011234567"


# ---- dates ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("03041987", dt.date(1987, 4, 3)),
        ("030487", dt.date(1987, 4, 3)),
        ("010126", dt.date(2026, 1, 1)),  # a two-digit year not after this year is this century's
        ("311226", dt.date(2026, 12, 31)),  # the century rule looks at the year only
        ("010127", dt.date(1927, 1, 1)),  # a year after this one is the last century's
        ("03.04.87", dt.date(1987, 4, 3)),
        ("3.4.1987", dt.date(1987, 4, 3)),
        ("03.04.1987", dt.date(1987, 4, 3)),
        ("1987-04-03", dt.date(1987, 4, 3)),
        ("  29021988 ", dt.date(1988, 2, 29)),
    ],
)
def test_typed_dates_are_read(typed, day):
    assert people.parse_date(typed, "birth_date", today=TODAY) == day


@pytest.mark.parametrize("typed", ["31022000", "29021987", "310490", "00011990", "01131990", "31.02.1990"])
def test_an_impossible_compact_date_is_refused_never_rolled_over(typed):
    with pytest.raises(ValidationError) as err:
        people.parse_date(typed, "birth_date", today=TODAY)
    assert err.value.field == "birth_date" and "no such date" in err.value.message


@pytest.mark.parametrize("typed", ["0304198", "3041987", "030419870", "1987", "03/04/1987x", "03.04.198"])
def test_other_digit_runs_are_no_date(typed):
    with pytest.raises(ValidationError) as err:
        people.parse_date(typed, "birth_date", today=TODAY)
    assert "dd.mm.yyyy" in err.value.message


@pytest.mark.parametrize("script", FOREIGN)
def test_a_date_in_another_script_is_refused(script):
    with pytest.raises(ValidationError) as err:
        people.parse_date("03.04.1987".translate(FOREIGN[script]), "birth_date", today=TODAY)
    assert "0–9" in err.value.message


def test_a_person_form_reads_a_compact_birth_date():
    clean = people.validate_person(_person(birth_date="03041987"), TODAY)
    assert clean.values["birth_date"] == "1987-04-03"


# ---- random Unicode: a value or a field-named refusal, never a crash -------------------------------------------
NUMBERISH = st.text(
    alphabet=st.one_of(
        st.characters(),  # anything
        st.sampled_from("0123456789 +-().٠١٢٣٤٥٦٧٨٩０１２３⁰¹²³⁴½Ⅻ۴৩"),
    ),
    max_size=20,
)
FUZZ = settings(max_examples=300, deadline=None, database=None)


@FUZZ
@given(NUMBERISH)
def test_any_text_as_an_iin_gives_a_verdict_or_a_named_refusal(value):
    try:
        clean = people.validate_person(_person(iin=value), TODAY)
    except ValidationErrors as err:
        assert {e.field for e in err.errors} <= {"iin"}
        return
    stored = clean.values["iin"]
    assert stored is None or (
        len(stored) == 12 and iin.is_ascii_digits(stored) and iin.parse_iin(stored).valid
    )


@FUZZ
@given(NUMBERISH)
def test_any_text_as_a_bin_gives_a_verdict(value):
    problem = iin.bin_problem(value)
    assert problem in ("", "script", "format", "month", "type", "attribute", "checksum", "never_issued")
    if problem == "":
        assert iin.is_ascii_digits(value) and len(value) == 12
    error = iin.bin_error(value, "donor_bin")
    assert error is None or error.field == "donor_bin"


@FUZZ
@given(NUMBERISH)
def test_any_text_as_a_phone_gives_a_number_or_a_named_refusal(value):
    try:
        found = phone.parse_phone(value)
    except ValidationError as err:
        assert err.field == "phone" and err.message
        return
    assert found is None or (found.e164.startswith("+") and found.e164[1:].isascii())


@FUZZ
@given(st.one_of(NUMBERISH, st.from_regex(r"\A[0-9٠-٩０-９⁰-⁹.\-]{1,12}\Z")))
def test_any_text_as_a_date_gives_a_date_or_a_named_refusal(value):
    try:
        day = people.parse_date(value, "birth_date", today=TODAY)
    except ValidationError as err:
        assert err.field == "birth_date" and err.message
        return
    assert day is None or isinstance(day, dt.date)
    if day is not None:
        assert not iin.has_foreign_digits(value)


def test_a_valid_iin_fills_only_what_is_blank():
    assert iin.filled_from_iin("050325 600124", "", "", TODAY) == {
        "birth_date": dt.date(2005, 3, 25),
        "sex": "f",
    }
    assert iin.filled_from_iin("050325600124", "01.01.1990", "m", TODAY) == {}
    assert iin.filled_from_iin("050325600124", "", "m", TODAY) == {"birth_date": dt.date(2005, 3, 25)}
    assert iin.filled_from_iin("900230400015", "", "", TODAY) == {"sex": "f"}  # 30 February is no date
    assert iin.filled_from_iin("900101300018", "", "", TODAY) == {}  # wrong check digit
    assert iin.filled_from_iin("５５0101300017", "", "", TODAY) == {}
