import datetime as dt

import pytest

from desktop.reports.summary import build_summary
from desktop.store import Store
from tests.unit.reports import fixture_month


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "house.db")
    yield s
    s.close()


@pytest.fixture
def fixture_store(store):
    store.ids = fixture_month.build(store)
    return store


@pytest.fixture
def october(fixture_store):
    return build_summary(fixture_store, fixture_month.MONTH, today=dt.date(2026, 11, 20))
