"""Many PCs syncing at once through real HTTP: seq order is commit order, so a reader's cursor never skips a row."""

from __future__ import annotations

import threading

from desktop.store import Store
from sync.client import SyncClient
from tests.sync.conftest import HOUSE_A


def test_concurrent_writers_never_make_a_reader_skip_rows(server, tmp_path):
    def pc(name):
        store = Store(tmp_path / f"{name}.sqlite")
        SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A))
        store.close()

    for name in ("w0", "w1", "w2", "w3", "reader"):
        pc(name)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(name: str) -> None:
        try:
            store = Store(tmp_path / f"{name}.sqlite")
            client = SyncClient(store)
            for round_ in range(8):
                with store.transaction():
                    for i in range(5):
                        store.insert("people", {"surname": f"{name}-{round_}-{i}"})
                client.sync()
            client.transport.close()
            store.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def reader() -> None:
        try:
            store = Store(tmp_path / "reader.sqlite")
            client = SyncClient(store)
            for _ in range(400):
                if stop.is_set():
                    break
                client.sync()
            client.transport.close()
            store.close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    read = threading.Thread(target=reader)
    read.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    read.join(120)
    assert not errors, errors
    # One more exchange from the reader's saved cursor: anything skipped while writers raced would be missing now.
    store = Store(tmp_path / "reader.sqlite")
    SyncClient(store).sync()
    assert store.scalar("SELECT count(*) FROM people") == 4 * 8 * 5
    store.close()
