"""Stock on hand per aid point and item (donations − aid given ± adjustments), kept up to date from the ledgers
with a per-connection cache, and stock-takes."""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop import text
from desktop.aid._common import _raise_all, _today, parse_date
from desktop.aid.catalogue import (
    _catalogue_item,
    _check_point,
    item_label,
    list_aid_points,
    list_items,
    point_label,
    unit_names,
)
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.roles import requires
from desktop.store import Store


@dataclass
class StockRow:
    aid_point_id: str
    point_name: str
    item_id: str
    item_name: str
    unit: str
    item_group: str
    donated: float
    given: float
    adjusted: float

    @property
    def on_hand(self) -> float:
        return self.donated - self.given + self.adjusted

    @property
    def negative(self) -> bool:
        return self.on_hand < -1e-9


# Ledger rows are never changed, only appended, so per-connection sums can be brought up to date by reading only
# the rows added since (rowid above the last one seen). A row count that does not add up (a row replaced, a line
# that arrived before its header) falls back to a full recount.
_SUM_SOURCES = {
    "donated": ("donation_lines", "donations", "donation_id"),
    "given": ("aid_lines", "aid_given", "aid_id"),
}
_stock_cache: weakref.WeakKeyDictionary[Store, dict] = weakref.WeakKeyDictionary()


def _ledger_sums(store: Store) -> dict[tuple[str, str], dict[str, float]]:
    cache = _stock_cache.get(store)
    if cache is None or cache["path"] != store.path:
        cache = {"path": store.path, "sums": {}, "seen": {}}
        _stock_cache[store] = cache
    # Rows written inside an open transaction may still be rolled back (and their rowids reused): count them in
    # this answer but keep them out of the cache.
    keep = not store.in_transaction
    work = (
        cache
        if keep
        else {"sums": {k: dict(v) for k, v in cache["sums"].items()}, "seen": dict(cache["seen"])}
    )
    for kind, (lines, header, link) in _SUM_SOURCES.items():
        last, count = work["seen"].get(kind, (0, 0))
        rows = store.conn.execute(
            f"SELECT l.rowid, h.aid_point_id, l.item_id, l.quantity, h.id IS NULL, l.deleted + coalesce(h.deleted, 0) "
            f"FROM {lines} l LEFT JOIN {header} h ON h.id = l.{link} WHERE l.rowid > ? ORDER BY l.rowid",
            (last,),
        ).fetchall()
        # The row count is checked when the cache is kept; inside a write transaction the cache was brought up to
        # date just before (the caller holds the write lock), so only the entry's own new lines are read.
        now_count = store.scalar(f"SELECT count(*) FROM {lines}") if keep else count + len(rows)
        if count + len(rows) != now_count or any(r[4] for r in rows):
            return _full_sums(store, cache if keep else {"sums": {}, "seen": {}}, keep=keep)
        for rowid, point, item, quantity, _orphan, deleted in rows:
            if not deleted:
                bucket = work["sums"].setdefault(
                    (point or "", item), {"donated": 0.0, "given": 0.0, "adjusted": 0.0}
                )
                bucket[kind] += quantity
            last = rowid
        work["seen"][kind] = (last, now_count)
    # Adjustments carry the point on the row itself and are few: they are summed afresh.
    return _with_adjustments(store, work["sums"])


def _full_sums(store: Store, cache: dict, *, keep: bool = True) -> dict:
    cache["sums"], cache["seen"] = {}, {}
    complete = True
    for kind, (lines, header, link) in _SUM_SOURCES.items():
        last = store.scalar(f"SELECT max(rowid) FROM {lines}") or 0
        count = store.scalar(f"SELECT count(*) FROM {lines} WHERE rowid <= ?", (last,))
        joined = 0
        for point, item, quantity, lines_count in store.conn.execute(
            f"SELECT h.aid_point_id, l.item_id, "
            f"sum(CASE WHEN l.deleted = 0 AND h.deleted = 0 THEN l.quantity ELSE 0 END), count(*) "
            f"FROM {lines} l JOIN {header} h ON h.id = l.{link} WHERE l.rowid <= ? "
            f"GROUP BY h.aid_point_id, l.item_id",
            (last,),
        ):
            joined += lines_count
            bucket = cache["sums"].setdefault(
                (point or "", item), {"donated": 0.0, "given": 0.0, "adjusted": 0.0}
            )
            bucket[kind] += quantity
        # A line whose header has not arrived yet (sync pages) is missing from the join: recount next time, so it
        # is counted once the header is there.
        complete = complete and joined == count
        cache["seen"][kind] = (last, count)
    sums = cache["sums"]
    if keep and not complete:
        _stock_cache.pop(store, None)
    return _with_adjustments(store, sums)


def _with_adjustments(store: Store, sums: dict) -> dict:
    result = {key: dict(v, adjusted=0.0) for key, v in sums.items()}
    for row in store.rows(
        "SELECT aid_point_id, item_id, sum(quantity) AS q FROM stock_adjustments "
        "WHERE deleted = 0 GROUP BY aid_point_id, item_id"
    ):
        key = (row["aid_point_id"] or "", row["item_id"])
        result.setdefault(key, {"donated": 0.0, "given": 0.0, "adjusted": 0.0})["adjusted"] = row["q"]
    return result


