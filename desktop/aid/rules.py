"""The double-aid guard's arithmetic: which period a programme rule covers on a given day, and whether earlier
aid in that period already uses up the rule's allowance. Pure functions; desktop/aid/guard.py feeds them rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from desktop import periods
from desktop.i18n import N_

SCOPES = ("person", "household")
PERIODS = ("month", "school_year", "year", "days")

SCOPE_LABELS = {"person": N_("per person"), "household": N_("per household")}
PERIOD_LABELS = {
    "month": N_("calendar month"),
    "school_year": N_("school year (from 1 September)"),
    "year": N_("calendar year"),
    "days": N_("{days} days"),
}


@dataclass(frozen=True)
class Rule:
    id: str
    programme: str
    scope: str = "person"
    period: str = "month"
    period_days: int | None = None
    max_count: int = 1

    @classmethod
    def from_row(cls, row: dict) -> Rule:
        return cls(
            row["id"],
            row["programme"],
            row["scope"] or "person",
            row["period"] or "month",
            row.get("period_days"),
            int(row.get("max_count") or 1),
        )


def period_window(rule: Rule, on: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the period of `rule` that contains `on`.

    For `days` the window is every day less than N days away from `on`, either side: a back-dated entry must not
    slip in just before aid that was already given."""
    if rule.period == "month":
        start, end = periods.month_range(on)
    elif rule.period == "school_year":
        start, end = periods.school_year_range(on)
    elif rule.period == "year":
        start, end = periods.year_range(on)
    elif rule.period == "days":
        days = max(1, int(rule.period_days or 1))
        start, end = on - dt.timedelta(days=days - 1), on + dt.timedelta(days=days)
    else:
        raise ValueError(f"unknown period {rule.period!r}")
    return start, end


def in_window(rule: Rule, on: dt.date, other: dt.date) -> bool:
    start, end = period_window(rule, on)
    return start <= other < end


@dataclass(frozen=True)
class EarlierAid:
    """An earlier, still effective aid entry that counts against a rule."""

    aid_id: str
    number: str | None
    given_on: dt.date
    aid_point: str
    given_by: str
    recipient_id: str | None


@dataclass(frozen=True)
class Breach:
    rule: Rule
    window: tuple[dt.date, dt.date]
    earlier: tuple[EarlierAid, ...]


def find_breaches(rules: Iterable[Rule], on: dt.date, history: dict[str, list[EarlierAid]]) -> list[Breach]:
    """`history` maps a scope ('person'/'household') to the effective earlier entries of this programme for the
    recipient (or their household). A rule is breached when the period already holds max_count entries."""
    breaches = []
    for rule in rules:
        earlier = [e for e in history.get(rule.scope, []) if in_window(rule, on, e.given_on)]
        if len(earlier) >= rule.max_count:
            earlier.sort(key=lambda e: (e.given_on, e.number or ""))
            breaches.append(Breach(rule, period_window(rule, on), tuple(earlier)))
    return breaches
