"""The figures of the monthly summary, counted in SQL over the months' date ranges (summary.py puts them together).

Events, volunteer time and donations are counted for every month of the summary at once, over a table of the months'
bounds; aid for the month, the month before and the same month a year earlier, by programme and category. Month
boundaries are those of Asia/Almaty. Only counts and sums come out of here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from desktop import clock
from desktop.event_facts import took_place_sql
from desktop.periods import ADULT_AGE, ELDERLY_AGE, month_dates, month_instants, parse_month, shift_month
from desktop.reports.stock_figures import as_number as _num


def _bounds(month: str, now: dt.datetime | None = None) -> dict:
    d0, d1 = month_dates(month)
    t0, t1 = month_instants(month)
    # A plain text range a day wider on each side keeps the index usable before the exact UTC comparison.
    wide0 = (parse_month(month) - dt.timedelta(days=1)).isoformat()
    wide1 = (parse_month(shift_month(month, 1)) + dt.timedelta(days=1)).isoformat()
    now_at = (now or clock.now()).isoformat(timespec="seconds")  # events that took place by then count
    return {"d0": d0, "d1": d1, "t0": t0, "t1": t1, "w0": wide0, "w1": wide1, "now": now_at}


# ---- figures of the months --------------------------------------------------------------------------------------
# Every figure is counted for all the months of a summary at once: `mo` is the table of the months' bounds
# (_months_table) and each query groups by its `month`. Events of a month that took place (held, or past and
# planned with attendance or volunteers' time recorded) are `held`.
_EVENTS_IN_MONTHS = f"""
    ev AS MATERIALIZED (
        SELECT mo.month, e.id, e.kind, e.attendance_mode, e.starts_at, e.deleted, e.status FROM mo
        JOIN events e ON e.starts_at >= mo.w0 AND e.starts_at < mo.w1
         AND datetime(e.starts_at) >= mo.t0 AND datetime(e.starts_at) < mo.t1
    ), held AS MATERIALIZED (SELECT * FROM ev e WHERE {took_place_sql()})
"""

# Age in whole years of a birth date `b` on day `d` (both YYYY-MM-DD text).
_AGE = (
    "(CAST(substr({d}, 1, 4) AS INTEGER) - CAST(substr({b}, 1, 4) AS INTEGER)"
    " - (substr({d}, 6, 5) < substr({b}, 6, 5)))"
)


def _months_table(months: list[str], now: dt.datetime | None) -> tuple[str, dict]:
    """`mo(month, d0, d1, w0, w1, t0, t1)`, the bounds of each month (_bounds) as a table for a WITH clause, and
    its parameters (with :now, the instant events count by)."""
    rows, params = [], {}
    now = now or clock.now()
    for k, month in enumerate(months):
        b = _bounds(month, now)
        rows.append(f"(:m{k}, :d0_{k}, :d1_{k}, :w0_{k}, :w1_{k}, :t0_{k}, :t1_{k})")
        params.update(
            {f"m{k}": month, **{f"{key}_{k}": b[key] for key in ("d0", "d1", "w0", "w1", "t0", "t1")}}
        )
        params["now"] = b["now"]
    return f"mo(month, d0, d1, w0, w1, t0, t1) AS (VALUES {', '.join(rows)})", params


def _zero_reached() -> dict:
    return {"total": 0, "women": 0, "men": 0, "children": 0, "elderly": 0}


_EVENT_FIGURES = f"""
    WITH {{months}}, {_EVENTS_IN_MONTHS}
    SELECT 'kind', month, kind, count(*), 0, 0, 0, 0 FROM held GROUP BY month, kind
    UNION ALL
    SELECT 'cancelled', month, NULL, count(*), 0, 0, 0, 0 FROM ev
    WHERE deleted = 0 AND status = 'cancelled' GROUP BY month
    UNION ALL
    SELECT 'attendance', ev.month, NULL, sum(a.total), sum(a.women), sum(a.men), sum(a.children), sum(a.elderly)
    FROM held ev JOIN event_attendance a ON a.event_id = ev.id AND a.deleted = 0 GROUP BY ev.month
    UNION ALL
    -- Events kept as a named list (and no headcount row) are counted from the list.
    SELECT 'attendance', ev.month, NULL, count(*), sum(p.sex = 'f'), sum(p.sex = 'm'),
           sum(p.birth_date IS NOT NULL AND {{age}} < {ADULT_AGE}),
           sum(p.birth_date IS NOT NULL AND {{age}} >= {ELDERLY_AGE})
    FROM held ev
    JOIN event_attendees x ON x.event_id = ev.id AND x.deleted = 0
    LEFT JOIN people p ON p.id = x.person_id AND p.deleted = 0
    WHERE NOT EXISTS (SELECT 1 FROM event_attendance a WHERE a.event_id = ev.id AND a.deleted = 0)
    GROUP BY ev.month
    UNION ALL
    SELECT 'groups', ev.month, NULL, count(*), count(DISTINCT g.group_id), 0, 0, 0 FROM held ev
    JOIN event_groups g ON g.event_id = ev.id AND g.deleted = 0 GROUP BY ev.month
    UNION ALL
    SELECT 'associations', ev.month, NULL, count(DISTINCT x.association_id), 0, 0, 0, 0 FROM held ev
    JOIN event_associations x ON x.event_id = ev.id AND x.deleted = 0 GROUP BY ev.month
    ORDER BY 1, 2, 3