@requires("aid.give")
def stock_on_hand(
    store: Store, aid_point_id: str | None = None, *, all_items: bool = False
) -> list[StockRow]:
    """Stock per point and item = donations − aid given ± adjustments. Negative stock is reported as is.
    With `all_items`, catalogue items with no movement at a point are listed with zero."""
    sums = _ledger_sums(store)
    points = {p["id"]: point_label(p) for p in list_aid_points(store, include_inactive=True)}
    items = {i["id"]: i for i in list_items(store, include_inactive=True)}
    units = unit_names(store)
    keys = set(sums)
    if all_items:
        keys |= {(p, i) for p in points for i, row in items.items() if row["active"]}
    result = []
    for point_id, item_id in keys:
        if aid_point_id and point_id != aid_point_id:
            continue
        item = (
            items.get(item_id)
            or store.get("aid_items", item_id)
            or {"name_kk": item_id, "unit": "", "item_group": ""}
        )
        s = sums.get((point_id, item_id), {"donated": 0.0, "given": 0.0, "adjusted": 0.0})
        result.append(
            StockRow(
                point_id,
                points.get(point_id, ""),
                item_id,
                item_label(item),
                units.get(item["unit"], item["unit"]),
                item["item_group"],
                s["donated"],
                s["given"],
                s["adjusted"],
            )
        )
    result.sort(key=lambda r: (text.sort_key(r.point_name), text.sort_key(r.item_name)))
    return result


def _refresh_stock_cache(store: Store) -> None:
    """Brings the cached sums up to date before a write transaction, so the checks inside it only read the
    entry's own new lines."""
    if not store.in_transaction:
        _ledger_sums(store)


@requires("aid.give")
def stock_of(store: Store, aid_point_id: str, item_id: str) -> float:
    """On hand of one item at one point (sees the caller's uncommitted writes inside a transaction)."""
    sums = _ledger_sums(store).get((aid_point_id or "", item_id))
    return sums["donated"] - sums["given"] + sums["adjusted"] if sums else 0.0


@requires("records.write")
def record_stock_take(
    store: Store,
    aid_point_id: str,
    item_id: str,
    counted: Any,
    reason: str,
    *,
    adjusted_on: Any = None,
    adjusted_by: str = "",
    today: dt.date | None = None,
    **_task,
) -> str | None:
    """A stock-take: the counted quantity replaces the computed one through an adjustment entry with a reason.
    Returns the adjustment id, or None when the count matches the books."""
    errors: list[ValidationError] = []
    on = None
    try:
        on = parse_date(adjusted_on or _today(today), "adjusted_on", today=today)
    except ValidationError as exc:
        errors.append(exc)
    try:
        _check_point(store, aid_point_id)
    except ValidationError as exc:
        errors.append(exc)
    if _catalogue_item(store, item_id) is None:
        errors.append(ValidationError("item_id", N_("{field}: the item is not in the catalogue.")))
    count = None
    raw = str(counted if counted is not None else "").strip().replace(",", ".")
    try:
        count = float(raw)
        if count < 0 or not math.isfinite(count):
            raise ValueError
    except ValueError:
        errors.append(ValidationError("counted", N_("{field}: enter the counted quantity (zero or more).")))
    reason = text.normalize(reason)
    if not reason:
        errors.append(ValidationError("reason", N_("{field}: this field is required.")))
    _raise_all(errors)
    assert on is not None and count is not None  # parsed, or _raise_all raised
    with store.transaction():
        delta = count - stock_of(store, aid_point_id, item_id)
        if abs(delta) < 1e-9:
            return None
        return store.insert(
            "stock_adjustments",
            {
                "adjusted_on": on.isoformat(),
                "aid_point_id": aid_point_id,
                "item_id": item_id,
                "quantity": delta,
                "adjusted_by": text.normalize(adjusted_by),
                "reason": reason,
            },
        )


def _on_hand(store: Store, point_id: str, item_ids: Iterable[str]) -> dict[str, float]:
    """On hand of these items at one point, seeing the caller's uncommitted writes (no permission check: for the
    core's own checks inside an operation that made it)."""
    sums = _ledger_sums(store)
    result = {}
    for item_id in item_ids:
        s = sums.get((point_id or "", item_id))
        result[item_id] = s["donated"] - s["given"] + s["adjusted"] if s else 0.0
    return result


def _negative_after(store: Store, point_id: str, item_ids: Iterable[str]) -> list[tuple[dict, float]]:
    """(item row, on hand) of each of these items whose stock at the point is below zero."""
    sums = _ledger_sums(store)
    negative = []
    for item_id in dict.fromkeys(item_ids):
        s = sums.get((point_id or "", item_id))
        on_hand = s["donated"] - s["given"] + s["adjusted"] if s else 0.0
        if on_hand < -1e-9:
            row = store.get("aid_items", item_id) or {}
            negative.append(({"name_kk": row.get("name_kk"), "name_ru": row.get("name_ru")}, on_hand))
    return negative
