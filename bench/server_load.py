"""The central server under a region's load: 36 houses × 3 PCs syncing at once over loopback, on SQLite and on
PostgreSQL (started the way tests/sync/conftest.py starts it), with the real HTTP transport and a real uvicorn in
its own process (`uvicorn sync.server.app:app_from_env --factory`, as packaging/server runs it), so the clients'
work does not share the server's interpreter lock.

    python bench/server_load.py [--seconds 12] [--databases sqlite,pg] [--big 5000] [--rate 500] [--rate-seconds 8]

DOSTYQ_BENCH_WORKERS=N runs the PostgreSQL server as N uvicorn worker processes (SQLite: always one).

The mix: each PC waits 1–3 s (`--think`), then sends a no-change sync (85 %) or a small edit of 1–3 ops (15 %);
a new PC of one house sends its first upload of `--big` ops in one request while the others go on. Per database
(prefix `sqlite_` / `pg_`):

- syncs_per_s                      completed syncs of the 108 PCs per second
- sync_p95_ms                      95th percentile of their sync round trips
- big_batch_other_house_delay_ms   95th percentile of the other houses' syncs that ran during the big upload,
                                   minus the median of those that did not
- paced_offered_per_s / paced_syncs_per_s / paced_sync_p95_ms / paced_sync_p50_ms
                                   no-change syncs offered at --rate per second in all (each PC at its own pace),
                                   the rate kept and the round trips at it
- paced_floor_per_s / paced_floor_p95_ms / paced_vs_floor_ratio
                                   the floor in the same run: the same clients sending GET /health (no database)
                                   at the same offered rate, and paced_syncs_per_s / paced_floor_per_s
- upload_ops_per_s                 ops of one first upload of `--big` ops per second, alone, over HTTP (the whole
                                   round trip: body, checks, merge, writes, answer)
- server_apply_ops_per_s           the same upload applied by ServerStore.sync on the same database, alone (the
                                   server's apply without HTTP)
- server_apply_ops_per_cpu_s       the same, per second of the applying thread's CPU time (what a free core would
                                   do; on PostgreSQL the database's own processes are not counted)
- raw_insert_rows_per_s            the raw floor in the same run: the same number of rows inserted with one plain
                                   executemany into `records` and into `applied_ops` of the same database
- apply_vs_raw_ratio               server_apply_ops_per_s / raw_insert_rows_per_s
- big_batch_ms                     the big upload's round trip during the mixed load
- machine_load_1min                runnable processes (os.getloadavg): above the core count, every figure is
                                   stretched by other work on the machine
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests
import sqlalchemy as sa

from desktop import clock, reference, schema
from desktop.hlc import Stamp
from sync import protocol
from sync.client import HttpTransport
from sync.server.store import ServerStore, applied_ops, counters, md, records

HOUSES = 36
PCS = 3
SEED_ROWS = 20  # rows of each house before the run


def _conftest():
    """tests/sync/conftest.py, for the PostgreSQL starter the tests use."""
    spec = importlib.util.spec_from_file_location("sync_conftest", ROOT / "tests" / "sync" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Pc:
    def __init__(self, url: str, token: str, device_id: str, house: str):
        # A long read timeout: one request applied one op at a time, on a busy machine, can take minutes.
        self.transport = HttpTransport(url, token, timeout=(10.0, 900.0))
        self.device_id = device_id
        self.house = house
        self.cursor = 0
        self.epoch = ""
        self.counter = 0
        self.rows: list[str] = []

    def stamp(self) -> str:
        self.counter += 1
        return str(Stamp(int(clock.wall() * 1000), self.counter % 0xFFFF, self.device_id))

    def sync(self, ops: list[dict]) -> dict:
        answer = self.transport.post(
            "/v1/sync",
            {
                "v": protocol.PROTOCOL_VERSION,
                "request_id": str(uuid.uuid4()),
                "device_id": self.device_id,
                "schema_version": schema.SCHEMA_VERSION,
                "cursor": self.cursor,
                "epoch": self.epoch,
                "ops": ops,
            },
        )
        self.cursor = answer["cursor"]
        self.epoch = answer.get("epoch") or self.epoch
        return answer

    def catch_up(self) -> None:
        while self.sync([]).get("more"):
            pass

    def insert_op(self, n: int) -> dict:
        row_id = str(uuid.uuid4())
        self.rows.append(row_id)
        return {
            "op_id": str(uuid.uuid4()),
            "table": "people",
            "row_id": row_id,
            "kind": "insert",
            "fields": {"surname": f"Фамилия {n}", "name": "Айгерім", "notes": "қонақ, волонтёр"},
            "hlc": self.stamp(),
        }

    def edit_op(self, rng: random.Random) -> dict:
        return {
            "op_id": str(uuid.uuid4()),
            "table": "people",
            "row_id": rng.choice(self.rows),
            "kind": "update",
            "fields": {"notes": f"өзгерді {rng.randrange(10**6)}"},
            "hlc": self.stamp(),
        }


def _enrol(store: ServerStore, url: str, house: str, n: int) -> Pc:
    device = f"bench{house.replace('-', '')}p{n}"
    token, _token_id, _ = store.enrol(store.new_enrol_code(house), device)
    return Pc(url, token, device, house)


def _houses(store: ServerStore) -> list[str]:
    codes = [h[0] for h in reference.HOUSES]
    region = reference.HOUSES[0][3]
    n = 1
    while len(codes) < HOUSES + 1:
        code = f"{region}-9{n:02d}"
        store.add_house(code, f"Үй {n}", f"Дом {n}", region)
        codes.append(code)
        n += 1
    return codes[: HOUSES + 1]


def store_top(store: ServerStore) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(counters.c.value).where(counters.c.name == "seq")).scalar_one()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _raw_floor(store: ServerStore, n: int) -> float:
    """Rows per second of one plain executemany of n records rows and n applied_ops rows (then removed)."""
    now = "2026-11-20T12:00:00.000+00:00"
    rows = [
        {
            "table_name": "bench_raw",
            "id": str(uuid.uuid4()),
            "house_id": "bench",
            "server_seq": 10**12 + i,
            "deleted": 0,
            "hlc": "0000000000000-0000-bench",
            "data": '{"name":"Айгерім","notes":"қонақ, волонтёр","surname":"Фамилия"}',
            "field_hlc": '{"name":"0000000000000-0000-bench"}',
            "field_seq": '{"name":1}',
            "created_at": now,
            "updated_at": now,
            "updated_by": "bench",
        }
        for i in range(n)
    ]
    acks = [
        {
            "op_id": f"bench-raw-{r['id']}",
            "device_pk": "bench",
            "house_id": "bench",
            "result": "applied",
            "server_seq": r["server_seq"],
            "hlc": r["hlc"],
            "orig_hlc": r["hlc"],
            "applied_at": now,
        }
        for r in rows
    ]
    start = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(records.insert(), rows)
        conn.execute(applied_ops.insert(), acks)
    took = time.perf_counter() - start
    with store.engine.begin() as conn:
        conn.execute(records.delete().where(records.c.table_name == "bench_raw"))
        conn.execute(applied_ops.delete().where(applied_ops.c.device_pk == "bench"))
    return n / took


class Uvicorn:
    """The server in a process of its own on a free loopback port."""

    def __init__(self, db_url: str, workers: int = 1):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DOSTYQ_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "sync.server.app:app_from_env", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
            + (["--workers", str(workers)] if workers > 1 else []),
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)


def paced(name: str, pcs: list[Pc], rate: float, seconds: float, health_url: str) -> None:
    """No-change syncs offered at `rate` per second in all, spread over the PCs (each PC every len(pcs)/rate s,
    at a random phase), for `seconds`: the rate the server keeps and the round trips at that rate. The floor in
    the same run: the same PCs, threads and keep-alive sessions sending GET /health (no database, no body) at the
    same offered rate, which is what this machine's clients and one server process can do at all."""
    if rate <= 0 or seconds <= 0:
        return
    for pc in pcs:
        pc.catch_up()
    floor_rate, floor_p95 = _paced_calls(pcs, rate, seconds, lambda pc: pc.transport.session.get(health_url))
    sync_rate, _sync_p95 = _paced_calls(pcs, rate, seconds, lambda pc: pc.sync([]), name)
    print(f"{name}_paced_floor_per_s: {floor_rate:.1f} 1/s (GET /health, same clients and rate)")
    print(f"{name}_paced_floor_p95_ms: {floor_p95:.1f} ms")
    print(f"{name}_paced_vs_floor_ratio: {sync_rate / floor_rate if floor_rate else 0:.2f} x")


