"""What every rendering of a summary shows, in which order and with which labels, in kk, ru or both.

The XLSX, PDF, CSV and the app's preview all take their rows from here, so they always agree. Labels are gettext
messages translated into the export's language (not the interface's): a Russian-speaking coordinator can export
a Kazakh report. Names of programmes, categories and items come from the summary itself (it carries them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypedDict

from desktop import headcount_labels as labels
from desktop import i18n
from desktop.formats import format_money, format_month, format_number
from desktop.i18n import N_
from desktop.periods import parse_month
from desktop.reports.summary import MonthlySummary

# Export language choices: one language, or both side by side (Kazakh first).
LANGUAGE_CHOICES = {"kk": ("kk",), "ru": ("ru",), "both": ("kk", "ru")}

# Value kinds: how a number is written and formatted.
COUNT, HOURS, MONEY, QUANTITY = "count", "hours", "money", "quantity"


def tr(lang: str, message: str) -> str:
    """`message` translated into `lang`, whatever the interface language is."""
    return i18n.gettext_in(lang, message)


def both(message: str) -> dict[str, str]:
    return {lang: tr(lang, message) for lang in ("kk", "ru")}


@dataclasses.dataclass
class Row:
    key: str
    label: dict[str, str]  # {"kk": …, "ru": …}
    values: tuple  # this month, last month, same month last year
    kind: str = COUNT
    level: int = 0  # 1 = a breakdown line under the row above


@dataclasses.dataclass
class Block:
    key: str
    title: dict[str, str]
    rows: list[Row]


@dataclasses.dataclass
class Table:
    """A breakdown table of this month (one sheet section, one PDF table)."""

    key: str
    title: dict[str, str]
    columns: list[tuple[dict[str, str], str]]  # (label, kind) of each value column
    rows: list[tuple[dict[str, str], list]]  # (label, values)
    row_heading: dict[str, str] | None = None  # heading of the label column (default: "Indicator")


def hours(minutes: float) -> float:
    return round((minutes or 0) / 60, 1)


def _get(figures: dict, path: str):
    value: Any = figures
    for part in path.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return value if isinstance(value, (int, float)) else 0


def _three(summary: MonthlySummary, path: str, convert=None) -> tuple:
    values = tuple(_get(f, path) for f in (summary.current, summary.previous, summary.year_ago))
    return tuple(convert(v) for v in values) if convert else values


def _codes(summary: MonthlySummary, path: str) -> list[str]:
    """Codes of a breakdown present in any of the three months, in the reference order of the names."""
    present: set[str] = set()
    for figures in (summary.current, summary.previous, summary.year_ago):
        node = figures
        for part in path.split("."):
            node = node.get(part, {})
        present.update(node)
    order = list(_names(summary, path))
    return sorted(present, key=lambda c: (order.index(c) if c in order else len(order), c))


_NAME_TABLE = {
    "events.by_kind": "kinds",
    "aid.by_programme": "programmes",
    "aid.by_category": "categories",
    "aid.items": "items",
    "donations.items": "items",
    "stock": "items",
}


def _names(summary: MonthlySummary, path: str) -> dict:
    return summary.names.get(_NAME_TABLE[path], {})


def code_label(summary: MonthlySummary, path: str, code: str, with_unit: bool = False) -> dict[str, str]:
    names = _names(summary, path).get(code)
    if not names:
        return {"kk": code, "ru": code}
    label = {"kk": names[0], "ru": names[1]}
    if with_unit and len(names) >= 4 and names[2]:
        label = {"kk": f"{names[0]}, {names[2]}", "ru": f"{names[1]}, {names[3]}"}
    return label


# ---- the summary table ------------------------------------------------------------------------------------------
def summary_blocks(summary: MonthlySummary) -> list[Block]:
    def row(key, message, path, kind=COUNT, level=0, convert=None):
        return Row(key, both(message), _three(summary, path, convert), kind, level)

    def breakdown(path, value_path, kind=COUNT, with_unit=False, prefix=""):
        rows = []
        for code in _codes(summary, path):
            full = f"{path}.{code}" + (f".{value_path}" if value_path else "")
            values = tuple(_get(f, full) for f in (summary.current, summary.previous, summary.year_ago))
            rows.append(Row(f"{prefix}{code}", code_label(summary, path, code, with_unit), values, kind, 1))
        return rows

    events = [
        row("events_held", N_("Events held"), "events.held"),
        *breakdown("events.by_kind", "", prefix="kind:"),
        row("events_cancelled", N_("Events cancelled"), "events.cancelled"),
        row("attendance", N_("Attendance, total"), "events.attendance.total"),
        row("attendance_women", N_("women"), "events.attendance.women", level=1),
        row("attendance_men", N_("men"), "events.attendance.men", level=1),
        row("attendance_children", labels.CHILDREN_ROW, "events.attendance.children", level=1),
        row("attendance_elderly", labels.ELDERLY_ROW, "events.attendance.elderly", level=1),
        row("performances", N_("Performances of creative groups"), "events.performances"),
        row("groups_performing", N_("Creative groups that performed"), "events.groups_performing"),
        row("associations_involved", N_("Associations taking part"), "events.associations_involved"),
    ]
    volunteers = [
        row("volunteers_active", N_("Volunteers active"), "volunteers.active"),
        row("volunteers_new", N_("New volunteers"), "volunteers.new"),
        row("volunteer_hours", N_("Hours given by volunteers"), "volunteers.minutes", HOURS, convert=hours),
    ]
    aid = [
        row("aid_entries", N_("Aid given (entries)"), "aid.entries"),
        row("people_reached", N_("People reached"), "aid.people"),
        row("reached_women", N_("women"), "aid.reached.women", level=1),
        row("reached_men", N_("men"), "aid.reached.men", level=1),
        row("reached_children", labels.CHILDREN_ROW, "aid.reached.children", level=1),
        row("reached_elderly", labels.ELDERLY_ROW, "aid.reached.elderly", level=1),
        row("reached_anonymous", N_("recorded anonymously"), "aid.anonymous", level=1),
        row("households_reached", N_("Households reached"), "aid.households"),
        Row("by_programme", both(N_("People reached by programme")), ("", "", ""), COUNT),
        *breakdown("aid.by_programme", "people", prefix="programme:"),
        Row("by_category", both(N_("People reached by recipient category")), ("", "", ""), COUNT),
        *breakdown("aid.by_category", "people", prefix="category:"),
        Row("items_given", both(N_("Items given")), ("", "", ""), QUANTITY),
        *breakdown("aid.items", "", QUANTITY, with_unit=True, prefix="given:"),
    ]
    donations = [
        row("donations", N_("Donations received"), "donations.count"),
        row("donations_value", N_("Estimated value of donations, ₸"), "donations.value_kzt", MONEY),
        Row("stock", both(N_("Stock at the end of the month")), ("", "", ""), QUANTITY),
        *breakdown("stock", "", QUANTITY, with_unit=True, prefix="stock:"),
    ]
    groups = [
        row("creative_groups", N_("Creative groups active"), "groups.creative_groups"),
        row("associations", N_("Ethnocultural associations"), "groups.associations"),
    ]
    return [
        Block("events", both(N_("Events")), events),
        Block("volunteers", both(N_("Volunteers")), volunteers),
        Block("aid", both(N_("Humanitarian aid")), aid),
        Block("donations", both(N_("Donations and stock")), donations),
        Block("groups", both(N_("Creative groups and associations")), groups),
    ]


# ---- breakdown tables of this month -----------------------------------------------------------------------------
def programme_table(summary: MonthlySummary) -> Table:
    columns = [
        (both(N_("Entries")), COUNT),
        (both(N_("People")), COUNT),
        (both(N_("Households")), COUNT),
        (both(N_("women")), COUNT),
        (both(N_("men")), COUNT),
        (both(labels.CHILDREN_COLUMN), COUNT),
        (both(labels.ELDERLY_COLUMN), COUNT),
        (both(N_("Quantity")), QUANTITY),
    ]
    rows = []
    for code, f in _ordered(summary, "aid.by_programme"):
        r = f.get("reached", {})
        rows.append(
            (
                code_label(summary, "aid.by_programme", code),
                [
                    f.get("entries", 0),
                    f.get("people", 0),
                    f.get("households", 0),
                    r.get("women", 0),
                    r.get("men", 0),
                    r.get("children", 0),
                    r.get("elderly", 0),
                    f.get("quantity", 0),
                ],
            )
        )
    return Table("by_programme", both(N_("Aid by programme")), columns, rows)


def category_table(summary: MonthlySummary) -> Table:
    columns = [
        (both(N_("Entries")), COUNT),
        (both(N_("People")), COUNT),
        (both(N_("Households")), COUNT),
        (both(N_("recorded anonymously")), COUNT),
    ]
    rows = [
        (
            code_label(summary, "aid.by_category", code),
            [f.get("entries", 0), f.get("people", 0), f.get("households", 0), f.get("anonymous", 0)],
        )
        for code, f in _ordered(summary, "aid.by_category")
    ]
    return Table("by_category", both(N_("Aid by recipient category")), columns, rows)


def kind_table(summary: MonthlySummary) -> Table:
    rows = [
        (code_label(summary, "events.by_kind", code), [n]) for code, n in _ordered(summary, "events.by_kind")
    ]
    return Table("by_kind", both(N_("Events held by kind")), [(both(N_("Events")), COUNT)], rows)


def items_table(summary: MonthlySummary) -> Table:
    given, received, stock = (
        summary.current["aid"]["items"],
        summary.current["donations"]["items"],
        summary.current["stock"],
    )
    codes = sorted(
        set(given) | set(received) | set(stock),
        key=lambda c: (
            list(summary.names.get("items", {})).index(c) if c in summary.names.get("items", {}) else 0
        ),
    )
    columns = [
        (both(N_("Received")), QUANTITY),
        (both(N_("Given")), QUANTITY),
        (both(N_("Stock at the end of the month")), QUANTITY),
    ]
    rows = [
        (
            code_label(summary, "stock", c, with_unit=True),
            [received.get(c, 0), given.get(c, 0), stock.get(c, 0)],
        )
        for c in codes
    ]
    return Table("items", both(N_("Items received, given and in stock")), columns, rows)


def series_table(summary: MonthlySummary) -> Table:
    columns = [
        (both(N_("Events held")), COUNT),
        (both(N_("Attendance, total")), COUNT),
        (both(N_("People reached")), COUNT),
        (both(N_("Households reached")), COUNT),
        (both(N_("Aid given (entries)")), COUNT),
        (both(N_("Hours given by volunteers")), HOURS),
        (both(N_("Estimated value of donations, ₸")), MONEY),
    ]
    rows = []
    for point in summary.series:
        label = {lang: format_month(parse_month(point["month"]), lang) for lang in ("kk", "ru")}
        rows.append(
            (
                label,
                [
                    point["events_held"],
                    point["attendance"],
                    point["people_reached"],
                    point["households_reached"],
                    point["aid_entries"],
                    hours(point["volunteer_minutes"]),
                    point["donations_value_kzt"],
                ],
            )
        )
    return Table("series", both(N_("The last 12 months")), columns, rows, row_heading=both(N_("Month")))


def _ordered(summary: MonthlySummary, path: str) -> list[tuple[str, Any]]:
    node = summary.current
    for part in path.split("."):
        node = node.get(part, {})
    order = list(_names(summary, path))
    return sorted(node.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


# ---- chart data -------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class ChartData:
    key: str
    title: dict[str, str]
    labels: list[dict[str, str]]
    series: list[tuple[dict[str, str], list[float]]]  # (series name, one value per label)


def charts(summary: MonthlySummary) -> list[ChartData]:
    """Bars of people reached by programme and by category, and a line of the last 12 months."""
    prog = _ordered(summary, "aid.by_programme")
    cats = _ordered(summary, "aid.by_category")
    months = [
        {lang: format_month(parse_month(p["month"]), lang) for lang in ("kk", "ru")} for p in summary.series
    ]
    return [
        ChartData(
            "by_programme",
            both(N_("People reached by programme")),
            [code_label(summary, "aid.by_programme", c) for c, _ in prog],
            [(both(N_("People reached")), [f.get("people", 0) for _, f in prog])],
        ),
        ChartData(
            "by_category",
            both(N_("People reached by recipient category")),
            [code_label(summary, "aid.by_category", c) for c, _ in cats],
            [(both(N_("People reached")), [f.get("people", 0) for _, f in cats])],
        ),
        ChartData(
            "series",
            both(N_("The last 12 months")),
            months,
            [
                (both(N_("People reached")), [p["people_reached"] for p in summary.series]),
                (both(N_("Attendance, total")), [p["attendance"] for p in summary.series]),
                (
                    both(N_("Hours given by volunteers")),
                    [hours(p["volunteer_minutes"]) for p in summary.series],
                ),
            ],
        ),
    ]


# ---- headings -----------------------------------------------------------------------------------------------------
def join(label: dict[str, str], langs: tuple[str, ...], sep: str = " / ") -> str:
    return sep.join(label[lang] for lang in langs)


def month_label(month: str) -> dict[str, str]:
    return {lang: format_month(parse_month(month), lang) for lang in ("kk", "ru")}


class Headings(TypedDict):
    """The headings of a summary, each label in kk and ru."""

    title: dict[str, str]
    org: dict[str, str]
    month: dict[str, str]
    indicator: dict[str, str]
    current: dict[str, str]
    previous: dict[str, str]
    year_ago: dict[str, str]
    generated: dict[str, str]
    no_personal: dict[str, str]
    houses: dict[str, str] | None  # None for one house (see houses_line)


def headings(summary: MonthlySummary) -> Headings:
    title = both(N_("Monthly summary"))
    if summary.partial:
        title = both(N_("Monthly summary (month not over yet)"))
    org = {"kk": summary.org.get("name_kk", ""), "ru": summary.org.get("name_ru", "")}
    generated = summary.generated_at[:10]
    try:
        generated_on = dt.date.fromisoformat(generated).strftime("%d.%m.%Y")
    except ValueError:
        generated_on = generated
    return {
        "title": title,
        "org": org,
        "month": month_label(summary.month),
        "indicator": both(N_("Indicator")),
        "current": month_label(summary.month),
        "previous": month_label(summary.previous_month),
        "year_ago": month_label(summary.year_ago_month),
        "generated": {
            lang: tr(lang, N_("Prepared on {date}")).format(date=generated_on) for lang in ("kk", "ru")
        },
        "no_personal": both(N_("Aggregate figures only: no names, IINs or phone numbers.")),
        "houses": houses_line(summary),
    }


def houses_line(summary: MonthlySummary) -> dict[str, str] | None:
    """For a roll-up: how many houses are in the sum and which have not submitted; None for one house."""
    if len(summary.houses) <= 1 and not summary.houses_missing:
        return None
    total = len(summary.houses) + len(summary.houses_missing)
    line = {}
    for lang in ("kk", "ru"):
        text = tr(lang, N_("Houses in the sum: {count} of {total}")).format(
            count=len(summary.houses), total=total
        )
        if summary.houses_missing:
            text += ". " + tr(lang, N_("Not submitted: {houses}")).format(
                houses=", ".join(summary.houses_missing)
            )
        line[lang] = text
    return line


def format_value(value, kind: str, lang: str) -> str:
    """A value as text for the PDF and the app (XLSX and CSV keep numbers as numbers)."""
    if value == "" or value is None:
        return ""
    if kind == MONEY:
        return format_money(value, lang)
    return format_number(value, lang)


class SignOff(TypedDict):
    """The block at the end of a printed summary where it is signed and stamped, each label in kk and ru."""

    signer: dict[str, str]
    full_name: dict[str, str]
    signature: dict[str, str]
    date: dict[str, str]
    stamp: dict[str, str]


def sign_off(summary: MonthlySummary) -> SignOff:
    """A house's summary is signed by the head of the house; a regional roll-up by the regional coordinator."""
    rollup = houses_line(summary) is not None
    return {
        "signer": both(N_("Regional coordinator") if rollup else N_("Head of the house of friendship")),
        # TRANSLATORS: the caption under the line where the signer writes their name.
        "full_name": both(N_("(full name)")),
        "signature": both(N_("(signature)")),
        "date": both(N_("(date)")),
        # TRANSLATORS: "locus sigilli", where the stamp goes on a signed paper: М.О. in Kazakh, М.П. in Russian.
        "stamp": both(N_("Place of the stamp")),
    }
