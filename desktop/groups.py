"""Creative groups (ensembles, choirs, dance groups) with their members, and ethnocultural associations.

A member under 18 on the day they join needs a recorded guardian's consent (the guardian's name and the date of
consent) before they can be added. A group and its member list are saved together: every check runs first, and
bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop import bilingual, clock, consents, person_lookup, reference, text
from desktop.errors import ValidationError, ValidationErrors, register_field_labels
from desktop.events import localized_title
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store

ADULT_AGE = 18
GROUP_STATUSES = (("active", N_("Active")), ("inactive", N_("Inactive")))
# Suggested honorary titles; the field stays free text because ministries award others too.
HONORARY_TITLES = (
    ("«Халықтық»", "«Народный»"),
    ("«Үлгілі»", "«Образцовый»"),
)

register_field_labels(
    {
        "group_name": N_("Name"),
        "group_founded": N_("Founded"),
        "group_status": N_("Status"),
        "group_leader": N_("Leader"),
        "association_leader": N_("Leader"),
        "member_person": N_("Member"),
        "member_joined": N_("Joined"),
        "member_guardian_name": N_("Guardian's name"),
        "member_guardian_consent_on": N_("Guardian's consent date"),
        "association_name": N_("Name"),
    }
)


@dataclass
class MemberInput:
    person_id: str
    role: str = ""
    joined: dt.date | None = None
    guardian_name: str = ""
    guardian_consent_on: dt.date | None = None
    id: str | None = None  # the group_members row, for members already saved


@dataclass
class GroupInput:
    # A name of unknown language (an import's, an older caller's): used, placed by desktop.bilingual, only when
    # neither name_kk nor name_ru is given.
    name: str = ""
    ethnic_group: str | None = None
    genre: str | None = None
    leader_id: str | None = None
    association_id: str | None = None
    founded: dt.date | None = None
    honorary_title: str = ""
    status: str = "active"
    notes: str = ""
    members: list[MemberInput] = field(default_factory=list)
    name_kk: str = ""
    name_ru: str = ""


@dataclass
class AssociationInput:
    name: str
    ethnic_group: str | None = None
    leader_id: str | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _iso(value: dt.date | str | None) -> str | None:
    day = _date(value)
    return day.isoformat() if day else None


PICK_LEADER = N_("Choose the leader from the list that appears as you type the name.")


# ---- members -----------------------------------------------------------------------------------------------
def validate_member(
    store: Store, member: MemberInput, row: int | None = None, today: dt.date | None = None
) -> list[ValidationError]:
    errors: list[ValidationError] = []
    person = person_lookup.person(store, member.person_id)
    if person is None:
        return [ValidationError("member_person", N_("Choose the person who joins the group."), row=row)]
    joined = _date(member.joined) or today or clock.today()
    age = person_lookup.age_on(person["birth_date"], joined)
    if age is not None and age < ADULT_AGE:
        name = person_lookup.full_name(person)
        if not text.normalize(member.guardian_name):
            errors.append(
                ValidationError(
                    "member_guardian_name",
                    N_("{name} is under 18: enter the name of the parent or guardian who gave consent."),
                    row=row,
                    name=name,
                )
            )
        consent = _date(member.guardian_consent_on)
        if consent is None:
            errors.append(
                ValidationError(
                    "member_guardian_consent_on",
                    N_("{name} is under 18: enter the date the guardian gave consent."),
                    row=row,
                    name=name,
                )
            )
        elif consent > joined:
            errors.append(
                ValidationError(
                    "member_guardian_consent_on",
                    N_("The guardian's consent must be given before the member joins."),
                    row=row,
                )
            )
    return errors


def _duplicate_errors(store: Store, members: list[MemberInput]) -> list[ValidationError]:
    seen: set[str] = set()
    errors = []
    for row, member in enumerate(members):
        if member.person_id in seen:
            errors.append(
                ValidationError(
                    "member_person",
                    N_("{name} is already a member of this group."),
                    row=row,
                    name=person_lookup.person_name(store, member.person_id),
                )
            )
        seen.add(member.person_id)
    return errors


def validate_group(store: Store, data: GroupInput, today: dt.date | None = None) -> list[ValidationError]:
    errors: list[ValidationError] = []
    try:
        bilingual.stored_names(data.name_kk, data.name_ru, "group_name", data.name)
    except ValidationError as exc:
        errors.append(exc)
    if data.status not in {code for code, _label in GROUP_STATUSES}:
        errors.append(ValidationError("group_status", N_("Choose the status of the group.")))
    founded = _date(data.founded)
    if founded and founded > (today or clock.today()):
        errors.append(ValidationError("group_founded", N_("{field} cannot be in the future.")))
    errors.extend(_duplicate_errors(store, data.members))
    for row, member in enumerate(data.members):
        errors.extend(validate_member(store, member, row, today))
    return errors


def _member_values(member: MemberInput) -> dict:
    return {
        "person_id": member.person_id,
        "role": text.normalize(member.role) or None,
        "joined": _iso(member.joined),
        "guardian_name": text.normalize(member.guardian_name) or None,
        "guardian_consent_on": _iso(member.guardian_consent_on),
    }


def _record_guardian_consent(store: Store, member: MemberInput) -> None:
    """A minor's guardian consent is also a consent row (desktop.consents), like every other role's."""
    given_on = _date(member.guardian_consent_on)
    if given_on is None or not text.normalize(member.guardian_name):
        return
    consents.give(
        store,
        member.person_id,
        consents.GROUP_MEMBER,
        consents.GivenConsent(
            given_on, "", by_guardian=True, guardian_name=text.normalize(member.guardian_name)
        ),
    )


@requires("records.write")
def save_group(
    store: Store, data: GroupInput, group_id: str | None = None, *, today: dt.date | None = None, **_task
) -> str:
    """Creates or updates a group and makes its member list exactly `data.members`."""
    errors = validate_group(store, data, today)
    if errors:
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    values = {
        **bilingual.stored_names(data.name_kk, data.name_ru, "group_name", data.name),
        "ethnic_group": data.ethnic_group or None,
        "genre": data.genre or None,
        "leader_id": data.leader_id or None,
        "association_id": data.association_id or None,
        "founded": _iso(data.founded),
        "honorary_title": text.normalize(data.honorary_title) or None,
        "status": data.status,
        "notes": (data.notes or "").strip() or None,
    }
    with store.transaction():
        if group_id is None:
            group_id = store.insert("creative_groups", values)
        else:
            store.update("creative_groups", group_id, values)
        current = {
            r["id"]: r
            for r in store.rows(
                "SELECT id FROM group_members WHERE group_id = ? AND deleted = 0", (group_id,)
            )
        }
        kept = set()
        for member in data.members:
            if member.id and member.id in current:
                store.update("group_members", member.id, _member_values(member))
                kept.add(member.id)
            else:
                store.insert("group_members", {"group_id": group_id, **_member_values(member)})
            _record_guardian_consent(store, member)
        for member_id in current.keys() - kept:
            store.delete("group_members", member_id)
    return group_id


@requires("records.write")
def add_member(
    store: Store, group_id: str, member: MemberInput, *, today: dt.date | None = None, **_task
) -> str:
    """Adds one person to a group, with the same checks as the group form."""
    existing = store.scalar(
        "SELECT 1 FROM group_members WHERE group_id = ? AND person_id = ? AND deleted = 0 AND left_on IS NULL",
        (group_id, member.person_id),
    )
    if existing:
        raise ValidationError(
            "member_person",
            N_("{name} is already a member of this group."),
            name=person_lookup.person_name(store, member.person_id),
        )
    errors = validate_member(store, member, today=today)
    if errors:
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    with store.transaction():
        member_id = store.insert("group_members", {"group_id": group_id, **_member_values(member)})
        _record_guardian_consent(store, member)
    return member_id


@requires("records.write")
def remove_member(store: Store, member_id: str, **_task) -> None:
    store.delete("group_members", member_id)


@requires("records.write")
def delete_group(store: Store, group_id: str, **_task) -> None:
    store.delete("creative_groups", group_id)


# ---- group reads -------------------------------------------------------------------------------------------
@requires("records.read")
def get_group(store: Store, group_id: str) -> GroupInput | None:
    row = store.get("creative_groups", group_id)
    if row is None:
        return None
    members = [
        MemberInput(
            person_id=m["person_id"],
            role=m["role"] or "",
            joined=_date(m["joined"]),
            guardian_name=m["guardian_name"] or "",
            guardian_consent_on=_date(m["guardian_consent_on"]),
            id=m["id"],
        )
        for m in store.rows(
            "SELECT m.* FROM group_members m LEFT JOIN people p ON p.id = m.person_id "
            "WHERE m.group_id = ? AND m.deleted = 0 ORDER BY p.name_sort",
            (group_id,),
        )
    ]
    name_kk, name_ru = bilingual.form_names(row)
    return GroupInput(
        name=row["name"],
        name_kk=name_kk,
        name_ru=name_ru,
        ethnic_group=row["ethnic_group"],
        genre=row["genre"],
        leader_id=row["leader_id"],
        association_id=row["association_id"],
        founded=_date(row["founded"]),
        honorary_title=row["honorary_title"] or "",
        status=row["status"],
        notes=row["notes"] or "",
        members=members,
    )


GROUP_SORT = {
    "name": "g.name_sort",
    "ethnic_group": "(SELECT sort FROM ethnic_groups x WHERE x.code = g.ethnic_group)",
    "genre": "(SELECT sort FROM genres x WHERE x.code = g.genre)",
    "members": "members",
    "status": "g.status",
    "founded": "coalesce(g.founded, '')",
}


@requires("records.read")
def list_groups(
    store: Store,
    search: str = "",
    *,
    genre: str | None = None,
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
    limit: int = 500,
    offset: int = 0,
) -> list[dict]:
    clauses, params = ["g.deleted = 0"], []
    query = text.normalize(search)
    if query:
        clauses.append("(g.name_fold LIKE ? OR g.name_loose LIKE ?)")
        params += [f"%{text.fold(query)}%", f"%{text.loose(query)}%"]
    if genre:
        clauses.append("g.genre = ?")
        params.append(genre)
    if status:
        clauses.append("g.status = ?")
        params.append(status)
    order = GROUP_SORT.get(sort, "g.name_sort")
    direction = "DESC" if descending else "ASC"
    return store.rows(
        "SELECT g.id, g.name, g.name_kk, g.name_ru, g.ethnic_group, g.genre, g.leader_id, g.association_id, "
        "g.founded, g.honorary_title, g.status, "
        "(SELECT count(*) FROM group_members m WHERE m.group_id = g.id AND m.deleted = 0 AND m.left_on IS NULL) "
        "AS members FROM creative_groups g "
        f"WHERE {' AND '.join(clauses)} ORDER BY {order} {direction}, g.name_sort LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def group_label(row: dict, lang: str | None = None, prefix: str = "name") -> str:
    """A group's name in the interface language (or `lang`), falling back to the other one (desktop.bilingual)."""
    return bilingual.display_name(row, lang, prefix)


