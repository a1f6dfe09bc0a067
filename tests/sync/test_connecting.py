"""Connecting the first time and fetching the roll-up against a server that takes the connection and never answers
(a real loopback socket): short timeouts, a cancel that stops the attempt at once (its socket is shut down), and
messages that say what is true — nothing is set up yet."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from desktop import clock
from sync import coordinator, enrol, errors, transport
from sync.client import SyncClient
from sync.state import get_state


class SilentServer:
    """Accepts connections, reads what comes, never answers; records when each connection was closed by the
    other side (recv → b'' or an error)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted = threading.Event()
        self.peer_closed = threading.Event()
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            self.accepted.set()
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        while not self._stop.is_set():
            try:
                if not conn.recv(65536):
                    self.peer_closed.set()
                    return
            except TimeoutError:
                continue
            except OSError:
                self.peer_closed.set()
                return

    def close(self) -> None:
        self._stop.set()
        for conn in self._conns:
            conn.close()
        self.sock.close()
        self._thread.join(2)


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.close()


def _cancel_after(seconds: float) -> threading.Event:
    cancel = threading.Event()
    threading.Timer(seconds, cancel.set).start()
    return cancel


def test_a_silent_server_is_given_up_on_with_a_message_that_nothing_is_set_up(store, silent, monkeypatch):
    monkeypatch.setattr(enrol, "ATTEMPT_TIMEOUT", (1.0, 1.0))
    started = clock.monotonic()
    with pytest.raises(errors.FirstConnectionSilent) as err:
        SyncClient.enrol(store, silent.url, "ABCD-EFGH-JKLM")
    assert clock.monotonic() - started < 4
    assert silent.accepted.is_set()
    message = err.value.message
    assert "did not answer within 1 s" in message and "Nothing is set up yet" in message
    assert "will sync later" not in message
    assert get_state(store, "token") is None and get_state(store, "server_url") is None


def test_the_attempt_waits_at_most_the_short_timeouts():
    connect, read = transport.ATTEMPT_TIMEOUT
    assert connect <= 5 and read <= 20
    assert transport.ATTEMPT_TIMEOUT < (transport.CONNECT_TIMEOUT, transport.READ_TIMEOUT)


def test_cancel_stops_the_attempt_at_once_and_closes_its_connection(store, silent):
    cancel = _cancel_after(0.3)
    started = time.monotonic()
    with pytest.raises(errors.AttemptCancelled):
        SyncClient.enrol(store, silent.url, "ABCD-EFGH-JKLM", cancel=cancel)
    assert time.monotonic() - started < 2  # the read timeout is 20 s
    assert silent.peer_closed.wait(3), "the request's socket was left open"
    assert get_state(store, "token") is None


def test_a_closed_port_says_nothing_is_set_up(store):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(errors.FirstConnectionFailed) as err:
        SyncClient.enrol(store, f"http://127.0.0.1:{port}", "ABCD-EFGH-JKLM")
    assert "Nothing is set up yet" in err.value.message and "try again" in err.value.message
    assert "will sync later" not in err.value.message


def test_the_roll_up_gives_up_on_a_silent_server(silent, monkeypatch):
    monkeypatch.setattr(coordinator, "ATTEMPT_TIMEOUT", (1.0, 1.0))
    started = time.monotonic()
    with pytest.raises(errors.ServerSilent) as err:
        coordinator.fetch_region(silent.url, "token", "2026-10")
    assert time.monotonic() - started < 4
    assert "did not answer within 1 s" in err.value.message and "sync later" not in err.value.message


def test_cancel_stops_the_roll_up_fetch_at_once(silent):
    started = time.monotonic()
    with pytest.raises(errors.AttemptCancelled):
        coordinator.fetch_region_rollup(silent.url, "token", "2026-10", None, [], cancel=_cancel_after(0.3))
    assert time.monotonic() - started < 2
    assert silent.peer_closed.wait(3)


def test_a_cancel_during_the_connect_returns_at_once(monkeypatch):
    """The connect phase itself (a host that drops the packets) is left at once too: the wait is on this thread,
    the request on a helper."""
    link = transport.HttpTransport("http://127.0.0.1:9", timeout=(5.0, 5.0))
    blocked = threading.Event()

    def hang(*_args, **_kwargs):
        blocked.set()
        time.sleep(3)
        raise AssertionError("not reached in time")

    monkeypatch.setattr(link.session, "request", hang)
    started = time.monotonic()
    with pytest.raises(transport.TransportCancelled):
        link.send("GET", "/v1/region/reports", cancel=_cancel_after(0.2))
    assert blocked.is_set() and time.monotonic() - started < 1.5
