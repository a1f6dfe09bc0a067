"""The whole summary of a seeded year against figures kept in summary_golden.json, so a change in how the summary
is computed cannot change a single number: the hand-built October (fixture_month.py), the demo year on top of it
and the cases that break naive counting (deleted recipients and people, fractional quantities, an entry with no
lines, a reversal of a reversal, a deleted reversal, a correction of an entry older than the window).

The expected figures were written by the summary as it was before its aid figures moved into SQL; the CSV and HXL
rows of each month are kept as a digest (they follow from the payload and the layout).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path

import pytest

from desktop import clock
from desktop.demo import reports_fixture
from desktop.reports.csv_export import csv_rows
from desktop.reports.hxl import hxl_rows
from desktop.reports.summary import build_summary, month_figures
from desktop.store import Store
from tests.unit.reports import fixture_month

GOLDEN = Path(__file__).with_name("summary_golden.json")
TODAY = dt.date(2026, 11, 20)
MONTHS = ("2026-10", "2026-11", "2026-08", "2026-01")


def _edge_cases(store: Store, ids: dict) -> None:
    ins = store.insert
    with store.transaction():
        gone_person = ins(
            "people", {"surname": "Жоқ", "name": "Адам", "sex": "m", "birth_date": "1940-05-05"}
        )
        r_gone_person = ins("recipients", {"person_id": gone_person, "categories": ["veteran"]})
        r_deleted = ins("recipients", {"person_id": ids["P3"], "categories": ["low_income"]})
        r_twice = ins(
            "recipients",
            {"person_id": ids["P4"], "categories": ["veteran", "veteran"], "household_id": ids["H1"]},
        )
        r_anon = ins("recipients", {"anonymous": 1, "sex": "f", "age_band": "", "categories": []})

        def aid(day, programme, recipient, lines, **extra):
            entry = ins(
                "aid_given", {"given_on": day, "programme": programme, "recipient_id": recipient, **extra}
            )
            for item, qty in lines:
                ins("aid_lines", {"aid_id": entry, "item_id": item, "quantity": qty})
            return entry

        aid("2026-10-12", "meyirim", r_deleted, [("item-flour", 2.5)])
        aid("2026-10-13", "qamqor", r_gone_person, [("item-food-set", 1)])
        aid("2026-10-14", "other", None, [], household_id=ids["H1"])  # no lines, no recipient
        x4 = aid("2026-10-15", "zhurekten", ids["R1"], [("item-food-set", 0.25), ("item-flour", 1.5)])
        x4r = aid(
            "2026-10-16", "zhurekten", ids["R1"], [("item-food-set", -0.25)], reverses_id=x4, reason="x"
        )
        aid("2026-10-17", "zhurekten", ids["R1"], [("item-food-set", 0.25)], reverses_id=x4r, reason="undo")
        x5 = aid("2026-10-18", "qamqor", r_twice, [("item-flour", 3)])
        aid("2026-11-10", "qamqor", r_twice, [("item-flour", -1)], reverses_id=x5, reason="one bag back")
        aid("2026-10-19", "qamqor", r_twice, [("item-flour", 0.75)])
        aid("2026-10-20", "meyirim", r_anon, [("item-flour", 2)])
        x8 = aid("2026-10-21", "meyirim", r_anon, [("item-flour", 2)])
        x8r = aid("2026-10-22", "meyirim", r_anon, [("item-flour", -2)], reverses_id=x8, reason="y")
        old = aid("2025-09-20", "qamqor", ids["R5"], [("item-flour", 6)])
        aid("2026-10-05", "qamqor", ids["R5"], [("item-flour", -6)], reverses_id=old, reason="late")
        aid("2026-08-12", "mektepke_zhol", ids["R2"], [("item-food-set", 1.125)])
        aid("2026-01-09", "zhurekten", r_anon, [("item-flour", 1)])
    store.delete("recipients", r_deleted)
    store.delete("people", gone_person)
    # A tombstoned reversal (as sync may bring one): its entry counts again in full.
    with store.transaction():
        store.conn.execute("UPDATE aid_given SET deleted = 1 WHERE id = ?", (x8r,))


def _digest(rows: list[list]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def figures_of(store: Store) -> dict:
    result = {}
    for month in MONTHS:
        summary = build_summary(store, month, today=TODAY)
        payload = summary.to_payload()
        payload.pop("generated_at")
        payload["csv"] = _digest(csv_rows(summary, "both"))
        payload["hxl"] = _digest(hxl_rows(summary, "both"))
        result[month] = payload
    return result


@pytest.fixture
def seeded_year(tmp_path, clock):
    store = Store(tmp_path / "house.db")
    ids = fixture_month.build(store)
    _edge_cases(store, ids)
    reports_fixture.fill(store, random.Random(11), TODAY, scale=0.5, events=150, aid_entries=1500)
    yield store
    store.close()


def test_summary_of_a_seeded_year_keeps_every_figure(seeded_year):
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    # Round-trip through JSON so tuples, ints and floats compare as they are stored.
    got = json.loads(json.dumps(figures_of(seeded_year), ensure_ascii=False))
    for month in MONTHS:
        for part in expected[month]:
            assert got[month][part] == expected[month][part], (month, part)
    assert got == expected


def test_one_month_alone_has_the_figures_the_summary_gives_it(seeded_year):
    summary = build_summary(seeded_year, "2026-10", today=TODAY)
    alone = month_figures(seeded_year.conn, "2026-10", now=clock.now())
    assert alone == summary.current