""".replace("{age}", _AGE.format(d="substr(ev.starts_at, 1, 10)", b="p.birth_date"))


def _event_figures(conn: sqlite3.Connection, months: list[str], table: str, params: dict) -> dict[str, dict]:
    figures: dict[str, dict] = {
        m: {
            "held": 0,
            "cancelled": 0,
            "by_kind": {},
            "attendance": _zero_reached(),
            "performances": 0,
            "groups_performing": 0,
            "associations_involved": 0,
        }
        for m in months
    }
    for kind, month, key, *values in conn.execute(_EVENT_FIGURES.format(months=table), params):
        of_month: dict = figures[month]
        if kind == "kind":
            of_month["by_kind"][key] = values[0]
            of_month["held"] += values[0]
        elif kind == "cancelled":
            of_month["cancelled"] = values[0]
        elif kind == "attendance":
            attendance = of_month["attendance"]
            for name, value in zip(attendance, values):
                attendance[name] += value or 0
        elif kind == "groups":
            of_month["performances"], of_month["groups_performing"] = values[0], values[1]
        else:
            of_month["associations_involved"] = values[0]
    return figures


# Minutes per month and volunteer: shifts of the month, each reversal counted in the month of the shift it
# corrects; and time written on an event that took place, unless the volunteer also checked in for that event (no
# double count). The reversals (CROSS JOIN keeps them the outer loop) are read from their own index.
_VOLUNTEER_MINUTES = f"""
    WITH {{months}}, {_EVENTS_IN_MONTHS}
    SELECT month, volunteer_id, sum(minutes) FROM (
        SELECT mo.month, s.volunteer_id, coalesce(s.minutes, 0) AS minutes FROM mo
        JOIN volunteer_shifts s ON s.check_in >= mo.w0 AND s.check_in < mo.w1
         AND datetime(s.check_in) >= mo.t0 AND datetime(s.check_in) < mo.t1
        WHERE s.deleted = 0 AND s.reverses_id IS NULL
        UNION ALL
        SELECT mo.month, o.volunteer_id, coalesce(s.minutes, 0) FROM volunteer_shifts s
        CROSS JOIN volunteer_shifts o ON o.id = s.reverses_id
        CROSS JOIN mo ON o.check_in >= mo.w0 AND o.check_in < mo.w1
         AND datetime(o.check_in) >= mo.t0 AND datetime(o.check_in) < mo.t1
        WHERE s.deleted = 0 AND s.reverses_id IS NOT NULL
        UNION ALL
        SELECT ev.month, v.volunteer_id, v.minutes FROM held ev
        JOIN event_volunteers v ON v.event_id = ev.id AND v.deleted = 0
        WHERE NOT EXISTS (SELECT 1 FROM volunteer_shifts s WHERE s.deleted = 0 AND s.event_id = v.event_id
                          AND s.volunteer_id = v.volunteer_id))
    GROUP BY month, volunteer_id
"""
_NEW_VOLUNTEERS = """
    WITH {months}
    SELECT mo.month, count(*) FROM mo JOIN volunteers v ON v.since >= mo.d0 AND v.since < mo.d1
    WHERE v.deleted = 0 GROUP BY mo.month
