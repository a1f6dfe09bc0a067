"""What the screens show about this PC itself: the house it belongs to and what waits to be sent or reviewed.
Read functions of a store for a read op (a widget never reads the store's attributes itself)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop import reference
from desktop.roles import requires
from desktop.store import Store


def house_choice(store: Store) -> tuple[list[tuple[str, str]], str | None]:
    """The houses to choose from, and the one this PC belongs to (None until chosen)."""
    return reference.house_names(store), store.house_id


def house_and_name(store: Store) -> tuple[str, str]:
    """This PC's house code and its name in the current language ('' until chosen)."""
    house = store.house_id or ""
    return house, dict(reference.house_names(store)).get(house, house)


def waiting(store: Store) -> tuple[int, int]:
    """(changes not yet sent, conflicts not yet reviewed)."""
    return store.pending_count(), store.open_conflicts_count()


@requires("settings")
def set_house(store: Store, house_id: str | None, **_task) -> None:
    """Which house this PC keeps records for (before it is enrolled; then the server's enrolment decides)."""
    store.set_house(house_id)


# What the enrolment question names, by the synced tables each kind covers; the rest is "other records".
RECORD_KINDS: dict[str, tuple[str, ...]] = {
    "people": ("people", "consents", "people_distinct"),
    "events": (
        "events",
        "event_associations",
        "event_groups",
        "event_volunteers",
        "event_attendance",
        "event_attendees",
        "associations",
        "creative_groups",
        "group_members",
    ),
    "aid": (
        "aid_points",
        "aid_items",
        "households",
        "recipients",
        "aid_given",
        "aid_lines",
        "stock_adjustments",
        "programme_rules",
        "donations",
        "donation_lines",
    ),
    "volunteers": ("volunteers", "volunteer_shifts", "skills"),
}
# The PC's own sign-in accounts and its device row travel too, but they are not the house's records.
NOT_RECORDS = ("accounts", "devices")


@dataclass(frozen=True)
class EnrolmentCheck:
    demo: bool  # a database made by `dostyq --demo`: it never enrols
    counts: dict[str, int]  # records waiting to upload, by kind (people, events, aid, volunteers, other)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def is_demo(store: Store) -> bool:
    """True for a database made by `dostyq --demo` (its people and figures are made up)."""
    return store.get_meta("demo") == "1"


def records_to_upload(store: Store) -> dict[str, int]:
    """Records this PC holds that no server has yet (they wait in the outbox), counted once each, by kind."""
    kind_of = {table: kind for kind, tables in RECORD_KINDS.items() for table in tables}
    counts = dict.fromkeys((*RECORD_KINDS, "other"), 0)
    for table, count in store.conn.execute(
        "SELECT table_name, count(DISTINCT row_id) FROM outbox GROUP BY table_name"
    ):
        if table not in NOT_RECORDS:
            counts[kind_of.get(table, "other")] += count
    return counts


def enrolment_check(store: Store) -> EnrolmentCheck:
    """What the Sync page asks about before it connects this PC: demo or not, and what would upload."""
    return EnrolmentCheck(is_demo(store), records_to_upload(store))
