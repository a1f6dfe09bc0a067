"""Keeps a second running Dostyq away from a database file that one Dostyq has open (an OS file lock on a
sidecar file; released by the OS even if the process is killed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Self

from desktop.errors import StoreOpenError


class InstanceLock:
    def __init__(self, db_path: str | os.PathLike):
        self.db_path = Path(db_path)
        self.lock_path = self.db_path.with_name(self.db_path.name + ".lock")
        self._fh: BinaryIO | None = None

    def acquire(self) -> None:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fh = open(self.lock_path, "a+b")  # noqa: SIM115 (held open for the lifetime of the lock)
        except PermissionError as exc:
            raise StoreOpenError("read_only", path=str(self.db_path)) from exc
        try:
            if sys.platform == "win32":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise StoreOpenError("locked", path=str(self.db_path)) from exc
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