"""


def _volunteer_figures(
    conn: sqlite3.Connection, months: list[str], table: str, params: dict
) -> dict[str, dict]:
    totals = {m: [0, 0] for m in months}  # minutes, active
    for month, _volunteer, minutes in conn.execute(_VOLUNTEER_MINUTES.format(months=table), params):
        totals[month][0] += minutes or 0
        totals[month][1] += (minutes or 0) > 0
    new = dict(conn.execute(_NEW_VOLUNTEERS.format(months=table), params).fetchall())
    return {
        m: {"active": active, "new": new.get(m, 0), "minutes": int(minutes)}
        for m, (minutes, active) in totals.items()
    }


# Aid figures are counted in SQL over the date range of the months asked for. A reversal (`reverses_id`) counts
# against the entry it corrects, in that entry's month; a fully reversed entry drops out. Only counts leave this
# module: a person key is used for counting distinct people and nothing else. Every query reads covering indexes
# (migration 8), not the wide rows.
#
# The entries given on a day of [:from, :until) that count, with their quantity net of their corrections dated from
# :start on (the quantity is summed only where {quantity} asks for it: the series needs none).
_AID_ENTRIES = """
    correction AS (
        SELECT r.reverses_id AS entry_id, total(l.quantity) AS quantity FROM aid_given r
        LEFT JOIN aid_lines l ON l.aid_id = r.id AND l.deleted = 0
        WHERE r.reverses_id > '' AND r.deleted = 0 AND r.given_on >= :start
        GROUP BY r.reverses_id
    ), entry AS (
        SELECT a.id, substr(a.given_on, 1, 7) AS month, a.programme, a.recipient_id, a.household_id,
               {quantity} AS quantity
        FROM aid_given a LEFT JOIN correction c ON c.entry_id = a.id
        WHERE a.deleted = 0 AND coalesce(a.reverses_id, '') = '' AND a.given_on >= :from AND a.given_on < :until
          AND (c.entry_id IS NULL OR {own} + c.quantity > 0)
    )
"""
_OWN_QUANTITY = "(SELECT total(l.quantity) FROM aid_lines l WHERE l.aid_id = a.id AND l.deleted = 0)"
# Who an entry reached: a recipient record stands for one person (an anonymous one has no person but is still one
# person); the household is the entry's or else the recipient's.
_PERSON = "CASE WHEN e.recipient_id <> '' THEN coalesce(nullif(r.person_id, ''), e.recipient_id) END"
_HOUSEHOLD = "coalesce(nullif(e.household_id, ''), nullif(r.household_id, ''))"

# The series: entries, people and households of each month.
_AID_TOTALS = f"""
    WITH {_AID_ENTRIES.format(quantity="0", own=_OWN_QUANTITY)}
    SELECT e.month, count(*), count(DISTINCT {_PERSON}), count(DISTINCT {_HOUSEHOLD}) FROM entry e
    LEFT JOIN recipients r ON r.id = e.recipient_id AND r.deleted = 0
    GROUP BY e.month
"""

# One month in full: its totals (kind 't'), by programme ('p') and by recipient category ('c'), with sex and age
# band (at the end of the month) of the people reached.
_AGE_AT_MONTH_END = _AGE.format(d=":until", b="p.birth_date")  # :until is the first day after the month
# Each group's figures are counted per person first (their entries and quantity, and whether any of their entries
# was to a woman, a man, a child, an elderly or an anonymous recipient), then summed; the households are counted
# apart (the row whose entries are NULL). {key} is what the group is, {source} the rows it is counted over.
_PER_PERSON = """
    SELECT {kind} AS kind, key, sum(entries), count(person), total(quantity), sum(women), sum(men), sum(children),
           sum(elderly), sum(anonymous), NULL
    FROM (SELECT {key} AS key, x.person, count(*) AS entries, total(x.quantity) AS quantity,
                 x.person IS NOT NULL AND max(x.sex = 'f') AS women, x.person IS NOT NULL AND max(x.sex = 'm') AS men,
                 x.person IS NOT NULL AND max(coalesce(x.band, '') = 'child') AS children,
                 x.person IS NOT NULL AND max(coalesce(x.band, '') = 'elderly') AS elderly,
                 x.person IS NOT NULL AND max(CASE WHEN x.anonymous THEN 1 ELSE 0 END) AS anonymous
          FROM {source} GROUP BY 1, 2)
    GROUP BY key
    UNION ALL
    SELECT {kind}, {key}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(DISTINCT x.household) FROM {source}
    GROUP BY 2
