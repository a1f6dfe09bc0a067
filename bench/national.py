"""National roll-up on a full country: 20 regions × 10 houses, each with a submitted summary of the month (a real
one, built from a busy demo house and stored under each house's code), on the server's SQLite store.

Prints, each a `name: value unit` line:
- national_read_floor: one SELECT of every monthly_reports row and json.loads of each (the least any roll-up does);
- national_rollup: store.national_rollup (the valid summaries of every house, summed per house, region, country);
- per_region_rollups: the previous path, every region's roll-up one after another (20 regional tokens);
- national_vs_per_region and national_vs_floor: the ratios;
- national_all_formats: the national roll-up written as XLSX, PDF, CSV and HXL (bilingual).

Usage: python bench/national.py [--regions 20] [--houses 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from desktop.demo import reports_fixture
from desktop.reports.export import export_national
from desktop.reports.rollup import latest_versions, rollup
from desktop.reports.submission import submit_month
from desktop.store import Store
from sync.server.schema import records
from sync.server.store import ServerStore

TODAY = dt.date(2026, 11, 20)
MONTH = "2026-10"


def _payload(folder: Path) -> dict:
    store = Store(folder / "house.db")
    store.set_house("KZ-55-01")
    reports_fixture.fill(store, random.Random(7), TODAY, scale=2, events=300, aid_entries=3000)
    row = submit_month(store, MONTH, today=TODAY)
    store.close()
    return row


def _fill(server: ServerStore, row: dict, regions: list[str], per_region: int) -> int:
    count = 0
    with server._write() as conn:
        for region in regions:
            for n in range(1, per_region + 1):
                house = f"{region}-{n + 10:02d}"
                payload = json.loads(row["payload"])
                payload["houses"] = [house]
                payload["org"] = dict(payload.get("org") or {}, code=house, region_code=region)
                data = {
                    "month": MONTH,
                    "status": "submitted",
                    "version": 1,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "submitted_at": row.get("submitted_at"),
                }
                server._upsert_record(
                    conn,
                    "monthly_reports",
                    f"mr-{house}",
                    house,
                    data,
                    {},
                    {},
                    "0",
                    0,
                    server.now_iso(),
                    "bench",
                )
                count += 1
    for region in regions:
        for n in range(1, per_region + 1):
            house = f"{region}-{n + 10:02d}"
            server.add_house(house, f"{house} үйі", f"Дом {house}", region)
    return count


def _best(fn, runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--houses", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        row = _payload(folder)
        server = ServerStore(f"sqlite:///{folder / 'server.sqlite3'}")
        regions = [r["code"] for r in server.region_rows()][: args.regions]
        stored = _fill(server, row, regions, args.houses)
        print(f"bench: {len(regions)} regions, {stored} submitted summaries", file=sys.stderr)

        def floor():
            with server.engine.connect() as conn:
                return [
                    json.loads(json.loads(d)["payload"])
                    for (d,) in conn.execute(
                        sa.select(records.c.data).where(records.c.table_name == "monthly_reports")
                    )
                ]

        def per_region():
            sums = []
            for region in regions:
                rows, _invalid = server.region_report_check(region, MONTH)
                sums.append(
                    rollup(latest_versions(rows), MONTH, expected_houses=server.region_houses(region))
                )
            return sums

        floor_s, payloads = _best(floor)
        national_s, national = _best(lambda: server.national_rollup(MONTH))
        regions_s, sums = _best(per_region)
        assert len(payloads) == stored and len(national.total.submitted) == stored  # type: ignore[union-attr]
        held = sum(s.summary.current["events"]["held"] for s in sums)  # type: ignore[union-attr]
        assert national.summary.current["events"]["held"] == held  # type: ignore[union-attr]
        started = time.perf_counter()
        for fmt in ("xlsx", "pdf", "csv", "hxl"):
            export_national(national, fmt, folder / f"national.{fmt}", "both")
        formats_s = time.perf_counter() - started
        server.close()
    print(f"national_read_floor: {floor_s * 1000:.0f} ms")
    print(f"national_rollup: {national_s * 1000:.0f} ms")
    print(f"per_region_rollups: {regions_s * 1000:.0f} ms")
    print(f"national_vs_per_region: {national_s / regions_s:.2f} x")
    print(f"national_vs_floor: {national_s / floor_s:.1f} x")
    print(f"national_all_formats: {formats_s:.2f} s")


if __name__ == "__main__":
    main()
