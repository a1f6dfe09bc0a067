"""Where Dostyq's files live, in a source checkout and in a PyInstaller bundle alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Dostyq"


def resource_root() -> Path:
    """The folder that holds `desktop/`, `locales/` (the repo root, or the bundle's _MEIPASS)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def locales_dir() -> Path:
    return resource_root() / "locales"


def fonts_dir() -> Path:
    return resource_root() / "desktop" / "assets" / "fonts"


def data_dir() -> Path:
    """The per-user data folder; DOSTYQ_DATA_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("DOSTYQ_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("DOSTYQ_CONFIG_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "dostyq.sqlite"
