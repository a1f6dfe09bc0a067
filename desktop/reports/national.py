"""The national roll-up: every region's houses summed per region, and the regions summed for the country.

Pure, like rollup.py: it takes `monthly_reports` rows (plain dicts, any versions, any houses), the houses the
server has registered (code, names, region) and the regions' names, and returns one MonthlySummary per house that
submitted, per region and for Kazakhstan, in the order every rendering shows them: each region (its subtotal)
followed by its houses, the national total last. Aggregates only: the summaries carry no personal data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from desktop.i18n import N_
from desktop.reports import layout
from desktop.reports.layout import COUNT, HOURS, MONEY, both
from desktop.reports.rollup import Rollup, latest_versions, rollup
from desktop.reports.summary import MonthlySummary

NATIONAL_CODE = "KZ"
NATIONAL, REGION, HOUSE = "national", "region", "house"

# The figures of the region-and-house table (XLSX sheet, PDF page, the server's printout, the app's table):
# (key of the summary row in layout.summary_blocks, label, kind). CSV and HXL carry every figure.
HEADLINE: list[tuple[str, str, str]] = [
    ("events_held", N_("Events held"), COUNT),
    ("attendance", N_("Attendance, total"), COUNT),
    ("performances", N_("Performances of creative groups"), COUNT),
    ("volunteers_active", N_("Volunteers active"), COUNT),
    ("volunteer_hours", N_("Hours given by volunteers"), HOURS),
    ("aid_entries", N_("Aid given (entries)"), COUNT),
    ("people_reached", N_("People reached"), COUNT),
    ("households_reached", N_("Households reached"), COUNT),
    ("donations", N_("Donations received"), COUNT),
    ("donations_value", N_("Estimated value of donations, ₸"), MONEY),
]


@dataclasses.dataclass
class Line:
    """One line of the national roll-up: a house, a region's subtotal or the national total."""

    level: str  # NATIONAL, REGION or HOUSE
    code: str  # the house's or region's code; "KZ" for the country
    names: dict[str, str]  # {"kk": …, "ru": …}
    region_code: str  # the region of a house or a region; "" for the country
    summary: MonthlySummary | None  # None: a house that has not submitted
    submitted: int = 0  # houses in the sum (1 or 0 for a house)
    expected: int = 0  # houses registered (1 for a house)

    @property
    def label(self) -> dict[str, str]:
        return {lg: self.names.get(lg) or self.code for lg in ("kk", "ru")}


@dataclasses.dataclass
class NationalRollup:
    month: str
    total: Rollup  # Kazakhstan: the sum of every region
    lines: list[Line]  # each region, then its houses; the national total last
    invalid: list[str] = dataclasses.field(
        default_factory=list
    )  # houses whose stored summary failed the check

    @property
    def summary(self) -> MonthlySummary:
        return self.total.summary

    @property
    def regions(self) -> list[Line]:
        return [line for line in self.lines if line.level == REGION]

    def houses_of(self, region_code: str) -> list[Line]:
        return [line for line in self.lines if line.level == HOUSE and line.region_code == region_code]

    @property
    def missing(self) -> list[str]:
        return [line.code for line in self.lines if line.level == HOUSE and line.summary is None]


def national_org() -> dict:
    """The heading of the national summary: Kazakhstan, in kk and ru."""
    names = both(N_("Kazakhstan"))
    return {"code": NATIONAL_CODE, "name_kk": names["kk"], "name_ru": names["ru"], "region_code": ""}


