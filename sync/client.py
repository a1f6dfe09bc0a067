"""The desktop side of sync: one request per exchange over a keep-alive requests.Session (docs/DESIGN.md §4).

Each answer is applied in ONE store transaction: acked ops leave the outbox, the server's rows are merged and the
cursor moves, all together, so a cut anywhere is simply retried. Pages are sized by compressed bytes (64 KB to start,
halved after a timeout, doubled after a success); failures back off with jitter up to 10 minutes. Progress and cancel
are plain callables, so the UI's task runner (or a test) drives it without Qt here.

Every local write (applying an answer, enrolment, the page size, the last error, a saved file's request) is a
function of a store handed to `writer`: by default it runs inline on the client's own store; the app passes a
hand-off to its one database-writer thread, so the client's thread only reads and waits on the network.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import requests
from pydantic import ValidationError

from desktop import clock, schema
from desktop.store import Store, utc_now_iso
from sync import apply as sync_apply
from sync import errors, protocol
from sync.protocol import PROTOCOL_VERSION, ProtocolError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 600.0
CHECK_INTERVAL_S = 24 * 3600  # how often a PC compares its rows with the server's (integrity check)

Progress = Callable[[int, int], None]
T = TypeVar("T")
# writer(fn) runs fn(store) where the database is written (inline, or on the app's writer thread) and returns its result.
Writer = Callable[[Callable[[Store], Any]], Any]


def _get_state(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _put_state(store: Store, key: str, value: Any) -> None:
    store.conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, None if value is None else str(value)),
    )


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` failed attempts in a row: 5 s doubling, capped at 10 minutes, jittered
    into the upper half (so PCs that failed together do not all retry together). 0 after a success."""
    if failures <= 0:
        return 0.0
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** min(failures - 1, 20)))
    uniform = rng.uniform if rng is not None else random.uniform
    return uniform(ceiling / 2, ceiling)


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
    """POSTs gzip JSON; the session keeps the connection alive between exchanges."""

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
        resp = self.send("POST", path, auth=auth, data=protocol.encode(message), headers=headers)
        try:
            return protocol.decode(resp.content, gzipped=False)
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


@dataclass
class SyncResult:
    rounds: int = 0
    sent: int = 0
    received: int = 0
    conflicts: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # tables found different from the server's
    cancelled: bool = False