def group_names(store: Store, lang: str | None = None) -> list[tuple[str, str]]:
    """[(id, name in the interface language or `lang`)] of the groups, active ones first, for pickers."""
    return [
        (r["id"], group_label(r, lang))
        for r in store.rows(
            "SELECT id, name, name_kk, name_ru FROM creative_groups WHERE deleted = 0 "
            "ORDER BY status = 'active' DESC, name_sort"
        )
    ]


@requires("records.read")
def members(store: Store, group_id: str) -> list[dict]:
    """The group's members with name, birth date, age today, role, joined and guardian details."""
    rows = store.rows(
        "SELECT m.id, m.person_id, m.role, m.joined, m.guardian_name, m.guardian_consent_on, "
        "p.surname, p.name, p.patronymic, p.birth_date FROM group_members m JOIN people p ON p.id = m.person_id "
        "WHERE m.group_id = ? AND m.deleted = 0 AND m.left_on IS NULL ORDER BY p.name_sort",
        (group_id,),
    )
    today = clock.today()
    for r in rows:
        r["full_name"] = person_lookup.full_name(r)
        r["age"] = person_lookup.age_on(r["birth_date"], today)
    return rows


def performances(store: Store, group_id: str, lang: str | None = None) -> list[dict]:
    """The events the group performed at (or will), newest first: id, title, starts_at, status, kind."""
    rows = store.rows(
        "SELECT e.id, e.title_kk, e.title_ru, e.starts_at, e.status, e.kind FROM event_groups eg "
        "JOIN events e ON e.id = eg.event_id WHERE eg.group_id = ? AND eg.deleted = 0 AND e.deleted = 0 "
        "ORDER BY e.starts_at DESC",
        (group_id,),
    )
    for r in rows:
        r["title"] = localized_title(r, lang)
    return rows


