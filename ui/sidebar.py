"""The sidebar's sections, in order. Each is built the first time it is shown (fast start with a big database)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

from desktop.i18n import N_


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str  # untranslated; shown through _()
    module: str
    cls: str
    icon: QStyle.StandardPixmap
    # The permission an account needs to see the section (desktop/roles.py); the core checks each op anyway.
    permission: str = "records.read"

    def create(self, ctx):
        return getattr(importlib.import_module(self.module), self.cls)(ctx)


SECTIONS = [
    SectionSpec(
        "events",
        N_("Events"),
        "ui.events.section",
        "EventsSection",
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
    ),
    SectionSpec(
        "volunteers",
        N_("Volunteers"),
        "ui.volunteers.section",
        "VolunteersSection",
        QStyle.StandardPixmap.SP_DirHomeIcon,
        "kiosk",  # a volunteer account sees only the kiosk there
    ),
    SectionSpec(
        "aid", N_("Aid"), "ui.aid.section", "AidSection", QStyle.StandardPixmap.SP_DriveHDIcon, "aid.give"
    ),
    SectionSpec(
        "groups",
        N_("Creative groups"),
        "ui.groups.section",
        "GroupsSection",
        QStyle.StandardPixmap.SP_MediaVolume,
    ),
    SectionSpec(
        "reports",
        N_("Reports"),
        "ui.reports.section",
        "ReportsSection",
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        "reports",
    ),
    SectionSpec(
        "sync",
        N_("Sync & settings"),
        "ui.settings.section",
        "SettingsSection",
        QStyle.StandardPixmap.SP_BrowserReload,
    ),
]

# `--section NAME` accepts these; several names can open the same sidebar entry on a different page.
SECTION_ALIASES = {
    "settings": ("sync", "settings"),
    "backups": ("sync", "backups"),
    "accounts": ("sync", "accounts"),
    "audit": ("sync", "audit"),
    "retention": ("sync", "retention"),
    "duplicates": ("sync", "duplicates"),
    "sync": ("sync", "sync"),
}
