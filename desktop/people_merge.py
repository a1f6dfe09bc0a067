"""Merging two records of one person, after an administrator reviewed them (docs/DESIGN.md §3, §4).

`merge_candidates` lists the pairs to review: the same IIN, or what the duplicate warning flags. `merge_people`
keeps one record (the survivor) with the value of each field the administrator chose, moves every row that names
the other person to the survivor, merges their volunteer and recipient records (the survivor's kept, shifts and aid
moved), and tombstones the other with `merged_into`. Every write goes through the store's write API, so the merge
syncs. A row that names the merged person and arrives later from a PC that had not seen the merge (aid given
there meanwhile) is moved on when it is applied (`follow_merges`, called by the sync client's apply).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop import text
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.people import PERSON_FIELDS, Duplicate, find_duplicates
from desktop.roles import requires
from desktop.store import Store

# Rows that name a person directly: (table, column). Volunteers and recipients are the roles merged as records.
PERSON_LINKS = (
    ("group_members", "person_id"),
    ("creative_groups", "leader_id"),
    ("associations", "leader_id"),
    ("event_attendees", "person_id"),
    ("households", "head_person_id"),
    ("donations", "donor_person_id"),
    ("consents", "person_id"),
)
# A role record of a person, and the rows that name that record: role table → [(table, column)].
ROLE_LINKS = {
    "volunteers": (("volunteer_shifts", "volunteer_id"), ("event_volunteers", "volunteer_id")),
    "recipients": (("aid_given", "recipient_id"),),
}
# A person heads one household: what names a household that merged into another, and what the kept one takes
# from it where its own is empty.
HOUSEHOLD_LINKS = (("recipients", "household_id"), ("aid_given", "household_id"))
HOUSEHOLD_FIELDS = ("locality", "address", "members_count", "children_count", "notes")
# A person may be in a group or at an event once: the other's row goes when the survivor has one already.
ONCE_PER = {"group_members": "group_id", "event_attendees": "event_id", "event_volunteers": "event_id"}
# The tables a merge (or following one) writes, for the views that show them.
MERGE_TABLES = (
    "people",
    "people_distinct",
    *ROLE_LINKS,
    *(t for t, _c in PERSON_LINKS),
    *(t for links in ROLE_LINKS.values() for t, _c in links),
    *(t for t, _c in HOUSEHOLD_LINKS),
)
MERGE_FIELDS = (*PERSON_FIELDS,)
# Rows whose arrival by sync may name a merged person (or be the merge itself).
FOLLOWED_TABLES = frozenset(MERGE_TABLES)


@dataclass(frozen=True)
class Candidate:
    """Two live people who may be one, and why (a key of people.DUPLICATE_REASONS)."""

    first: dict
    second: dict
    reason: str


@requires("people.erase")
def merge_candidates(store: Store, limit: int = 200) -> list[Candidate]:
    """Pairs to review: people with the same IIN first, then those the duplicate warning flags (same name and
    birth date, similar name); pairs the staff marked as different people are left out (but not for the IIN)."""
    found: dict[tuple[str, str], Candidate] = {}
    people_by_id: dict[str, dict] = {}
    for row in store.rows(
        "SELECT * FROM people WHERE deleted = 0 AND iin IN "
        "(SELECT iin FROM people WHERE deleted = 0 AND iin IS NOT NULL GROUP BY iin HAVING count(*) > 1) "
        "ORDER BY iin, name_sort"
    ):
        people_by_id[row["id"]] = row
    by_iin: dict[str, list[dict]] = {}
    for row in people_by_id.values():
        by_iin.setdefault(row["iin"], []).append(row)
    for group in by_iin.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                found.setdefault(_key(a, b), Candidate(*_older_first(a, b), "iin"))
    # Names: the people whose loose surname and name are shared, each checked as the duplicate warning would.
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in store.rows("SELECT id, surname, name, birth_date, iin FROM people WHERE deleted = 0"):
        groups.setdefault((text.loose(row["surname"]), text.loose(row["name"])), []).append(row)
    for members in groups.values():
        if len(members) < 2:
            continue
        for member in members:
            for duplicate in find_duplicates(store, member, exclude_id=member["id"]):
                if duplicate.reason == "iin":
                    continue
                person = store.get("people", member["id"])
                assert person is not None
                found.setdefault(_key(person, duplicate.person), _candidate(person, duplicate))
        if len(found) >= limit:
            break
    order = {"iin": 0, "name_birth": 1, "loose": 2}
    pairs = sorted(found.values(), key=lambda c: (order[c.reason], c.first["name_sort"] or ""))
    return pairs[:limit]


def _key(a: dict, b: dict) -> tuple[str, str]:
    return (a["id"], b["id"]) if a["id"] < b["id"] else (b["id"], a["id"])


def _older_first(a: dict, b: dict) -> tuple[dict, dict]:
    """The record made first is offered as the one to keep."""
    first, second = sorted((a, b), key=lambda p: (p["created_at"], p["id"]))
    return first, second


def _candidate(person: dict, duplicate: Duplicate) -> Candidate:
    return Candidate(*_older_first(person, duplicate.person), duplicate.reason)


@requires("people.erase")
def merge_preview(store: Store, survivor_id: str, other_id: str) -> dict[str, int]:
    """What a merge moves from the other person to the survivor, as counts: aid entries, shifts, memberships,
    attendance, consents, donations, leaderships, and the volunteer and recipient records merged."""
    _both(store, survivor_id, other_id)
    counts = {"aid": 0, "shifts": 0, "memberships": 0, "attendance": 0, "consents": 0, "donations": 0}
    counts["leaderships"] = 0
    for role, key in (("volunteers", "shifts"), ("recipients", "aid")):
        for record in _role_records(store, role, other_id):
            link_table, column = ROLE_LINKS[role][0]
            counts[key] += store.scalar(
                f"SELECT count(*) FROM {link_table} WHERE {column} = ? AND deleted = 0", (record,)
            )
    for table, column, key in (
        ("group_members", "person_id", "memberships"),
        ("event_attendees", "person_id", "attendance"),
        ("consents", "person_id", "consents"),
        ("donations", "donor_person_id", "donations"),
        ("creative_groups", "leader_id", "leaderships"),
        ("associations", "leader_id", "leaderships"),
    ):
        counts[key] += store.scalar(
            f"SELECT count(*) FROM {table} WHERE {column} = ? AND deleted = 0", (other_id,)
        )
    return counts


def _both(store: Store, survivor_id: str, other_id: str) -> tuple[dict, dict]:
    if survivor_id == other_id:
        raise ValidationError("person", N_("Choose two different people to merge."))
    survivor, other = store.get("people", survivor_id), store.get("people", other_id)
    if survivor is None or other is None:
        raise ValidationError("person", N_("One of these people is no longer on file; nothing was merged."))
    return survivor, other


def _role_records(store: Store, role: str, person_id: str) -> list[str]:
    return [
        r["id"]
        for r in store.rows(
            f"SELECT id FROM {role} WHERE person_id = ? AND deleted = 0 ORDER BY id", (person_id,)
        )
    ]


@requires("people.erase")
def merge_people(store: Store, survivor_id: str, other_id: str, chosen: dict[str, str]) -> dict[str, int]:
    """Makes the two records one: `chosen` says, per field, whose value the survivor keeps ('survivor', the
    default, or 'other'). Returns what moved (merge_preview's counts)."""
    _survivor, other = _both(store, survivor_id, other_id)
    unknown = {f for f, side in chosen.items() if f not in MERGE_FIELDS or side not in ("survivor", "other")}
    if unknown:
        raise ValueError(f"no such field choice: {sorted(unknown)}")
    with store.transaction():
        moved = merge_preview(store, survivor_id, other_id)
        values = {f: other[f] for f, side in chosen.items() if side == "other"}
        if "phone" in values:
            values["phone_country"] = other["phone_country"]
        if "iin" in values:  # one IIN, one person: the other lets it go first
            store.update("people", other_id, {"iin": None})
        if values:
            store.update("people", survivor_id, values)
        _move_person(store, other_id, survivor_id)
        store.update("people", other_id, {"merged_into": survivor_id})
        store.delete("people", other_id)
        store.audit(
            "merge",
            "people",
            survivor_id,
            {"merged": other_id, "took": sorted(values), "moved": moved},
        )
    return moved


def _move_person(store: Store, old: str, new: str) -> None:
    """Every row naming person `old` names `new` instead; their role records become one."""
    for role in ROLE_LINKS:
        _merge_role(store, role, old, new)
    for table, column in PERSON_LINKS:
        _relink(store, table, column, old, new)
    _merge_households(store, new)
    for row in store.rows(
        "SELECT * FROM people_distinct WHERE (person_a = ? OR person_b = ?) AND deleted = 0", (old, old)
    ):
        other = row["person_b"] if row["person_a"] == old else row["person_a"]
        a, b = sorted((new, other))
        taken = store.scalar(
            "SELECT 1 FROM people_distinct WHERE person_a = ? AND person_b = ? AND deleted = 0", (a, b)
        )
        if other == new or taken:
            store.delete("people_distinct", row["id"])
        else:
            store.update("people_distinct", row["id"], {"person_a": a, "person_b": b})


def _merge_role(store: Store, role: str, old: str, new: str) -> None:
    """The volunteer (or recipient) records of `old` go to `new`: when `new` has one, it is kept and what named
    the other (shifts, aid, event places) moves to it, and the other is tombstoned."""
    kept = _role_records(store, role, new)
    for record in _role_records(store, role, old):
        store.update(role, record, {"person_id": new})
        if not kept:
            kept = [record]
            continue
        _merge_record(store, role, record, kept[0])


def _merge_record(store: Store, role: str, record: str, into: str) -> None:
    for table, column in ROLE_LINKS[role]:
        _relink(store, table, column, record, into)
    if role == "recipients":
        mine, theirs = store.get("recipients", into), store.get("recipients", record)
        assert mine is not None and theirs is not None
        if not mine["household_id"] and theirs["household_id"]:
            store.update("recipients", into, {"household_id": theirs["household_id"]})
    store.delete(role, record)


def _merge_households(store: Store, head: str) -> int:
    """When `head` now heads more than one live household, they become one: the one the person's recipient record
    names (else the oldest) is kept, takes what it lacks from the others, and what named them names it. Returns how
    many households went."""
    heads = store.rows(
        "SELECT * FROM households WHERE head_person_id = ? AND deleted = 0 ORDER BY created_at, id", (head,)
    )
    if len(heads) < 2:
        return 0
    named = store.scalar(
        "SELECT household_id FROM recipients WHERE person_id = ? AND deleted = 0 AND household_id IS NOT NULL "
        "ORDER BY created_at, id LIMIT 1",
        (head,),
    )
    kept = next((h for h in heads if h["id"] == named), heads[0])
    for other in heads:
        if other["id"] == kept["id"]:
            continue
        fill = {f: other[f] for f in HOUSEHOLD_FIELDS if kept[f] in (None, "") and other[f] not in (None, "")}
        if fill:
            store.update("households", kept["id"], fill)
            kept = {**kept, **fill}
        for table, column in HOUSEHOLD_LINKS:
            _relink(store, table, column, other["id"], kept["id"])
        store.delete("households", other["id"])
    return len(heads) - 1


def _relink(store: Store, table: str, column: str, old: str, new: str) -> None:
    once = ONCE_PER.get(table)
    for row in store.rows(f"SELECT * FROM {table} WHERE {column} = ? AND deleted = 0", (old,)):
        if once and store.scalar(
            f"SELECT 1 FROM {table} WHERE {column} = ? AND {once} = ? AND deleted = 0", (new, row[once])
        ):
            store.delete(table, row["id"])
        else:
            store.update(table, row["id"], {column: new})


def survivor_of(store: Store, person_id: str) -> str:
    """The live person a merged person became (following merges of merges)."""
    seen = {person_id}
    while True:
        merged = store.scalar("SELECT merged_into FROM people WHERE id = ?", (person_id,))
        if not merged or merged in seen:
            return person_id
        seen.add(merged)
        person_id = merged


@requires("records.write")
def follow_merges(store: Store) -> int:
    """Moves rows that still name a merged person (or their merged volunteer or recipient record) to the
    survivor: rows a PC wrote before it saw the merge. Returns how many rows moved. Idempotent."""
    moved = 0
    with store.transaction():
        merged = {
            r["id"]: survivor_of(store, r["id"])
            for r in store.rows("SELECT id FROM people WHERE merged_into IS NOT NULL")
        }
        if not merged:
            return 0
        marks = ", ".join("?" for _ in merged)
        for role, links in ROLE_LINKS.items():
            for row in store.rows(
                f"SELECT id, person_id FROM {role} WHERE deleted = 0 AND person_id IN ({marks})",
                tuple(merged),
            ):
                _merge_role(store, role, row["person_id"], merged[row["person_id"]])
                moved += 1
            # Rows naming a tombstoned record of a survivor who has a live one (the merged record).
            survivors = tuple(set(merged.values()))
            smarks = ", ".join("?" for _ in survivors)
            for table, column in links:
                rows = store.rows(
                    f"SELECT x.id AS row_id, live.id AS live_id FROM {table} x "
                    f"JOIN {role} r ON r.id = x.{column} AND r.deleted = 1 "
                    f"JOIN {role} live ON live.person_id = r.person_id AND live.deleted = 0 "
                    f"WHERE x.deleted = 0 AND r.person_id IN ({smarks})",
                    survivors,
                )
                for row in rows:
                    store.update(table, row["row_id"], {column: row["live_id"]})
                    moved += 1
        for table, column in PERSON_LINKS:
            for row in store.rows(
                f"SELECT id, {column} AS old FROM {table} WHERE deleted = 0 AND {column} IN ({marks})",
                tuple(merged),
            ):
                _relink(store, table, column, row["old"], merged[row["old"]])
                moved += 1
        survivors = tuple(set(merged.values()))
        for head in survivors:
            moved += _merge_households(store, head)
        # Rows naming a household that merged into the one its head now heads.
        smarks = ", ".join("?" for _ in survivors)
        for table, column in HOUSEHOLD_LINKS:
            rows = store.rows(
                f"SELECT x.id AS row_id, live.id AS live_id FROM {table} x "
                f"JOIN households h ON h.id = x.{column} AND h.deleted = 1 "
                f"JOIN households live ON live.head_person_id = h.head_person_id AND live.deleted = 0 "
                f"WHERE x.deleted = 0 AND h.head_person_id IN ({smarks})",
                survivors,
            )
            for row in rows:
                store.update(table, row["row_id"], {column: row["live_id"]})
                moved += 1
    return moved
