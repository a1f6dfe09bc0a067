"""Per-address rate limits of the endpoints anyone can call without a token (enrolment, sync files).

A token bucket per client address, in memory: `burst` requests at once, then `per_minute` a minute. A refused
request is answered 429 with `Retry-After` before its body is read. Time is desktop.clock's monotonic clock, so
tests move it instead of sleeping.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop import clock


@dataclass(frozen=True)
class Rate:
    per_minute: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate needs per_minute > 0 and burst >= 1")


ENROL_RATE = Rate(per_minute=10, burst=5)  # guessing a code: ten tries a minute from one address
PACKET_RATE = Rate(per_minute=60, burst=20)  # a house loads a sync file now and then, not hundreds a minute
MAX_ADDRESSES = 10_000  # buckets kept; the least recently seen address is forgotten first


class RateLimiter:
    def __init__(
        self,
        rate: Rate,
        *,
        monotonic: Callable[[], float] = clock.monotonic,
        max_addresses: int = MAX_ADDRESSES,
    ):
        self.rate = rate
        self._per_second = rate.per_minute / 60.0
        self._monotonic = monotonic
        self._max = max_addresses
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # address → (tokens, when counted); oldest first

    def take(self, address: str) -> int:
        """0 when `address` may go on (it spends one token); otherwise the whole seconds until it may."""
        now = self._monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(address, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + max(now - at, 0.0) * self._per_second)
            wait = 0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = max(1, math.ceil((1.0 - tokens) / self._per_second))
            self._buckets[address] = (tokens, now)
            while len(self._buckets) > self._max:
                del self._buckets[next(iter(self._buckets))]
        return wait
