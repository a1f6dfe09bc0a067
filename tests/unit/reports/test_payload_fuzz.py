"""Property: whatever a payload holds, the summary check answers with a reason or accepts it, and whatever it
accepts the roll-up sums and every renderer lays out, without an exception (Hypothesis, a few hundred inputs)."""

from __future__ import annotations

import copy
import datetime as dt
import json

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from desktop.reports import layout
from desktop.reports.csv_export import csv_rows
from desktop.reports.export import export_report
from desktop.reports.hxl import hxl_rows
from desktop.reports.payload_check import payload_problem
from desktop.reports.rollup import latest_versions, rollup
from desktop.reports.summary import build_summary
from desktop.store import Store
from tests.unit.reports import fixture_month

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)

_figures = st.integers(min_value=-(10**9), max_value=10**9) | st.floats(
    min_value=-1e9, max_value=1e9, allow_nan=False
)
_codes = st.from_regex(r"[a-z0-9][a-z0-9_\-]{0,20}", fullmatch=True)

_BASE: dict = {}


def _base() -> dict:
    if not _BASE:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp(prefix="dostyq-fuzz-"))
        store = Store(folder / "house.sqlite")
        store.set_house("KZ-55-01")
        fixture_month.build(store)
        _BASE.update(build_summary(store, fixture_month.MONTH, today=dt.date(2026, 11, 20)).to_payload())
        store.close()
    return _BASE


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _paths(inner, (*prefix, i))


def _mutated(data, base: dict | None = None) -> str:
    payload = copy.deepcopy(base or _base())
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(payload) if p]
        path = data.draw(st.sampled_from(paths))
        target = payload
        for step in path[:-1]:
            target = target[step]
        old = target[path[-1]]
        if data.draw(st.integers(0, 9)) < 3:  # anything at all
            target[path[-1]] = data.draw(_json)
        elif isinstance(old, bool):
            target[path[-1]] = data.draw(st.booleans())
        elif isinstance(old, (int, float)):  # another figure, a negative or fractional one too
            target[path[-1]] = data.draw(_figures)
        elif isinstance(old, str):
            target[path[-1]] = data.draw(st.text(max_size=40))
        elif isinstance(old, dict) and old:  # one more code, shaped like its siblings
            target[path[-1]][data.draw(_codes)] = copy.deepcopy(next(iter(old.values())))
        else:
            target[path[-1]] = data.draw(_json)
    return json.dumps(payload, allow_nan=True)


def _summed(as_text: str):
    row = {"house_id": "KZ-55-01", "version": 1, "status": "submitted", "payload": as_text}
    return rollup(latest_versions([row]), fixture_month.MONTH, expected_houses=["KZ-55-01", "KZ-55-02"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_check_and_the_rollup_never_break(data):
    as_text = _mutated(data)
    problem = payload_problem(as_text, house="KZ-55-01", month=fixture_month.MONTH)
    event(f"refused: {problem}" if problem else "accepted")
    if problem is not None:
        assert isinstance(problem, str)
        return
    result = _summed(as_text)
    summary = result.summary
    assert result.missing == ["KZ-55-02"]
    for lang in ("kk", "ru", "both"):
        csv_rows(summary, lang)
        hxl_rows(summary, lang)
    layout.summary_blocks(summary)
    for table in (layout.kind_table, layout.programme_table, layout.category_table, layout.items_table):
        table(summary)
    layout.series_table(summary)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_what_the_check_accepts_exports_to_every_format(data, tmp_path):
    as_text = _mutated(data)
    assume(payload_problem(as_text, house="KZ-55-01", month=fixture_month.MONTH) is None)
    summary = _summed(as_text).summary
    for fmt in ("xlsx", "pdf", "csv", "hxl"):
        export_report(summary, fmt, tmp_path / f"r.{fmt}", "both")
