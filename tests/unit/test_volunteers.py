"""The volunteer record, the register list, the shift ledger (kiosk, staff entries, reversals) and hours."""

import datetime as dt

import pytest

from desktop import people_search, volunteers
from desktop.clock import TZ
from desktop.errors import LedgerError, ValidationError, ValidationErrors

TODAY = dt.date(2026, 11, 25)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


NOW = at(25, 18)


def person(surname="Нұрланұлы", name="Қайрат", **changes):
    values = {"surname": surname, "name": name, "birth_date": "", "languages": ["kk"]}
    values.update(changes)
    return values


def volunteer(store, surname="Нұрланұлы", name="Қайрат", **record):
    values = {
        "status": "active",
        "since": "01.02.2025",
        "skills": ["skill-first-aid"],
        "consent_given_on": "01.02.2025",
        "consent_form_version": "2026-1",
        **record,
    }
    return volunteers.save_volunteer(store, person(surname, name), values, today=TODAY)[1]


def test_volunteer_record_saves_with_person_skills_and_consent(store):
    volunteer_id = volunteer(store, activities="Aid point", emergency_contact="Мама +7 701 000 00 00")
    record = volunteers.get_volunteer(store, volunteer_id)
    assert record["person"]["name"] == "Қайрат"
    assert record["skills"] == ["skill-first-aid"]
    assert record["since"] == "2025-02-01" and record["status"] == "active"
    assert len(record["kiosk_code"]) == 4 and record["kiosk_code"].isdigit()
    assert (record["consent"]["given_on"], record["consent"]["form_version"]) == ("2025-02-01", "2026-1")


def test_bad_volunteer_and_person_fields_are_all_reported_and_nothing_is_saved(store):
    with pytest.raises(ValidationErrors) as info:
        volunteers.save_volunteer(
            store,
            person(name="", phone="abc"),
            {
                "status": "active",
                "since": "32.01.2025",
                "consent_given_on": "01.01.2030",
                "consent_form_version": "2026-1",
            },
            today=TODAY,
        )
    assert {e.field for e in info.value.errors} == {"name", "phone", "since", "consent_given_on"}
    assert store.scalar("SELECT count(*) FROM people") == 0
    assert store.scalar("SELECT count(*) FROM volunteers") == 0


def test_house_can_extend_the_skill_list_but_not_twice(store):
    skill_id = volunteers.add_skill(store, "Домбыра", "")
    assert (skill_id, "Домбыра") in volunteers.skills(store, "ru")
    with pytest.raises(ValidationError) as info:
        volunteers.add_skill(store, "", "домбыра")
    assert info.value.field == "skill_name"
    with pytest.raises(ValidationError):
        volunteers.add_skill(store, " ", "")


def test_register_lists_in_kazakh_alphabet_order_and_sorts_by_other_columns(store):
    surnames = [
        "Ілиясов",
        "Үмбетов",
        "Ұлықпанов",
        "Уәлиев",
        "Әбенов",
        "Ахметов",
        "Қасымов",
        "Кенжебеков",
        "Ыбыраев",
        "Һәмитов",
        "Нұрланов",
        "Ңа",
        "Ёлкин",
        "Ерланов",
        "Өмірбеков",
        "Омаров",
        "Шмидт",
    ]
    ids = {s: volunteer(store, s, "Тест") for s in surnames}
    page = volunteers.register_page(store, volunteers.RegisterQuery(), 0, 100)
    assert [r["surname"] for r in page] == [
        "Ахметов",
        "Әбенов",
        "Ерланов",
        "Ёлкин",
        "Кенжебеков",
        "Қасымов",
        "Нұрланов",
        "Ңа",
        "Омаров",
        "Өмірбеков",
        "Уәлиев",
        "Ұлықпанов",
        "Үмбетов",
        "Һәмитов",
        "Шмидт",
        "Ыбыраев",
        "Ілиясов",
    ]
    descending = volunteers.register_page(store, volunteers.RegisterQuery(descending=True), 0, 3)
    assert [r["surname"] for r in descending] == ["Ілиясов", "Ыбыраев", "Шмидт"]
    volunteers.add_shift(store, ids["Шмидт"], at(3, 10), at(3, 13), now=NOW)
    by_hours = volunteers.register_page(
        store, volunteers.RegisterQuery(sort="hours", descending=True, month="2026-11"), 0, 2
    )
    assert by_hours[0]["surname"] == "Шмидт" and by_hours[0]["month_minutes"] == 180
    # Pages follow each other without gaps or repeats (the list loads lazily).
    pages = [
        r["id"]
        for off in range(0, 17, 5)
        for r in volunteers.register_page(store, volunteers.RegisterQuery(), off, 5)
    ]
    assert pages == [r["id"] for r in page]


