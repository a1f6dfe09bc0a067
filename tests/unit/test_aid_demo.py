"""The aid demo year: its size, that it keeps the programme rules (except the logged overrides), and its speed."""

from __future__ import annotations

import datetime as dt
import random
import time

from desktop import aid
from desktop.demo import aid as aid_demo
from desktop.demo import people as people_demo

TODAY = dt.date(2026, 11, 25)


def test_aid_demo_year(store):
    rng = random.Random(2026)
    people_demo.fill(store, rng, TODAY)
    # CPU time of this process, not wall time: other work on a busy machine does not count against it.
    # About 5 s on a 2-core PC; a fill that became several times slower fails.
    started = time.process_time()
    with store.transaction():
        aid_demo.fill(store, rng, TODAY)
    assert time.process_time() - started < 30

    assert store.scalar("SELECT count(*) FROM aid_points") == 2
    assert store.scalar("SELECT count(*) FROM recipients") == 400
    assert store.scalar("SELECT count(*) FROM recipients WHERE person_id IS NULL") == aid_demo.ANONYMOUS
    assert store.scalar("SELECT count(*) FROM people") == people_demo.COUNT + aid_demo.NEW_PEOPLE
    # Every named recipient has consent; anonymous ones have no personal fields.
    assert (
        store.scalar(
            "SELECT count(*) FROM recipients r WHERE person_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM consents c WHERE c.person_id = r.person_id)"
        )
        == 0
    )
    assert (
        store.scalar("SELECT count(*) FROM recipients WHERE person_id IS NULL AND locality IS NOT NULL") == 0
    )
    entries = store.scalar("SELECT count(*) FROM aid_given WHERE reverses_id IS NULL")
    assert 2900 <= entries <= 3100
    assert 290 <= store.scalar("SELECT count(*) FROM donations") <= 310
    assert store.scalar("SELECT count(*) FROM aid_given WHERE reverses_id IS NOT NULL") == aid_demo.REVERSALS
    overrides = store.scalar("SELECT count(*) FROM aid_given WHERE override_reason IS NOT NULL")
    assert overrides == aid_demo.OVERRIDES
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'aid_override'") == overrides
    # Қамқор: once per person per calendar month, unless overridden with a reason.
    assert (
        store.scalar(
            "SELECT count(*) FROM (SELECT recipient_id, substr(given_on, 1, 7) AS month, count(*) AS n FROM aid_given "
            "WHERE programme = 'qamqor' AND reverses_id IS NULL AND override_reason IS NULL "
            "GROUP BY recipient_id, month HAVING n > 1)"
        )
        == 0
    )
    assert store.scalar("SELECT max(given_on) FROM aid_given") <= TODAY.isoformat()
    # The branch's coal is below zero on purpose: the stock screen must show it.
    assert [r.item_name for r in aid.stock_on_hand(store) if r.negative] == ["Көмір"]