def _paced_calls(
    pcs: list[Pc], rate: float, seconds: float, call: Callable[[Pc], object], name: str = ""
) -> tuple[float, float]:
    period = len(pcs) / rate
    stop_at = time.perf_counter() + seconds
    durations: list[float] = []
    late: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(pc: Pc, seed: int) -> None:
        rng = random.Random(seed)
        due = time.perf_counter() + rng.uniform(0, period)
        while due < stop_at:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            t0 = time.perf_counter()
            try:
                call(pc)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            t1 = time.perf_counter()
            with lock:
                durations.append((t1 - t0) * 1000)
                late.append(max(0.0, t0 - due) * 1000)
            due += period
            due = max(due, t1)

    threads = [threading.Thread(target=client, args=(pc, i), daemon=True) for i, pc in enumerate(pcs)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.perf_counter() - began
    if not name:
        return len(durations) / elapsed, _pct(durations, 0.95)
    print(f"{name}_paced_offered_per_s: {rate:.0f} 1/s")
    print(f"{name}_paced_syncs_per_s: {len(durations) / elapsed:.1f} 1/s")
    print(f"{name}_paced_sync_p95_ms: {_pct(durations, 0.95):.1f} ms")
    print(f"{name}_paced_sync_p50_ms: {statistics.median(durations) if durations else 0:.1f} ms")
    print(f"{name}_paced_late_p95_ms: {_pct(late, 0.95):.1f} ms")
    print(f"{name}_paced_sync_errors: {len(errors)} errors")
    return len(durations) / elapsed, _pct(durations, 0.95)


def run(
    name: str,
    url: str,
    seconds: float,
    big: int,
    think: tuple[float, float],
    rate: float = 0.0,
    rate_seconds: float = 0.0,
) -> None:
    store = ServerStore(url)
    live = Uvicorn(url, workers=int(os.environ.get("DOSTYQ_BENCH_WORKERS", "1")) if name == "pg" else 1)
    try:
        houses = _houses(store)
        pcs = [[_enrol(store, live.url, house, n) for n in range(PCS)] for house in houses[:HOUSES]]
        for house_pcs in pcs:
            first = house_pcs[0]
            first.sync([first.insert_op(i) for i in range(SEED_ROWS)])
            for pc in house_pcs:
                pc.catch_up()
                pc.rows = list(first.rows)

        # One first upload alone, over HTTP and straight into the store; the raw floor of the same rows.
        alone = _enrol(store, live.url, houses[HOUSES], 0)
        ops = [alone.insert_op(i) for i in range(big)]
        start = time.perf_counter()
        answer = alone.sync(ops)
        upload_s = time.perf_counter() - start
        assert sum(1 for r in answer["acks"].values() if r == "applied") == big, "the upload was not applied"
        direct = _enrol(store, live.url, houses[HOUSES], 1)
        who = store.authenticate(direct.transport.token)
        req = protocol.parse_request(
            {
                "v": protocol.PROTOCOL_VERSION,
                "request_id": str(uuid.uuid4()),
                "device_id": direct.device_id,
                "schema_version": schema.SCHEMA_VERSION,
                "cursor": store_top(store),
                "ops": [direct.insert_op(i) for i in range(big)],
            }
        )
        start, cpu = time.perf_counter(), time.thread_time()
        answer = store.sync(who, req)
        apply_s, apply_cpu_s = time.perf_counter() - start, time.thread_time() - cpu
        assert sum(1 for r in answer["acks"].values() if r == "applied") == big, "the upload was not applied"
        raw = _raw_floor(store, big)

        # The mixed load, with one big first upload in the middle.
        stop = threading.Event()
        log: list[tuple[float, float, str]] = []  # (start, end, house)
        lock = threading.Lock()
        errors: list[str] = []

        def client(pc: Pc, seed: int) -> None:
            rng = random.Random(seed)
            while not stop.is_set():
                time.sleep(rng.uniform(*think))
                if stop.is_set():
                    break
                ops = [pc.edit_op(rng) for _ in range(rng.randint(1, 3))] if rng.random() < 0.15 else []
                t0 = time.perf_counter()
                try:
                    pc.sync(ops)
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                    continue
                t1 = time.perf_counter()
                with lock:
                    log.append((t0, t1, pc.house))

        big_house = houses[0]
        uploader = _enrol(store, live.url, big_house, PCS)
        upload = [uploader.insert_op(i) for i in range(big)]
        window: list[float] = []

        def big_upload() -> None:
            time.sleep(seconds / 3)
            t0 = time.perf_counter()
            uploader.sync(upload)
            window.extend((t0, time.perf_counter()))

        threads = [
            threading.Thread(target=client, args=(pc, i), daemon=True)
            for i, pc in enumerate(pc for house_pcs in pcs for pc in house_pcs)
        ]
        threads.append(threading.Thread(target=big_upload, daemon=True))
        began = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(900)
        elapsed = time.perf_counter() - began
        durations = [(t1 - t0) * 1000 for t0, t1, _ in log]
        lo, hi = window if window else (0.0, 0.0)
        during = [(t1 - t0) * 1000 for t0, t1, h in log if h != big_house and t0 < hi and t1 > lo]
        outside = [(t1 - t0) * 1000 for t0, t1, h in log if h != big_house and (t1 <= lo or t0 >= hi)]
        base = statistics.median(outside) if outside else 0.0
        print(f"{name}_syncs_per_s: {len(log) / elapsed:.1f} 1/s")
        print(f"{name}_sync_p95_ms: {_pct(durations, 0.95):.1f} ms")
        print(f"{name}_sync_p50_ms: {statistics.median(durations) if durations else 0:.1f} ms")
        print(f"{name}_big_batch_other_house_delay_ms: {max(0.0, _pct(during, 0.95) - base):.1f} ms")
        print(f"{name}_big_batch_other_house_syncs: {len(during)} syncs")
        print(f"{name}_big_batch_ms: {(hi - lo) * 1000:.0f} ms")
        print(f"{name}_sync_errors: {len(errors)} errors")
        for kind in sorted(set(errors)):
            print(f"  {kind}", file=sys.stderr)
        paced(name, [pc for house_pcs in pcs for pc in house_pcs], rate, rate_seconds, f"{live.url}/health")
        print(f"{name}_upload_ops_per_s: {big / upload_s:.0f} ops/s")
        print(f"{name}_server_apply_ops_per_s: {big / apply_s:.0f} ops/s")
        print(f"{name}_server_apply_ops_per_cpu_s: {big / apply_cpu_s:.0f} ops/s")
        print(f"{name}_raw_insert_rows_per_s: {raw:.0f} rows/s")
        print(f"{name}_apply_vs_raw_ratio: {big / apply_s / raw:.2f} x")
        print(f"{name}_machine_load_1min: {os.getloadavg()[0]:.1f} runnable")
        sys.stdout.flush()
        for house_pcs in pcs:
            for pc in house_pcs:
                pc.transport.close()
    finally:
        live.stop()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--databases", default="sqlite,pg")
    parser.add_argument("--big", type=int, default=5000)
    parser.add_argument("--think", default="1,3", help="a PC's wait between syncs: min,max seconds")
    parser.add_argument("--rate", type=float, default=500.0, help="no-change syncs per second offered, paced")
    parser.add_argument("--rate-seconds", type=float, default=8.0)
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    print(f"machine_load_1min: {os.getloadavg()[0]:.1f} runnable ({os.cpu_count()} cores)")
    conftest = _conftest()  # the tests' PostgreSQL starter
    for name in args.databases.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory(prefix="dostyq-load-") as tmp:
                run(
                    "sqlite",
                    f"sqlite:///{Path(tmp) / 'server.sqlite3'}",
                    args.seconds,
                    args.big,
                    (low, high),
                    args.rate,
                    args.rate_seconds,
                )
        elif name == "pg":
            url = conftest._start_postgres()
            try:
                engine = sa.create_engine(url)
                md.drop_all(engine)
                engine.dispose()
                run("pg", url, args.seconds, args.big, (low, high), args.rate, args.rate_seconds)
            finally:
                db = url.rsplit("/", 1)[1]
                conftest._psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                conftest._psql(f"DROP ROLE IF EXISTS {db}")


if __name__ == "__main__":
    main()
