"""Enrolment: a one-time code from the administrator is traded for a device token, and the PC then belongs to the
code's house (docs/DESIGN.md §4)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from desktop import pc_state, roles, schema
from desktop.i18n import N_
from desktop.store import Store
from sync import errors, protocol
from sync.protocol import PROTOCOL_VERSION
from sync.state import Writer, put_state
from sync.transport import HttpTransport, Refused, TransportDown, TransportTimeout, normalize_url, refusal


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
) -> str:
    """Trades an enrolment code for a device token and returns the house id. The local writes run through
    `writer` (by default inline on `store`). Setting up the server is the administrator's (store.actor)."""
    roles.require(roles.actor_of(store), "server")
    if pc_state.is_demo(store):
        raise DemoDatabase()  # before a byte goes out: its made-up people must never reach the server
    transport = transport or HttpTransport(url)
    message = {"v": PROTOCOL_VERSION, "code": code.strip(), "device_id": store.device_id, "label": label}
    try:
        answer = transport.post("/v1/enrol", message, auth=False)
    except (TransportDown, TransportTimeout):
        raise errors.ServerUnreachable(url=url) from None
    except Refused as exc:
        raise refusal(exc, url) from None
    try:
        parsed = protocol.EnrolResponse.model_validate(answer)
    except ValidationError:
        raise errors.ServerRefused(code="malformed_answer") from None
    server_url = normalize_url(url)

    def write(target: Store) -> None:
        with target.transaction():
            put_state(target, "server_url", server_url)
            put_state(target, "token", parsed.token)
            put_state(target, "token_id", parsed.token_id)
            put_state(target, "cursor", 0)
            put_state(target, "house_id", parsed.house_id)
            target.set_meta("house_id", parsed.house_id)
            # Work typed before enrolment belongs to this house too.
            for table in schema.SYNCED_TABLES:
                target.conn.execute(
                    f'UPDATE "{table}" SET house_id = ? WHERE house_id IS NULL '
                    f"AND id IN (SELECT row_id FROM outbox WHERE table_name = ?)",
                    (parsed.house_id, table),
                )

    if writer is None:
        write(store)
    else:
        writer(write)
    if isinstance(transport, HttpTransport):
        transport.token = parsed.token
    return parsed.house_id