"""
_AID_MONTH = f"""
    WITH {_AID_ENTRIES.format(quantity=_OWN_QUANTITY + " + coalesce(c.quantity, 0)", own=_OWN_QUANTITY)},
    reach AS MATERIALIZED (
        SELECT e.programme, e.quantity, r.categories, {_PERSON} AS person, {_HOUSEHOLD} AS household,
               coalesce(nullif(r.sex, ''), p.sex, '') AS sex,
               CASE WHEN r.age_band <> '' THEN r.age_band
                    WHEN length(p.birth_date) >= 10 THEN
                        CASE WHEN {_AGE_AT_MONTH_END} < {ADULT_AGE} THEN 'child'
                             WHEN {_AGE_AT_MONTH_END} >= {ELDERLY_AGE} THEN 'elderly' ELSE 'adult' END
               END AS band,
               coalesce(r.anonymous, 0) AS anonymous
        FROM entry e
        LEFT JOIN recipients r ON r.id = e.recipient_id AND r.deleted = 0
        LEFT JOIN people p ON p.id = r.person_id AND p.deleted = 0
    )
    {_PER_PERSON.format(kind="'t'", key="''", source="reach x")}
    UNION ALL
    {_PER_PERSON.format(kind="'p'", key="x.programme", source="reach x")}
    UNION ALL
    {_PER_PERSON.format(kind="'c'", key="k.value", source="reach x JOIN json_each(nullif(x.categories, '')) k")}
"""

# Lines of the entries given on days of [:start, :until), per day and item. With the lines of the corrections
# (_AID_CORRECTION_LINES, per month of the correction, month of the entry it corrects and item) they are the stock
# that went out; the items of a month are its entries' lines and the lines of the corrections of its entries,
# which count in the corrected entry's month.
_AID_LINES = """
    SELECT a.given_on, l.item_id, total(l.quantity) FROM aid_given a
    JOIN aid_lines l ON l.aid_id = a.id AND l.deleted = 0
    WHERE a.deleted = 0 AND coalesce(a.reverses_id, '') = '' AND a.given_on >= :start AND a.given_on < :until
    GROUP BY a.given_on, l.item_id
"""
# (`+r.given_on` keeps the reversals read from their own index.)
_AID_CORRECTION_LINES = """
    SELECT substr(r.given_on, 1, 7), substr(o.given_on, 1, 7), l.item_id, total(l.quantity) FROM aid_given r
    JOIN aid_lines l ON l.aid_id = r.id AND l.deleted = 0
    LEFT JOIN aid_given o ON o.id = r.reverses_id AND o.deleted = 0 AND o.given_on >= :start
    WHERE r.reverses_id > '' AND r.deleted = 0 AND +r.given_on >= :start
    GROUP BY 1, 2, 3