def has_groups(store: Store) -> bool:
    """Whether any creative group is on record (not deleted)."""
    return bool(store.scalar("SELECT 1 FROM creative_groups WHERE deleted = 0 LIMIT 1"))


@requires("records.read")
def group_overview(store: Store, group_id: str) -> dict | None:
    """A group at a glance, for the section's panel: its row with the names of its ethnic group, genre, leader and
    association (`ethnic_name`, `genre_name`, `leader_name`, `association_name`), its `members` and its
    `performances`; None if there is no such group."""
    row = store.get("creative_groups", group_id)
    if row is None:
        return None
    association = store.scalar(
        "SELECT name FROM associations WHERE id = ? AND deleted = 0", (row["association_id"],)
    )
    return {
        **row,
        "ethnic_name": ethnic_group_names(store).get(row["ethnic_group"], ""),
        "genre_name": genre_names(store).get(row["genre"], ""),
        "leader_name": person_lookup.person_name(store, row["leader_id"]),
        "association_name": association or "",
        "members": members(store, group_id),
        "performances": performances(store, group_id),
    }


def ethnic_group_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "ethnic_groups"))


def genre_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "genres"))


# ---- associations ------------------------------------------------------------------------------------------
def validate_association(data: AssociationInput) -> list[ValidationError]:
    """What stops the association being saved (each error names its field)."""
    if not text.normalize(data.name):
        return [ValidationError("association_name", N_("Enter the name of the association."))]
    return []


