"""What the screens show about this PC itself: the house it belongs to and what waits to be sent or reviewed.
Read functions of a store for a read op (a widget never reads the store's attributes itself)."""

from __future__ import annotations

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
