"""`dostyq --demo`: fills an empty database with a realistic year of a house's activity, in kk and ru.

Each area adds its own filler module; they run in this order, each getting the same seeded random generator,
so a demo database is the same every time. Everything is written through the store's write API, exactly as
staff would write it (hlc stamps, outbox entries and all).
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable

from desktop import clock
from desktop.store import Store

DEMO_HOUSE = "KZ-55-01"  # Pavlodar region

# Module names under desktop.demo, in the order they run (later ones use the people made earlier).
FILLERS = ["accounts", "people", "volunteers", "events", "aid", "reports"]


def is_empty(store: Store) -> bool:
    return not store.scalar("SELECT 1 FROM people LIMIT 1")


def fill(
    store: Store,
    *,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    today = today or clock.today()
    rng = random.Random(seed)
    if not store.house_id:
        store.set_house(DEMO_HOUSE)
    with store.transaction():
        store.set_meta("demo", "1")  # made-up people: this database never enrols (sync.enrol)
    for done, name in enumerate(FILLERS):
        if progress:
            progress(done, len(FILLERS))
        module = importlib.import_module(f"desktop.demo.{name}")
        with store.transaction():
            module.fill(store, rng, today)
    if progress:
        progress(len(FILLERS), len(FILLERS))
