"""One person path: every place that records a person checks it by people.validate_person and the shared
duplicate check, whatever the role (volunteer, recipient, household member, group member or leader,
association leader, named attendee, donor). A person added for a role other than volunteer is not a volunteer."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import aid, events, groups, people, person_lookup, volunteers
from desktop.aid import DonationEntry, Line, RecipientInput
from desktop.errors import ValidationError, ValidationErrors
from desktop.events import EventInput
from desktop.groups import AssociationInput, GroupInput, MemberInput
from desktop.iin import make_iin
from desktop.reports.summary import build_summary

TODAY = dt.date(2026, 11, 20)
CHILD_IIN = make_iin(dt.date(2015, 4, 1), "f", 1)
assert CHILD_IIN is not None
BAD_IIN = CHILD_IIN[:-1] + str((int(CHILD_IIN[-1]) + 1) % 10)  # the check digit is wrong


def child(iin: str = CHILD_IIN) -> dict:
    return {"surname": "Ким", "name": "Даша", "birth_date": "01.04.2015", "sex": "f", "iin": iin}


def refused_for_the_iin(fn, *args, **kwargs) -> None:
    with pytest.raises((ValidationError, ValidationErrors)) as caught:
        fn(*args, **kwargs)
    found = caught.value.errors if isinstance(caught.value, ValidationErrors) else [caught.value]
    assert "check digit" in next(e.message for e in found if e.field == "iin")  # kept beside its field


def nothing_written(store) -> None:
    assert store.scalar("SELECT count(*) FROM people") == 0
    assert store.pending_count() == 0


def no_volunteer(store, person_id: str) -> None:
    assert volunteers.volunteer_of_person(store, person_id) is None
    assert store.scalar("SELECT count(*) FROM volunteers") == 0


def test_bad_iin_refused_on_the_volunteer_path(store):
    refused_for_the_iin(volunteers.save_volunteer, store, child(BAD_IIN), {"status": "active"}, today=TODAY)
    nothing_written(store)


def test_bad_iin_refused_on_the_recipient_path(store):
    refused_for_the_iin(
        aid.save_recipient,
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            surname="Ким",
            name="Даша",
            birth_date="2015-04-01",
            iin=BAD_IIN,
        ),
        today=TODAY,
    )
    nothing_written(store)


def test_bad_iin_refused_on_the_household_member_path(store):
    head = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            surname="Ким",
            name="Инна",
            birth_date="1985-02-02",
        ),
        today=TODAY,
    )
    typed = RecipientInput(
        consent=True,
        form_version="2026-1",
        consent_on="2026-01-10",
        surname="Ким",
        name="Даша",
        birth_date="2015-04-01",
        iin=BAD_IIN,
        household_of=head,
    )
    before = store.scalar("SELECT count(*) FROM people")
    refused_for_the_iin(aid.save_recipient, store, typed, today=TODAY)
    assert store.scalar("SELECT count(*) FROM people") == before
    assert store.scalar("SELECT count(*) FROM households") == 0
    typed.iin = CHILD_IIN
    member = aid.save_recipient(store, typed, today=TODAY)
    household = store.get("recipients", member)["household_id"]
    assert (
        household
        and store.get("households", household)["head_person_id"]
        == (store.get("recipients", head)["person_id"])
    )


def test_a_new_group_member_and_leader_are_people_only(store, clock):
    refused_for_the_iin(people.create_person, store, child(BAD_IIN), today=TODAY)
    nothing_written(store)
    member = people.create_person(store, child(), today=TODAY)
    leader = people.create_person(store, {"surname": "Омаров", "name": "Болат"}, today=TODAY)
    group = groups.save_group(
        store,
        GroupInput(
            name="«Ариран»",
            leader_id=leader,
            members=[MemberInput(member, joined=TODAY, guardian_name="Ким Инна", guardian_consent_on=TODAY)],
        ),
        today=TODAY,
    )
    assert [m["person_id"] for m in groups.members(store, group)] == [member]
    assert store.get("creative_groups", group)["leader_id"] == leader
    no_volunteer(store, member)
    # Not counted as a volunteer anywhere: the register, the pickers of volunteers, the monthly report.
    assert person_lookup.volunteer_count(store) == 0
    assert volunteers.register_count(store, volunteers.RegisterQuery()) == (0, False)
    assert person_lookup.search_volunteers(store, "ким") == []
    assert build_summary(store, "2026-11", today=TODAY).current["volunteers"] == {
        "active": 0,
        "new": 0,
        "minutes": 0,
    }


def test_a_new_association_leader_is_checked_and_a_person_only(store):
    refused_for_the_iin(people.create_person, store, child(BAD_IIN), today=TODAY)
    leader = people.create_person(
        store, {"surname": "Ли", "name": "Ирина", "phone": "8 701 123 45 67"}, today=TODAY
    )
    association = groups.save_association(
        store, AssociationInput(name="Корей қауымдастығы", leader_id=leader)
    )
    assert store.get("associations", association)["leader_id"] == leader
    assert store.get("people", leader)["phone"] == "+77011234567"
    no_volunteer(store, leader)


def test_a_new_named_attendee_is_checked_and_a_person_only(store):
    refused_for_the_iin(people.create_person, store, child(BAD_IIN), today=TODAY)
    attendee = people.create_person(store, child(), today=TODAY)
    event = events.save_event(
        store, EventInput(starts_at="2026-11-01T18:00:00+05:00", title_kk="Кездесу"), now=None
    )
    events.record_attendees(store, event, [attendee])
    assert events.get_event(store, event).attendee_ids == [attendee]
    no_volunteer(store, attendee)


def test_a_new_donor_is_checked_and_a_person_only(store):
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    refused_for_the_iin(people.create_person, store, child(BAD_IIN), today=TODAY)
    donor = people.create_person(store, {"surname": "Омаров", "name": "Болат"}, today=TODAY)
    saved = aid.save_donation(
        store,
        DonationEntry(TODAY, point, "person", [Line("item-tea", 3, 1500)], donor_person_id=donor),
        today=TODAY,
    )
    assert store.get("donations", saved.id)["donor_person_id"] == donor
    no_volunteer(store, donor)


def test_a_new_person_with_the_iin_of_someone_on_file_is_caught(store):
    first = people.create_person(store, child(), today=TODAY)
    other_name = {**child(), "surname": "Пак", "name": "Алина"}
    with pytest.raises(people.SameIinError) as caught:
        people.create_person(store, other_name, today=TODAY)
    assert [(d.person["id"], d.reason) for d in caught.value.duplicates] == [(first, "iin")]
    assert (caught.value.field, caught.value.person_id) == ("iin", first)
    assert "Ким Даша" in caught.value.message
    # "A different person" is no answer for the same IIN.
    with pytest.raises(people.SameIinError):
        people.create_person(store, other_name, today=TODAY, different_from=[first])
    assert store.scalar("SELECT count(*) FROM people") == 1


# ---- one IIN, one person: every path blocks, and nothing is saved -----------------------------------------
def on_file(store) -> str:
    person = people.create_person(
        store, {"surname": "Омаров", "name": "Болат", "iin": CHILD_IIN}, today=TODAY
    )
    store.conn.execute("DELETE FROM outbox")  # what follows must write nothing at all
    return person


def blocked_by_the_iin(store, holder: str, fn, *args, **kwargs) -> None:
    counts = {t: store.scalar(f"SELECT count(*) FROM {t}") for t in ("people", "volunteers", "recipients")}
    with pytest.raises(people.SameIinError) as caught:
        fn(*args, **kwargs)
    assert (caught.value.field, caught.value.person_id) == ("iin", holder)
    assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in counts} == counts
    assert store.pending_count() == 0


def test_same_iin_blocks_the_volunteer_path(store):
    holder = on_file(store)
    blocked_by_the_iin(
        store,
        holder,
        volunteers.save_volunteer,
        store,
        {"surname": "Пак", "name": "Алина", "iin": CHILD_IIN},
        {"status": "active"},
        today=TODAY,
        different_from=[holder],
    )


def test_same_iin_blocks_the_recipient_and_household_member_paths(store):
    holder = on_file(store)
    typed = RecipientInput(
        consent=True,
        form_version="2026-1",
        consent_on="2026-01-10",
        surname="Пак",
        name="Алина",
        iin=CHILD_IIN,
    )
    blocked_by_the_iin(store, holder, aid.save_recipient, store, typed, today=TODAY)
    typed.different_from = (holder,)  # "a different person" is no waiver for the same IIN
    blocked_by_the_iin(store, holder, aid.save_recipient, store, typed, today=TODAY)
    head = aid.save_recipient(
        store,
        RecipientInput(
            consent=True, form_version="2026-1", consent_on="2026-01-10", surname="Пак", name="Инна"
        ),
        today=TODAY,
    )
    store.conn.execute("DELETE FROM outbox")
    typed.household_of = head
    blocked_by_the_iin(store, holder, aid.save_recipient, store, typed, today=TODAY)
    assert store.scalar("SELECT count(*) FROM households") == 0


def test_same_iin_blocks_the_new_person_of_a_picker(store):
    holder = on_file(store)
    typed = {"surname": "Пак", "name": "Алина", "iin": CHILD_IIN}
    blocked_by_the_iin(store, holder, people.create_person, store, typed, today=TODAY)
    blocked_by_the_iin(
        store, holder, people.create_person, store, typed, today=TODAY, different_from=[holder]
    )


def test_same_iin_blocks_an_edit_that_takes_another_persons_iin(store):
    holder = on_file(store)
    other = people.save_person(store, {"surname": "Пак", "name": "Алина"}, today=TODAY)
    store.conn.execute("DELETE FROM outbox")
    blocked_by_the_iin(
        store,
        holder,
        people.save_person,
        store,
        {"surname": "Пак", "name": "Алина", "iin": CHILD_IIN},
        other,
        today=TODAY,
    )
    assert store.get("people", other)["iin"] is None
    # the holder keeps saving with their own IIN; a tombstoned holder frees it
    people.save_person(store, {"surname": "Омаров", "name": "Болат", "iin": CHILD_IIN}, holder, today=TODAY)
    store.delete("people", holder)
    people.save_person(store, {"surname": "Пак", "name": "Алина", "iin": CHILD_IIN}, other, today=TODAY)


def test_similar_names_still_only_warn(store):
    first = people.create_person(store, {"surname": "Ким", "name": "Даша", "iin": CHILD_IIN}, today=TODAY)
    with pytest.raises(people.DuplicatesFound) as caught:
        people.create_person(store, {"surname": "Ким", "name": "Даша"}, today=TODAY)
    assert not isinstance(caught.value, people.SameIinError)
    assert people.create_person(
        store, {"surname": "Ким", "name": "Даша"}, today=TODAY, different_from=[first]
    )


def test_a_similar_name_may_be_a_different_person(store):
    first = people.create_person(store, {"surname": "Нұрланұлы", "name": "Қайрат"}, today=TODAY)
    typed = {"surname": "Нурланулы", "name": "Кайрат"}
    with pytest.raises(people.DuplicatesFound):
        people.create_person(store, typed, today=TODAY)
    second = people.create_person(store, typed, today=TODAY, different_from=[first])
    assert second != first and store.scalar("SELECT count(*) FROM people_distinct") == 1


def test_the_recipient_form_leaves_the_fields_it_does_not_hold(store):
    person = people.save_person(
        store,
        {"surname": "Ким", "name": "Инна", "email": "inna@example.kz", "languages": ["ko"]},
        today=TODAY,
    )
    recipient = aid.save_recipient(
        store,
        RecipientInput(consent=True, form_version="2026-1", consent_on="2026-01-10", person_id=person),
        today=TODAY,
    )
    # editing the recipient's own person through the recipient form keeps the e-mail and languages
    people.save_person(
        store,
        {"surname": "Ким", "name": "Инна", "phone": "8 701 555 00 00"},
        person,
        today=TODAY,
        fields=aid.RECIPIENT_PERSON_FIELDS,
    )
    row = store.get("people", store.get("recipients", recipient)["person_id"])
    assert (row["email"], row["languages"], row["phone"]) == ("inna@example.kz", '["ko"]', "+77015550000")