def test_register_search_is_loose_and_counts(store):
    volunteer(store, "Нұрланұлы", "Қайрат")
    volunteer(store, "Сейітқали", "Әсел")
    query = volunteers.RegisterQuery(text="кайрат нурланулы")
    assert [r["name"] for r in volunteers.register_page(store, query, 0, 50)] == ["Қайрат"]
    assert volunteers.register_count(store, query) == (1, False)
    assert volunteers.register_count(store, volunteers.RegisterQuery()) == (2, False)


def test_dense_and_sparse_searches_give_the_same_page(store, monkeypatch):
    for i in range(30):
        volunteer(store, f"Сейітқали{chr(0x430 + i)}", "Әсел")
        volunteer(store, "Ахметов", f"Болат{chr(0x430 + i)}")
    query = volunteers.RegisterQuery(text="сейиткали")
    sorted_matches = [r["id"] for r in volunteers.register_page(store, query, 0, 100)]
    monkeypatch.setattr(
        people_search.SearchFilter, "prefers_sorted_index", lambda *_a: True
    )  # walk the name order
    assert [r["id"] for r in volunteers.register_page(store, query, 0, 100)] == sorted_matches
    monkeypatch.setattr(volunteers, "WALK_BUDGET_S", 0.0)  # the walk gives up at once: sort the matches
    assert [r["id"] for r in volunteers.register_page(store, query, 0, 100)] == sorted_matches
    assert len(sorted_matches) == 30


# ---- shifts -----------------------------------------------------------------------------------------------
def test_kiosk_arrive_and_leave_record_a_shift(store):
    vid = volunteer(store)
    assert volunteers.arrive(store, vid, at(25, 9, 30)).kind == "arrived"
    assert volunteers.arrive(store, vid, at(25, 10)).kind == "already_in"
    left = volunteers.leave(store, vid, at(25, 13, 15))
    assert (left.kind, left.minutes) == ("left", 225)
    assert volunteers.open_shift(store, vid) is None
    assert volunteers.leave(store, vid, at(25, 14)).kind == "not_in"
    assert volunteers.minutes_in_period(store, vid, dt.date(2026, 11, 25), dt.date(2026, 11, 25)) == 225
    kinds = [e["kind"] for e in volunteers.shift_entries(store, vid, "2026-11")]
    assert sorted(kinds) == ["checked_in", "closed"]


def test_shift_ledger_correction_is_a_reversal_never_an_edit(store):
    vid = volunteer(store)
    shift = volunteers.add_shift(store, vid, at(10, 9), at(10, 14), "Aid point", now=NOW)
    with pytest.raises(LedgerError):
        store.update("volunteer_shifts", shift, {"minutes": 60})
    with pytest.raises(ValidationError) as info:
        volunteers.reverse_shift(store, shift, "  ")
    assert info.value.field == "reason"
    reversal, replacement = volunteers.correct_shift(
        store, shift, at(10, 9), at(10, 12), "left at noon", now=NOW
    )
    rows = {r["id"]: r for r in store.rows("SELECT * FROM volunteer_shifts")}
    assert rows[shift]["minutes"] == 300  # the original is untouched
    assert (rows[reversal]["minutes"], rows[reversal]["reverses_id"], rows[reversal]["reason"]) == (
        -300,
        shift,
        "left at noon",
    )
    assert rows[replacement]["minutes"] == 180
    assert volunteers.minutes_by_month(store, vid, 2026)[11] == 180
    with pytest.raises(ValidationError):
        volunteers.reverse_shift(store, shift, "again")  # already reversed
    with pytest.raises(ValidationError):
        volunteers.reverse_shift(store, reversal, "reversal of a reversal")
    kinds = {e["id"]: e["kind"] for e in volunteers.shift_entries(store, vid, "2026-11")}
    assert kinds == {shift: "reversed", reversal: "reversal", replacement: "closed"}


def test_staff_shift_times_are_checked(store):
    vid = volunteer(store)
    with pytest.raises(ValidationError):
        volunteers.add_shift(store, vid, at(10, 14), at(10, 9), now=NOW)
    with pytest.raises(ValidationError):
        volunteers.add_shift(store, vid, at(26, 9), at(26, 12), now=NOW)  # in the future
    with pytest.raises(ValidationError):
        volunteers.add_shift(store, vid, at(10, 9), at(11, 10), now=NOW)  # over 24 hours
    assert store.scalar("SELECT count(*) FROM volunteer_shifts") == 0


