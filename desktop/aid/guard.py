"""The double-aid guard: which programme rules a recipient (or their household) would break by receiving the
programme's aid on a day, from the entries already given and not reversed."""

from __future__ import annotations

import datetime as dt

from desktop import bilingual
from desktop.aid import rules as aid_rules
from desktop.aid.catalogue import programme_rules
from desktop.aid.override import OverrideNeeded
from desktop.aid.rules import Breach, EarlierAid
from desktop.roles import requires
from desktop.store import Store


class DoubleAidError(OverrideNeeded):
    """The entry breaks a programme rule (and needs nothing else) and no override reason was given. `breaches` lists
    the earlier aid; its one message names `override_reason`."""

    def __init__(self, breaches: list[Breach], *, recipient: str = "", programme_name: str = ""):
        super().__init__(breaches=breaches, recipient=recipient, programme_name=programme_name)


def _effective_history(store: Store, column: str, key: str, programme: str) -> list[EarlierAid]:
    """Entries of `programme` for this recipient/household that have not been reversed (reversals excluded)."""
    rows = store.rows(
        f"SELECT a.id, a.number, a.given_on, a.given_by, a.recipient_id, a.reverses_id, "
        f"{bilingual.name_columns('p', 'point')} "
        f"FROM aid_given a LEFT JOIN aid_points p ON p.id = a.aid_point_id "
        f"WHERE a.{column} = ? AND a.programme = ? AND a.deleted = 0",
        (key, programme),
    )
    reversed_ids = {r["reverses_id"] for r in rows if r["reverses_id"]}
    return [
        EarlierAid(
            r["id"],
            r["number"],
            dt.date.fromisoformat(r["given_on"]),
            bilingual.display_name(r, prefix="point"),
            r["given_by"] or "",
            r["recipient_id"],
        )
        for r in rows
        if not r["reverses_id"] and r["id"] not in reversed_ids
    ]


@requires("aid.give")
def check_double_aid(store: Store, programme: str, recipient_id: str, on: dt.date) -> list[Breach]:
    """The rules of `programme` this recipient would break by receiving it on `on` (empty list: all clear)."""
    rules = programme_rules(store, programme)
    if not rules or not recipient_id:
        return []
    recipient = store.get("recipients", recipient_id)
    if recipient is None:
        return []
    history: dict[str, list[EarlierAid]] = {}
    if any(r.scope == "person" for r in rules):
        history["person"] = _effective_history(store, "recipient_id", recipient_id, programme)
    if any(r.scope == "household" for r in rules):
        if recipient["household_id"]:
            history["household"] = _effective_history(
                store, "household_id", recipient["household_id"], programme
            )
        else:  # a recipient without a household is a household of one
            history["household"] = history.get("person") or _effective_history(
                store, "recipient_id", recipient_id, programme
            )
    return aid_rules.find_breaches(rules, on, history)
