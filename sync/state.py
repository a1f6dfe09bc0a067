"""The client's memory in the local `sync_state` table (server URL, token, cursor, page size, last error…), and the
shape of the hand-off that runs its writes (docs/DESIGN.md §2: one writer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.store import Store

# writer(fn) runs fn(store) where the database is written (inline, or on the app's writer thread) and returns its result.
Writer = Callable[[Callable[[Store], Any]], Any]


def get_state(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def put_state(store: Store, key: str, value: Any) -> None:
    """Inside the caller's transaction; None clears the value."""
    store.conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, None if value is None else str(value)),
    )
