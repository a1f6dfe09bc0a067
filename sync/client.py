"""The desktop side of sync: SyncClient runs whole syncs, one request per exchange (docs/DESIGN.md §4).

The client's jobs live in their own modules and are re-exported here, so `from sync.client import …` stays the one
import for the app, the CLI and the tests:
- sync.transport: the keep-alive HTTP link, its timeouts and error mapping (HttpTransport, Refused, …);
- sync.backoff: the jittered retry delay;
- sync.outgoing: building a request from the outbox;
- sync.page: applying one answer page in one transaction (sync.apply merges the rows, by sync.merge's rules);
- sync.enrol: trading an enrolment code for a device token;
- sync.packets: sync files;
- sync.state: the `sync_state` table and the Writer hand-off.

Pages are sized by compressed bytes (64 KB to start, halved after a timeout, doubled after a success); failures
back off with jitter up to 10 minutes. Progress and cancel are plain callables, so the UI's task runner (or a test)
drives it without Qt here. Every local write is a function of a store handed to `writer`: by default it runs inline
on the client's own store; the app passes a hand-off to its one database-writer thread, so the client's thread
only reads and waits on the network.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from desktop import clock
from desktop.store import Store
from sync import enrol as sync_enrol
from sync import errors, outgoing, packets, protocol
from sync import page as sync_page
from sync.backoff import BACKOFF_BASE_S, BACKOFF_CAP_S, backoff_delay
from sync.outgoing import ReseedNext
from sync.page import SyncResult
from sync.state import Writer, get_state, put_state
from sync.transport import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    HttpTransport,
    Refused,
    TransportDown,
    TransportTimeout,
    normalize_url,
    refusal,
)

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "CHECK_INTERVAL_S",
    "CONNECT_TIMEOUT",
    "PAGE_CAP_BYTES",
    "READ_TIMEOUT",
    "HttpTransport",
    "Progress",
    "Refused",
    "SyncClient",
    "SyncResult",
    "TransportDown",
    "TransportTimeout",
    "Writer",
    "backoff_delay",
    "normalize_url",
    "refusal",
]

# The largest page asked for (compressed; the server sends about 6× as many raw bytes). Every row of a page is alive
# at once while it is decoded and applied, and the garbage collector walks them all: ~1,500 rows keep each walk, and
# the decoding of a page, a few milliseconds long on the UI thread's side (docs/DESIGN.md §2).
PAGE_CAP_BYTES = 256 * 1024
CHECK_INTERVAL_S = 24 * 3600  # how often a PC compares its rows with the server's (integrity check)

Progress = Callable[[int, int], None]
T = TypeVar("T")


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
        self._reseed_next: ReseedNext = None
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
                put_state(store, key, value)

        self._write(write)

    # ---- state (local sync_state table) ---------------------------------------------------------------------
    def state(self, key: str) -> str | None:
        return get_state(self.store, key)

    def set_state(self, key: str, value: Any) -> None:
        put_state(self.store, key, value)

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
        cancel: threading.Event | None = None,
    ) -> str:
        """Trades an enrolment code for a device token; the PC then belongs to the code's house (sync.enrol).
        Setting `cancel` stops the attempt at once (sync.errors.AttemptCancelled)."""
        return sync_enrol.enrol(store, url, code, label, transport, writer, cancel)

    @staticmethod
    def enrol_from_file(store: Store, path: str | Path, writer: Writer | None = None) -> str:
        """Joins the house of an enrolment file; the first answer file completes the enrolment (sync.enrol)."""
        return sync_enrol.enrol_from_file(store, path, writer)

    def ensure_keys(self) -> bool:
        """Sends this PC's public sync-file keys if the server has none yet (a PC enrolled before they existed)."""
        if not isinstance(self.transport, HttpTransport):  # the keys go over the real link only
            return False
        return sync_enrol.ensure_keys(self.store, self.transport, self._write)

    # ---- one exchange ----------------------------------------------------------------------------------------
    def build_request(
        self, page_bytes: int | None = None, max_ops: int = protocol.MAX_OPS_PER_REQUEST
    ) -> dict:
        request, self._reseed_next = outgoing.build_request(
            self.store, page_bytes or self.page_bytes, max_ops, check=self._check_due()
        )
        return request

    def _check_due(self) -> bool:
        if self.force_check:
            return True
        last = self.state("last_check_at")
        return last is None or float(last) + CHECK_INTERVAL_S < self.wall()

    def local_digest(self, store: Store | None = None) -> dict[str, str]:
        return sync_page.local_digest(store or self.store)

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
        offset = None
        if sent_at_ms is not None and received_at_ms is not None:
            # The server's clock at the midpoint of the round trip (Cristian's algorithm).
            offset = resp.server_time - (sent_at_ms + received_at_ms) // 2
        reseed_next, on_row, wall = self._reseed_next, self.on_apply_row, self.wall

        def apply(store: Store) -> SyncResult:
            return sync_page.apply_answer(
                store,
                resp,
                wall=wall,
                clock_offset_ms=offset,
                replayed=replayed,
                reseed_next=reseed_next,
                on_row=on_row,
            )

        result = self._write(apply)
        if offset is not None:
            self.store.clock.offset_ms = offset  # the same clock object unless the files differ
        if result.checked:
            self.force_check = False
        return result

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
        if answer.get("reset"):
            # The server's history restarted (a restored backup): it may not hold this PC's sync-file keys, or its
            # own may be new. The next round sends them again and takes the server's (ensure_keys).
            self._write_state("server_box_key", None)
        result.sent = len(request["ops"])
        more = bool(answer.get("more"))
        return result, more, len(request["ops"])

    # ---- a whole sync ----------------------------------------------------------------------------------------
    def sync(
        self,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        max_rounds: int = 10_000,
        on_round: Callable[[SyncResult], None] | None = None,
    ) -> SyncResult:
        """Exchanges until nothing is left to send or fetch. Raises a SyncError on a refusal, TransportTimeout /
        TransportDown (as ServerUnreachable) on a link failure; the caller retries with `next_delay()`.

        Each round is committed before the next starts, so a sync cancelled (or cut off) part-way goes on from
        there: what was acknowledged has left the outbox and the cursor stands after the last page applied.
        `on_round(totals)` is told the running totals (sent, received…) after each round."""
        total = SyncResult()
        pending_at_start = max(self.store.pending_count(), 1)
        for _ in range(max_rounds):
            if cancel is not None and cancel.is_set():
                total.cancelled = True
                break
            page = self.page_bytes
            try:
                self.ensure_keys()
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
                raise refusal(exc, self.state("server_url") or "") from None
            self.failures = 0
            if page < PAGE_CAP_BYTES:
                self._set_page(min(PAGE_CAP_BYTES, page * 2))
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
            if on_round is not None:
                on_round(total)
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
        """Writes the pending changes (and a request for news) as a sealed file (sync.packets)."""
        return packets.save_packet(self, path)

    def load_packet(self, path: str | Path) -> SyncResult:
        """Applies an answer file; loading it twice changes nothing (sync.packets)."""
        return packets.load_packet(self, path)