"""


def _reach_figures(
    entries: int = 0,
    people: int = 0,
    households: int = 0,
    quantity: float = 0.0,
    reached: tuple[int, int, int, int] = (0, 0, 0, 0),  # women, men, children, elderly
    anonymous: int = 0,
) -> dict:
    """The figures of one group of aid entries."""
    women, men, children, elderly = reached
    return {
        "entries": entries,
        "people": people,
        "households": households,
        "quantity": _num(quantity),
        "reached": {"total": people, "women": women, "men": men, "children": children, "elderly": elderly},
        "anonymous": anonymous,
    }


def _aid_month_in_full(conn: sqlite3.Connection, start: str, month: str) -> dict:
    """The aid figures of one month with their breakdowns by programme and category (corrections count from
    `start` on)."""
    d0, d1 = month_dates(month)
    groups: dict[str, dict] = {"t": {}, "p": {}, "c": {}}
    households: dict[tuple, int] = {}
    for kind, key, entries, people, quantity, *reached, anonymous, in_households in conn.execute(
        _AID_MONTH, {"start": start, "from": d0, "until": d1}
    ):
        if entries is None:
            households[kind, key] = in_households
        else:
            groups[kind][key] = (entries, people, quantity, tuple(reached), anonymous)

    def figures(kind: str, key) -> dict:
        entries, people, quantity, reached, anonymous = groups[kind][key]
        return _reach_figures(entries, people, households[kind, key], quantity, reached, anonymous)

    result = figures("t", "") if "" in groups["t"] else _reach_figures()
    result["by_programme"] = {k: figures("p", k) for k in sorted(groups["p"])}
    result["by_category"] = {k: figures("c", k) for k in sorted(groups["c"])}
    return result


def _aid_figures_by_month(
    conn: sqlite3.Connection, months: list[str], detail_months: set[str] | None = None
) -> tuple[dict[str, dict], dict]:
    """Aid figures of each month of `months` (consecutive, oldest first), and the stock that went out in each of
    them by item.
    Breakdowns by programme and category (and quantity, sex, age band) are counted for `detail_months` only
    (default: all); the other months have their entries, people and households."""
    detail = set(months) if detail_months is None else detail_months
    start = month_dates(months[0])[0]
    result: dict[str, dict] = {}
    # Months of the series only: one query per run of consecutive months.
    runs: list[list[str]] = []
    for k, m in enumerate(months):
        if m not in detail:
            if k and months[k - 1] not in detail and runs:
                runs[-1].append(m)
            else:
                runs.append([m])
    for run in runs:
        span = {"start": start, "from": month_dates(run[0])[0], "until": month_dates(run[-1])[1]}
        found = {r[0]: r[1:] for r in conn.execute(_AID_TOTALS, span)}
        for m in run:
            entries, people, households = found.get(m, (0, 0, 0))
            result[m] = dict(_reach_figures(entries, people, households), by_programme={}, by_category={})
    for m in months:
        if m in detail:
            result[m] = _aid_month_in_full(conn, start, m)

    end = month_dates(months[-1])[1]
    until = end[:7]  # the month after the last one
    items: dict[str, dict[str, float]] = {m: {} for m in months}
    out: dict[str, dict[str, float]] = {}
    for day, item, quantity in conn.execute(_AID_LINES, {"start": start, "until": end}):
        month = day[:7]
        physical = out.setdefault(month, {})
        physical[item] = physical.get(item, 0) - quantity
        items[month][item] = items[month].get(item, 0) + quantity
    for month, corrected, item, quantity in conn.execute(_AID_CORRECTION_LINES, {"start": start}):
        if month < until:
            physical = out.setdefault(month, {})
            physical[item] = physical.get(item, 0) - quantity
        if corrected is not None and corrected < until:
            items[corrected][item] = items[corrected].get(item, 0) + quantity
    for m in months:
        result[m]["items"] = {k: _num(v) for k, v in sorted(items[m].items()) if abs(v) > 1e-9}
    return result, out


# Donation rows of each month: the month's entries, and each correction in the month of the entry it corrects
# (the corrections read first, from their own index).
_DONATION_ROWS = """
    g AS MATERIALIZED (
        SELECT mo.month, d.id AS entry_id, d.id AS row_id FROM mo
        JOIN donations d ON d.received_on >= mo.d0 AND d.received_on < mo.d1
        WHERE d.deleted = 0 AND d.reverses_id IS NULL
        UNION ALL
        SELECT mo.month, o.id, d.id FROM donations d
        CROSS JOIN donations o ON o.id = d.reverses_id AND o.deleted = 0
        CROSS JOIN mo ON o.received_on >= mo.d0 AND o.received_on < mo.d1
        WHERE d.deleted = 0 AND d.reverses_id IS NOT NULL
    )
"""
# A correction's value counts against the original whatever sign it was written with (the quantity tells). An entry
# counts unless corrections took all of it back.
_DONATION_FIGURES = f"""
    WITH {{months}}, {_DONATION_ROWS}
    SELECT 'count', month, NULL, count(*) FROM (
        SELECT g.month, g.entry_id, coalesce(sum(l.quantity), 0) AS quantity,
               sum(g.row_id <> g.entry_id) AS corrections
        FROM g LEFT JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0
        GROUP BY g.month, g.entry_id)
    WHERE corrections = 0 OR quantity > 0 GROUP BY month
    UNION ALL
    SELECT 'value', g.month, NULL,
           coalesce(sum(CASE WHEN l.quantity < 0 THEN -abs(coalesce(l.value_kzt, 0)) ELSE coalesce(l.value_kzt, 0) END), 0)
    FROM g JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0 GROUP BY g.month
    UNION ALL
    SELECT 'item', g.month, l.item_id, sum(l.quantity) FROM g
    JOIN donation_lines l ON l.donation_id = g.row_id AND l.deleted = 0
    GROUP BY g.month, l.item_id HAVING sum(l.quantity) <> 0
    ORDER BY 1, 2, 3
"""


def _donation_figures(
    conn: sqlite3.Connection, months: list[str], table: str, params: dict
) -> dict[str, dict]:
    figures: dict[str, dict] = {m: {"count": 0, "value_kzt": 0, "items": {}} for m in months}
    for kind, month, item, value in conn.execute(_DONATION_FIGURES.format(months=table), params):
        if kind == "count":
            figures[month]["count"] = value
        elif kind == "value":
            figures[month]["value_kzt"] = _num(value)
        else:
            figures[month]["items"][item] = _num(value)
    return figures


def _registry_figures(conn: sqlite3.Connection) -> dict:
    groups = conn.execute(
        "SELECT count(*) FROM creative_groups WHERE deleted = 0 AND status = 'active'"
    ).fetchone()[0]
    associations = conn.execute("SELECT count(*) FROM associations WHERE deleted = 0").fetchone()[0]
    return {"creative_groups": groups, "associations": associations}
