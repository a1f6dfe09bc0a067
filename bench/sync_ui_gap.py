"""How long the UI thread is held up while a large sync applies (docs/DESIGN.md §2), with the raw floor.

    QT_QPA_PLATFORM=offscreen python bench/sync_ui_gap.py [--rows 6000]

The scenario of tests/sync/test_one_writer.py (tests/sync/ui_gap.py): a real server in its own process, a fresh PC
that fetches `--rows` people while the screens save every 20 ms, a 10 ms heartbeat on the UI thread. The floor is
the same heartbeat and typing with no sync, measured first in the same run. Prints ui_gap_max, ui_gap_p99,
floor_gap_max, floor_gap_p99, the ratios of the sync's figures to the floor's, and the full collections seen.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.sync import ui_gap


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    full: list[tuple[float, float]] = []  # (start, seconds) of each full collection
    started: dict[str, float] = {}

    def on_gc(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started["t"] = time.perf_counter()
        elif "t" in started:
            t0 = started.pop("t")
            full.append((t0, time.perf_counter() - t0))

    with tempfile.TemporaryDirectory() as tmp, ui_gap.serve(Path(tmp)) as server:
        ui_gap.seed(server, Path(tmp), args.rows)
        gc.callbacks.append(on_gc)
        run = ui_gap.run(server, Path(tmp))
        gc.callbacks.remove(on_gc)
    if run.result is None:
        print(f"# the sync failed: {run.error}", file=sys.stderr)
        return 1
    longest, p99 = ui_gap.gap_stats(run.sync_gaps)
    floor_longest, floor_p99 = ui_gap.gap_stats(run.floor_gaps)
    print(f"ui_gap_max: {longest * 1000:.1f} ms")
    print(f"ui_gap_p99: {p99 * 1000:.1f} ms")
    print(f"floor_gap_max: {floor_longest * 1000:.1f} ms")
    print(f"floor_gap_p99: {floor_p99 * 1000:.1f} ms")
    print(f"ui_gap_max_ratio: {longest / floor_longest:.2f} x")
    print(f"ui_gap_p99_ratio: {p99 / floor_p99:.2f} x")
    during = [seconds for t0, seconds in full if t0 >= run.floor_started]
    before = [seconds for t0, seconds in full if t0 < run.floor_started]
    # The last one before the heartbeat is settle_heap's own: what a full collection costs without gc.freeze().
    print(f"full_gc_before_freeze: {before[-1] * 1000 if before else 0.0:.1f} ms")
    print(f"full_gc_during_run: {len(during)} collections")
    print(f"full_gc_longest_during_run: {max(during, default=0.0) * 1000:.1f} ms")
    print(f"sync_seconds: {run.sync_s:.2f} s")
    print(
        f"# {run.result.received} rows in {run.result.rounds} rounds; {len(run.landed)}/{run.issued} UI writes "
        f"landed, {len(run.failures)} failed; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
        file=sys.stderr,
    )
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
