"""The one clock of the app: every business date and time is read here, or handed in by a caller that read it here.

A house works in Asia/Almaty whatever the PC's own time zone says, so `today()` and `now()` are Almaty's; `now_utc()`
and `wall()` are the same instant for stamps; `monotonic()` measures durations and deadlines. Nothing else in
`desktop/`, `sync/` or `ui/` reads the system clock (tests/test_clock_seam.py checks the code for it).

Tests pin the clock with `use(FixedClock(...))`, through the `clock` fixture in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol
from zoneinfo import ZoneInfo

# The whole country is on UTC+5 since 2024-03-01; Asia/Almaty carries the history.
TZ = ZoneInfo("Asia/Almaty")


class Clock(Protocol):
    def wall(self) -> float:
        """Seconds since the Unix epoch (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back, for durations and deadlines."""
        ...


class SystemClock:
    """The machine's clock."""

    def wall(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock:
    """A clock that stands still at one instant until it is moved (`set`, `advance`).

    Its monotonic time runs with the machine's (so timeouts and waits in the code under test still end), plus
    whatever `advance` added."""

    def __init__(self, at: dt.datetime | str):
        self._lock = threading.Lock()
        self._wall = _epoch(at)
        self._mono_offset = 0.0

    def set(self, at: dt.datetime | str) -> None:
        with self._lock:
            self._wall = _epoch(at)

    def advance(self, seconds: float | dt.timedelta) -> None:
        step = seconds.total_seconds() if isinstance(seconds, dt.timedelta) else float(seconds)
        with self._lock:
            self._wall += step
            self._mono_offset += max(step, 0.0)

    def wall(self) -> float:
        with self._lock:
            return self._wall

    def monotonic(self) -> float:
        return time.monotonic() + self._mono_offset


def _epoch(at: dt.datetime | str) -> float:
    """An aware datetime, or ISO text; a naive one is read as Almaty time."""
    value = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value.timestamp()


_current: Clock = SystemClock()


def current() -> Clock:
    return _current


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Every read of the clock, in every thread, comes from `clock` until the block ends."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous


def wall() -> float:
    """Seconds since the Unix epoch, for stamps (the HLC, `updated_at`, tokens)."""
    return _current.wall()


def monotonic() -> float:
    return _current.monotonic()


def now_utc() -> dt.datetime:
    return dt.datetime.fromtimestamp(_current.wall(), dt.UTC)


def now() -> dt.datetime:
    """Now in Asia/Almaty (an aware datetime)."""
    return dt.datetime.fromtimestamp(_current.wall(), TZ)


def today() -> dt.date:
    """Today's date in Asia/Almaty: the date a house's records and reports are kept by."""
    return now().date()


def utc_iso(ms: bool = True) -> str:
    """Now in UTC as ISO 8601 text with milliseconds, as rows and the server store it."""
    return now_utc().isoformat(timespec="milliseconds" if ms else "seconds")