class SyncClient:
    """Syncs one Store with the server. Use it on the thread that owns the Store; `writer` runs the writes (on that
    store inline by default, or on another connection to the same file, e.g. the app's writer thread)."""

    def __init__(
        self,
        store: Store,
        transport: Any | None = None,
        *,
        wall: Callable[[], float] = clock.wall,
        rng: random.Random | None = None,
        writer: Writer | None = None,
    ):
        self.store = store
        self.writer: Writer = writer or self._inline
        self.wall = wall
        self.rng = rng or random.Random()
        self.store.clock.offset_ms = int(self.state("clock_offset_ms") or 0)
        url, token = self.state("server_url"), self.state("token")
        if transport is None and url and token:
            transport = HttpTransport(url, token)
        self.transport = transport
        self.failures = 0
        self._reseed_next: list[int] | str | None = None
        self.force_check = False
        # Cap on ops per request besides the byte page (the server's own limit is MAX_OPS_PER_REQUEST).
        self.max_ops = protocol.MAX_OPS_PER_REQUEST
        # Test seam for the fault harness: called once per applied change row (simulates a kill mid-apply).
        self.on_apply_row: Callable[[], None] | None = None

    def _inline(self, fn: Callable[[Store], T]) -> T:
        return fn(self.store)

    def _write(self, fn: Callable[[Store], T]) -> T:
        result: T = self.writer(fn)
        return result

    def _write_state(self, key: str, value: Any) -> None:
        def write(store: Store) -> None:
            with store.transaction():
                _put_state(store, key, value)

        self._write(write)

    # ---- state (local sync_state table) ---------------------------------------------------------------------
    def state(self, key: str) -> str | None:
        return _get_state(self.store, key)

    def set_state(self, key: str, value: Any) -> None:
        _put_state(self.store, key, value)

    @property
    def cursor(self) -> int:
        return int(self.state("cursor") or 0)

    @property
    def known(self) -> int:
        return int(self.state("known") or 0)

    @property
    def page_bytes(self) -> int:
        return int(self.state("page_bytes") or protocol.DEFAULT_PAGE_BYTES)

    @property
    def enrolled(self) -> bool:
        return bool(self.state("token"))

    # ---- enrolment --------------------------------------------------------------------------------------------
    @staticmethod
    def enrol(
        store: Store,
        url: str,
        code: str,
        label: str = "",
        transport: Any | None = None,
        writer: Writer | None = None,
    ) -> str:
        """Trades an enrolment code for a device token; the PC then belongs to the code's house. `writer` as for
        the client (the local writes run through it; by default inline on `store`)."""
        transport = transport or HttpTransport(url)
        message = {"v": PROTOCOL_VERSION, "code": code.strip(), "device_id": store.device_id, "label": label}
        try:
            answer = transport.post("/v1/enrol", message, auth=False)
        except (TransportDown, TransportTimeout):
            raise errors.ServerUnreachable(url=url) from None
        except Refused as exc:
            raise _refusal(exc, url) from None
        try:
            parsed = protocol.EnrolResponse.model_validate(answer)
        except ValidationError:
            raise errors.ServerRefused(code="malformed_answer") from None
        server_url = normalize_url(url)

        def write(target: Store) -> None:
            with target.transaction():
                _put_state(target, "server_url", server_url)
                _put_state(target, "token", parsed.token)
                _put_state(target, "token_id", parsed.token_id)
                _put_state(target, "cursor", 0)
                _put_state(target, "house_id", parsed.house_id)
                target.set_meta("house_id", parsed.house_id)
                # Work typed before enrolment belongs to this house too.
                for table in schema.SYNCED_TABLES:
                    target.conn.execute(
                        f'UPDATE "{table}" SET house_id = ? WHERE house_id IS NULL '
                        f"AND id IN (SELECT row_id FROM outbox WHERE table_name = ?)",
                        (parsed.house_id, table),
                    )

        if writer is None:
            write(store)
        else:
            writer(write)
        if isinstance(transport, HttpTransport):
            transport.token = parsed.token
        return parsed.house_id

    # ---- one exchange ----------------------------------------------------------------------------------------
    def build_request(
        self, page_bytes: int | None = None, max_ops: int = protocol.MAX_OPS_PER_REQUEST
    ) -> dict:
        page = page_bytes or self.page_bytes
        # The token belongs to one house, so everything this PC sends belongs to it (the server refuses the rest).
        house = self.state("house_id") or self.store.house_id
        ops: list[dict] = []
        raw = 0
        # gzip shrinks op JSON 4-8×; stop at about one page of compressed bytes.
        for row in self.store.conn.execute(
            "SELECT op_id, table_name, row_id, kind, fields, hlc, created_at FROM outbox ORDER BY seq LIMIT ?",
            (max_ops,),
        ):
            fields = json.loads(row["fields"])
            if "house_id" in fields and fields["house_id"] != house:
                fields["house_id"] = house
            op = {
                "op_id": row["op_id"],
                "table": row["table_name"],
                "row_id": row["row_id"],
                "kind": row["kind"],
                "fields": fields,
                "hlc": row["hlc"],
                "created_at": row["created_at"],
            }
            size = len(protocol.dumps(op))
            if ops and raw + size > page * 4:
                break
            ops.append(op)
            raw += size
        self._reseed_next = None
        if len(ops) < max_ops and raw < page * 4 and self.state("reseed"):
            raw = self._add_replay_ops(ops, house, page * 4 - raw, max_ops)
        return {
            "v": PROTOCOL_VERSION,
            "request_id": str(uuid.uuid4()),
            "device_id": self.store.device_id,
            "schema_version": schema.SCHEMA_VERSION,
            "cursor": self.cursor,
            "page_bytes": page,
            **({"known": self.known} if self.known != self.cursor else {}),
            "clock": self.store.clock.last,
            "epoch": self.state("epoch") or "",
            "ops": ops,
            **({"check": True} if self._check_due() else {}),
        }

    def _check_due(self) -> bool:
        if self.force_check:
            return True
        last = self.state("last_check_at")
        return last is None or float(last) + CHECK_INTERVAL_S < self.wall()

    def local_digest(self, store: Store | None = None) -> dict[str, str]:
        store = store or self.store
        house = _get_state(store, "house_id") or store.house_id
        out = {}
        for table in schema.SYNCED_TABLES:
            rows = store.conn.execute(
                f'SELECT id, hlc, deleted FROM "{table}" WHERE house_id = ?', (house,)
            ).fetchall()
            if rows:
                out[table] = protocol.table_digest(rows)
        return out

    def _add_replay_ops(self, ops: list[dict], house: str | None, budget: int, max_ops: int) -> int:
        """After the server lost history (restored backup), this PC re-sends every row it holds of its house, a page
        at a time, with the rows' own field stamps; `_reseed_next` is where the next page starts once acked."""
        position = json.loads(self.state("reseed") or "[0, 0]")
        tables = list(schema.SYNCED_TABLES)
        index, after = int(position[0]), int(position[1])
        used = 0
        while index < len(tables):
            table = tables[index]
            spec = schema.SYNCED_TABLES[table]
            cols = ", ".join(
                f'"{c}"' for c in ["id", "hlc", "field_hlc", "deleted", "created_at", *spec.fields]
            )
            rows = self.store.conn.execute(
                f'SELECT rowid AS rid, {cols} FROM "{table}" WHERE house_id = ? AND rowid > ? ORDER BY rowid '
                f"LIMIT 200",
                (house, after),
            ).fetchall()
            for row in rows:
                field_hlc = json.loads(row["field_hlc"] or "{}")
                if not field_hlc or not row["hlc"]:
                    after = row["rid"]
                    continue
                fields = {f: row[f] for f in spec.fields if f in field_hlc}
                fields["house_id"] = house
                if "deleted" in field_hlc:
                    fields["deleted"] = row["deleted"]
                digest = hashlib.sha256(f"{table}\n{row['id']}\n{row['hlc']}".encode()).hexdigest()[:32]
                op = {
                    "op_id": f"rp-{digest}",
                    "table": table,
                    "row_id": row["id"],
                    "kind": "replay",
                    "fields": fields,
                    "hlc": row["hlc"],
                    "created_at": row["created_at"] or "",
                    "field_hlc": field_hlc,
                }
                size = len(protocol.dumps(op))
                if ops and (used + size > budget or len(ops) >= max_ops):
                    self._reseed_next = [index, after]
                    return used
                ops.append(op)
                used += size
                after = row["rid"]
            if len(rows) < 200:
                index, after = index + 1, 0
        self._reseed_next = "done"
        return used

    def apply_response(
        self,
        answer: dict,
        sent_at_ms: int | None = None,
        received_at_ms: int | None = None,
        replayed: list[str] | None = None,
    ) -> SyncResult:
        """Acks, rows, cursor and clock offset in one transaction, run through `writer` (the answer is parsed
        first, on the calling thread)."""
        resp = protocol.parse_response(answer)
        sent_replays = set(replayed or ())
        reseed_next = self._reseed_next

        def apply(store: Store) -> SyncResult:
            result = SyncResult(received=len(resp.changes))
            with store.transaction():
                # Writes up to `known` reached this PC; later ones it has not seen (whatever the page cursor says).
                before = int(_get_state(store, "known") or 0)
                if resp.epoch:
                    _put_state(store, "epoch", resp.epoch)
                if resp.reset:
                    # The server lost history (restored backup): fetch everything again and re-send every row.
                    before = 0
                    _put_state(store, "cursor", 0)
                    _put_state(store, "known", 0)
                    _put_state(store, "server_reset_at", utc_now_iso(self.wall))
                    _put_state(store, "reseed", "[0, 0]")
                elif replayed is not None and reseed_next is not None and sent_replays <= set(resp.acks):
                    _put_state(store, "reseed", None if reseed_next == "done" else json.dumps(reseed_next))
                result.rejected = sync_apply.apply_acks(store, resp.acks)
                now = utc_now_iso(self.wall)
                result.conflicts = sync_apply.apply_changes(
                    store, resp.changes, before, now, self.on_apply_row
                )
                cursor = int(_get_state(store, "cursor") or 0)
                cursor = resp.cursor if resp.reset else max(resp.cursor, cursor)
                _put_state(store, "cursor", cursor)
                if not resp.more:
                    _put_state(store, "known", cursor)
                if resp.digest is not None and not resp.more and store.pending_count() == 0:
                    self._compare_digest(store, resp.digest, result)
                _put_state(store, "last_sync_at", now)
                _put_state(store, "last_error", None)
                if sent_at_ms is not None and received_at_ms is not None:
                    # The server's clock at the midpoint of the round trip (Cristian's algorithm).
                    local_mid = (sent_at_ms + received_at_ms) // 2
                    offset = resp.server_time - local_mid
                    _put_state(store, "clock_offset_ms", offset)
                    store.clock.offset_ms = offset
                    self.store.clock.offset_ms = offset  # the same clock object unless the files differ
            return result

        return self._write(apply)

    def _compare_digest(self, store: Store, server: dict[str, str], result: SyncResult) -> None:
        """Integrity check, inside the apply transaction on `store`. Rows differ only through a fault (a lost disk,
        a bug): then this PC re-sends every row it holds and fetches everything again. Merging keeps the newer value
        of each field on both sides, so nothing is overwritten wholesale."""
        self.force_check = False
        _put_state(store, "last_check_at", self.wall())
        local = self.local_digest(store)
        differing = sorted(t for t in set(local) | set(server) if local.get(t) != server.get(t))
        if differing:
            result.repaired = differing
            store.audit(
                "sync_integrity_repair", details={"tables": differing, "server": server, "local": local}
            )
            _put_state(store, "reseed", "[0, 0]")
            _put_state(store, "cursor", 0)

    def exchange(self, page_bytes: int | None = None) -> tuple[SyncResult, bool, int]:
        """One round trip. Returns (result, more, ops_sent)."""
        if self.transport is None:
            raise errors.NotEnrolled()
        request = self.build_request(page_bytes, self.max_ops)
        sent_at = int(self.wall() * 1000)
        answer = self.transport.post("/v1/sync", request)
        received_at = int(self.wall() * 1000)
        replayed = [op["op_id"] for op in request["ops"] if op["kind"] == "replay"]
        result = self.apply_response(answer, sent_at, received_at, replayed)
        result.sent = len(request["ops"])
        more = bool(answer.get("more"))
        return result, more, len(request["ops"])

    # ---- a whole sync ----------------------------------------------------------------------------------------
    def sync(
        self,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        max_rounds: int = 10_000,
    ) -> SyncResult:
        """Exchanges until nothing is left to send or fetch. Raises a SyncError on a refusal, TransportTimeout /
        TransportDown (as ServerUnreachable) on a link failure; the caller retries with `next_delay()`."""
        total = SyncResult()
        pending_at_start = max(self.store.pending_count(), 1)
        for _ in range(max_rounds):
            if cancel is not None and cancel.is_set():
                total.cancelled = True
                break
            page = self.page_bytes
            try:
                result, more, sent = self.exchange(page)
            except TransportTimeout:
                self.failures += 1
                self._set_page(max(protocol.MIN_PAGE_BYTES, page // 2))
                raise errors.ServerUnreachable(url=self.state("server_url") or "") from None
            except TransportDown:
                self.failures += 1
                raise errors.ServerUnreachable(url=self.state("server_url") or "") from None
            except Refused as exc:
                self.failures += 1
                self._write_state("last_error", exc.code)
                raise _refusal(exc, self.state("server_url") or "") from None
            self.failures = 0
            if page < protocol.MAX_PAGE_BYTES // 4:
                self._set_page(min(protocol.MAX_PAGE_BYTES // 4, page * 2))
            total.rounds += 1
            total.sent += sent
            total.received += result.received
            total.conflicts += result.conflicts
            total.rejected += result.rejected
            total.repaired += result.repaired
            left = self.store.pending_count()
            reseeding = bool(self.state("reseed"))
            if progress is not None:
                progress(
                    min(total.sent, pending_at_start),
                    pending_at_start if (more or left) else total.sent or pending_at_start,
                )
            if not more and not reseeding and (left == 0 or sent == 0):
                break
        return total

    def _set_page(self, value: int) -> None:
        self._write_state("page_bytes", value)

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt: jittered exponential backoff, capped at 10 minutes."""
        return backoff_delay(self.failures, self.rng)

    def sync_until_done(
        self,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        wait: Callable[[float], bool] | None = None,
        max_attempts: int = 1_000_000,
    ) -> SyncResult:
        """Keeps trying over a bad link (never gives up until cancelled); any other refusal is raised."""
        cancel = cancel or threading.Event()
        wait = wait or cancel.wait
        for _ in range(max_attempts):
            try:
                return self.sync(progress, cancel)
            except errors.ServerUnreachable:
                if wait(self.next_delay()) or cancel.is_set():
                    return SyncResult(cancelled=True)
        return SyncResult(cancelled=cancel.is_set())

    # ---- sneakernet -------------------------------------------------------------------------------------------
    def save_packet(self, path: str | Path) -> int:
        """Writes the pending changes (and a request for news) as a signed file. Returns the ops in it."""
        token, token_id = self.state("token"), self.state("token_id")
        if not token or not token_id:
            raise errors.NotEnrolled()
        request = self.build_request(protocol.MAX_PAGE_BYTES)

        def write(store: Store) -> None:
            with store.transaction():
                _put_state(store, "packet_request", request["request_id"])
                _put_state(store, "packet_cursor", request["cursor"])

        self._write(write)
        data = protocol.make_packet("request", token_id, protocol.packet_key(token), request)
        tmp = Path(str(path) + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return len(request["ops"])

    def load_packet(self, path: str | Path) -> SyncResult:
        """Applies an answer file. Loading it twice changes nothing; an answer older than what this PC already
        has only clears acknowledged ops (its rows may be stale)."""
        token, token_id = self.state("token"), self.state("token_id")
        if not token or not token_id:
            raise errors.NotEnrolled()
        try:
            env = protocol.read_packet_envelope(Path(path).read_bytes())
            if env["token_id"] != token_id:
                raise ProtocolError("bad_signature", "another PC")
            answer = protocol.open_packet(env, protocol.packet_key(token), "response")
            resp = protocol.parse_response(answer)
        except ProtocolError as exc:
            raise errors.BadPacket(detail=exc.code) from None
        except OSError as exc:
            raise errors.BadPacket(detail=str(exc)) from None
        current = resp.request_id == self.state("packet_request") and str(self.cursor) == (
            self.state("packet_cursor") or ""
        )
        if not current:
            answer = dict(answer, changes=[], cursor=self.cursor, more=True)
        return self.apply_response(answer)


def _refusal(exc: Refused, url: str) -> errors.SyncError:
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
    if exc.status == 404:
        return errors.BadServerUrl(url=url)
    return errors.ServerRefused(code=code)
