"""Person validation (IIN, phone, dates, required fields), duplicates and the search the register uses."""

import datetime as dt

import pytest

from desktop import people, people_search
from desktop.errors import ValidationError, ValidationErrors
from desktop.phone import format_phone, parse_phone

TODAY = dt.date(2026, 11, 25)


def person(**changes):
    values = {
        "surname": "Нұрланұлы",
        "name": "Қайрат",
        "patronymic": "",
        "birth_date": "01.01.1990",
        "sex": "m",
        "iin": "",
        "phone": "",
        "email": "",
        "languages": ["kk", "ru"],
        "locality": "Павлодар",
        "address": "",
        "notes": "",
    }
    values.update(changes)
    return values


def errors_of(values):
    with pytest.raises(ValidationErrors) as info:
        people.validate_person(values, TODAY)
    return {e.field: e.message for e in info.value.errors}


# ---- IIN --------------------------------------------------------------------------------------------------
def test_valid_iin_matching_the_person_saves_without_warnings():
    clean = people.validate_person(person(iin="900101300017"), TODAY)
    assert clean.values["iin"] == "900101300017"
    assert clean.warnings == []


def test_valid_iin_through_the_second_weights():
    clean = people.validate_person(person(iin="850615300000", birth_date="15.06.1985"), TODAY)
    assert clean.values["iin"] == "850615300000" and clean.warnings == []


def test_bad_check_digit_blocks_with_a_message_naming_the_iin():
    errors = errors_of(person(iin="900101300018"))
    assert set(errors) == {"iin"}
    assert errors["iin"].startswith("IIN:") and "check digit" in errors["iin"]


def test_never_issued_iin_blocks():
    errors = errors_of(person(iin="850615300050", birth_date="15.06.1985"))
    assert "no IIN can have these digits" in errors["iin"]


def test_impossible_date_in_a_valid_iin_only_warns():
    clean = people.validate_person(person(iin="900230400015", birth_date="", sex="f"), TODAY)
    assert clean.values["iin"] == "900230400015"
    assert [w.field for w in clean.warnings] == ["iin"]
    assert "not a real date" in clean.warnings[0].message


def test_iin_date_and_sex_that_disagree_only_warn():
    clean = people.validate_person(person(iin="050325600124", birth_date="01.01.1990", sex="m"), TODAY)
    messages = [w.message for w in clean.warnings]
    assert any("25.03.2005" in m for m in messages)
    assert any("other sex" in m for m in messages)


@pytest.mark.parametrize(
    "iin, words", [("90010130001", "12 digits; this one has 11"), ("9001013000AB", "only digits")]
)
def test_iin_of_wrong_length_or_with_letters_is_named(iin, words):
    assert words in errors_of(person(iin=iin))["iin"]


# ---- phone ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["87011234567", "+7 701 123 45 67", "8 (701) 123-45-67", "7011234567"])
def test_kazakh_mobile_numbers_normalise_to_e164(typed):
    phone = parse_phone(typed)
    assert (phone.e164, phone.country) == ("+77011234567", "KZ")
    assert format_phone(phone.e164) == "+7 701 123 45 67"


def test_foreign_number_is_accepted_with_a_note_of_its_country():
    clean = people.validate_person(person(phone="+7 916 123 45 67"), TODAY)
    assert (clean.values["phone"], clean.values["phone_country"]) == ("+79161234567", "RU")
    assert [w.field for w in clean.warnings] == ["phone"] and "RU" in clean.warnings[0].message


def test_phone_with_letters_is_refused():
    assert errors_of(person(phone="8701abc4567"))["phone"].startswith("Phone:")


def test_landline_is_shown_in_the_same_grouping():
    assert format_phone(parse_phone("8 7182 12 34 56").e164) == "+7 718 212 34 56"


# ---- other fields -----------------------------------------------------------------------------------------
def test_required_fields_and_future_birth_date_are_each_named():
    errors = errors_of(person(surname=" ", name="", birth_date="01.01.2027"))
    assert errors["surname"] == "Surname is required."
    assert errors["name"] == "Name is required."
    assert errors["birth_date"] == "Birth date cannot be in the future."


def test_birth_date_must_be_dd_mm_yyyy():
    assert "dd.mm.yyyy" in errors_of(person(birth_date="1990/01/13"))["birth_date"]
    assert "no such date (01.13.1990)" in errors_of(person(birth_date="1990-13-01"))["birth_date"]


def test_names_are_stored_nfc_and_trimmed():
    clean = people.validate_person(person(surname="  Нұрланұлы ", name="Қайрат\u00a0 "), TODAY)
    assert clean.values["surname"] == "Нұрланұлы" and clean.values["name"] == "Қайрат"
    assert clean.values["birth_date"] == "1990-01-01"


def test_bad_input_saves_nothing(store):
    before = store.scalar("SELECT count(*) FROM people")
    with pytest.raises(ValidationErrors):
        people.save_person(
            store, person(name="", iin="123", phone="abc", birth_date="01.01.2030"), today=TODAY
        )
    assert store.scalar("SELECT count(*) FROM people") == before
    assert store.pending_count() == 0


# ---- duplicates -------------------------------------------------------------------------------------------
def test_same_iin_is_a_duplicate(store):
    first = people.save_person(store, person(iin="900101300017"), today=TODAY)
    found = people.find_duplicates(
        store, people.validate_person(person(surname="Басқа", name="Адам", iin="900101300017"), TODAY).values
    )
    assert [(d.person["id"], d.reason) for d in found] == [(first, "iin")]


def test_same_folded_name_and_birth_date_is_a_duplicate(store):
    first = people.save_person(store, person(), today=TODAY)
    found = people.find_duplicates(
        store, people.validate_person(person(surname="НҰРЛАНҰЛЫ", name="қайрат"), TODAY).values
    )
    assert [(d.person["id"], d.reason) for d in found] == [(first, "name_birth")]


