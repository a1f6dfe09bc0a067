"""The bodies of the app's sync jobs, run on a worker thread of the app: each opens its own Store on the database
file for its reads and hands every write to the app's writer (`OnWriter`), as the PC rather than as the account at
the keyboard. No Qt here; the app starts them through its ops layer (ui/ops.py, `SyncOp`)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import pc_state, roles
from desktop.errors import DostyqError
from desktop.store import Store
from sync.client import SyncClient, SyncResult, Writer
from sync.conflicts import Conflict, open_conflicts
from sync.errors import ServerUnreachable
from sync.state import get_state

# on_writer(fn, cancel=event) runs fn(store) on the app's writer thread and returns its result.
OnWriter = Callable[..., Any]


@dataclass(frozen=True)
class Status:
    """What the PC's `sync_state` says of its link to a server."""

    enrolled: bool  # holds a device token
    awaiting_file: bool  # enrolled by file, waiting for the first answer file
    server_url: str
    last_sync_at: dt.datetime | None


def status(store: Store) -> Status:
    token, code = get_state(store, "token"), get_state(store, "enrol_code")
    last = get_state(store, "last_sync_at")
    return Status(
        enrolled=bool(token),
        awaiting_file=not token and bool(code),
        server_url=get_state(store, "server_url") or "",
        last_sync_at=dt.datetime.fromisoformat(last) if last else None,
    )


def page_state(store: Store) -> tuple[str, str, int, list[Conflict]]:
    """What the sync page shows: the house's code and name, the changes waiting to be sent, the open conflicts."""
    house, name = pc_state.house_and_name(store)
    return house, name, pc_state.waiting(store)[0], open_conflicts(store)


def pc_writer(on_writer: OnWriter, cancel: threading.Event) -> Writer:
    """The client's writer: each write runs on the writer thread, as the PC (not the account last at the keys)."""

    def write(fn: Callable[[Store], Any]) -> Any:
        def as_pc(store: Store) -> Any:
            actor, store.actor = store.actor, roles.SYSTEM
            try:
                return fn(store)
            finally:
                store.actor = actor

        return on_writer(as_pc, cancel=cancel)

    return write


def _with_client(
    db_path: Path, on_writer: OnWriter, cancel: threading.Event, fn: Callable[[SyncClient], Any]
):
    store = Store(db_path)
    client = SyncClient(store, writer=pc_writer(on_writer, cancel))
    try:
        return fn(client)
    finally:
        if client.transport is not None and hasattr(client.transport, "close"):
            client.transport.close()
        store.close()


def sync_once(db_path: Path, on_writer: OnWriter, progress, cancel: threading.Event) -> tuple[str, object]:
    """("ok", SyncResult), or ("offline" | "refused", the DostyqError): failures come back as values, their
    untranslated template kept, so the screens show them in whichever language is current.

    `progress(sent, received)`: the changes sent and the rows received so far, after each round (the changes
    still to send are the outbox's count, which each round's commit lowers)."""

    def report(total) -> None:
        progress(total.sent, total.received)

    def run(client: SyncClient) -> tuple[str, object]:
        try:
            return "ok", client.sync(cancel=cancel, on_round=report)
        except ServerUnreachable as exc:
            return "offline", exc
        except DostyqError as exc:
            return "refused", exc

    return _with_client(db_path, on_writer, cancel, run)


def enrol(
    db_path: Path,
    on_writer: OnWriter,
    progress,
    cancel: threading.Event,
    *,
    actor,
    url: str,
    code: str,
    label: str,
) -> str:
    store = Store(db_path, actor=actor)
    try:
        return SyncClient.enrol(store, url, code, label, writer=pc_writer(on_writer, cancel), cancel=cancel)
    finally:
        store.close()


def enrol_from_file(
    db_path: Path, on_writer: OnWriter, progress, cancel: threading.Event, *, actor, path: str
) -> str:
    store = Store(db_path, actor=actor)
    try:
        return SyncClient.enrol_from_file(store, path, writer=pc_writer(on_writer, cancel))
    finally:
        store.close()


def save_packet(db_path: Path, on_writer: OnWriter, progress, cancel: threading.Event, *, path: str) -> int:
    return _with_client(db_path, on_writer, cancel, lambda client: client.save_packet(path))


def load_packet(
    db_path: Path, on_writer: OnWriter, progress, cancel: threading.Event, *, path: str
) -> SyncResult:
    return _with_client(db_path, on_writer, cancel, lambda client: client.load_packet(path))