def test_shift_left_open_over_midnight_is_flagged_until_staff_close_it(store):
    vid = volunteer(store)
    volunteers.arrive(store, vid, at(23, 10))
    assert volunteers.open_shifts_over_midnight(store, at(23, 22)) == []
    flagged = volunteers.open_shifts_over_midnight(store, at(24, 9))
    assert [s["volunteer_id"] for s in flagged] == [vid]
    # The kiosk does not close yesterday's shift; staff do, with the real time.
    assert volunteers.leave(store, vid, at(24, 9)).kind == "not_in"
    volunteers.close_shift(store, flagged[0]["id"], at(23, 16), now=at(24, 9))
    assert volunteers.open_shifts_over_midnight(store, at(24, 9)) == []
    assert volunteers.minutes_by_month(store, vid, 2026)[11] == 360


def test_cancelled_open_shift_is_no_longer_flagged(store):
    vid = volunteer(store)
    volunteers.arrive(store, vid, at(20, 10))
    shift = volunteers.open_shift(store, vid)
    volunteers.reverse_shift(store, shift["id"], "pressed by mistake")
    assert volunteers.open_shifts_over_midnight(store, NOW) == []
    assert volunteers.arrive(store, vid, at(25, 9)).kind == "arrived"


def test_hours_per_month_include_event_minutes(store):
    vid = volunteer(store)
    other = volunteer(store, "Иванов", "Иван")
    volunteers.add_shift(
        store,
        vid,
        at(3, 9),
        at(3, 11),
        now=NOW,
    )
    volunteers.add_shift(store, vid, at(30, 9, month=10), at(30, 10, month=10), now=NOW)
    event = store.insert(
        "events", {"title_kk": "Наурыз", "starts_at": "2026-11-20T10:00:00+05:00", "status": "held"}
    )
    store.insert("event_volunteers", {"event_id": event, "volunteer_id": vid, "minutes": 90})
    cancelled = store.insert(
        "events", {"title_kk": "Болмады", "starts_at": "2026-11-21T10:00:00+05:00", "status": "cancelled"}
    )
    store.insert("event_volunteers", {"event_id": cancelled, "volunteer_id": vid, "minutes": 600})
    months = volunteers.minutes_by_month(store, vid, 2026)
    assert (months[10], months[11]) == (60, 210)
    rows = volunteers.month_hours(store, "2026-11")
    assert [(r["id"], r["shift_minutes"], r["event_minutes"], r["total_minutes"]) for r in rows] == [
        (vid, 120, 90, 210)
    ]
    assert other not in [r["id"] for r in rows]
    page = volunteers.register_page(store, volunteers.RegisterQuery(month="2026-11"), 0, 10)
    assert {r["id"]: r["month_minutes"] for r in page} == {other: 0, vid: 210}


def test_kiosk_finds_by_code_or_name_but_not_those_who_left(store):
    vid = volunteer(store)
    gone = volunteer(store, "Иванов", "Иван", status="left")
    code = volunteers.get_volunteer(store, vid)["kiosk_code"]
    assert [r["id"] for r in volunteers.kiosk_find(store, code)] == [vid]
    assert [r["id"] for r in volunteers.kiosk_find(store, "кайр")] == [vid]
    assert volunteers.kiosk_find(store, "иван") == []
    assert gone
    # A public screen: first name and initial only, at least three letters or the whole code.
    [found] = volunteers.kiosk_find(store, "кайр")
    assert set(found) == {"id", "label"} and found["label"].endswith(".") and len(found["label"].split()) == 2
    assert volunteers.kiosk_find(store, "ка") == [] and volunteers.kiosk_find(store, code[:3]) == []


def test_kiosk_codes_are_unique(store):
    draws = iter([1234, 1234, 1234, 5678])
    first = volunteers.new_kiosk_code(store, draw=lambda: next(draws))
    store.insert("volunteers", {"person_id": "x", "kiosk_code": first})
    assert volunteers.new_kiosk_code(store, draw=lambda: next(draws)) == "5678"


def test_register_orders_all_42_letters_as_the_kazakh_alphabet(store):
    import random

    from desktop.text import KAZAKH_ALPHABET

    letters = list(KAZAKH_ALPHABET)
    assert len(letters) == 42
    random.Random(3).shuffle(letters)
    for letter in letters:
        person_id = store.insert("people", {"surname": letter.upper() + "ан", "name": "Тест"})
        store.insert("volunteers", {"person_id": person_id})
    page = volunteers.register_page(store, volunteers.RegisterQuery(), 0, 100)
    assert "".join(r["surname"][0] for r in page) == KAZAKH_ALPHABET.upper()
