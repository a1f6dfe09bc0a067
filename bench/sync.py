"""Wire figures of sync over loopback: a real uvicorn server, the real client, and a byte-counting TCP relay
between them (HTTP headers and bodies both ways; no TLS).

    python bench/sync.py [--rows 10000] [--database-url postgresql+psycopg://…]

Prints nochange_round_trips, nochange_bytes, edit1_round_trips, edit1_bytes, initial10k_seconds, initial10k_bytes,
mixed_seconds (500 local + 2,000 remote changes), apply_ops_per_s (rows applied per second on the client).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.relay import CountingRelay
from desktop.store import Store
from sync import apply as sync_apply
from sync.client import HttpTransport, SyncClient
from sync.server.store import ServerStore
from tests.sync.conftest import start_server

HOUSE = "KZ-71-01"


class CountingTransport(HttpTransport):
    round_trips = 0

    def post(self, path, message, *, auth=True):
        CountingTransport.round_trips += 1
        return super().post(path, message, auth=auth)


def enrolled(server: ServerStore, url: str, path: Path) -> tuple[Store, SyncClient]:
    store = Store(path)
    SyncClient.enrol(store, url, server.new_enrol_code(HOUSE))
    client = SyncClient(store, CountingTransport(url, SyncClient(store).state("token")))
    return store, client


def measure(client: SyncClient, relay: CountingRelay) -> tuple[int, int, float]:
    relay.take()
    CountingTransport.round_trips = 0
    t0 = time.perf_counter()
    client.sync()
    seconds = time.perf_counter() - t0
    _requests, sent = relay.take()
    return CountingTransport.round_trips, sent, seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-bench-"))
    server = ServerStore(args.database_url or f"sqlite:///{work / 'server.sqlite3'}")
    live = start_server(server)
    relay = CountingRelay(live.port)
    url = f"http://127.0.0.1:{relay.port}"

    # A house PC that has typed in the rows (not measured: it is the source of the data).
    source, source_client = enrolled(server, url, work / "source.sqlite")
    with source.transaction():
        ids = [
            source.insert(
                "people",
                {
                    "surname": f"Жұмабаев{i:05d}",
                    "name": "Әсел",
                    "patronymic": "Серікқызы",
                    "phone": f"+7701{i:07d}",
                    "locality": "Павлодар",
                    "notes": "Ерікті, «Қамқор» бағдарламасы",
                },
            )
            for i in range(args.rows)
        ]
    source_client.sync()

    # Initial sync of a new PC: every row of the house, plus reference data.
    pc, client = enrolled(server, url, work / "pc.sqlite")
    applied = {"rows": 0, "seconds": 0.0}
    original = sync_apply.apply_changes

    def timed(store, changes, *a, **k):
        t = time.perf_counter()
        try:
            return original(store, changes, *a, **k)
        finally:
            applied["seconds"] += time.perf_counter() - t
            applied["rows"] += len(changes)

    sync_apply.apply_changes = timed
    _, initial_bytes, initial_seconds = measure(client, relay)
    sync_apply.apply_changes = original
    assert pc.scalar("SELECT count(*) FROM people") == args.rows

    # No change.
    nochange_rt, nochange_bytes, _ = measure(client, relay)
    # One row edited here.
    pc.update("people", ids[0], {"phone": "+77019999999"})
    edit_rt, edit_bytes, _ = measure(client, relay)
    source_client.sync()
    # 500 local and 2,000 remote changes.
    with source.transaction():
        for i in range(2000):
            source.update("people", ids[i + 1000], {"notes": f"өзгерді {i}"})
    source_client.sync()
    with pc.transaction():
        for i in range(500):
            pc.update("people", ids[i + 5000], {"locality": f"Екібастұз {i}"})
    _, mixed_bytes, mixed_seconds = measure(client, relay)
    assert pc.pending_count() == 0

    print(f"nochange_round_trips: {nochange_rt}")
    print(f"nochange_bytes: {nochange_bytes} B")
    print(f"edit1_round_trips: {edit_rt}")
    print(f"edit1_bytes: {edit_bytes} B")
    print(f"initial10k_seconds: {initial_seconds:.2f} s")
    print(f"initial10k_bytes: {initial_bytes} B")
    print(f"mixed_seconds: {mixed_seconds:.2f} s")
    print(f"apply_ops_per_s: {int(applied['rows'] / applied['seconds'])}")
    print(f"# {server.dialect} server, {args.rows} rows, mixed bytes {mixed_bytes} B", file=sys.stderr)
    live.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
