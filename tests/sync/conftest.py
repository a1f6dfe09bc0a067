"""Sync test set-up: a real PostgreSQL for the session, and a real uvicorn on a free loopback port per server.

PostgreSQL: DOSTYQ_TEST_PG_URL if set; otherwise the Debian cluster `15 main` is started here (as root), and a role
and a fresh database are made for this session. Under CI=true a PostgreSQL that cannot be started fails the tests.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

import pytest

from desktop.store import Store
from sync.client import HttpTransport, SyncClient
from sync.server.app import create_app
from sync.server.store import ServerStore

HOUSE_A = "KZ-71-01"
HOUSE_B = "KZ-75-01"


def _run(cmd: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _psql(sql: str) -> None:
    res = _run(["runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    if res.returncode != 0:
        raise RuntimeError(f"psql failed: {res.stderr.strip()}")


def _start_postgres() -> str:
    if not shutil.which("pg_ctlcluster"):
        raise RuntimeError("pg_ctlcluster not found (PostgreSQL 15 is not installed)")
    if os.geteuid() != 0:
        raise RuntimeError("starting the PostgreSQL cluster needs root; set DOSTYQ_TEST_PG_URL instead")
    res = _run(["pg_ctlcluster", "15", "main", "start"])
    if res.returncode != 0 and "already running" not in (res.stderr + res.stdout):
        raise RuntimeError(f"pg_ctlcluster start failed: {res.stderr.strip()}")
    deadline = time.monotonic() + 30
    while True:
        if _run(["runuser", "-u", "postgres", "--", "pg_isready", "-q"]).returncode == 0:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not become ready in 30 s")
        time.sleep(0.2)
    # A role and a database of this session only: test runs in parallel must not change each other's password.
    name = f"dostyq_test_{os.getpid()}_{secrets.token_hex(3)}"
    password = secrets.token_hex(12)
    _psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    _psql(f"CREATE DATABASE {name} OWNER {name}")
    role, db = name, name
    return f"postgresql+psycopg://{role}:{password}@127.0.0.1:5432/{db}"


@pytest.fixture(scope="session")
def pg_url():
    url = os.environ.get("DOSTYQ_TEST_PG_URL")
    if url:
        yield url
        return
    try:
        url = _start_postgres()
    except Exception as exc:  # noqa: BLE001 - reported below
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI and could not be started: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield url
    name = url.rsplit("/", 1)[1]
    try:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _psql(f"DROP ROLE IF EXISTS {name}")
    except RuntimeError:  # a leftover test database is harmless
        pass


def _reset_pg(url: str) -> None:
    """Each server test gets empty tables in the session's database."""
    import sqlalchemy as sa

    from sync.server import store as server_store

    engine = sa.create_engine(url)
    server_store.md.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    url = request.getfixturevalue("pg_url")  # the cluster starts only for the tests that need it
    _reset_pg(url)
    return url


@dataclass
class LiveServer:
    store: ServerStore
    url: str
    _server: object

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        self._server.should_exit = True


def start_server(store: ServerStore, **app_options) -> LiveServer:
    """uvicorn in a thread of this process; `app_options` go to create_app (e.g. enrol_rate=None)."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store, **app_options),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            server_header=False,
            date_header=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    live = LiveServer(store, f"http://127.0.0.1:{port}", server)
    live.thread = thread
    return live


@pytest.fixture
def server(db_url):
    store = ServerStore(db_url)
    live = start_server(store)
    yield live
    live.stop()
    live.thread.join(10)
    store.close()


@pytest.fixture
def make_client(server, tmp_path):
    """make_client(house) → (Store, SyncClient) enrolled through the real HTTP endpoint."""
    made = []

    def make(house: str = HOUSE_A, name: str | None = None):
        name = name or f"pc{len(made)}"
        store = Store(tmp_path / f"{name}.sqlite")
        code = server.store.new_enrol_code(house)
        SyncClient.enrol(store, server.url, code, label=name)
        client = SyncClient(store)
        made.append((store, client))
        return store, client

    yield make
    for store, client in made:
        if isinstance(client.transport, HttpTransport):
            client.transport.close()
        store.close()
