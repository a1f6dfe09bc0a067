"""A relay on 127.0.0.1 between a sync client and its server that counts every byte both ways and every HTTP
request (bench/sync.py, bench/vs_pouchdb.py)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class RequestCounter:
    """Counts the HTTP/1.1 requests in one connection's client-to-server bytes (Content-Length or chunked)."""

    def __init__(self) -> None:
        self.buf = b""
        self.body_left = 0
        self.chunked = False
        self.count = 0

    def feed(self, data: bytes) -> int:
        self.buf += data
        before = self.count
        while self._step():
            pass
        return self.count - before

    def _step(self) -> bool:
        if self.body_left:
            taken = min(self.body_left, len(self.buf))
            self.buf, self.body_left = self.buf[taken:], self.body_left - taken
            return bool(self.buf) and not self.body_left
        if self.chunked:
            line_end = self.buf.find(b"\r\n")
            if line_end < 0:
                return False
            size = int(self.buf[:line_end].split(b";")[0], 16)
            if size == 0:
                end = self.buf.find(b"\r\n\r\n", line_end)
                if end < 0:
                    return False
                self.buf, self.chunked = self.buf[end + 4 :], False
                return True
            if len(self.buf) < line_end + 2 + size + 2:
                return False
            self.buf = self.buf[line_end + 2 + size + 2 :]
            return True
        head_end = self.buf.find(b"\r\n\r\n")
        if head_end < 0:
            return False
        head, self.buf = self.buf[:head_end].decode("latin-1"), self.buf[head_end + 4 :]
        self.count += 1
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                self.body_left = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                self.chunked = True
        return True


class CountingRelay:
    """127.0.0.1 relay that counts every byte in both directions and every HTTP request."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.bytes = 0
        self.requests = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream, timeout=60)
            threading.Thread(
                target=self._pump, args=(client, upstream, RequestCounter()), daemon=True
            ).start()
            threading.Thread(target=self._pump, args=(upstream, client, None), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, requests: RequestCounter | None) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self._lock:
                    self.bytes += len(data)
                    if requests is not None:
                        self.requests += requests.feed(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def take(self) -> tuple[int, int]:
        time.sleep(0.05)  # let the relay threads count the last bytes
        with self._lock:
            counted = (self.requests, self.bytes)
            self.requests = self.bytes = 0
        return counted

    def close(self) -> None:
        self.sock.close()
