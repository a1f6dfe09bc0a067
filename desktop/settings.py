"""Per-PC preferences (interface language, last database, server URL), kept as JSON in the config folder.
What belongs to the house's data (the house id) lives in the database's meta table instead."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from desktop.paths import config_dir


@dataclass
class Settings:
    language: str | None = None  # None until the first-run wizard asked
    db_path: str | None = None
    server_url: str | None = None
    house_setup_later: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self) -> None:
        target = self.path()
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, target)  # atomic: a crash never leaves half a settings file


IDLE_LOCK_DEFAULT = 10  # minutes without input before the screen locks
IDLE_LOCK_RANGE = (1, 240)


def idle_lock_minutes(settings: Settings) -> int:
    value = settings.extra.get("idle_lock_minutes", IDLE_LOCK_DEFAULT)
    try:
        return max(IDLE_LOCK_RANGE[0], min(IDLE_LOCK_RANGE[1], int(value)))
    except (TypeError, ValueError):
        return IDLE_LOCK_DEFAULT


def set_idle_lock_minutes(settings: Settings, minutes: int, actor) -> None:
    """Changes how long this PC waits before locking the screen (the administrator's setting)."""
    from desktop import roles

    roles.require(actor, "settings")
    low, high = IDLE_LOCK_RANGE
    if not low <= int(minutes) <= high:
        from desktop.errors import ValidationError
        from desktop.i18n import N_

        raise ValidationError(
            "idle_lock_minutes", N_("{field}: from {low} to {high} minutes."), low=low, high=high
        )
    settings.extra["idle_lock_minutes"] = int(minutes)
    settings.save()
