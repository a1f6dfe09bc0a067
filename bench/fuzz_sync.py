"""Fuzzing bench: generated inputs to /v1/sync, /v1/enrol, /v1/packet, /v1/reports and /v1/reports/national of a real server.

    python bench/fuzz_sync.py [--per-endpoint 10000] [--database sqlite|URL] [--seed 0]

The generators of tests/sync/fuzz_inputs.py, with many more inputs than the suite sends. Prints
`fuzz_inputs`, `fuzz_5xx` and `fuzz_changed_after_refusal` (the last two must be 0), then per endpoint the inputs,
5xx answers, refused inputs that changed the database, accepted inputs and time per input.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings

from sync.server.store import ServerStore
from tests.sync import fuzz_inputs
from tests.sync.conftest import start_server


def run_endpoint(fuzzer: fuzz_inputs.Fuzzer, name: str, n: int, at_seed: int) -> float:
    started = time.perf_counter()

    @seed(at_seed)
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: the bench counts, the suite pins a failure down
        suppress_health_check=list(HealthCheck),
    )
    @given(probe=fuzz_inputs.ENDPOINTS[name](fuzzer.target))
    def probe_once(probe):
        fuzzer.send(name, probe)

    probe_once()
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-endpoint", type=int, default=10_000)
    ap.add_argument("--database", default="sqlite", help="sqlite (a fresh file) or a SQLAlchemy URL")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.sqlite3'}" if args.database == "sqlite" else args.database
        store = ServerStore(url)
        live = start_server(store, enrol_rate=None, packet_rate=None)
        fuzzer = fuzz_inputs.Fuzzer(fuzz_inputs.make_target(live.url, store))
        seconds = {}
        try:
            for name in fuzz_inputs.ENDPOINTS:
                seconds[name] = run_endpoint(fuzzer, name, args.per_endpoint, args.seed)
        finally:
            fuzzer.close()
            live.stop()
            live.thread.join(10)
            store.close()
    tallies = fuzzer.tally
    print(f"fuzz_inputs: {sum(t.inputs for t in tallies.values())}")
    print(f"fuzz_5xx: {sum(t.answers_5xx for t in tallies.values())}")
    print(f"fuzz_changed_after_refusal: {sum(t.changed_after_refusal for t in tallies.values())}")
    for name, t in tallies.items():
        accepted = t.status.get(200, 0)
        print(f"{name}_inputs: {t.inputs} inputs")
        print(f"{name}_5xx: {t.answers_5xx} answers")
        print(f"{name}_changed_after_refusal: {t.changed_after_refusal} inputs")
        print(f"{name}_accepted: {accepted} inputs")
        print(f"{name}_time_per_input: {1000 * seconds[name] / max(t.inputs, 1):.1f} ms")
    for name, t in tallies.items():
        statuses = ", ".join(f"{code}×{count}" for code, count in sorted(t.status.items()))
        print(f"# {name}: {statuses}", file=sys.stderr)
        for example in t.examples_5xx:
            print(f"# 5xx: {example}", file=sys.stderr)
    bad = sum(t.answers_5xx + t.changed_after_refusal for t in tallies.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
