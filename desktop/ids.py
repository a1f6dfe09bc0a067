"""Row ids: UUIDv7 text, made on the device, time-ordered so new rows cluster at the end of indexes."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    return str(uuid6.uuid7())
