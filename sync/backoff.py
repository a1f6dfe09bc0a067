"""How long to wait before trying the server again: jittered exponential backoff, capped at 10 minutes
(docs/DESIGN.md §4, paging and retry)."""

from __future__ import annotations

import random

BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 600.0


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` failed attempts in a row: 5 s doubling, capped at 10 minutes, jittered
    into the upper half (so PCs that failed together do not all retry together). 0 after a success."""
    if failures <= 0:
        return 0.0
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** min(failures - 1, 20)))
    uniform = rng.uniform if rng is not None else random.uniform
    return uniform(ceiling / 2, ceiling)
