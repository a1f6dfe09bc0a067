"""Sync files on the server: its own key pair, the devices' public keys, enrolment files, and applying a request
file (docs/SYNC.md "Sync files").

A request file is signed by its PC and sealed to the server; the answer is signed by the server and sealed to every
PC of the house that has keys. The server holds only the PCs' public keys, so a copy of its database cannot make a
file that passes for a PC's. A request file is refused once older than FILE_MAX_AGE_DAYS (the time is inside the
signed header, the age is taken on the server's clock); the same file again is answered with its own acks only.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop import schema
from sync import protocol, sealed
from sync.protocol import PROTOCOL_VERSION, ProtocolError, token_hash
from sync.server.db import StoreBase, iso
from sync.server.exchange import Replayed
from sync.server.identity import IdentityMixin, Principal, normalize_code
from sync.server.schema import applied_ops, device_keys, devices, enrol_codes, server_meta

if TYPE_CHECKING:
    from sync.server.store import ServerStore

_META_KEYS = ("file_sign_key", "file_box_key")


class FilesMixin(IdentityMixin, StoreBase):
    # ---- keys ------------------------------------------------------------------------------------------------
    def file_keys(self) -> dict[str, str]:
        """The server's private sync-file keys (server_meta file_sign_key, file_box_key), made on first use."""
        cached: dict[str, str] | None = getattr(self, "_file_keys_cache", None)
        if cached is not None:
            return cached
        with self._write() as conn:
            meta = dict(
                conn.execute(
                    sa.select(server_meta.c.key, server_meta.c.value).where(server_meta.c.key.in_(_META_KEYS))
                ).all()
            )
            if not all(meta.get(key) for key in _META_KEYS):
                made = sealed.new_keys()
                meta = {"file_sign_key": made["sign_key"], "file_box_key": made["box_key"]}
                conn.execute(server_meta.delete().where(server_meta.c.key.in_(_META_KEYS)))
                conn.execute(server_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()])
        keys = {"sign_key": str(meta["file_sign_key"]), "box_key": str(meta["file_box_key"])}
        self._file_keys_cache = keys
        return keys

    def file_public_keys(self) -> dict[str, str]:
        return sealed.public_keys(self.file_keys())

    def set_device_keys(self, who: Principal, sign_key: str, box_key: str) -> None:
        """The public keys of an enrolled PC that had none (or made new ones), sent over its authenticated link."""
        sealed.check_public(sign_key), sealed.check_public(box_key)
        with self._write() as conn:
            conn.execute(device_keys.delete().where(device_keys.c.token_id == who.pk))
            self._insert_keys(conn, who.pk, sign_key, box_key, None)

    def _insert_keys(
        self, conn: Connection, token_id: str, sign_key: str, box_key: str, sealed_token: str | None
    ) -> None:
        conn.execute(
            device_keys.insert().values(
                token_id=token_id,
                sign_key=sign_key,
                box_key=box_key,
                set_at=self.now_iso(),
                sealed_token=sealed_token,
            )
        )

    def device_keys_of(self, token_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(device_keys).where(device_keys.c.token_id == token_id))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def house_readers(self, house_id: str) -> dict[str, str]:
        """{token id: public box key} of the house's PCs that may read its answer files (not revoked, with keys)."""
        q = (
            sa.select(devices.c.id, device_keys.c.box_key)
            .join(device_keys, device_keys.c.token_id == devices.c.id)
            .where(devices.c.house_id == house_id, devices.c.role == "device", devices.c.revoked_at.is_(None))
        )
        with self.engine.connect() as conn:
            return {token_id: box for token_id, box in conn.execute(q)}

    def acks_of(self, who: Principal, op_ids: list[str]) -> dict[str, str]:
        """The stored results of these ops of this device (for a request file received a second time)."""
        if not op_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(applied_ops.c.op_id, applied_ops.c.result).where(
                    applied_ops.c.op_id.in_(op_ids), applied_ops.c.device_pk == who.pk
                )
            )
            return {op_id: result for op_id, result in rows}

    # ---- enrolment by file -----------------------------------------------------------------------------------
    def new_enrol_file(self, house_id: str, hours: float = 24 * 7, url: str = "") -> bytes:
        """An enrolment file for a PC of `house_id` that has never been online: a one-time code and the server's
        public keys. It holds a secret (the code): hand it over as a password."""
        server = self.file_public_keys()
        code = self.new_enrol_code(house_id, hours)
        content = {
            "kind": protocol.ENROL_FILE_KIND,
            "v": 1,
            "house_id": house_id,
            "code": code,
            "url": url,
            "server_sign_key": server["sign_key"],
            "server_box_key": server["box_key"],
            "expires_at": iso(self.wall() + hours * 3600),
        }
        return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")

    def enrol_by_file(self, req: protocol.EnrolRequest) -> tuple[Principal, str | None]:
        """The first request file of a PC enrolled by file: its code for a token, kept sealed to the PC. The same
        first file again finds the device it made (same code, same key) instead of failing on the used code."""
        assert req.sign_key and req.box_key
        with self.engine.connect() as conn:
            used_by = conn.execute(
                sa.select(enrol_codes.c.used_by).where(
                    enrol_codes.c.code_hash == token_hash(normalize_code(req.code))
                )
            ).scalar()
        if used_by:
            keys = self.device_keys_of(used_by)
            if keys and keys["sign_key"] == req.sign_key:
                return self.principal_by_id(used_by)[0], keys["sealed_token"]
        server = self.file_keys()
        sealed_token: list[str] = []

        def keep(conn: Connection, token: str, token_id: str) -> None:
            box = sealed.seal(
                "token",
                sealed.SERVER,
                self.now_ms(),
                token.encode(),
                server["sign_key"],
                {token_id: req.box_key or ""},
            )
            sealed_token.append(sealed.b64(box))
            self._insert_keys(conn, token_id, req.sign_key or "", req.box_key or "", sealed_token[0])

        _token, token_id, _house = self.enrol(req.code, req.device_id, req.label, on_token=keep)
        return self.principal_by_id(token_id)[0], sealed_token[0]


