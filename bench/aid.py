"""Aid point timings with 50,000 aid entries: the double-aid check, saving one entry, stock on hand of all items.

Run: `python bench/aid.py [--entries 50000]`. Prints one `name: value unit` line per figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import aid
from desktop.aid import AidEntry, DonationEntry, Line, RecipientInput
from desktop.store import Store

TODAY = dt.date(2026, 11, 20)
PROGRAMMES = ["qamqor", "mektepke_zhol", "zhurekten", "meyirim", "other"]
GUARDED = ["qamqor", "mektepke_zhol", "zhurekten"]  # the programmes with default rules


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _surname(n: int) -> str:
    """A distinct surname of letters only for recipient n (a name holds no digits)."""
    letters = "абвгдежзиклмнопрстуфхчшы"
    tail = ""
    while True:
        n, digit = divmod(n, len(letters))
        tail += letters[digit]
        if n == 0:
            break
    return f"Алиев-{tail.capitalize()}"


def build(store: Store, entries: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    points = [aid.save_aid_point(store, {"name": f"Пункт {n}"}) for n in (1, 2)]
    items = [r["id"] for r in aid.list_items(store)]
    with store.transaction():
        recipients = [
            aid.save_recipient(
                store,
                RecipientInput(
                    consent=True,
                    form_version="2026-1",
                    surname=_surname(n),
                    name="Қайрат",
                    categories=["low_income"],
                    consent_on=TODAY,
                ),
                today=TODAY,
            )
            for n in range(2000)
        ]
        for n in range(500):
            aid.save_donation(
                store,
                DonationEntry(
                    TODAY - dt.timedelta(days=n % 365),
                    points[n % 2],
                    "anonymous",
                    [Line(rng.choice(items), rng.randint(20, 200))],
                ),
                today=TODAY,
            )
    # Entries go in through the same write API as the app, in batches (one transaction each).
    start = TODAY - dt.timedelta(days=3 * 365)
    done = 0
    while done < entries:
        with store.transaction():
            for _ in range(min(5000, entries - done)):
                aid_id = store.insert(
                    "aid_given",
                    {
                        "number": store.next_number("aid"),
                        "programme": rng.choice(PROGRAMMES),
                        "given_on": (start + dt.timedelta(days=rng.randint(0, 3 * 365))).isoformat(),
                        "aid_point_id": rng.choice(points),
                        "recipient_id": rng.choice(recipients),
                        "given_by": "Әсел",
                    },
                )
                for item in rng.sample(items, 2):
                    store.insert(
                        "aid_lines", {"aid_id": aid_id, "item_id": item, "quantity": rng.randint(1, 5)}
                    )
                done += 1
    return points, items, recipients


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        store.set_house("KZ-55-01")
        t0 = time.perf_counter()
        points, items, recipients = build(store, args.entries, rng)
        print(f"setup_{args.entries}_entries: {time.perf_counter() - t0:.1f} s", file=sys.stderr)

        checks = []
        for _ in range(args.runs):
            recipient = rng.choice(recipients)
            t = time.perf_counter()
            aid.check_double_aid(store, rng.choice(GUARDED), recipient, TODAY)
            checks.append((time.perf_counter() - t) * 1000)

        cold = time.perf_counter()
        aid.stock_on_hand(store)
        stock_cold = (time.perf_counter() - cold) * 1000

        saves, stocks = [], []
        for n in range(args.runs):
            entry = AidEntry(
                TODAY,
                rng.choice(points),
                "other",
                rng.choice(recipients),
                [Line(rng.choice(items), 1), Line(rng.choice(items), 2)],
                "Әсел",
            )
            t = time.perf_counter()
            aid.save_aid(store, entry, override_reason="bench: stock as the ledgers have it", today=TODAY)
            saves.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            rows = aid.stock_on_hand(store, all_items=True)
            stocks.append((time.perf_counter() - t) * 1000)
        assert rows
        store.close()
    print(f"double_aid_check_p95: {p95(checks):.2f} ms")
    print(f"aid_save_p95: {p95(saves):.2f} ms")
    # After each save, as the stock screen refreshes it (sums brought up to date from the rows added since).
    print(f"stock_all_items: {p95(stocks):.2f} ms")
    # The first computation on a freshly opened database (every ledger line read once).
    print(f"stock_all_items_first: {stock_cold:.2f} ms")


if __name__ == "__main__":
    main()
