"""Enrolment: a one-time code from the administrator is traded for a device token, and the PC then belongs to the
code's house (docs/DESIGN.md §4). The PC makes its sync-file key pair here and sends the public halves; a PC that
has never been online is enrolled by an enrolment file instead (enrol_from_file, completed by its first answer
file, sync.packets)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from desktop import pc_state, roles, schema
from desktop.i18n import N_
from desktop.store import Store
from sync import errors, protocol, sealed
from sync.protocol import PROTOCOL_VERSION, ProtocolError
from sync.state import Writer, get_state, put_state
from sync.transport import (
    ATTEMPT_TIMEOUT,
    HttpTransport,
    Refused,
    TransportCancelled,
    TransportDown,
    TransportTimeout,
    normalize_url,
    refusal,
)


class DemoDatabase(errors.SyncError):
    template = N_(
        "This is a demo database: its people and figures are made up, so it cannot be connected to the server. "
        "To connect this PC, start Dostyq without --demo, on a new database."
    )


def enrol(
    store: Store,
    url: str,
    code: str,
    label: str = "",
    transport: Any | None = None,
    writer: Writer | None = None,
    cancel: threading.Event | None = None,
) -> str:
    """Trades an enrolment code for a device token and returns the house id. The local writes run through
    `writer` (by default inline on `store`). Setting up the server is the administrator's (store.actor).
    A person waits for this: short timeouts (transport.ATTEMPT_TIMEOUT), and setting `cancel` stops it at once
    (AttemptCancelled; nothing is written)."""
    roles.require(roles.actor_of(store), "server")
    if pc_state.is_demo(store):
        raise DemoDatabase()  # before a byte goes out: its made-up people must never reach the server
    transport = transport or HttpTransport(url, timeout=ATTEMPT_TIMEOUT)
    keys = own_keys(store)
    message = {
        "v": PROTOCOL_VERSION,
        "code": code.strip(),
        "device_id": store.device_id,
        "label": label,
        **sealed.public_keys(keys),
    }
    try:
        if cancel is None:
            answer = transport.post("/v1/enrol", message, auth=False)
        else:
            answer = transport.post("/v1/enrol", message, auth=False, cancel=cancel)
    except TransportCancelled:
        raise errors.AttemptCancelled() from None
    except TransportTimeout as exc:
        if exc.connecting:
            raise errors.FirstConnectionFailed(url=url) from None
        raise errors.FirstConnectionSilent(url=url, seconds=round(exc.seconds)) from None
    except TransportDown:
        raise errors.FirstConnectionFailed(url=url) from None
    except Refused as exc:
        raise refusal(exc, url) from None
    try:
        parsed = protocol.EnrolResponse.model_validate(answer)
    except ValidationError:
        raise errors.ServerRefused(code="malformed_answer") from None
    server_url = normalize_url(url)

    def write(target: Store) -> None:
        with target.transaction():
            join(target, parsed.house_id, server_url)
            put_state(target, "token", parsed.token)
            put_state(target, "token_id", parsed.token_id)
            put_keys(target, keys, parsed.server_sign_key, parsed.server_box_key)

    if writer is None:
        write(store)
    else:
        writer(write)
    if isinstance(transport, HttpTransport):
        transport.token = parsed.token
    return parsed.house_id


# ---- membership and keys -------------------------------------------------------------------------------------------

KEY_STATES = ("file_sign_key", "file_box_key", "server_sign_key", "server_box_key")


def join(target: Store, house_id: str, server_url: str | None) -> None:
    """Inside the caller's transaction: this PC now belongs to `house_id` (its earlier work too)."""
    if server_url:
        put_state(target, "server_url", server_url)
    put_state(target, "cursor", 0)
    put_state(target, "house_id", house_id)
    target.set_meta("house_id", house_id)
    # Work typed before enrolment belongs to this house too.
    for table in schema.SYNCED_TABLES:
        target.conn.execute(
            f'UPDATE "{table}" SET house_id = ? WHERE house_id IS NULL '
            f"AND id IN (SELECT row_id FROM outbox WHERE table_name = ?)",
            (house_id, table),
        )