def _check_age(store: StoreBase, box: sealed.Sealed) -> None:
    age = store.now_ms() - box.header["created"]
    if age > protocol.FILE_MAX_AGE_DAYS * 86400 * 1000:
        raise ProtocolError("expired", f"made more than {protocol.FILE_MAX_AGE_DAYS} days ago")
    if age < -protocol.FILE_MAX_AHEAD_MS:
        raise ProtocolError("expired", "dated ahead of the server's clock")


def apply_packet(store: ServerStore, data: bytes) -> bytes:
    """Applies a PC's request file and returns the answer file. Nothing is written unless the file is whole,
    signed by its PC and not expired. The same file twice applies nothing the second time and is answered with
    its own acks only (never with rows written since)."""
    if len(data) > protocol.MAX_FILE_BYTES:
        raise ProtocolError("too_large", f"over {protocol.MAX_FILE_BYTES // (1024 * 1024)} MB")
    box = sealed.read(data)
    if box.header["kind"] != "request":
        raise ProtocolError("malformed", "not a request file")
    server = store.file_keys()
    signature, body = sealed.decrypt(box, server["box_key"], sealed.SERVER)
    sender = box.header["from"]
    enrolment: protocol.EnrolRequest | None = None
    if sender:
        who = store.principal_by_id(sender)[0]  # unknown or revoked: refused
        keys = store.device_keys_of(who.pk)
        if keys is None:
            raise ProtocolError("no_keys", "this PC has no sync-file keys on the server")
        sealed.verify(box, signature, body, keys["sign_key"])
    # From outside: held to the limits of any request (depth, integer length, value count; 400, never 500).
    message = protocol.decode_untrusted(body, limit=protocol.MAX_INFLATED_BYTES)
    if not isinstance(message, dict):
        raise ProtocolError("malformed", "not an object")
    enrol = message.pop("enrol", None)
    if not sender:
        if not isinstance(enrol, dict):
            raise ProtocolError("malformed", "a file without a sender carries no enrolment")
        try:
            enrolment = protocol.EnrolRequest.model_validate({"v": PROTOCOL_VERSION, **enrol})
        except ValueError:
            raise ProtocolError("malformed", "enrolment") from None
        if not enrolment.sign_key or not enrolment.box_key:
            raise ProtocolError("malformed", "enrolment without keys")
        sealed.check_public(enrolment.sign_key), sealed.check_public(enrolment.box_key)
        sealed.verify(box, signature, body, enrolment.sign_key)
    elif enrol is not None:
        raise ProtocolError("malformed", "an enrolled PC's file carries an enrolment")
    _check_age(store, box)
    req = protocol.parse_request(message)
    sealed_token = None
    if enrolment is not None:
        # What the exchange would refuse is refused before the code is spent.
        if req.device_id != enrolment.device_id:
            raise ProtocolError("malformed", "the enrolment and the request name different PCs")
        if req.schema_version > schema.SCHEMA_VERSION:
            raise ProtocolError(
                "schema_version", f"device {req.schema_version}, server {schema.SCHEMA_VERSION}"
            )
        who, sealed_token = store.enrol_by_file(enrolment)
    try:
        response = store.sync(who, req)
    except Replayed:
        response = {
            "v": PROTOCOL_VERSION,
            "acks": store.acks_of(who, [op.op_id for op in req.ops]),
            "changes": [],
            "cursor": req.cursor,
            "more": True,
            "server_time": store.now_ms(),
            "request_id": req.request_id,
        }
    if enrolment is not None:
        response["enrolled"] = {"token_id": who.pk, "house_id": who.house_id, "sealed_token": sealed_token}
    readers = store.house_readers(who.house_id or "")
    return sealed.seal(
        "response",
        sealed.SERVER,
        store.now_ms(),
        protocol.encode(response, level=9),
        server["sign_key"],
        readers,
    )
