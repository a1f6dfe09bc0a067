"""Hybrid logical clock (Kulkarni et al. 2014): physical ms + counter + device, as a sortable string.

A stamp is "<ms:013d>-<counter:04x>-<device>", so plain string comparison orders stamps, in Python and in SQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop import clock

_COUNTER_MAX = 0xFFFF


@dataclass(frozen=True, order=True)
class Stamp:
    ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.ms:013d}-{self.counter:04x}-{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        ms, counter, device = text.split("-", 2)
        return cls(int(ms), int(counter, 16), device)


class HybridClock:
    """Thread-safe HLC. `offset_ms` corrects a wrong PC clock from the server's time (set by sync)."""

    def __init__(self, device: str, last: str | None = None, wall: Callable[[], float] = clock.wall):
        self.device = device
        self._wall = wall
        self._lock = threading.Lock()
        self.offset_ms = 0
        self._ms, self._counter = 0, 0
        if last:
            stamp = Stamp.parse(last)
            self._ms, self._counter = stamp.ms, stamp.counter

    def physical_ms(self) -> int:
        return int(self._wall() * 1000) + self.offset_ms

    def now(self) -> str:
        with self._lock:
            pt = self.physical_ms()
            if pt > self._ms:
                self._ms, self._counter = pt, 0
            else:
                self._counter += 1
                if self._counter > _COUNTER_MAX:  # more than 65k stamps in one ms: borrow the next ms
                    self._ms, self._counter = self._ms + 1, 0
            return str(Stamp(self._ms, self._counter, self.device))

    def observe(self, remote: str) -> None:
        """Move past a stamp received from elsewhere, so our next stamp orders after it (causality)."""
        stamp = Stamp.parse(remote)
        with self._lock:
            self._ms, self._counter = max((self._ms, self._counter), (stamp.ms, stamp.counter))

    @property
    def last(self) -> str:
        return str(Stamp(self._ms, self._counter, self.device))
