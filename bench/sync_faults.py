"""Fault-harness bench: many seeded runs of tests/sync/harness.py (lossy network, kills, skewed clocks).

    python bench/sync_faults.py [--seeds 200] [--steps 300] [--pcs 3] [--no-tricks]

Every run also plays the tricks of tests/sync/harness_tricks.py (poisoned ops and rows, impossible cursors, a restore
of the server's database from a snapshot followed by `dostyq-server restored`) unless --no-tricks.
Prints seeds, ops, lost, duplicated, diverged, conflicts_missing, poison_stored, quarantine_missing, epoch_moved
(all but the first two must be 0).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sync import harness


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--pcs", type=int, default=3)
    ap.add_argument("--no-tricks", action="store_true")
    args = ap.parse_args()
    started = time.perf_counter()
    total = harness.Result()
    for seed in range(args.first, args.first + args.seeds):
        # Every fourth seed runs with five PCs.
        res = harness.run(
            range(seed, seed + 1),
            steps=args.steps,
            n_pcs=5 if seed % 4 == 3 else args.pcs,
            tricks=not args.no_tricks,
        )
        total.add(res)
        if _bad(res):
            print(f"seed {seed} failed: {res}", file=sys.stderr)
    print(f"seeds: {total.seeds}")
    print(f"ops: {total.ops}")
    print(f"lost: {total.lost}")
    print(f"duplicated: {total.duplicated}")
    print(f"diverged: {total.diverged}")
    print(f"conflicts_missing: {total.conflicts_missing}")
    print(f"poison_stored: {total.poison_stored}")
    print(f"quarantine_missing: {total.quarantine_missing}")
    print(f"epoch_moved: {total.epoch_moved}")
    faults = ", ".join(f"{k}={v}" for k, v in sorted(total.faults.items()))
    print(
        f"# same-field conflicts expected and found: {total.conflicts_expected}; faults: {faults}; "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 1 if _bad(total) else 0


def _bad(res: harness.Result) -> int:
    return (
        res.lost
        + res.duplicated
        + res.diverged
        + res.conflicts_missing
        + res.poison_stored
        + res.quarantine_missing
        + res.epoch_moved
    )


if __name__ == "__main__":
    sys.exit(main())
