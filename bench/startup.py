#!/usr/bin/env python3
"""Time from process start to the first shown window with 100k people in the database, and peak memory.

    .venv/bin/python bench/startup.py [--people 100000] [--runs 5]

Prints `startup_window: X s` (median of the runs) and `startup_peak_rss: X MB` (largest run).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_database(path: Path, people: int) -> None:
    from desktop.demo import accounts as demo_accounts
    from desktop.demo.people import make_person
    from desktop.store import Store

    store = Store(path)
    store.set_house("KZ-55-01")
    rng = random.Random(1)
    today = __import__("datetime").date(2026, 11, 25)
    with store.transaction():
        for serial in range(people):
            store.insert("people", make_person(rng, today, serial))
        demo_accounts.fill(store, rng, today)  # the demo accounts, so `--as admin` skips the sign-in
    store.close()


def one_run(db: Path, cfg: Path) -> tuple[float, float]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "DOSTYQ_STARTUP_PROBE": "exit",
        "DOSTYQ_CONFIG_DIR": str(cfg),
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--db", str(db), "--lang", "kk", "--as", "admin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    shown = None
    for line in proc.stdout:
        if line.strip() == "window_shown":
            shown = time.perf_counter() - started
    _, status, usage = os.wait4(proc.pid, 0)
    if shown is None or status != 0:
        raise SystemExit(f"the app did not show its window (status {status})")
    return shown, usage.ru_maxrss / 1024  # KB → MB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-bench-"))
    db = work / "startup.sqlite"
    t = time.perf_counter()
    build_database(db, args.people)
    print(f"setup_people: {args.people} rows in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    one_run(db, work / "cfg")  # warm the OS file cache, as on a PC that has run Dostyq before
    results = [one_run(db, work / "cfg") for _ in range(args.runs)]
    print(f"startup_window: {statistics.median(r[0] for r in results):.3f} s")
    print(f"startup_peak_rss: {max(r[1] for r in results):.0f} MB")


if __name__ == "__main__":
    main()