def national_rollup(
    report_rows: Iterable[dict],
    month: str,
    houses: Iterable[dict],
    regions: dict[str, dict],
    invalid: Iterable[str] = (),
) -> NationalRollup:
    """The month's national roll-up. `houses`: {code, name_kk, name_ru, region_code} of every registered house;
    `regions`: region code → {name_kk, name_ru}. A house that submitted but is not in `houses` counts in the region
    its summary names. Regions without houses are left out."""
    payloads = {
        p["houses"][0]: p for p in latest_versions(report_rows) if p.get("month") == month and p.get("houses")
    }
    known = {h["code"]: dict(h) for h in houses if h.get("code")}
    for code, payload in payloads.items():
        if code not in known:
            org = payload.get("org") or {}
            known[code] = {
                "code": code,
                "name_kk": org.get("name_kk") or code,
                "name_ru": org.get("name_ru") or code,
                "region_code": org.get("region_code") or "",
            }
    by_region: dict[str, list[dict]] = {}
    for house in sorted(known.values(), key=lambda h: h["code"]):
        by_region.setdefault(house.get("region_code") or "", []).append(house)
    lines: list[Line] = []
    for region_code in sorted(by_region, key=lambda c: (c == "", c)):
        members = by_region[region_code]
        names = regions.get(region_code) or {}
        region_names = {
            "kk": names.get("name_kk") or region_code or layout.tr("kk", N_("No region")),
            "ru": names.get("name_ru") or region_code or layout.tr("ru", N_("No region")),
        }
        region_sum = rollup(
            [payloads[h["code"]] for h in members if h["code"] in payloads],
            month,
            expected_houses=[h["code"] for h in members],
            org={
                "code": region_code,
                "name_kk": region_names["kk"],
                "name_ru": region_names["ru"],
                "region_code": region_code,
            },
        )
        lines.append(
            Line(
                REGION,
                region_code,
                region_names,
                region_code,
                region_sum.summary,
                len(region_sum.submitted),
                len(members),
            )
        )
        for house in members:
            submitted = payloads.get(house["code"])
            summary = None
            if submitted is not None:
                org = {
                    "code": house["code"],
                    "name_kk": house.get("name_kk") or house["code"],
                    "name_ru": house.get("name_ru") or house["code"],
                    "region_code": region_code,
                }
                summary = rollup([submitted], month, org=org).summary
            lines.append(
                Line(
                    HOUSE,
                    house["code"],
                    {"kk": house.get("name_kk") or "", "ru": house.get("name_ru") or ""},
                    region_code,
                    summary,
                    int(submitted is not None),
                    1,
                )
            )
    # The country is the sum of the regions' sums (each house counted once, through its region).
    total = rollup(
        [_as_payload(line.summary) for line in lines if line.level == REGION and line.summary is not None],
        month,
        expected_houses=list(known),
        org=national_org(),
    )
    lines.append(
        Line(
            NATIONAL,
            NATIONAL_CODE,
            both(N_("Kazakhstan, total")),
            "",
            total.summary,
            len(total.submitted),
            len(known),
        )
    )
    total.invalid = sorted(set(invalid))
    return NationalRollup(month, total, lines, total.invalid)


def _as_payload(summary: MonthlySummary) -> dict:
    """A region's sum in the shape of a submitted payload, to be summed again."""
    return {
        "month": summary.month,
        "houses": list(summary.houses),
        "current": summary.current,
        "previous": summary.previous,
        "year_ago": summary.year_ago,
        "series": summary.series,
        "names": summary.names,
        "partial": summary.partial,
        "generated_at": summary.generated_at,
    }


def headline_values(summary: MonthlySummary | None) -> list:
    """This month's HEADLINE figures of a summary (blank for a house that has not submitted)."""
    if summary is None:
        return ["" for _key, _label, _kind in HEADLINE]
    found = {
        row.key: row.values[0]
        for block in layout.summary_blocks(summary)
        for row in block.rows
        if row.level == 0 and row.values != ("", "", "")
    }
    return [found.get(key, 0) for key, _label, _kind in HEADLINE]


def headline_labels() -> list[tuple[dict[str, str], str]]:
    """(label in kk and ru, kind) of each HEADLINE figure."""
    return [(both(label), kind) for _key, label, kind in HEADLINE]


def level_label(level: str) -> dict[str, str]:
    return both({NATIONAL: N_("Country"), REGION: N_("Region"), HOUSE: N_("House")}[level])


def status_label(line: Line) -> dict[str, str]:
    """ "3 of 4 houses submitted" for a region or the country; "submitted" / "not submitted yet" for a house."""
    if line.level == HOUSE:
        return both(N_("Submitted") if line.summary is not None else N_("Not submitted yet"))
    return {
        lg: layout.tr(lg, N_("{submitted} of {total}")).format(submitted=line.submitted, total=line.expected)
        for lg in ("kk", "ru")
    }
