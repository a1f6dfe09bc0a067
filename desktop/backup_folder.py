"""The backup folder: how backups are named, listed newest first, and rotated (7 daily, 4 weekly, 12 monthly)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

SUFFIX = ".dqbackup"
NAME_RE = re.compile(r"^dostyq-backup-(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})\.dqbackup$")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12


@dataclasses.dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: dt.datetime  # from the name: Almaty time of the backup
    size: int


def list_backups(folder: str | os.PathLike | None) -> list[BackupFile]:
    """The backups in `folder`, newest first (an unavailable folder lists none)."""
    if not folder or not Path(folder).is_dir():
        return []
    found = []
    for path in Path(folder).iterdir():
        made = _stamp_of(path.name)
        if made is None or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            found.append(BackupFile(path, made, path.stat().st_size))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def _stamp_of(name: str) -> dt.datetime | None:
    match = NAME_RE.match(name)
    if not match:
        return None
    try:
        y, mo, d, h, mi, s = (int(g) for g in match.groups())
        return dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def keep(
    stamps: Iterable[dt.datetime],
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[dt.datetime]:
    """Which backups rotation keeps: the newest of each of the last `daily` days, `weekly` ISO weeks and `monthly`
    months that have a backup (each rule on its own; a backup kept by any rule stays)."""
    ordered = sorted(set(stamps), reverse=True)
    kept: set[dt.datetime] = set()
    for count, period in (
        (daily, lambda s: s.date()),
        (weekly, lambda s: s.isocalendar()[:2]),
        (monthly, lambda s: (s.year, s.month)),
    ):
        seen: set = set()
        for stamp in ordered:
            key = period(stamp)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.add(key)
            kept.add(stamp)
    return kept


def rotate(folder: str | os.PathLike) -> list[Path]:
    """Removes the backups `keep` does not keep (and leftovers of interrupted writes). Returns what was removed."""
    backups = list_backups(folder)
    kept = keep(b.made_at for b in backups)
    removed = []
    for item in backups:
        if item.made_at not in kept:
            with contextlib.suppress(OSError):
                item.path.unlink()
                removed.append(item.path)
    for leftover in Path(folder).glob(f"dostyq-backup-*{SUFFIX}.partial"):
        with contextlib.suppress(OSError):
            leftover.unlink()
    return removed
