"""The link to the server: gzip JSON over a keep-alive requests.Session with explicit timeouts, and how its
failures map to what the user is told (docs/DESIGN.md §4)."""

from __future__ import annotations

from urllib.parse import urlparse

import requests

from sync import errors, protocol
from sync.protocol import PROTOCOL_VERSION, ProtocolError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0


class TransportTimeout(Exception):
    """The request may or may not have reached the server; retrying is safe (ops are idempotent)."""


class TransportDown(Exception):
    """Nothing got through (no route, refused, DNS)."""


class Refused(Exception):
    """The server answered with a 4xx/5xx error body."""

    def __init__(self, status: int, code: str, detail: str = "", body: dict | None = None):
        super().__init__(f"{status} {code} {detail}")
        self.status, self.code, self.detail, self.body = status, code, detail, body or {}


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
        # Fewer header bytes on every exchange: a no-change sync is mostly headers.
        self.session.headers.clear()
        self.session.headers.update({"User-Agent": "Dostyq/1", "Accept-Encoding": "gzip"})

    def post(self, path: str, message: dict, *, auth: bool = True) -> dict:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        resp = self.send(
            "POST", path, auth=auth, data=protocol.encode(message, in_pieces=True), headers=headers
        )
        try:
            return protocol.decode(resp.content, gzipped=False, interruptible=True)
        except ProtocolError as exc:
            raise Refused(resp.status_code, "malformed_answer", str(exc)) from exc

    def send(
        self, method: str, path: str, *, auth: bool = True, headers: dict | None = None, **kwargs
    ) -> requests.Response:
        """One request; transport failures become TransportDown/TransportTimeout, any non-200 answer Refused."""
        headers = dict(headers or {})
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = self.session.request(
                method, self.url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise TransportTimeout(str(exc)) from exc
        except requests.RequestException as exc:
            raise TransportDown(str(exc)) from exc
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

    def close(self) -> None:
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
