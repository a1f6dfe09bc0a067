"""Property-based fuzzing of the server's endpoints through real HTTP, on SQLite and PostgreSQL.

A few hundred generated inputs per endpoint (tests/sync/fuzz_inputs.py; bench/fuzz_sync.py sends tens of
thousands): no answer is a 5xx, and an input the server refuses leaves records, applied ops and devices as they were.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sync.server.store import ServerStore
from tests.sync import fuzz_inputs
from tests.sync.conftest import _reset_pg, start_server

# Inputs per endpoint on SQLite; PostgreSQL gets half as many (the file stays under a minute on two cores).
EXAMPLES = {"sync": 100, "enrol": 100, "packet": 100, "reports": 30, "national": 30}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzzing(request, tmp_path_factory):
    """(a Fuzzer aimed at a live server, the share of EXAMPLES to send on this database)"""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'server.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
        _reset_pg(url)
    store = ServerStore(url)
    live = start_server(store, enrol_rate=None, packet_rate=None)  # the limits would answer 429 to the flood
    fuzzer = fuzz_inputs.Fuzzer(fuzz_inputs.make_target(live.url, store))
    yield fuzzer, 1.0 if request.param == "sqlite" else 0.5
    fuzzer.close()
    live.stop()
    live.thread.join(10)
    store.close()


@pytest.mark.parametrize("endpoint", list(fuzz_inputs.ENDPOINTS))
def test_no_5xx_and_no_change_after_a_refusal(fuzzing, endpoint):
    fuzzer, share = fuzzing
    examples = int(EXAMPLES[endpoint] * share)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same inputs on every run (bench/fuzz_sync.py sends fresh ones by the thousand)
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(probe=fuzz_inputs.ENDPOINTS[endpoint](fuzzer.target))
    def probe_once(probe):
        status = fuzzer.send(endpoint, probe)
        assert status < 500, (probe.path, probe.headers, probe.params, probe.body[:300])

    probe_once()
    tally = fuzzer.tally[endpoint]
    assert tally.answers_5xx == 0, tally.examples_5xx
    assert tally.changed_after_refusal == 0
    assert tally.inputs >= examples
    # The probes reach past the first checks: some are refused for what they hold, some accepted.
    assert len(tally.status) >= 2, tally.status