def own_keys(store: Store) -> dict[str, str]:
    """This PC's private sync-file keys: the stored ones, else a fresh pair (stored by put_keys)."""
    sign, box = get_state(store, "file_sign_key"), get_state(store, "file_box_key")
    return {"sign_key": sign, "box_key": box} if sign and box else sealed.new_keys()


def put_keys(target: Store, keys: dict[str, str], server_sign: str | None, server_box: str | None) -> None:
    """Inside the caller's transaction. Without the server's keys (an old server) the PC keeps none: the next
    online sync sends them again (ensure_keys)."""
    if server_sign and server_box:
        put_state(target, "file_sign_key", keys["sign_key"])
        put_state(target, "file_box_key", keys["box_key"])
        put_state(target, "server_sign_key", sealed.check_public(server_sign))
        put_state(target, "server_box_key", sealed.check_public(server_box))


def has_file_keys(store: Store) -> bool:
    return all(get_state(store, key) for key in KEY_STATES)


def ensure_keys(store: Store, transport: Any, write: Writer) -> bool:
    """A PC enrolled before sync files had keys sends its public keys over its authenticated link (POST
    /v1/keys) and keeps the server's. Returns whether it sent them. Link failures propagate to the caller's retry."""
    if has_file_keys(store) or not get_state(store, "token"):
        return False
    keys = own_keys(store)
    try:
        answer = transport.post("/v1/keys", {"v": PROTOCOL_VERSION, **sealed.public_keys(keys)})
    except Refused as exc:
        if exc.status in (404, 405):  # a server without sync-file keys: files stay unavailable, sync goes on
            return False
        raise
    server_sign, server_box = answer.get("server_sign_key"), answer.get("server_box_key")
    if not isinstance(server_sign, str) or not isinstance(server_box, str):
        raise errors.ServerRefused(code="malformed_answer")

    def keep(target: Store) -> None:
        with target.transaction():
            put_keys(target, keys, server_sign, server_box)

    write(keep)
    return True


def enrol_from_file(store: Store, path: str | Path, writer: Writer | None = None) -> str:
    """Loads an enrolment file made by the administrator (`dostyq-server enrol-file`) for a PC that has never been
    online: the PC belongs to the file's house at once, makes its keys, and its first sync file carries the code;
    the answer file completes the enrolment (sync.packets). Returns the house id."""
    roles.require(roles.actor_of(store), "server")
    content = read_enrol_file(path)
    if get_state(store, "token"):
        raise errors.AlreadyEnrolled()
    keys = own_keys(store)

    def write(target: Store) -> None:
        with target.transaction():
            join(target, content["house_id"], content.get("url") or None)
            put_state(target, "enrol_code", content["code"])
            put_keys(target, keys, content["server_sign_key"], content["server_box_key"])

    if writer is None:
        write(store)
    else:
        writer(write)
    return str(content["house_id"])


def read_enrol_file(path: str | Path) -> dict:
    """The content of an enrolment file, its size checked before it is read."""
    data = read_small_file(path)
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        content = None
    if not is_enrol_content(content):
        raise errors.BadPacket(detail="not an enrolment file")
    try:
        sealed.check_public(content["server_sign_key"]), sealed.check_public(content["server_box_key"])
    except ProtocolError:
        raise errors.BadPacket(detail="not an enrolment file") from None
    return content


def is_enrol_content(content: Any) -> bool:
    return (
        isinstance(content, dict)
        and content.get("kind") == protocol.ENROL_FILE_KIND
        and content.get("v") == 1
        and all(
            isinstance(content.get(k), str) for k in ("house_id", "code", "server_sign_key", "server_box_key")
        )
        and protocol.ID_RE.match(content["house_id"]) is not None
    )


def read_small_file(path: str | Path, limit: int = protocol.MAX_FILE_BYTES) -> bytes:
    """A sync or enrolment file, refused by its size (os.stat) before a byte of it is read."""
    try:
        size = os.stat(path).st_size
        if size > limit:
            raise errors.FileTooLarge(size_mb=f"{size / (1024 * 1024):.0f}", limit_mb=limit // (1024 * 1024))
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise errors.BadPacket(detail=exc.strerror or type(exc).__name__) from None
    if len(data) > limit:  # grew since the stat
        raise errors.FileTooLarge(size_mb=f"{len(data) / (1024 * 1024):.0f}", limit_mb=limit // (1024 * 1024))
    return data
