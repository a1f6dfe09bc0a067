"""Sync files (sneakernet): the same request and answer messages, carried on a USB stick or a messenger when no link
exists. A request file is signed with this PC's key and sealed to the server; an answer file is signed by the server
and sealed to the house's PCs (sync.sealed). Applying an answer file twice changes nothing (docs/DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store import Store
from sync import errors, protocol, sealed
from sync.enrol import has_file_keys, join, read_small_file
from sync.protocol import ProtocolError
from sync.state import put_state

if TYPE_CHECKING:
    from sync.client import SyncClient
    from sync.page import SyncResult


def save_packet(client: SyncClient, path: str | Path) -> int:
    """Writes the pending changes (and a request for news) as a sealed file. Returns the ops in it. The first file
    of a PC enrolled by file also carries its enrolment code and public keys."""
    token_id, code = client.state("token_id"), client.state("enrol_code")
    if not token_id and not code:
        raise errors.NotEnrolled()
    if not has_file_keys(client.store):
        raise errors.NoFileKeys()
    keys = {"sign_key": client.state("file_sign_key") or "", "box_key": client.state("file_box_key") or ""}
    request = client.build_request(protocol.MAX_PAGE_BYTES)

    def write(store: Store) -> None:
        with store.transaction():
            put_state(store, "packet_request", request["request_id"])
            put_state(store, "packet_cursor", request["cursor"])

    client.writer(write)
    message = dict(request)
    if not token_id:
        message["enrol"] = {
            "code": code,
            "device_id": client.store.device_id,
            **sealed.public_keys(keys),
        }
    # The time inside the signed header, on the server's clock as this PC last learnt it (the server refuses
    # request files older than protocol.FILE_MAX_AGE_DAYS).
    created = int(client.wall() * 1000) + client.store.clock.offset_ms
    data = sealed.seal(
        "request",
        token_id or "",
        created,
        protocol.encode(message, level=9),
        keys["sign_key"],
        {sealed.SERVER: client.state("server_box_key") or ""},
    )
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(request["ops"])


def open_answer(client: SyncClient, data: bytes) -> tuple[dict, dict | None]:
    """The answer message inside an answer file (and its enrolment part, if any), checked to be the server's."""
    token_id = client.state("token_id")
    box_key, server_sign = client.state("file_box_key"), client.state("server_sign_key")
    if not box_key or not server_sign:
        raise errors.NoFileKeys()
    try:
        box = sealed.read(data)
        if box.header["kind"] != "response" or box.header["from"] != sealed.SERVER:
            raise ProtocolError("malformed", "not an answer file")
        signature, body = sealed.decrypt(box, box_key, token_id or None)
        sealed.verify(box, signature, body, server_sign)
        answer = protocol.decode(body)
        if not isinstance(answer, dict):
            raise ProtocolError("malformed", "not an object")
        enrolled = answer.pop("enrolled", None)
        protocol.parse_response(answer)
        if enrolled is not None and not token_id:
            enrolled = _enrolment(enrolled, box_key, server_sign)
    except ProtocolError as exc:
        raise errors.BadPacket(detail=exc.code) from None
    return answer, enrolled if not token_id else None


def _enrolment(enrolled: object, box_key: str, server_sign: str) -> dict:
    """The token of a PC enrolled by file: sealed to this PC alone inside the answer."""
    if not isinstance(enrolled, dict) or not all(
        isinstance(enrolled.get(k), str) for k in ("token_id", "house_id", "sealed_token")
    ):
        raise ProtocolError("malformed", "enrolment part")
    inner = sealed.read(sealed.unb64(enrolled["sealed_token"]))
    signature, token = sealed.decrypt(inner, box_key, enrolled["token_id"])
    sealed.verify(inner, signature, token, server_sign)
    return {
        "token": token.decode("ascii"),
        "token_id": enrolled["token_id"],
        "house_id": enrolled["house_id"],
    }


def load_packet(client: SyncClient, path: str | Path) -> SyncResult:
    """Applies an answer file (its size is checked before it is read). An answer older than what this PC already
    has only clears acknowledged ops (its rows may be stale)."""
    if not client.state("token_id") and not client.state("enrol_code"):
        raise errors.NotEnrolled()
    answer, enrolled = open_answer(client, read_small_file(path))
    if enrolled is not None:

        def complete(store: Store) -> None:
            with store.transaction():
                join(store, enrolled["house_id"], None)
                put_state(store, "token", enrolled["token"])
                put_state(store, "token_id", enrolled["token_id"])
                put_state(store, "enrol_code", None)

        client.writer(complete)
    current = answer.get("request_id") == client.state("packet_request") and str(client.cursor) == (
        client.state("packet_cursor") or ""
    )
    if not current:
        answer = dict(answer, changes=[], cursor=client.cursor, more=True)
    return client.apply_response(answer)
