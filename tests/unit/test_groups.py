"""Creative groups and associations: members (minors need a guardian's consent), duplicates, names required,
performances, search and sorting."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import events, groups
from desktop.clock import TZ
from desktop.errors import ValidationError, ValidationErrors
from desktop.events import EventInput
from desktop.groups import AssociationInput, GroupInput, MemberInput
from desktop.i18n import set_language
from desktop.store import Store

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "house.db")
    yield s
    s.close()


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def person(store, surname, name, born):
    return store.insert("people", {"surname": surname, "name": name, "birth_date": born})


def test_group_with_adult_members(store):
    leader = person(store, "Омаров", "Болат", "1970-02-02")
    a = person(store, "Ким", "Елена", "1990-01-01")
    b = person(store, "Әбенова", "Сәуле", "1985-05-05")
    group_id = groups.save_group(
        store,
        GroupInput(
            name="«Ариран» корей ансамблі",
            ethnic_group="korean",
            genre="dance",
            leader_id=leader,
            founded=dt.date(2001, 9, 1),
            honorary_title="«Халықтық»",
            members=[MemberInput(a, role="солист", joined=dt.date(2020, 1, 1)), MemberInput(b)],
        ),
        today=TODAY,
    )
    back = groups.get_group(store, group_id)
    assert back.name == "«Ариран» корей ансамблі" and back.founded == dt.date(2001, 9, 1)
    assert [m.person_id for m in back.members] == [b, a]  # Kazakh alphabet order: Ә before К
    assert [m["full_name"] for m in groups.members(store, group_id)] == ["Әбенова Сәуле", "Ким Елена"]
    # Removing a member from the list tombstones that row only.
    back.members = [m for m in back.members if m.person_id == a]
    groups.save_group(store, back, group_id, today=TODAY)
    assert [m["person_id"] for m in groups.members(store, group_id)] == [a]


def test_minor_without_guardian_consent_refused(store):
    child = person(store, "Нұрланқызы", "Аружан", "2014-04-10")
    before = store.pending_count()
    data = GroupInput(
        name="Балалар хоры", genre="choir", members=[MemberInput(child, joined=dt.date(2026, 1, 15))]
    )
    with pytest.raises(ValidationErrors) as info:
        groups.save_group(store, data, today=TODAY)
    fields = {e.field for e in info.value.errors}
    assert fields == {"member_guardian_name", "member_guardian_consent_on"}
    assert "Нұрланқызы Аружан is under 18" in info.value.message
    assert store.pending_count() == before
    assert store.scalar("SELECT count(*) FROM creative_groups") == 0

    # A name alone is not enough; with the consent date the child can join.
    data.members[0].guardian_name = "Нұрлан Ахметов"
    with pytest.raises(ValidationError) as one:
        groups.save_group(store, data, today=TODAY)
    assert one.value.field == "member_guardian_consent_on"
    data.members[0].guardian_consent_on = dt.date(2026, 1, 10)
    group_id = groups.save_group(store, data, today=TODAY)
    row = store.one(
        "SELECT guardian_name, guardian_consent_on FROM group_members WHERE group_id = ?", (group_id,)
    )
    assert row == {"guardian_name": "Нұрлан Ахметов", "guardian_consent_on": "2026-01-10"}


def test_consent_after_joining_refused(store):
    child = person(store, "Ли", "Вика", "2015-01-01")
    member = MemberInput(
        child, joined=dt.date(2026, 1, 15), guardian_name="Ли Ольга", guardian_consent_on=dt.date(2026, 2, 1)
    )
    with pytest.raises(ValidationError) as info:
        groups.save_group(store, GroupInput(name="Вокал", members=[member]), today=TODAY)
    assert info.value.field == "member_guardian_consent_on"


def test_age_is_taken_on_the_join_date(store):
    # 18 on 2026-03-01: joining on that day needs no guardian, joining the day before does.
    teen = person(store, "Пак", "Сергей", "2008-03-01")
    assert groups.validate_member(store, MemberInput(teen, joined=dt.date(2026, 3, 1))) == []
    assert {
        e.field for e in groups.validate_member(store, MemberInput(teen, joined=dt.date(2026, 2, 28)))
    } == {"member_guardian_name", "member_guardian_consent_on"}


def test_member_added_twice_refused(store):
    a = person(store, "Шмидт", "Виктор", "1960-01-01")
    with pytest.raises(ValidationError) as info:
        groups.save_group(
            store, GroupInput(name="Хор", members=[MemberInput(a), MemberInput(a)]), today=TODAY
        )
    assert info.value.field == "member_person" and info.value.row == 1
    assert "Шмидт Виктор is already a member" in info.value.message
    assert store.scalar("SELECT count(*) FROM creative_groups") == 0

    group_id = groups.save_group(store, GroupInput(name="Хор", members=[MemberInput(a)]), today=TODAY)
    before = store.pending_count()
    with pytest.raises(ValidationError):
        groups.add_member(store, group_id, MemberInput(a), today=TODAY)
    assert store.pending_count() == before
    child = person(store, "Ким", "Даша", "2016-01-01")
    with pytest.raises(ValidationErrors):
        groups.add_member(store, group_id, MemberInput(child), today=TODAY)
    groups.add_member(
        store,
        group_id,
        MemberInput(child, guardian_name="Ким Инна", guardian_consent_on=dt.date(2026, 5, 1)),
        today=TODAY,
    )
    assert len(groups.members(store, group_id)) == 2


def test_group_without_name_refused(store):
    with pytest.raises(ValidationError) as info:
        groups.save_group(store, GroupInput(name="   ", genre="folk"), today=TODAY)
    assert info.value.field == "group_name"
    assert info.value.message == "Enter a name in Kazakh or Russian (or both)."
    assert store.scalar("SELECT count(*) FROM creative_groups") == 0
    assert store.pending_count() == 0


def test_performances_are_the_linked_events(store):
    group_id = groups.save_group(store, GroupInput(name="Шалқыма"), today=TODAY)
    first = events.save_event(
        store,
        EventInput(
            starts_at=dt.datetime(2026, 3, 21, 10, tzinfo=TZ),
            title_kk="Наурыз",
            title_ru="Наурыз",
            kind="holiday",
            group_ids=[group_id],
        ),
    )
    second = events.save_event(
        store,
        EventInput(
            starts_at=dt.datetime(2026, 5, 1, 11, tzinfo=TZ),
            title_kk="Бірлік күні",
            title_ru="День единства",
            kind="holiday",
            group_ids=[group_id],
        ),
    )
    events.save_event(
        store, EventInput(starts_at=dt.datetime(2026, 5, 2, tzinfo=TZ), title_kk="Басқа", kind="other")
    )
    shown = groups.performances(store, group_id, lang="ru")
    assert [p["id"] for p in shown] == [second, first]
    assert shown[0]["title"] == "День единства"
    events.delete_event(store, second)
    assert [p["id"] for p in groups.performances(store, group_id)] == [first]


def test_list_groups_search_filter_sort(store):
    adult = person(store, "Ким", "Елена", "1990-01-01")
    g1 = groups.save_group(store, GroupInput(name="Шалқыма", genre="folk"), today=TODAY)
    g2 = groups.save_group(
        store, GroupInput(name="Әуен", genre="vocal", members=[MemberInput(adult)]), today=TODAY
    )
    g3 = groups.save_group(store, GroupInput(name="Ариран", genre="dance", status="inactive"), today=TODAY)
    assert [g["id"] for g in groups.list_groups(store)] == [g3, g2, g1]
    assert [g["id"] for g in groups.list_groups(store, sort="name", descending=True)] == [g1, g2, g3]
    assert [g["id"] for g in groups.list_groups(store, "ауен")] == [g2]
    assert [g["id"] for g in groups.list_groups(store, "ШАЛҚ")] == [g1]
    assert [g["id"] for g in groups.list_groups(store, genre="dance")] == [g3]
    assert [g["id"] for g in groups.list_groups(store, status="active")] == [g2, g1]
    assert groups.list_groups(store, sort="members", descending=True)[0]["id"] == g2


def test_associations(store):
    with pytest.raises(ValidationError) as info:
        groups.save_association(store, AssociationInput(name=""))
    assert info.value.field == "association_name"
    leader = person(store, "Коваленко", "Оксана", "1975-01-01")
    a = groups.save_association(
        store,
        AssociationInput(
            name="Украин этномәдени орталығы",
            ethnic_group="ukrainian",
            leader_id=leader,
            phone="+77011234567",
        ),
    )
    b = groups.save_association(store, AssociationInput(name="Корей мәдени орталығы", ethnic_group="korean"))
    groups.save_group(store, GroupInput(name="Ариран", association_id=b), today=TODAY)
    rows = groups.list_associations(store)
    assert [r["id"] for r in rows] == [b, a]
    assert rows[1]["leader"] == "Коваленко Оксана" and rows[0]["groups"] == 1
    assert [r["id"] for r in groups.list_associations(store, "украин")] == [a]
    assert groups.get_association(store, a).phone == "+77011234567"
