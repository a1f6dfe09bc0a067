"""Merging two records of one person: the fields chosen, every reference moved to the survivor, the other
tombstoned with merged_into, the administrator's permission, and rows that arrive later following the merge."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import people, people_merge, roles
from desktop.iin import make_iin
from desktop.roles import PermissionDenied

TODAY = dt.date(2026, 11, 20)
IIN = make_iin(dt.date(1990, 1, 1), "m", 17)


def person(store, **values) -> str:
    return store.insert("people", {"surname": "Омаров", "name": "Болат", **values})


def one_of_each(store, person_id: str, tag: str) -> dict[str, str]:
    """One row of every kind that names a person (or their volunteer or recipient record)."""
    rows: dict[str, str] = {}
    rows["volunteer"] = store.insert("volunteers", {"person_id": person_id, "status": "active"})
    rows["shift"] = store.insert(
        "volunteer_shifts",
        {"volunteer_id": rows["volunteer"], "check_in": "2026-11-02T10:00:00+05:00", "minutes": 60},
    )
    event = store.insert("events", {"starts_at": f"2026-11-0{len(tag)}T18:00:00+05:00", "title_kk": tag})
    rows["event_volunteer"] = store.insert(
        "event_volunteers", {"event_id": event, "volunteer_id": rows["volunteer"]}
    )
    rows["attendee"] = store.insert("event_attendees", {"event_id": event, "person_id": person_id})
    group = store.insert("creative_groups", {"name": f"«{tag}»", "leader_id": person_id})
    rows["group"] = group
    rows["member"] = store.insert("group_members", {"group_id": group, "person_id": person_id})
    rows["association"] = store.insert("associations", {"name": tag, "leader_id": person_id})
    rows["household"] = store.insert("households", {"head_person_id": person_id})
    rows["recipient"] = store.insert(
        "recipients", {"person_id": person_id, "household_id": rows["household"]}
    )
    rows["aid"] = store.insert(
        "aid_given", {"given_on": "2026-11-03", "programme": "food", "recipient_id": rows["recipient"]}
    )
    rows["donation"] = store.insert(
        "donations", {"received_on": "2026-11-04", "donor_kind": "person", "donor_person_id": person_id}
    )
    rows["consent"] = store.insert("consents", {"person_id": person_id, "given_on": "2026-01-10"})
    return rows


def test_merge_moves_every_reference_to_the_survivor(store):
    survivor = person(store, phone="+77011112233", iin=IIN, locality="Павлодар")
    other = person(store, surname="Омаров", name="Болат", phone="+77025550000", locality="Ақсу", notes="ескі")
    third = person(store, surname="Ким", name="Инна")
    mine, theirs = one_of_each(store, survivor, "a"), one_of_each(store, other, "bb")
    distinct = store.insert("people_distinct", {"person_a": min(other, third), "person_b": max(other, third)})
    # the other is in the survivor's group too: one membership remains
    twice = store.insert("group_members", {"group_id": mine["group"], "person_id": other})

    preview = people_merge.merge_preview(store, survivor, other)
    assert preview == {
        "aid": 1,
        "shifts": 1,
        "memberships": 2,
        "attendance": 1,
        "consents": 1,
        "donations": 1,
        "leaderships": 2,
    }
    moved = people_merge.merge_people(
        store, survivor, other, {"phone": "other", "notes": "other", "locality": "survivor"}
    )
    assert moved == preview

    kept = store.get("people", survivor)
    assert (kept["phone"], kept["notes"], kept["locality"], kept["iin"]) == (
        "+77025550000",
        "ескі",
        "Павлодар",
        IIN,
    )
    gone = store.get("people", other, include_deleted=True)
    assert gone["deleted"] == 1 and gone["merged_into"] == survivor
    # the other's volunteer and recipient records merged into the survivor's: shifts, event places, aid moved
    for role in ("volunteer", "recipient"):
        assert store.get(f"{role}s", theirs[role], include_deleted=True)["deleted"] == 1
        assert store.get(f"{role}s", mine[role])["deleted"] == 0
    assert store.get("volunteer_shifts", theirs["shift"])["volunteer_id"] == mine["volunteer"]
    assert store.get("event_volunteers", theirs["event_volunteer"])["volunteer_id"] == mine["volunteer"]
    assert store.get("aid_given", theirs["aid"])["recipient_id"] == mine["recipient"]
    for key, table, column in (
        ("attendee", "event_attendees", "person_id"),
        ("member", "group_members", "person_id"),
        ("group", "creative_groups", "leader_id"),
        ("association", "associations", "leader_id"),
        ("donation", "donations", "donor_person_id"),
        ("consent", "consents", "person_id"),
    ):
        assert store.get(table, theirs[key])[column] == survivor, table
    # one person, one household: the survivor's is kept, the other's went
    assert store.get("households", mine["household"])["head_person_id"] == survivor
    assert store.get("households", theirs["household"], include_deleted=True)["deleted"] == 1
    assert store.get("group_members", twice, include_deleted=True)["deleted"] == 1
    assert store.get("people_distinct", distinct)["person_a"] in (survivor, third)
    # nothing names the other any more
    for table, column in people_merge.PERSON_LINKS:
        assert not store.scalar(f"SELECT count(*) FROM {table} WHERE {column} = ? AND deleted = 0", (other,))
    # all of it through the write API (it syncs), and one audit entry of the merge
    outbox = store.rows("SELECT table_name, kind FROM outbox WHERE row_id = ?", (theirs["aid"],))
    assert [(r["table_name"], r["kind"]) for r in outbox] == [
        ("aid_given", "insert"),
        ("aid_given", "update"),
    ]
    audit = store.rows("SELECT * FROM audit_log WHERE action = 'merge'")
    assert len(audit) == 1 and json.loads(audit[0]["details"])["merged"] == other


def test_the_other_iin_may_be_taken(store):
    survivor = person(store)
    other = person(store, iin=IIN)
    people_merge.merge_people(store, survivor, other, {"iin": "other"})
    assert store.get("people", survivor)["iin"] == IIN
    assert store.get("people", other, include_deleted=True)["iin"] is None


def test_merge_is_the_administrators(store):
    survivor, other = person(store), person(store, iin=IIN)
    for role in (roles.STAFF, roles.COORDINATOR, roles.VOLUNTEER):
        store.actor = roles.actor_for("x", "X", role)
        with pytest.raises(PermissionDenied):
            people_merge.merge_people(store, survivor, other, {})
        with pytest.raises(PermissionDenied):
            people_merge.merge_candidates(store)
    assert store.get("people", other)["deleted"] == 0 and store.pending_count() == 2
    store.actor = roles.actor_for("a", "A", roles.ADMIN)
    people_merge.merge_people(store, survivor, other, {})
    assert store.get("people", other) is None


def test_candidates_are_the_same_iin_and_the_flagged_names(store):
    a = person(store, iin=IIN)
    b = person(store, surname="Басқа", name="Адам", iin=IIN)  # as from a PC that had not seen the other
    c = people.create_person(store, {"surname": "Нұрланұлы", "name": "Қайрат"}, today=TODAY)
    d = people.create_person(
        store, {"surname": "Нурланулы", "name": "Кайрат"}, today=TODAY, different_from=[c]
    )
    e = people.create_person(store, {"surname": "Қасымов", "name": "Қайрат"}, today=TODAY)
    f = store.insert("people", {"surname": "Касымов", "name": "Кайрат"})
    found = [({x.first["id"], x.second["id"]}, x.reason) for x in people_merge.merge_candidates(store)]
    assert found == [({a, b}, "iin"), ({e, f}, "loose")]  # c and d were marked as different people
    assert d


def test_a_row_written_for_the_other_before_the_merge_was_seen_follows_it(store):
    survivor, other = person(store), person(store)
    mine, theirs = one_of_each(store, survivor, "a"), None
    theirs = store.insert("recipients", {"person_id": other})
    people_merge.merge_people(store, survivor, other, {})
    # as applied from another PC: aid for the other's recipient record, a consent for the other person
    late_aid = store.insert(
        "aid_given", {"given_on": "2026-11-05", "programme": "food", "recipient_id": theirs}
    )
    late_consent = store.insert("consents", {"person_id": other})
    late_volunteer = store.insert("volunteers", {"person_id": other})
    assert people_merge.follow_merges(store) == 3
    assert store.get("aid_given", late_aid)["recipient_id"] == mine["recipient"]
    assert store.get("consents", late_consent)["person_id"] == survivor
    assert store.get("volunteers", late_volunteer, include_deleted=True)["deleted"] == 1
    assert people_merge.follow_merges(store) == 0


def test_a_database_before_merging_gets_merged_into(tmp_path):
    import sqlite3

    from desktop import schema
    from desktop.store import Store

    path = tmp_path / "v2.sqlite"
    conn = sqlite3.connect(path)
    for migration in schema.MIGRATIONS[:2]:
        migration(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    assert "merged_into" not in {r[1] for r in conn.execute("PRAGMA table_info(people)")}
    conn.close()
    migrated = Store(path)
    assert "merged_into" in {r["name"] for r in migrated.rows("PRAGMA table_info(people)")}
    assert migrated.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
    migrated.close()


def test_two_households_of_one_person_become_one(store):
    survivor, other = person(store, iin=IIN), person(store)
    kept = store.insert("households", {"head_person_id": survivor, "members_count": 4})
    gone = store.insert(
        "households", {"head_person_id": other, "address": "Қайырбаев к-сі, 12", "members_count": 3}
    )
    wife = store.insert("recipients", {"person_id": person(store, name="Айгүл"), "household_id": gone})
    aid = store.insert("aid_given", {"given_on": "2026-11-03", "programme": "food", "household_id": gone})
    people_merge.merge_people(store, survivor, other, {})
    live = store.rows("SELECT * FROM households WHERE deleted = 0")
    assert [h["id"] for h in live] == [kept]
    assert (live[0]["members_count"], live[0]["address"]) == (4, "Қайырбаев к-сі, 12")
    assert store.get("recipients", wife)["household_id"] == kept
    assert store.get("aid_given", aid)["household_id"] == kept


def test_a_household_made_for_the_other_before_the_merge_was_seen_joins_the_survivors(store, tmp_path):
    survivor, other = person(store, iin=IIN), person(store)
    kept = store.insert("households", {"head_person_id": survivor})
    people_merge.merge_people(store, survivor, other, {})
    # another PC, not yet aware of the merge, made a household for the other and gave it aid
    late = store.insert("households", {"head_person_id": other, "locality": "Ақсу"})
    aid = store.insert("aid_given", {"given_on": "2026-11-05", "programme": "food", "household_id": late})
    assert people_merge.follow_merges(store) >= 2
    assert [h["id"] for h in store.rows("SELECT id FROM households WHERE deleted = 0")] == [kept]
    assert store.get("households", kept)["locality"] == "Ақсу"
    assert store.get("aid_given", aid)["household_id"] == kept
    assert people_merge.follow_merges(store) == 0
