"""Wire figures of sync over loopback: a real uvicorn server, the real client, and a byte-counting TCP relay
between them (HTTP headers and bodies both ways; no TLS).

    python bench/sync.py [--rows 10000] [--database-url postgresql+psycopg://…]

Prints nochange_round_trips, nochange_bytes, edit1_round_trips, edit1_bytes, initial10k_seconds, initial10k_bytes,
mixed_seconds (500 local + 2,000 remote changes), apply_ops_per_s (rows applied per second on the client).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn

from desktop.store import Store
from sync import apply as sync_apply
from sync.client import HttpTransport, SyncClient
from sync.server.app import create_app
from sync.server.store import ServerStore

HOUSE = "KZ-71-01"


class CountingRelay:
    """127.0.0.1 relay that counts every byte in both directions."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.bytes = 0
        self.connections = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream, timeout=30)
            with self._lock:
                self.connections += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    self.bytes += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def take(self) -> int:
        with self._lock:
            n, self.bytes = self.bytes, 0
        return n


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
    time.sleep(0.05)  # let the relay threads count the last bytes
    return CountingTransport.round_trips, relay.take(), seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-bench-"))
    server = ServerStore(args.database_url or f"sqlite:///{work / 'server.sqlite3'}")
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(server),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            server_header=False,
            date_header=False,
        )
    )
    threading.Thread(target=srv.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.01)
    relay = CountingRelay(srv.servers[0].sockets[0].getsockname()[1])
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
    srv.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
