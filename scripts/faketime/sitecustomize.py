"""Loaded by every Python process that scripts/test_dates.sh starts (this folder is on its PYTHONPATH).

libfaketime 0.9.10, the version in Debian 12, breaks clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) when
monotonic time is left real (FAKETIME_DONT_FAKE_MONOTONIC=1): it hands the kernel a negative deadline and the call
fails with EINVAL (wolfcw/libfaketime#426). Python 3.11's time.sleep makes exactly that call, so under faketime
every sleep raises OSError. Timed waits on locks, events, queues and select() are not affected, so a sleep made of
select() behaves as time.sleep does. Faking monotonic time too is no way out: timed lock waits then hang.
"""

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
