"""Finding people and volunteers by name as the user types, through the store's folded search columns.

Typing on a Russian keyboard ("Асел Нурланкызы") finds "Әсел Нұрланқызы": the search rules are those of
desktop.people (loose name words as prefixes, IIN or phone digits), in Kazakh alphabetical order.
"""

from __future__ import annotations

import datetime as dt

from desktop import people_search
from desktop.store import Store


def full_name(row: dict) -> str:
    return " ".join(p for p in (row.get("surname"), row.get("name"), row.get("patronymic")) if p)


def person_label(row: dict) -> str:
    """'Сейітқали Әсел Нұрланқызы (12.03.1990)': the birth date tells two people of the same name apart."""
    name = full_name(row)
    if row.get("birth_date"):
        try:
            born = dt.date.fromisoformat(row["birth_date"])
            return f"{name} ({born.strftime('%d.%m.%Y')})"
        except ValueError:
            pass
    return name


def search_people(store: Store, query: str, limit: int = 20) -> list[dict]:
    """People matching what is typed (name words loosely, IIN or phone digits), in Kazakh alphabetical order."""
    if not (query or "").strip():
        return []
    return people_search.search_people(store, query, limit=limit)


def search_volunteers(store: Store, query: str, limit: int = 20) -> list[dict]:
    """Volunteers (id of the volunteers row) whose person matches the query, by the same rules as people."""
    found = people_search.search_filter(query)
    if found.empty:
        return []
    condition, params = found.clause()
    return store.rows(
        "SELECT v.id, p.surname, p.name, p.patronymic, p.birth_date FROM volunteers v "
        f"JOIN people p ON p.id = v.person_id WHERE v.deleted = 0 AND p.deleted = 0 AND {condition} "
        "ORDER BY p.name_sort LIMIT ?",
        (*params, limit),
    )


def volunteer_count(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM volunteers WHERE deleted = 0")


def person(store: Store, person_id: str | None) -> dict | None:
    if not person_id:
        return None
    return store.one(
        "SELECT id, surname, name, patronymic, birth_date, sex FROM people WHERE id = ?", (person_id,)
    )


def person_name(store: Store, person_id: str | None) -> str:
    row = person(store, person_id)
    return full_name(row) if row else ""


def volunteer_name(store: Store, volunteer_id: str) -> str:
    row = store.one(
        "SELECT p.surname, p.name, p.patronymic FROM volunteers v JOIN people p ON p.id = v.person_id "
        "WHERE v.id = ?",
        (volunteer_id,),
    )
    return full_name(row) if row else ""


def age_on(birth_date: str | None, on: dt.date) -> int | None:
    """Full years on a day, or None when the birth date is unknown."""
    if not birth_date:
        return None
    try:
        born = dt.date.fromisoformat(birth_date)
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
