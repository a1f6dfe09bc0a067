"""Name search as the lists use it: a part typed from the middle of a name, Latin spellings (the 2021 Kazakh Latin
alphabet and Russian-style passport spellings), punctuation-only queries, and the index of a database made before
the infix search existed."""

from __future__ import annotations

import sqlite3

import pytest

from desktop import people_search, schema, text
from desktop.store import Store

NAMES = [
    ("Абенов", "Бекзат"),
    ("Асылбеков", "Ерлан"),
    ("Нұрланұлы", "Қайрат"),
    ("Кайратов", "Серик"),
    ("Сейітқали", "Әсел"),
    ("Иванова", "Юлия"),
    ("Жумабаева", "Жанна"),
    ("Ёлкина", "Айгүл"),
    ("Цой", "Виктор"),
    ("Хасенов", "Шынар"),
]


@pytest.fixture
def filled(store):
    for surname, name in NAMES:
        store.insert("people", {"surname": surname, "name": name})
    return store


def found(store: Store, query: str) -> set[str]:
    return {row["surname"] for row in people_search.search_people(store, query, limit=50)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("бек", {"Абенов", "Асылбеков"}),  # a word start (Бекзат) and the middle of a word (Асылбеков)
        ("БЕК", {"Абенов", "Асылбеков"}),
        ("былбек", set()),
        ("лбек", {"Асылбеков"}),
        ("рлан", {"Нұрланұлы", "Асылбеков"}),  # Нұрланұлы in loose form, and Ерлан
        ("айрат", {"Нұрланұлы", "Кайратов"}),
        ("ланулы", {"Нұрланұлы"}),  # typed on a Russian keyboard
        ("бек ерл", {"Асылбеков"}),  # every word must match
        ("бе", {"Абенов"}),  # two letters: the start of a word only
    ],
)
def test_a_part_of_a_name_finds_it(filled, query, expected):
    assert found(filled, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Abenov", {"Абенов"}),
        ("abe", {"Абенов"}),
        ("Kairat", {"Нұрланұлы", "Кайратов"}),
        ("Qairat", {"Нұрланұлы", "Кайратов"}),
        ("Qayrat", {"Нұрланұлы", "Кайратов"}),  # the 2021 Kazakh Latin alphabet: й → y
        ("Nurlanuly", {"Нұрланұлы"}),
        ("Assel", {"Сейітқали"}),  # a doubled letter, Асель/Әсел
        ("Seiitkali", {"Сейітқали"}),
        ("Yerlan", {"Асылбеков"}),  # Е at a word start written Ye
        ("Zhanna", {"Жумабаева"}),
        ("Janna", {"Жумабаева"}),  # 2021 Latin: ж → j
        ("Yuliya", {"Иванова"}),
        ("Tsoy", {"Цой"}),
        ("Khasenov", {"Хасенов"}),
        ("Şynar", {"Хасенов"}),
        ("Aygul", {"Ёлкина"}),
        ("Kairat Nurl", {"Нұрланұлы"}),
        ("Ab", {"Абенов"}),  # two Latin letters: a word start
    ],
)
def test_a_latin_spelling_finds_the_cyrillic_name(filled, query, expected):
    assert found(filled, query) == expected


def test_cyrillic_letters_stay_distinct_where_kazakh_keeps_them(filled):
    assert found(filled, "йолк") == set()  # Й ≠ И/Ё in Cyrillic queries (docs/KAZAKH.md §3)
    assert found(filled, "ёлк") == {"Ёлкина"}


@pytest.mark.parametrize("query", ["...", "-", "«»", "!!! ???", ",", "—", "()"])
def test_a_query_of_punctuation_only_matches_nobody(filled, query):
    flt = people_search.search_filter(query)
    assert flt.nothing and not flt.empty
    assert found(filled, query) == set()


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_a_blank_query_is_no_filter(filled, query):
    flt = people_search.search_filter(query)
    assert flt.empty and not flt.nothing
    assert len(found(filled, query)) == len(NAMES)


def test_punctuation_around_words_is_ignored(filled):
    assert found(filled, "«Абенов»,") == {"Абенов"}
    assert found(filled, "Абенов ...") == {"Абенов"}


def test_renamed_people_are_found_by_their_new_name(filled):
    row = filled.one("SELECT id FROM people WHERE surname = 'Цой'")
    filled.update("people", row["id"], {"surname": "Тлеубердиев"})
    assert found(filled, "убер") == {"Тлеубердиев"}
    assert found(filled, "Tleu") == {"Тлеубердиев"}
    assert found(filled, "Tsoy") == set()


def test_latin_key_is_one_key_for_both_scripts():
    for cyrillic, latin in [
        ("Қайрат", "Kairat"),
        ("Қайрат", "Qayrat"),
        ("Абенов", "Abenov"),
        ("Жанна", "Janna"),
        ("Ерлан", "Yerlan"),
        ("Хасен", "Khasen"),
        ("Шынар", "Şynar"),
        ("Ілияс", "İlyas"),
    ]:
        assert text.latin_key(cyrillic) == text.latin_key(latin), (cyrillic, latin)
    assert (
        text.is_latin_word("Qayrat") and not text.is_latin_word("Қайрат") and not text.is_latin_word("Kайрат")
    )


def test_a_database_from_before_the_infix_search_gets_the_index(tmp_path):
    """A people table written by the fifth schema (no name_infix, no Latin key in its search text) is brought
    up to date at open: old rows are found by a part of their name and by a Latin spelling."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in schema.MIGRATIONS[:5]:
        migration(conn)
    conn.execute("PRAGMA user_version = 5")
    name = "Асылбеков Ерлан"
    conn.execute(
        "INSERT INTO people (id, hlc, created_at, updated_at, surname, name, name_fold, name_loose, name_sort, "
        "search_text) VALUES ('p1', '0', '2026-01-01', '2026-01-01', 'Асылбеков', 'Ерлан', ?, ?, ?, ?)",
        (text.fold(name), text.loose(name), text.sort_key(name), f"{text.fold(name)} {text.loose(name)}"),
    )
    conn.close()
    store = Store(path)
    try:
        assert store.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert found(store, "лбек") == {"Асылбеков"}
        assert found(store, "Yerlan") == {"Асылбеков"}
        assert found(store, "Er") == {"Асылбеков"}
    finally:
        store.close()