@requires("records.write")
def save_association(store: Store, data: AssociationInput, association_id: str | None = None, **_task) -> str:
    errors = validate_association(data)
    if errors:
        raise errors[0]
    values = {
        "name": text.normalize(data.name),
        "ethnic_group": data.ethnic_group or None,
        "leader_id": data.leader_id or None,
        "phone": text.normalize(data.phone) or None,
        "email": text.normalize(data.email) or None,
        "address": text.normalize(data.address) or None,
        "notes": (data.notes or "").strip() or None,
    }
    with store.transaction():
        if association_id is None:
            return store.insert("associations", values)
        store.update("associations", association_id, values)
        return association_id


@requires("records.write")
def delete_association(store: Store, association_id: str, **_task) -> None:
    store.delete("associations", association_id)


@requires("records.read")
def get_association(store: Store, association_id: str) -> AssociationInput | None:
    row = store.get("associations", association_id)
    if row is None:
        return None
    return AssociationInput(
        name=row["name"],
        ethnic_group=row["ethnic_group"],
        leader_id=row["leader_id"],
        phone=row["phone"] or "",
        email=row["email"] or "",
        address=row["address"] or "",
        notes=row["notes"] or "",
    )


@requires("records.read")
def list_associations(
    store: Store,
    search: str = "",
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int = 500,
    offset: int = 0,
) -> list[dict]:
    clauses, params = ["a.deleted = 0"], []
    query = text.normalize(search)
    if query:
        clauses.append("(a.name_fold LIKE ? OR a.name_loose LIKE ?)")
        params += [f"%{text.fold(query)}%", f"%{text.loose(query)}%"]
    order = {
        "name": "a.name_sort",
        "ethnic_group": "(SELECT sort FROM ethnic_groups x WHERE x.code = a.ethnic_group)",
        "groups": "groups",
        "events": "events",
    }.get(sort, "a.name_sort")
    rows = store.rows(
        "SELECT a.id, a.name, a.ethnic_group, a.leader_id, a.phone, a.email, a.address, "
        "(SELECT count(*) FROM creative_groups g WHERE g.association_id = a.id AND g.deleted = 0) AS groups, "
        "(SELECT count(*) FROM event_associations ea JOIN events e ON e.id = ea.event_id "
        " WHERE ea.association_id = a.id AND ea.deleted = 0 AND e.deleted = 0) AS events "
        f"FROM associations a WHERE {' AND '.join(clauses)} "
        f"ORDER BY {order} {'DESC' if descending else 'ASC'}, a.name_sort LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    for r in rows:
        r["leader"] = person_lookup.person_name(store, r["leader_id"])
    return rows


def association_names(store: Store) -> list[tuple[str, str]]:
    return [
        (r["id"], r["name"])
        for r in store.rows("SELECT id, name FROM associations WHERE deleted = 0 ORDER BY name_sort")
    ]
