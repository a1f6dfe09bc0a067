"""One consent model for every role: append-only rows, the state is the newest row, nothing assumed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import aid, consents, groups, people, volunteers
from desktop.errors import ValidationErrors

DAY = dt.date(2026, 11, 2)


@pytest.fixture
def person(store, clock):
    return people.save_person(
        store, {"surname": "Сейітова", "name": "Айгерім", "birth_date": "1990-05-04"}, today=DAY
    )


def _kinds(store) -> list[str]:
    return [
        r["kind"] for r in store.rows("SELECT kind FROM outbox WHERE table_name = 'consents' ORDER BY seq")
    ]


def test_give_withdraw_give_adds_rows_and_never_edits_one(store, clock, person):
    given = consents.GivenConsent(DAY, "2026-1")
    assert consents.status(store, person, consents.VOLUNTEER).state == consents.NONE
    consents.give(store, person, consents.VOLUNTEER, given)
    assert consents.status(store, person, consents.VOLUNTEER).active
    # The same consent again adds nothing.
    assert consents.give(store, person, consents.VOLUNTEER, given) is None
    consents.withdraw(store, person, on=dt.date(2026, 11, 10))
    state = consents.status(store, person, consents.VOLUNTEER)
    assert state.state == consents.WITHDRAWN and state.row["given_on"] == DAY.isoformat()
    consents.give(store, person, consents.VOLUNTEER, consents.GivenConsent(dt.date(2026, 11, 15), "2026-2"))
    assert consents.status(store, person, consents.VOLUNTEER).row["form_version"] == "2026-2"
    assert len(consents.history(store, person)) == 3
    assert _kinds(store) == ["insert", "insert", "insert"]
    # Another purpose is a separate consent.
    assert consents.status(store, person, consents.AID_RECIPIENT).state == consents.NONE


def test_expiry_and_withdrawal_of_an_expired_consent(store, clock, person):
    consents.give(
        store, person, consents.AID_RECIPIENT, consents.GivenConsent(DAY, "2026-1", dt.date(2027, 11, 2))
    )
    assert consents.status(store, person, consents.AID_RECIPIENT, dt.date(2027, 11, 1)).active
    assert (
        consents.status(store, person, consents.AID_RECIPIENT, dt.date(2027, 11, 3)).state == consents.EXPIRED
    )
    assert consents.withdraw(store, person, (consents.AID_RECIPIENT,), on=dt.date(2027, 12, 1))
    assert consents.status(store, person, consents.AID_RECIPIENT).state == consents.WITHDRAWN


def test_validation_needs_what_was_signed(clock):
    with pytest.raises(ValidationErrors) as caught:
        consents.validate("", "", today=DAY)
    assert {e.field for e in caught.value.errors} == {"consent_given_on", "consent_form_version"}
    with pytest.raises(ValidationErrors) as caught:
        consents.validate("03.11.2026", "2026-1", today=DAY)  # tomorrow
    assert [e.field for e in caught.value.errors] == ["consent_given_on"]
    with pytest.raises(ValidationErrors) as caught:
        consents.validate("2026-11-01", "2026-1", expires_on="2026-10-01", by_guardian=True, today=DAY)
    assert {e.field for e in caught.value.errors} == {"expires_on", "guardian_name"}
    ok = consents.validate("01.11.2026", " 2026-1 ", today=DAY)
    assert (ok.given_on, ok.form_version) == (dt.date(2026, 11, 1), "2026-1")


def test_volunteer_consent_is_a_new_row_when_what_was_signed_changes(store, clock):
    values = {"surname": "Омаров", "name": "Мұрат", "birth_date": "02.02.1990"}
    vol = {"since": "01.11.2026", "consent_given_on": "01.11.2026", "consent_form_version": "2026-1"}
    person_id, volunteer_id = volunteers.save_volunteer(store, values, vol, today=DAY)
    volunteers.save_volunteer(store, values, vol, person_id=person_id, volunteer_id=volunteer_id, today=DAY)
    assert len(consents.history(store, person_id)) == 1
    vol["consent_form_version"] = "2026-2"
    volunteers.save_volunteer(store, values, vol, person_id=person_id, volunteer_id=volunteer_id, today=DAY)
    assert [r["form_version"] for r in consents.history(store, person_id)] == ["2026-2", "2026-1"]
    assert _kinds(store) == ["insert", "insert"]


def test_a_volunteer_form_version_without_a_date_is_refused(store):
    with pytest.raises(ValidationErrors) as caught:
        volunteers.save_volunteer(
            store,
            {"surname": "Омаров", "name": "Мұрат"},
            {"consent_given_on": "", "consent_form_version": "2026-1"},
            today=DAY,
        )
    assert "consent_given_on" in {e.field for e in caught.value.errors}


def test_a_recipient_with_consent_needs_the_date_and_form_version_typed(store):
    data = aid.RecipientInput(consent=True, surname="Ким", name="Елена")
    with pytest.raises(ValidationErrors) as caught:
        aid.save_recipient(store, data, today=DAY)
    assert {"consent_on", "form_version"} <= {e.field for e in caught.value.errors}
    assert store.scalar("SELECT count(*) FROM people") == 0
    data.consent_on, data.form_version = "2026-11-01", "2026-1"
    rid = aid.save_recipient(store, data, today=DAY)
    person_id = store.get("recipients", rid)["person_id"]
    row = consents.status(store, person_id, consents.AID_RECIPIENT).row
    assert (row["given_on"], row["form_version"], row["expires_on"]) == ("2026-11-01", "2026-1", "2029-11-01")
    aid.withdraw_consent(store, rid, today=DAY)
    assert consents.status(store, person_id, consents.AID_RECIPIENT).state == consents.WITHDRAWN
    assert _kinds(store) == ["insert", "insert"]


def test_a_minors_guardian_consent_is_a_consent_row(store, clock):
    child = people.save_person(
        store, {"surname": "Ли", "name": "Дана", "birth_date": "2016-03-01"}, today=DAY
    )
    member = groups.MemberInput(
        person_id=child,
        joined=dt.date(2026, 10, 1),
        guardian_name="Ли Ирина",
        guardian_consent_on=dt.date(2026, 9, 20),
    )
    groups.save_group(store, groups.GroupInput(name="Ариран", members=[member]), today=DAY)
    rows = consents.history(store, child, consents.GROUP_MEMBER)
    assert [(r["given_on"], r["by_guardian"], r["guardian_name"]) for r in rows] == [
        ("2026-09-20", 1, "Ли Ирина")
    ]
    assert json.loads(store.one("SELECT fields FROM outbox WHERE table_name = 'consents'")["fields"])[
        "by_guardian"
    ]
