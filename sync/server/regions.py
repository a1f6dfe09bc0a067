"""What a region's coordinator sees: its houses and their submitted monthly summaries, and the roll-up file.

Only aggregates leave a house this way, never personal rows.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from desktop.reports.payload_check import PayloadProblem
from sync.server.db import StoreBase
from sync.server.identity import AuthError, Principal
from sync.server.schema import records
from sync.server.summaries import REPORTS_TABLE, check_report_row


def _month_of(data: str) -> str | None:
    """The month of a stored row that may not even be JSON (None when it cannot tell)."""
    try:
        month = json.loads(data).get("month")
    except (ValueError, AttributeError, RecursionError):
        return None
    return month if isinstance(month, str) else None


class RegionsMixin(StoreBase):
    def region_houses(self, region_code: str) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(
                r.id
                for r in conn.execute(
                    sa.select(records.c.id, records.c.data).where(records.c.table_name == "houses")
                )
                if json.loads(r.data).get("region_code") == region_code
            )

    def region_house_rows(self, region_code: str) -> list[dict]:
        """The houses of a region as the server knows them (code, names): the coordinator's list of who should report."""
        with self.engine.connect() as conn:
            found = [
                json.loads(r.data) | {"code": r.id}
                for r in conn.execute(
                    sa.select(records.c.id, records.c.data).where(
                        records.c.table_name == "houses", records.c.deleted == 0
                    )
                )
            ]
        return sorted(
            (
                {k: h.get(k) for k in ("code", "name_kk", "name_ru", "region_code")}
                for h in found
                if h.get("region_code") == region_code
            ),
            key=lambda h: h["code"],
        )

    def region_report_rows(self, region_code: str, month: str | None = None) -> list[dict]:
        """Submitted monthly summaries of the region's houses: aggregates only, never personal rows."""
        return self.region_report_check(region_code, month)[0]

    def region_report_check(self, region_code: str, month: str | None = None) -> tuple[list[dict], list[str]]:
        """The region's submitted summaries that pass the summary schema, and the houses with a stored row (of the
        month) that fails it and none that passes: left out of every roll-up, shown as not submitted."""
        houses = self.region_houses(region_code)
        if not houses:
            return [], []
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(records.c.house_id, records.c.data).where(
                        records.c.table_name == REPORTS_TABLE,
                        records.c.house_id.in_(houses),
                        records.c.deleted == 0,
                    )
                )
                .mappings()
                .all()
            )
        out, invalid = [], set()
        for row in rows:
            try:
                data = json.loads(row["data"])
                if not isinstance(data, dict):
                    raise PayloadProblem("shape")
                if data.get("status") != "submitted" or (month and data.get("month") != month):
                    continue
                check_report_row(data, row["house_id"])
            except (PayloadProblem, ValueError, RecursionError):
                if month is None or _month_of(row["data"]) in (month, None):
                    invalid.add(row["house_id"])
                continue
            out.append(
                {
                    "house_id": row["house_id"],
                    "month": data["month"],
                    "version": data.get("version", 1),
                    "status": "submitted",
                    "payload": data.get("payload"),  # as stored (JSON text); it passed the check
                    "submitted_at": data.get("submitted_at"),
                }
            )
        valid = {r["house_id"] for r in out}
        return (
            sorted(out, key=lambda r: (r["month"], r["house_id"], r["version"])),
            sorted(invalid - valid if month else invalid),
        )

    def region_reports(self, who: Principal, month: str | None = None) -> tuple[list[dict], list[str]]:
        """The coordinator's region's valid submitted summaries and the houses whose stored one is not valid."""
        if who.role != "coordinator" or not who.region_code:
            raise AuthError("forbidden", 403)
        return self.region_report_check(who.region_code, month)

    def export_region_rollup(self, region_code: str, month: str, fmt: str, path, lang: str = "kk"):
        """The regional roll-up of `month` as a file (XLSX, PDF, CSV or HXL), from the submitted summaries."""
        from desktop.reports.export import export_rollup

        region = self._reference_row_by_code("regions", region_code)
        if region is None:
            raise ValueError(f"unknown region {region_code}")
        org = {
            "code": region_code,
            "name_kk": region.get("name_kk", ""),
            "name_ru": region.get("name_ru", ""),
            "region_code": region_code,
        }
        rows, invalid = self.region_report_check(region_code, month)
        result = export_rollup(
            rows, month, fmt, path, lang=lang, expected_houses=self.region_houses(region_code), org=org
        )
        result.invalid = invalid
        return result
