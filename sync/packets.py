"""Sync files (sneakernet): the same request and answer messages, signed and encrypted, carried on a USB stick or a
messenger when no link exists. Applying an answer file twice changes nothing (docs/DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store import Store
from sync import errors, protocol
from sync.protocol import ProtocolError
from sync.state import put_state

if TYPE_CHECKING:
    from sync.client import SyncClient
    from sync.page import SyncResult


def save_packet(client: SyncClient, path: str | Path) -> int:
    """Writes the pending changes (and a request for news) as a signed file. Returns the ops in it."""
    token, token_id = client.state("token"), client.state("token_id")
    if not token or not token_id:
        raise errors.NotEnrolled()
    request = client.build_request(protocol.MAX_PAGE_BYTES)

    def write(store: Store) -> None:
        with store.transaction():
            put_state(store, "packet_request", request["request_id"])
            put_state(store, "packet_cursor", request["cursor"])

    client.writer(write)
    data = protocol.make_packet("request", token_id, protocol.packet_key(token), request)
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(request["ops"])


def load_packet(client: SyncClient, path: str | Path) -> SyncResult:
    """Applies an answer file. An answer older than what this PC already has only clears acknowledged ops (its
    rows may be stale)."""
    token, token_id = client.state("token"), client.state("token_id")
    if not token or not token_id:
        raise errors.NotEnrolled()
    try:
        env = protocol.read_packet_envelope(Path(path).read_bytes())
        if env["token_id"] != token_id:
            raise ProtocolError("bad_signature", "another PC")
        answer = protocol.open_packet(env, protocol.packet_key(token), "response")
        resp = protocol.parse_response(answer)
    except ProtocolError as exc:
        raise errors.BadPacket(detail=exc.code) from None
    except OSError as exc:
        raise errors.BadPacket(detail=str(exc)) from None
    current = resp.request_id == client.state("packet_request") and str(client.cursor) == (
        client.state("packet_cursor") or ""
    )
    if not current:
        answer = dict(answer, changes=[], cursor=client.cursor, more=True)
    return client.apply_response(answer)
