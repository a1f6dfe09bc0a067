"""Fault-harness bench: many seeded runs of tests/sync/harness.py (lossy network, kills, skewed clocks).

    python bench/sync_faults.py [--seeds 200] [--steps 300] [--pcs 3]

Prints seeds, ops, lost, duplicated, diverged, conflicts_missing (all but the first two must be 0).
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
    args = ap.parse_args()
    started = time.perf_counter()
    total = harness.Result()
    for seed in range(args.first, args.first + args.seeds):
        # Every fourth seed runs with five PCs.
        res = harness.run(range(seed, seed + 1), steps=args.steps, n_pcs=5 if seed % 4 == 3 else args.pcs)
        total.add(res)
        if res.lost or res.duplicated or res.diverged or res.conflicts_missing:
            print(f"seed {seed} failed: {res}", file=sys.stderr)
    print(f"seeds: {total.seeds}")
    print(f"ops: {total.ops}")
    print(f"lost: {total.lost}")
    print(f"duplicated: {total.duplicated}")
    print(f"diverged: {total.diverged}")
    print(f"conflicts_missing: {total.conflicts_missing}")
    faults = ", ".join(f"{k}={v}" for k, v in sorted(total.faults.items()))
    print(
        f"# same-field conflicts expected and found: {total.conflicts_expected}; faults: {faults}; "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    bad = total.lost + total.duplicated + total.diverged + total.conflicts_missing
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
