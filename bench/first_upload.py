"""A house's first upload: the `--demo` house (a year of events, volunteers, aid and groups) enrols with a real
uvicorn server on loopback and sends everything it holds, with the real client and its progress after each round.

    python bench/first_upload.py [--database-url postgresql+psycopg://…]

Prints first_upload_ops (changes waiting in the outbox), first_upload_seconds (goal: at most 3 s),
first_upload_rounds, first_upload_progress_reports (one per committed round: what the status bar shows),
first_upload_ops_per_s, and the raw floor measured in the same run: the same ops' rows written with one plain
`executemany` into a fresh SQLite table (first_upload_floor_seconds), and first_upload_ratio_to_floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import demo
from desktop.store import Store
from sync.client import SyncClient
from sync.page import SyncResult
from sync.server.store import ServerStore
from tests.sync.conftest import start_server

TODAY = dt.date(2026, 11, 20)


def floor_seconds(store: Store, work: Path) -> float:
    """The outbox's ops written as plain rows with one executemany (no checks, no merge, no network)."""
    rows = [
        (r["op_id"], r["table_name"], r["row_id"], r["fields"], r["hlc"])
        for r in store.conn.execute("SELECT op_id, table_name, row_id, fields, hlc FROM outbox ORDER BY seq")
    ]
    conn = sqlite3.connect(work / "floor.sqlite3")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE records (op_id TEXT PRIMARY KEY, t TEXT, id TEXT, data TEXT, hlc TEXT)")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?)",
            [(a, b, c, json.dumps(json.loads(d), ensure_ascii=False), e) for a, b, c, d, e in rows],
        )
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url", help="the server's database (default: SQLite in a temporary folder)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-first-upload-"))
    server = ServerStore(args.database_url or f"sqlite:///{work / 'server.sqlite3'}")
    url = start_server(server).url

    store = Store(work / "house.sqlite3")
    demo.fill(store, today=TODAY)
    # The demo database refuses to enrol (its people are made up); here its year of records stands for a real
    # house's, so the mark is taken off.
    with store.transaction():
        store.set_meta("demo", "0")
    ops = store.pending_count()
    floor = floor_seconds(store, work)

    code = server.new_enrol_code(store.house_id or "")
    SyncClient.enrol(store, url, code, label="first-upload")
    client = SyncClient(store)
    reports: list[tuple[int, int]] = []

    def on_round(total: SyncResult) -> None:
        reports.append((total.sent, total.received))

    started = time.perf_counter()
    result = client.sync(on_round=on_round)
    seconds = time.perf_counter() - started
    left = store.pending_count()
    if left:
        raise SystemExit(f"the upload left {left} changes unsent")
    print(f"first_upload_ops: {ops} ops")
    print(f"first_upload_seconds: {seconds:.2f} s")
    print(f"first_upload_rounds: {result.rounds}")
    print(f"first_upload_progress_reports: {len(reports)}")
    print(f"first_upload_ops_per_s: {ops / seconds:.0f} ops/s")
    print(f"first_upload_floor_seconds: {floor:.2f} s")
    print(f"first_upload_ratio_to_floor: {seconds / floor:.1f} x")
    store.close()
    server.close()


if __name__ == "__main__":
    main()
