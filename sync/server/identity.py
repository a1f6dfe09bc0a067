"""Who may talk to the server: houses' devices enrolled by one-time codes, coordinators, their tokens.

A token is shown once and stored only as its hash; a device token is bound to the house (and the PC's store device
id) it was enrolled for, a coordinator token to a region, a national coordinator token to none (it reads every
region's aggregates).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.protocol import token_hash
from sync.server.db import StoreBase, iso
from sync.server.schema import devices, enrol_codes

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# The national coordinator's role: every region's aggregates, no region of its own, no house, no sync.
NATIONAL_ROLE = "national"


class AuthError(Exception):
    """401/403 for a token; `code` goes to the client."""

    def __init__(self, code: str, status: int = 401):
        super().__init__(code)
        self.code = code
        self.status = status


class EnrolError(Exception):
    def __init__(self, code: str, status: int):
        super().__init__(code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Principal:
    pk: str  # token id
    role: str
    house_id: str | None
    region_code: str | None
    device_id: str | None


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class IdentityMixin(StoreBase):
    def new_enrol_code(self, house_id: str, hours: float = 48) -> str:
        if not self._reference_row_by_code("houses", house_id):
            raise ValueError(f"unknown house {house_id}")
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        now = self.wall()
        with self._write() as conn:
            conn.execute(
                enrol_codes.insert().values(
                    code_hash=token_hash(raw),
                    house_id=house_id,
                    created_at=iso(now),
                    expires_at=iso(now + hours * 3600),
                )
            )
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    def enrol(
        self,
        code: str,
        device_id: str,
        label: str = "",
        *,
        on_token: Callable[[Connection, str, str], None] | None = None,
    ) -> tuple[str, str, str]:
        """Trades a one-time code for a device token. Returns (token, token_id, house_id). `on_token(conn, token,
        token_id)` runs in the same transaction (the PC's sync-file keys are stored with its token)."""
        digest = token_hash(normalize_code(code))
        with self._write() as conn:
            row = (
                conn.execute(sa.select(enrol_codes).where(enrol_codes.c.code_hash == digest))
                .mappings()
                .first()
            )
            if row is None:
                raise EnrolError("code_invalid", 400)
            if row["used_at"]:
                raise EnrolError("code_used", 409)
            if row["expires_at"] < self.now_iso():
                raise EnrolError("code_expired", 410)
            token, token_id = self._new_token(conn, "device", row["house_id"], None, device_id, label)
            if on_token is not None:
                on_token(conn, token, token_id)
            conn.execute(
                enrol_codes.update()
                .where(enrol_codes.c.code_hash == digest)
                .values(used_at=self.now_iso(), used_by=token_id)
            )
        return token, token_id, row["house_id"]

    def add_coordinator(self, region_code: str, label: str = "") -> tuple[str, str]:
        with self._write() as conn:
            if not self._reference_row(conn, "regions", region_code):
                raise ValueError(f"unknown region {region_code}")
            return self._new_token(conn, "coordinator", None, region_code, None, label)

    def add_national_coordinator(self, label: str = "") -> tuple[str, str]:
        """A token that reads every region's submitted summaries (aggregates only) and nothing else."""
        with self._write() as conn:
            return self._new_token(conn, NATIONAL_ROLE, None, None, None, label)

    def _new_token(
        self,
        conn: Connection,
        role: str,
        house: str | None,
        region: str | None,
        device_id: str | None,
        label: str,
    ) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        token_id = "t" + secrets.token_hex(6)
        conn.execute(
            devices.insert().values(
                id=token_id,
                token_hash=token_hash(token),
                role=role,
                house_id=house,
                region_code=region,
                device_id=device_id,
                label=label,
                created_at=self.now_iso(),
            )
        )
        return token, token_id

    def revoke(self, token_id: str) -> bool:
        with self._write() as conn:
            res = conn.execute(
                devices.update()
                .where(devices.c.id == token_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=self.now_iso())
            )
            return res.rowcount == 1

    def list_devices(self, house_id: str | None = None) -> list[dict]:
        q = sa.select(
            devices.c.id,
            devices.c.role,
            devices.c.house_id,
            devices.c.region_code,
            devices.c.device_id,
            devices.c.label,
            devices.c.created_at,
            devices.c.revoked_at,
            devices.c.last_seen_at,
        )
        if house_id:
            q = q.where(devices.c.house_id == house_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q.order_by(devices.c.created_at)).mappings()]

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise AuthError("unauthorized", 401)
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(devices).where(devices.c.token_hash == token_hash(token)))
                .mappings()
                .first()
            )
        return self._principal(row)

    def principal_by_id(self, token_id: str) -> tuple[Principal, str]:
        """By token id (sync files name theirs): the principal and its stored token hash. Raises unless the token
        exists and is not revoked."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(devices).where(devices.c.id == token_id)).mappings().first()
        principal = self._principal(row)
        assert row is not None
        return principal, row["token_hash"]

    @staticmethod
    def _principal(row) -> Principal:
        if row is None:
            raise AuthError("unauthorized", 401)
        if row["revoked_at"]:
            raise AuthError("revoked", 403)
        return Principal(row["id"], row["role"], row["house_id"], row["region_code"], row["device_id"])
