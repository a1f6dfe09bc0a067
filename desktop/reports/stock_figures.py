"""Stock movements of the monthly summary: what was received, given and adjusted per month and item, and the
stock on hand at the end of a month (desktop/reports/summary.py)."""

from __future__ import annotations

import sqlite3
from typing import Any

# What went out as aid, per day and item (the days are summed into months here: grouping by the day the index of
# the entries is ordered by costs less than by a month computed from it).
_AID_OUT = """
    SELECT a.given_on, l.item_id, total(l.quantity) FROM aid_given a
    JOIN aid_lines l ON l.aid_id = a.id AND l.deleted = 0
    WHERE a.deleted = 0 AND a.given_on >= :since AND a.given_on < :until
    GROUP BY a.given_on, l.item_id
"""


def stock_by_month(
    conn: sqlite3.Connection, until: str, *, since: str = "", aid_out: dict | None = None
) -> dict[str, dict[str, float]]:
    """Net stock movement per month and item on days in [since, until): received, given, adjusted. `aid_out`, when
    given, is what went out from `since` on (already counted by _aid_figures_by_month)."""
    movements: dict[str, dict[str, float]] = {}
    for month, item, qty in conn.execute(
        """SELECT substr(day, 1, 7), item_id, sum(q) FROM (
               SELECT d.received_on AS day, l.item_id, l.quantity AS q FROM donation_lines l
               JOIN donations d ON d.id = l.donation_id AND d.deleted = 0
               WHERE l.deleted = 0 AND d.received_on >= :since
               UNION ALL
               SELECT adjusted_on, item_id, quantity FROM stock_adjustments WHERE deleted = 0 AND adjusted_on >= :since)
           WHERE day < :until GROUP BY 1, 2""",
        {"since": since, "until": until},
    ):
        movements.setdefault(month, {})[item] = qty or 0
    if aid_out is None:
        for day, item, qty in conn.execute(_AID_OUT, {"since": since, "until": until}):
            target = movements.setdefault(day[:7], {})
            target[item] = target.get(item, 0) - qty
    for month, items in (aid_out or {}).items():
        if month < until[:7]:
            target = movements.setdefault(month, {})
            for item, qty in items.items():
                target[item] = target.get(item, 0) + qty
    return movements


def stock_at_end(movements: dict[str, dict[str, float]], month: str) -> dict[str, float]:
    stock: dict[str, float] = {}
    for m, items in movements.items():
        if m <= month:
            for item, qty in items.items():
                stock[item] = stock.get(item, 0) + qty
    return {item: as_number(qty) for item, qty in sorted(stock.items()) if abs(qty) > 1e-9}


def as_number(value: Any) -> int | float:
    """Whole numbers as int (so JSON and spreadsheets show 12, not 12.0)."""
    value = value or 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 3) if isinstance(value, float) else value