def test_loose_spelling_is_a_close_match_but_another_birth_date_is_not(store):
    first = people.save_person(store, person(), today=TODAY)
    typed_russian = people.validate_person(person(surname="Нурланулы", name="Кайрат"), TODAY).values
    assert [(d.person["id"], d.reason) for d in people.find_duplicates(store, typed_russian)] == [
        (first, "loose")
    ]
    latin_i = people.save_person(store, person(surname="Ілиясов", name="Ерлан", birth_date=""), today=TODAY)
    typed_latin = people.validate_person(person(surname="Iлиясов", name="Ерлан"), TODAY).values
    assert [d.person["id"] for d in people.find_duplicates(store, typed_latin)] == [latin_i]
    other_birth = people.validate_person(
        person(surname="Нурланулы", name="Кайрат", birth_date="02.02.1992"), TODAY
    ).values
    assert people.find_duplicates(store, other_birth) == []


def test_unconfirmed_duplicate_stops_the_save_and_different_person_is_remembered(store):
    first = people.save_person(store, person(), today=TODAY)
    with pytest.raises(people.DuplicatesFound) as info:
        people.save_person(store, person(surname="Нурланулы", name="Кайрат"), today=TODAY)
    assert [d.person["id"] for d in info.value.duplicates] == [first]
    assert store.scalar("SELECT count(*) FROM people") == 1
    second = people.save_person(
        store, person(surname="Нурланулы", name="Кайрат"), today=TODAY, different_from=[first]
    )
    assert store.scalar("SELECT count(*) FROM people") == 2  # never merged
    assert store.scalar("SELECT count(*) FROM people_distinct") == 1
    # Editing either of them later does not ask about the other again.
    again = people.validate_person(person(surname="Нурланулы", name="Кайрат"), TODAY).values
    assert people.find_duplicates(store, again, exclude_id=second) == []
    people.save_person(store, person(surname="Нурланулы", name="Кайрат", notes="edited"), second, today=TODAY)


# ---- search -----------------------------------------------------------------------------------------------
@pytest.fixture
def registered(store):
    names = [
        ("Нұрланұлы", "Қайрат"),
        ("Сейітқали", "Әсел"),
        ("Иванов", "Иван"),
        ("Ілиясов", "Ерлан"),
        ("Ёлкин", "Сергей"),
        ("Елкин", "Павел"),
    ]
    ids = {}
    for i, (surname, name) in enumerate(names):
        ids[name] = people.save_person(
            store, person(surname=surname, name=name, birth_date="", phone=f"+7701555{i:04d}"), today=TODAY
        )
    return ids


def found(store, query):
    return [p["name"] for p in people_search.search_people(store, query)]


def test_search_finds_kazakh_names_typed_on_a_russian_keyboard(store, registered):
    assert found(store, "кайрат нурланулы") == ["Қайрат"]
    assert found(store, "нурл") == ["Қайрат"]
    assert found(store, "ӘСЕЛ") == ["Әсел"]
    assert found(store, "әсел") == ["Әсел"]
    assert found(store, "асел сейиткали") == ["Әсел"]
    assert found(store, "Iлияс") == ["Ерлан"]  # Latin I typed for І


def test_search_treats_yo_as_ye_and_lists_in_kazakh_order(store, registered):
    # Е sorts before Ё in the alphabet, so Елкин comes first whichever letter is typed.
    assert found(store, "елкин") == ["Павел", "Сергей"]
    assert found(store, "ЁЛКИН") == ["Павел", "Сергей"]


def test_search_by_phone_or_iin_fragment(store, registered):
    assert found(store, "5550003") == ["Ерлан"]
    assert found(store, "8 701 555 0003") == ["Ерлан"]
    people.save_person(store, person(surname="Омаров", name="Мұрат", iin="900101300017"), today=TODAY)
    assert found(store, "9001013") == ["Мұрат"]  # an IIN by its start, as read off a document
    assert found(store, "01013000") == []


def test_search_ignores_fts_syntax_typed_by_mistake(store, registered):
    assert found(store, 'кайрат"') == ["Қайрат"]
    assert found(store, "AND OR *") == []


def test_empty_query_lists_everyone_in_kazakh_order(store, registered):
    assert [p["surname"] for p in people_search.search_people(store, "")] == [
        "Елкин",
        "Ёлкин",
        "Иванов",
        "Нұрланұлы",
        "Сейітқали",
        "Ілиясов",
    ]


def test_one_date_parser_reads_typed_dates_everywhere():
    from desktop import aid, consents

    assert people.parse_date(" 08.03.1990 ", "birth_date") == dt.date(1990, 3, 8)
    assert people.parse_date("1990-03-08", "birth_date") == dt.date(1990, 3, 8)
    assert people.parse_date("  ", "birth_date") is None
    today = dt.date(2026, 11, 20)
    # Aid reads typed text with the same parser and keeps its own rules: required, not in the future.
    assert aid.parse_date("08.03.2026", "given_on", today=today) == dt.date(2026, 3, 8)
    assert aid.parse_date("2026-03-08", "given_on", today=today) == dt.date(2026, 3, 8)
    for typed, message in (("  ", "enter a date"), ("21.11.2026", "future"), ("31.02.2026", "no such date")):
        with pytest.raises(ValidationError) as refused:
            aid.parse_date(typed, "given_on", today=today)
        assert refused.value.field == "given_on" and message in refused.value.message
    assert aid.parse_date("", "given_on", today=today, required=False) is None
    assert consents._date(
        "08.03.2026", "given_on", required=True, allow_future=False, today=today
    ) == dt.date(2026, 3, 8)
