"""bench/vs_pouchdb.py: a short run against the real PouchDB peer prints every figure, and its relay counts HTTP
requests right however the bytes arrive. The run needs node (scripts/dostyq.sh test installs it and the peer's npm
packages); the test is marked `node`, and skipped only where node is not installed."""

from __future__ import annotations

import importlib.util
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.relay import RequestCounter

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "vs_pouchdb.py"


def _bench():
    """The bench script as a module (bench/ is not a package)."""
    name = "bench_vs_pouchdb"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before it runs: its dataclass looks its module up
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_the_relay_counts_requests_split_anywhere_with_length_or_chunked_bodies():
    body = (
        b'{"ops": [], "note": "\xd2\x9b\r\n\r\nGET / HTTP/1.1\r\n\r\n"}'  # a body that looks like a request
    )
    stream = (
        b"POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        + b"GET /people/_local/abc HTTP/1.1\r\nHost: x\r\n\r\n"
        + b"POST /people/_bulk_docs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"5\r\nhello\r\n0\r\n\r\n"
        + b"PUT /people HTTP/1.1\r\ncontent-length: 0\r\n\r\n"
    )
    whole = RequestCounter()
    assert whole.feed(stream) == 4
    for size in (1, 2, 3, 7, 64):
        parser = RequestCounter()
        counted = sum(parser.feed(stream[i : i + size]) for i in range(0, len(stream), size))
        assert counted == 4, size
        assert parser.buf == b"" and parser.body_left == 0 and not parser.chunked


def test_the_records_are_400_to_500_bytes_and_the_same_on_every_run():
    vs = _bench()
    records = vs.make_records(200)
    assert records == vs.make_records(200)
    assert all(400 <= vs.record_size(r) <= 500 for r in records)
    assert len({(r["surname"], r["name"]) for r in records}) > 50  # many different people, not one repeated


@pytest.mark.node
@pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not installed (scripts/dostyq.sh test installs it)"
)
def test_the_bench_prints_every_figure_of_both_systems():
    vs = _bench()
    res = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "50"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert res.returncode == 0, res.stderr[-3000:]
    figures: dict[str, float] = {}
    for line in res.stdout.splitlines():
        m = re.fullmatch(r"([a-z0-9_]+): (\S+)(?: (s|B|x))?", line)
        assert m, f"not a `name: value unit` line: {line!r}"
        figures[m[1]] = float(m[2])
    expected = set()
    for phase in vs.PHASES:
        for what in ("seconds", "requests", "bytes"):
            expected |= {f"{phase}_{what}_dostyq", f"{phase}_{what}_pouchdb"}
        expected |= {f"{phase}_ratio", f"{phase}_requests_ratio", f"{phase}_bytes_ratio"}
    assert set(figures) == expected
    for name, value in figures.items():
        assert math.isfinite(value) and value > 0, (name, value)
    for system in ("dostyq", "pouchdb"):
        # 50 records of ≥ 400 B went up and came down again: the relay saw them both ways.
        assert figures[f"push_bytes_{system}"] > 50 * 400 / 8  # gzip may pack them ~6×
        assert figures[f"pull_bytes_{system}"] > 50 * 400 / 8
        assert figures[f"edit1_bytes_{system}"] < figures[f"push_bytes_{system}"]
    assert figures["push_ratio"] == pytest.approx(
        figures["push_seconds_dostyq"] / figures["push_seconds_pouchdb"], rel=0.05, abs=0.002
    )
