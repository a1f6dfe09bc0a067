"""The link to the server: gzip JSON over a keep-alive requests.Session with explicit timeouts, and how its
failures map to what the user is told (docs/DESIGN.md §4)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from sync import errors, protocol
from sync.protocol import PROTOCOL_VERSION, ProtocolError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
# A person waits for these: connecting this PC the first time, and the coordinator's roll-up. A server that takes
# the connection and never answers is given up on well before the minute a sync exchange may take.
ATTEMPT_TIMEOUT = (5.0, 20.0)
CANCEL_POLL_S = 0.05


class TransportTimeout(Exception):
    """The request may or may not have reached the server; retrying is safe (ops are idempotent). `seconds` is
    the timeout that ran out, `connecting` whether it was the connect timeout."""

    def __init__(self, message: str = "", *, seconds: float = 0.0, connecting: bool = False):
        super().__init__(message)
        self.seconds, self.connecting = seconds, connecting


class TransportCancelled(Exception):
    """The caller's cancel was set: the request's socket was shut down and nothing more is read."""


class TransportDown(Exception):
    """Nothing got through (no route, refused, DNS)."""


class Refused(Exception):
    """The server answered with a 4xx/5xx error body."""

    def __init__(self, status: int, code: str, detail: str = "", body: dict | None = None):
        super().__init__(f"{status} {code} {detail}")
        self.status, self.code, self.detail, self.body = status, code, detail, body or {}


class _AbortableAdapter(HTTPAdapter):
    """Keeps the sockets its connections open, so another thread can shut them down (abort): a read blocked on a
    server that never answers returns at once instead of at the read timeout."""

    def __init__(self) -> None:
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__()

    def _opened(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets = {s for s in self._sockets if s.fileno() != -1}  # closed ones go
            self._sockets.add(sock)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        adapter = self

        class Connection(HTTPConnection):
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()
                adapter._opened(sock)
                return sock

        class SecureConnection(HTTPSConnection):
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()
                adapter._opened(sock)
                return sock

        class Pool(HTTPConnectionPool):
            ConnectionCls = Connection

        class SecurePool(HTTPSConnectionPool):
            ConnectionCls = SecureConnection

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}

    def abort(self) -> None:
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed


class HttpTransport:
    """POSTs gzip JSON; the session keeps the connection alive between exchanges. Messages are encoded and decoded
    in small steps (protocol.dumps_in_pieces, decode(interruptible=True)), so a big page never holds the
    interpreter lock away from the app's UI thread for long."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    ):
        self.url = normalize_url(url)
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self._adapter = _AbortableAdapter()
        if session is None:
            self.session.mount("http://", self._adapter)
            self.session.mount("https://", self._adapter)
        # Fewer header bytes on every exchange: a no-change sync is mostly headers.
        self.session.headers.clear()
        self.session.headers.update({"User-Agent": "Dostyq/1", "Accept-Encoding": "gzip"})

    def post(
        self, path: str, message: dict, *, auth: bool = True, cancel: threading.Event | None = None
    ) -> dict:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        resp = self.send(
            "POST",
            path,
            auth=auth,
            data=protocol.encode(message, in_pieces=True),
            headers=headers,
            cancel=cancel,
        )
        try:
            return protocol.decode(resp.content, gzipped=False, interruptible=True)
        except ProtocolError as exc:
            raise Refused(resp.status_code, "malformed_answer", str(exc)) from exc

    def send(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        headers: dict | None = None,
        cancel: threading.Event | None = None,
        **kwargs,
    ) -> requests.Response:
        """One request; transport failures become TransportDown/TransportTimeout, any non-200 answer Refused.
        With `cancel`, setting it stops the request: its socket is shut down and TransportCancelled raised."""
        headers = dict(headers or {})
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"

        def request() -> requests.Response:
            try:
                return self.session.request(
                    method, self.url + path, headers=headers, timeout=self.timeout, **kwargs
                )
            except requests.ConnectTimeout as exc:
                raise TransportTimeout(str(exc), seconds=self.timeout[0], connecting=True) from exc
            except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                raise TransportTimeout(str(exc), seconds=self.timeout[1]) from exc
            except requests.RequestException as exc:
                if cancel is not None and cancel.is_set():
                    raise TransportCancelled() from exc
                raise TransportDown(str(exc)) from exc

        resp = request() if cancel is None else self._cancellable(request, cancel)
        if resp.status_code != 200:
            try:
                body = resp.json()
            except ValueError:
                body = {}
            raise Refused(
                resp.status_code,
                str(body.get("error") or resp.status_code),
                str(body.get("detail", "")),
                body,
            )
        return resp

    def _cancellable(self, request, cancel: threading.Event) -> requests.Response:
        """request() on a helper thread while this one watches `cancel`: a cancel shuts the sockets down and
        returns at once, even while the connection is still being made."""
        outcome: dict = {}
        finished = threading.Event()

        def run() -> None:
            try:
                outcome["response"] = request()
            except BaseException as exc:  # noqa: BLE001 (handed to the waiting thread)
                outcome["error"] = exc
            finally:
                finished.set()

        threading.Thread(target=run, name="dostyq-request", daemon=True).start()
        while not finished.wait(CANCEL_POLL_S):
            if cancel.is_set():
                self._adapter.abort()
                raise TransportCancelled()
        if "error" in outcome:
            if cancel.is_set():
                raise TransportCancelled()
            raise outcome["error"]
        return outcome["response"]

    def close(self) -> None:
        self._adapter.abort()
        self.session.close()


def normalize_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise errors.BadServerUrl(url=url)
    return url


def refusal(exc: Refused, url: str) -> errors.SyncError:
    """The server's refusal as the error the user reads."""
    code = exc.code
    if code == "protocol_version" or code == "schema_version" or exc.status == 426:
        return errors.ProtocolMismatch(server=exc.body.get("protocol", "?"), client=PROTOCOL_VERSION)
    if code == "revoked":
        return errors.DeviceRevoked()
    if code == "code_invalid":
        return errors.EnrolCodeInvalid()
    if code == "code_used":
        return errors.EnrolCodeUsed()
    if code == "code_expired":
        return errors.EnrolCodeExpired()
    if code == "rate_limited":
        wait = exc.body.get("retry_after")
        return errors.TooManyRequests(seconds=wait if isinstance(wait, int) and wait > 0 else 60)
    if exc.status == 404:
        return errors.BadServerUrl(url=url)
    return errors.ServerRefused(code=code)
