"""Applying one answer page locally, in ONE store transaction: acked ops leave the outbox, the server's rows are
merged (sync.apply), the cursor and clock offset move, and on the last page of a check the integrity digests are
compared. A cut anywhere is simply retried (docs/DESIGN.md §4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop import schema
from desktop.store import Store, utc_now_iso
from sync import apply as sync_apply
from sync import protocol, quarantine
from sync.outgoing import ReseedNext
from sync.protocol import SyncResponse
from sync.state import get_state, put_state


@dataclass
class SyncResult:
    rounds: int = 0
    sent: int = 0
    received: int = 0
    conflicts: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # tables found different from the server's
    cancelled: bool = False
    checked: bool = False  # this page carried the integrity check's digests and they were compared


def apply_answer(
    store: Store,
    resp: SyncResponse,
    *,
    wall: Callable[[], float],
    clock_offset_ms: int | None = None,
    replayed: list[str] | None = None,
    reseed_next: ReseedNext = None,
    on_row: Callable[[], None] | None = None,
) -> SyncResult:
    """Writes one parsed answer on `store` (the caller's writer). `replayed` are the re-sent rows' op ids of the
    request it answers and `reseed_next` where re-sending goes on once they are all acked; `wall` is the clock of
    the stamps written."""
    result = SyncResult(received=len(resp.changes))
    with store.transaction():
        now_iso = utc_now_iso(wall)
        # Writes up to `known` reached this PC; later ones it has not seen (whatever the page cursor says).
        before = int(get_state(store, "known") or 0)
        if resp.epoch:
            put_state(store, "epoch", resp.epoch)
        if resp.reset:
            # The server lost history (restored backup): fetch everything again and re-send every row.
            before = 0
            put_state(store, "cursor", 0)
            put_state(store, "known", 0)
            put_state(store, "server_reset_at", now_iso)
            put_state(store, "reseed", "[0, 0]")
            quarantine.release_all(store, now_iso)
        elif replayed is not None and reseed_next is not None and set(replayed) <= set(resp.acks):
            put_state(store, "reseed", None if reseed_next == "done" else json.dumps(reseed_next))
        result.rejected = sync_apply.apply_acks(store, resp.acks)
        result.conflicts = sync_apply.apply_changes(store, resp.changes, before, now_iso, on_row)
        cursor = int(get_state(store, "cursor") or 0)
        cursor = resp.cursor if resp.reset else max(resp.cursor, cursor)
        put_state(store, "cursor", cursor)
        if not resp.more:
            put_state(store, "known", cursor)
        if resp.digest is not None and not resp.more and store.pending_count() == 0:
            compare_digest(store, resp.digest, result, wall())
        put_state(store, "last_sync_at", now_iso)
        put_state(store, "last_error", None)
        if clock_offset_ms is not None:
            put_state(store, "clock_offset_ms", clock_offset_ms)
            store.clock.offset_ms = clock_offset_ms
    return result


def compare_digest(store: Store, server: dict[str, str], result: SyncResult, check_at: float) -> None:
    """Integrity check, inside the apply transaction. Rows differ only through a fault (a lost disk, a bug): then
    this PC re-sends every row it holds and fetches everything again. Merging keeps the newer value of each field
    on both sides, so nothing is overwritten wholesale."""
    result.checked = True
    put_state(store, "last_check_at", check_at)
    local = local_digest(store)
    # A table with no live row counts as absent on both sides (the server may have purged its tombstones).
    empty = protocol.table_digest([])
    differing = sorted(t for t in set(local) | set(server) if local.get(t, empty) != server.get(t, empty))
    if differing:
        result.repaired = differing
        store.audit("sync_integrity_repair", details={"tables": differing, "server": server, "local": local})
        put_state(store, "reseed", "[0, 0]")
        put_state(store, "cursor", 0)


def local_digest(store: Store) -> dict[str, str]:
    """{table: digest} of this PC's rows of its house, as the server computes it of its own."""
    house = get_state(store, "house_id") or store.house_id
    kept = quarantine.kept_rows(store)
    out = {}
    for table in schema.SYNCED_TABLES:
        rows = store.conn.execute(
            f'SELECT id, hlc, deleted FROM "{table}" WHERE house_id = ?', (house,)
        ).fetchall()
        if table in kept:
            # A row kept aside (could not be applied) counts as the server's version of it.
            aside = kept[table]
            rows = [r for r in rows if r[0] not in aside] + [(i, h, d) for i, (h, d) in aside.items()]
        if rows:
            out[table] = protocol.table_digest(rows)
    return out
