"""The regional (or national) roll-up: the sum of the summaries several houses submitted for one month.

Pure: it takes payloads (plain dicts, as stored in `monthly_reports.payload`) and returns a MonthlySummary the
same renderers print, plus which houses have submitted and which have not. The server's
`dostyq-server report --region KZ-xx --month YYYY-MM --format xlsx` and the coordinator's screen both call it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable

from desktop.periods import shift_month
from desktop.reports.summary import MonthlySummary, empty_figures, series_point


@dataclasses.dataclass
class Rollup:
    summary: MonthlySummary
    submitted: list[str]  # house codes whose report is in the sum
    missing: list[str]  # house codes expected but without a submitted report
    invalid: list[str] = dataclasses.field(
        default_factory=list
    )  # houses whose stored report failed the check


def add(a, b):
    """Sums two figures trees: numbers add, dicts merge key by key, anything else keeps the first value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a or b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        total = a + b
        return round(total, 3) if isinstance(total, float) else total
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = add(out[key], value) if key in out else value
        return out
    return a if a not in (None, "") else b


def latest_versions(rows: Iterable[dict]) -> list[dict]:
    """From monthly_reports rows (any versions, any houses), the payload of each house's newest submitted one."""
    newest: dict[str, dict] = {}
    for row in rows:
        if row.get("deleted") or row.get("status", "submitted") != "submitted":
            continue
        payload = row["payload"]
        payload = json.loads(payload) if isinstance(payload, str) else payload
        house = row.get("house_id") or (payload.get("houses") or [""])[0]
        if row.get("house_id"):
            # The house that submitted the row, never the one its payload names.
            payload = dict(payload, houses=[house], org=dict(payload.get("org") or {}, code=house))
        if house not in newest or row.get("version", 0) > newest[house]["version"]:
            newest[house] = {"version": row.get("version", 0), "payload": payload}
    return [v["payload"] for _h, v in sorted(newest.items())]


def rollup(
    payloads: Iterable[dict | str],
    month: str,
    *,
    expected_houses: Iterable[str] = (),
    org: dict | None = None,
) -> Rollup:
    """Sums the payloads of `month` (one per house; a later payload of the same house replaces an earlier one)."""
    by_house: dict[str, dict] = {}
    for payload in payloads:
        payload = json.loads(payload) if isinstance(payload, str) else payload
        if payload.get("month") != month:
            raise ValueError(f"a report of {payload.get('month')} cannot be summed into {month}")
        key = ",".join(payload.get("houses") or [payload.get("org", {}).get("code", "")])
        by_house[key] = payload
    current, previous, year_ago = empty_figures(), empty_figures(), empty_figures()
    series = {
        shift_month(month, -k): series_point(shift_month(month, -k), empty_figures())
        for k in range(11, -1, -1)
    }
    names: dict = {}
    houses: list[str] = []
    partial = False
    for payload in by_house.values():
        current = add(current, payload.get("current", {}))
        previous = add(previous, payload.get("previous", {}))
        year_ago = add(year_ago, payload.get("year_ago", {}))
        for point in payload.get("series", []):
            if point.get("month") in series:
                series[point["month"]] = add(
                    series[point["month"]], {k: v for k, v in point.items() if k != "month"}
                )
        names = _merge_names(names, payload.get("names", {}))
        houses.extend(payload.get("houses") or [payload.get("org", {}).get("code", "")])
        partial = partial or bool(payload.get("partial"))
    houses = sorted({h for h in houses if h})
    expected = sorted(set(expected_houses))
    summary = MonthlySummary(
        month=month,
        org=org or {"code": "", "name_kk": "", "name_ru": "", "region_code": ""},
        current=current,
        previous=previous,
        year_ago=year_ago,
        series=[dict(point, month=m) for m, point in series.items()],
        names=names,
        houses=houses,
        partial=partial,
        generated_at=max((p.get("generated_at", "") for p in by_house.values()), default=""),
    )
    summary.houses_missing = [h for h in expected if h not in houses]
    return Rollup(summary, houses, summary.houses_missing)


def _merge_names(a: dict, b: dict) -> dict:
    out = {k: dict(v) for k, v in a.items()}
    for table, entries in b.items():
        out.setdefault(table, {})
        for code, value in entries.items():
            out[table].setdefault(code, value)
    return out
