"""Demo submissions: the house has sent every finished month to the region but the last one, so the month-end
reminder shows what a coordinator sees at the start of a month."""

from __future__ import annotations

import datetime as dt
import random

from desktop.reports.submission import months_awaiting_submission, submit_month
from desktop.store import Store


def fill(store: Store, rng: random.Random, today: dt.date) -> None:
    for month in months_awaiting_submission(store, today)[:-1]:
        submit_month(store, month, today=today)
