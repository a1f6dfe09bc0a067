"""The server's upkeep: what recording each device's position costs a sync, and how long a purge and a backup take.

    python bench/server_ops.py [--rows 10000] [--syncs 200] [--database-url postgresql+psycopg://…]

A real uvicorn and the real client over loopback. sync_ms is a one-edit sync with the position recorded (the
server's path) and sync_floor_ms the same without it (ExchangeMixin.sync, the path before), measured alternately in
the same run, each first in half of the pairs; then a purge of half of --rows deleted people, and a backup of the database (SQLite's online backup
or pg_dump).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from desktop.store import Store
from sync.client import SyncClient
from sync.errors import ServerUnreachable
from sync.server import backups
from sync.server.exchange import ExchangeMixin
from sync.server.store import ServerStore
from tests.sync.conftest import start_server

HOUSE = "KZ-71-01"


def sync_until_done(client: SyncClient) -> None:
    """A big batch may time out on a slow database: the client halves its page, as in the app."""
    for _ in range(30):
        try:
            client.sync()
            return
        except ServerUnreachable:
            continue
    raise RuntimeError("sync did not finish")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--syncs", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-bench-ops-"))
    url = args.database_url or f"sqlite:///{work / 'server.sqlite3'}"
    server = ServerStore(url)
    live = start_server(server)
    base = live.url

    pc = Store(work / "pc.sqlite")
    SyncClient.enrol(pc, base, server.new_enrol_code(HOUSE))
    client = SyncClient(pc)
    ids = [pc.insert("people", {"surname": f"Адам {i}", "name": "Әлия"}) for i in range(args.rows)]
    sync_until_done(client)
    sync_until_done(client)

    row = ids[0]
    with_position: list[float] = []
    floor: list[float] = []
    recorded = type(server).sync
    for i in range(args.syncs):
        pair = ((with_position, recorded), (floor, ExchangeMixin.sync))
        for timings, path in pair if i % 2 == 0 else pair[::-1]:  # each path first half the time
            type(server).sync = path  # type: ignore[method-assign]
            pc.update("people", row, {"name": f"Әлия {i}"})
            t0 = time.perf_counter()
            client.sync()
            timings.append((time.perf_counter() - t0) * 1000)
    type(server).sync = recorded  # type: ignore[method-assign]
    a, b = statistics.median(with_position), statistics.median(floor)
    print(f"sync_ms: {a:.2f} ms")
    print(f"sync_floor_ms: {b:.2f} ms")
    print(f"sync_ratio: {a / b:.3f} x")

    half = ids[: args.rows // 2]
    for row_id in half:
        pc.delete("people", row_id)
    sync_until_done(client)
    sync_until_done(client)
    t0 = time.perf_counter()
    (done,) = server.purge(HOUSE)
    purge_s = time.perf_counter() - t0
    assert done.tombstones == len(half), done
    print(f"purge_tombstones: {done.tombstones} rows")
    print(f"purge_seconds: {purge_s:.3f} s")
    print(f"purge_rows_per_s: {done.tombstones / purge_s:.0f} rows/s")
    t0 = time.perf_counter()
    server.purge(HOUSE)
    print(f"purge_again_seconds: {time.perf_counter() - t0:.3f} s")

    t0 = time.perf_counter()
    made = backups.backup(url, work / "backups")
    print(f"backup_seconds: {time.perf_counter() - t0:.3f} s")
    print(f"backup_bytes: {made.path.stat().st_size} B")
    live.stop()
    client.transport.close()
    pc.close()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
