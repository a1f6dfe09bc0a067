"""Withdrawal, erasure and the retention rule (desktop/erasure.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from desktop import consents, erasure, people, people_search, roles
from desktop.reports.summary import build_summary
from desktop.roles import PermissionDenied
from tests.unit.reports import fixture_month

GIVEN = consents.GivenConsent(dt.date(2026, 1, 10), "2026-1")


def _person(store, **extra):
    values = {
        "surname": "Серікова",
        "name": "Дана",
        "patronymic": "Маратқызы",
        "sex": "f",
        "birth_date": "1990-03-04",
        "iin": "900304400123",
        "phone": "+77011234567",
        "address": "Абай к-сі 1",
        "notes": "аллергия",
        **extra,
    }
    return store.insert("people", values)


def _household_of(store, pid):
    hh = store.insert("households", {"head_person_id": pid, "address": "Абай к-сі 1", "members_count": 3})
    rid = store.insert(
        "recipients", {"person_id": pid, "household_id": hh, "locality": "Алматы", "notes": "көп балалы"}
    )
    return hh, rid


def test_erase_blanks_every_personal_field_and_keeps_the_rows(store, clock):
    pid = _person(store)
    hh, rid = _household_of(store, pid)
    vid = store.insert(
        "volunteers", {"person_id": pid, "emergency_contact": "+77019999999", "kiosk_code": "1234"}
    )
    gm = store.insert("group_members", {"group_id": "g1", "person_id": pid, "guardian_name": "Марат"})
    consents.give(store, pid, consents.VOLUNTEER, dataclasses.replace(GIVEN, guardian_name="Марат"))
    assert erasure.erase_person(store, pid) is True
    person = store.get("people", pid)
    assert person["erased_on"] == "2026-11-20"
    assert (person["surname"], person["name"], person["patronymic"]) == ("—", "", "")
    assert not any(person[f] for f in ("iin", "phone", "address", "notes", "email", "locality"))
    assert (person["sex"], person["birth_date"]) == ("f", "1990-03-04")  # the summary counts by them
    assert store.get("households", hh)["address"] is None
    assert (
        store.get("recipients", rid)["locality"] is None and store.get("recipients", rid)["person_id"] == pid
    )
    assert store.get("volunteers", vid)["emergency_contact"] is None
    assert store.get("volunteers", vid)["kiosk_code"] is None
    assert store.get("group_members", gm)["guardian_name"] is None
    assert all(r["guardian_name"] is None for r in consents.history(store, pid))
    assert erasure.erase_person(store, pid) is False  # once


def test_the_erasure_syncs_and_its_audit_has_no_values(store, clock):
    pid = _person(store)
    erasure.erase_person(store, pid)
    sent = [json.loads(r["fields"]) for r in store.rows("SELECT fields FROM outbox WHERE row_id = ?", (pid,))]
    assert sent[-1]["phone"] is None and sent[-1]["erased_on"] == "2026-11-20"
    entry = store.one("SELECT * FROM audit_log WHERE action = 'erased'")
    assert entry["row_id"] == pid
    details = " ".join(r["details"] or "" for r in store.rows("SELECT details FROM audit_log"))
    assert "Серікова" not in details and "77011234567" not in details


def test_search_no_longer_finds_the_erased_person(store, clock):
    pid = _person(store)
    assert [r["id"] for r in people_search.search_people(store, "Серікова")] == [pid]
    erasure.erase_person(store, pid)
    for query in ("Серікова", "Дана", "900304", "1234567"):
        assert people_search.search_people(store, query) == []
    fts = store.scalar("SELECT count(*) FROM people_fts WHERE people_fts MATCH 'серікова'")
    assert fts == 0


def test_the_monthly_summary_counts_the_same_after_erasure(store):
    fixture_month.build(store)
    before = build_summary(store, fixture_month.MONTH, today=dt.date(2026, 11, 20))
    for row in store.rows("SELECT id FROM people"):
        erasure.erase_person(store, row["id"], on=dt.date(2026, 11, 20))
    after = build_summary(store, fixture_month.MONTH, today=dt.date(2026, 11, 20))
    assert after.current == before.current and after.series == before.series
    assert before.current["aid"]["people"] > 0


def test_withdraw_and_erase_withdraws_every_consent(store, clock):
    pid = _person(store)
    consents.give(store, pid, consents.VOLUNTEER, GIVEN)
    consents.give(store, pid, consents.AID_RECIPIENT, GIVEN)
    store.actor = roles.actor_for("acc-staff", "Staff", roles.STAFF)
    added = erasure.withdraw_and_erase(store, pid, on=dt.date(2026, 11, 19), note="өтініш 19.11")
    assert len(added) == 2
    for purpose in (consents.VOLUNTEER, consents.AID_RECIPIENT):
        assert consents.status(store, pid, purpose).state == consents.WITHDRAWN
    assert store.get("people", pid)["erased_on"] == "2026-11-19"


def test_who_may_erase(store, clock):
    pid = _person(store)
    store.actor = roles.actor_for("acc-staff", "Staff", roles.STAFF)
    with pytest.raises(PermissionDenied):
        erasure.erase_person(store, pid)
    with pytest.raises(PermissionDenied):
        erasure.due_for_erasure(store)
    store.actor = roles.actor_for("acc-vol", "Vol", roles.VOLUNTEER)
    with pytest.raises(PermissionDenied):
        erasure.withdraw_and_erase(store, pid)


def _old_person(store, clock, when, surname):
    clock.set(when)
    return _person(store, surname=surname, iin=None, phone=None)


def test_retention_lists_people_without_activity_for_five_years(store, clock):
    old = _old_person(store, clock, dt.datetime(2021, 11, 19, 12, 0), "Ескі")
    edge = _old_person(store, clock, dt.datetime(2021, 11, 20, 12, 0), "Шекара")
    member = _old_person(store, clock, dt.datetime(2019, 5, 1, 12, 0), "Мүше")
    store.insert("group_members", {"group_id": "g1", "person_id": member, "joined": "2019-05-01"})
    consented = _old_person(store, clock, dt.datetime(2019, 5, 1, 12, 0), "Келісім")
    consents.give(store, consented, consents.VOLUNTEER, consents.GivenConsent(dt.date(2023, 1, 5), "2026-1"))
    clock.set(dt.datetime(2026, 11, 20, 12, 0))
    due = erasure.due_for_erasure(store)
    assert [r["id"] for r in due] == [old]
    assert due[0]["last_activity"] == "2021-11-19"
    assert edge not in {r["id"] for r in due}
    erasure.set_retention_years(store, 4)
    both = erasure.due_for_erasure(store)
    assert {r["id"] for r in both} == {old, edge}
    # The Retention list reads it a page at a time: the pages are the whole list, in its order.
    pages = erasure.due_for_erasure(store, limit=1) + erasure.due_for_erasure(store, offset=1, limit=1)
    assert pages == both and erasure.due_for_erasure(store, offset=2, limit=1) == []
    assert erasure.erase_people(store, [old, edge]) == 2
    assert erasure.due_for_erasure(store) == []


def test_retention_at_year_ends(store, clock):
    clock.set(dt.datetime(2021, 12, 31, 23, 50))
    pid = _person(store, iin=None, phone=None)
    clock.set(dt.datetime(2026, 12, 31, 23, 50))  # five years to the day: still kept
    assert erasure.due_for_erasure(store) == []
    clock.set(dt.datetime(2027, 1, 1, 0, 10))  # New Year in Almaty (still 31 December in UTC)
    assert [r["id"] for r in erasure.due_for_erasure(store)] == [pid]
    assert erasure.cutoff(dt.date(2028, 2, 29), 5) == dt.date(2023, 2, 28)


def test_retention_years_setting(store):
    assert erasure.retention_years(store) == 5
    with pytest.raises(Exception) as err:
        erasure.set_retention_years(store, 0)
    assert getattr(err.value, "field", None) == "retention_years"


def test_withdrawing_one_consent_erases_only_when_it_was_the_last(store, clock):
    pid = _person(store)
    consents.give(store, pid, consents.VOLUNTEER, GIVEN)
    consents.give(store, pid, consents.GROUP_MEMBER, GIVEN)
    assert erasure.withdrawal_erases(store, pid, consents.VOLUNTEER) is False
    assert erasure.withdraw(store, pid, consents.VOLUNTEER, note="ауызша") is False
    assert store.get("people", pid)["erased_on"] is None
    assert erasure.withdrawal_erases(store, pid, consents.GROUP_MEMBER) is True
    assert erasure.withdraw(store, pid, consents.GROUP_MEMBER) is True
    assert store.get("people", pid)["surname"] == "—"


def test_a_recipients_last_withdrawal_erases_the_person(store, clock):
    from desktop import aid

    pid = _person(store)
    _hh, rid = _household_of(store, pid)
    consents.give(store, pid, consents.AID_RECIPIENT, GIVEN)
    assert erasure.recipient_withdrawal_erases(store, rid) is True
    aid.withdraw_consent(store, rid, "өтініш")
    assert store.get("people", pid)["erased_on"] == "2026-11-20"
    assert store.get("people", pid)["iin"] is None
    assert store.get("recipients", rid)["anonymous"] == 1


def test_changes_not_yet_sent_carry_no_erased_value(store, clock):
    pid = _person(store)  # never synced: its insert is still in the outbox
    erasure.erase_person(store, pid)
    outbox = " ".join(r["fields"] for r in store.rows("SELECT fields FROM outbox"))
    assert "Серікова" not in outbox and "77011234567" not in outbox and "900304400123" not in outbox
    [insert] = store.rows("SELECT fields FROM outbox WHERE kind = 'insert' AND table_name = 'people'")
    assert json.loads(insert["fields"])["sex"] == "f"  # what is kept travels as it was


def test_an_erased_person_is_not_filled_in_again(store, clock):
    from desktop.errors import ValidationError, ValidationErrors

    pid = _person(store)
    erasure.erase_person(store, pid)
    with pytest.raises((ValidationError, ValidationErrors)) as caught:
        people.save_person(store, {"surname": "Серікова", "name": "Дана"}, pid, today=dt.date(2026, 11, 20))
    assert caught.value.message == people.ERASED or "erased" in str(caught.value.message)
    assert store.get("people", pid)["surname"] == "—"
