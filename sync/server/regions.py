"""What a coordinator sees: a region's houses and their submitted monthly summaries, and the roll-up file; for a
national coordinator, every region's, summed per region and for the country.

Only aggregates leave a house this way, never personal rows.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from desktop.reports.payload_check import PayloadProblem
from sync.server.db import StoreBase
from sync.server.identity import NATIONAL_ROLE, AuthError, Principal
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
        return self._report_check(self.region_houses(region_code), month)

    def _report_check(
        self, houses: list[str], month: str | None, parsed: bool = False
    ) -> tuple[list[dict], list[str]]:
        """The valid submitted summaries of `houses` (of `month`, or every month) and the houses whose stored one
        fails the summary schema. `parsed`: each payload as the dict the check read (else the stored JSON text)."""
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
                payload = check_report_row(data, row["house_id"])
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
                    # As stored (JSON text; it passed the check), or as the check read it.
                    "payload": payload if parsed else data.get("payload"),
                    "submitted_at": data.get("submitted_at"),
                }
            )
        valid = {r["house_id"] for r in out}
        return (
            sorted(out, key=lambda r: (r["month"], r["house_id"], r["version"])),
            sorted(invalid - valid if month else invalid),
        )

    def house_rows(self) -> list[dict]:
        """Every registered house (code, names, region): the national coordinator's list of who should report."""
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
            ({k: h.get(k) for k in ("code", "name_kk", "name_ru", "region_code")} for h in found),
            key=lambda h: h["code"],
        )

    def region_rows(self) -> list[dict]:
        """The regions of the reference (code, names)."""
        with self.engine.connect() as conn:
            found = [
                json.loads(r.data) | {"code": r.id}
                for r in conn.execute(
                    sa.select(records.c.id, records.c.data).where(
                        records.c.table_name == "regions", records.c.deleted == 0
                    )
                )
            ]
        return sorted(
            ({k: h.get(k) for k in ("code", "name_kk", "name_ru")} for h in found), key=lambda h: h["code"]
        )

    def national_report_check(
        self, month: str | None = None, parsed: bool = False
    ) -> tuple[list[dict], list[str]]:
        """Every house's valid submitted summaries and the houses whose stored one is not valid."""
        return self._report_check([h["code"] for h in self.house_rows()], month, parsed)

    def national_reports(self, who: Principal, month: str | None = None) -> tuple[list[dict], list[str]]:
        """For a national coordinator token only: every region's submitted summaries (aggregates only)."""
        if who.role != NATIONAL_ROLE:
            raise AuthError("forbidden", 403)
        return self.national_report_check(month)

    def national_rollup(self, month: str):
        """The national roll-up of `month` (desktop.reports.national.NationalRollup) from the stored summaries."""
        from desktop.reports.national import national_rollup

        rows, invalid = self.national_report_check(month, parsed=True)
        regions = {r["code"]: r for r in self.region_rows()}
        return national_rollup(rows, month, self.house_rows(), regions, invalid)

    def export_national_rollup(self, month: str, fmt: str, path, lang: str = "kk"):
        """The national roll-up of `month` as a file with its region level; returns the NationalRollup."""
        from desktop.reports.export import export_national

        national = self.national_rollup(month)
        export_national(national, fmt, path, lang)
        return national

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
