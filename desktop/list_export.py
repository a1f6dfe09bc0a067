"""Every list out to XLSX or CSV, as the user sees it: the list's current filter and sort, every row (not only the
loaded page), headers in the interface language, and IIN and phone masked for a role without people.view.

Rows are read through the same query functions the screens use (volunteers.register_page, events.list_events,
aid.list_recipients, …), a page at a time, so an export never has SQL of its own. Files are written through
desktop/spreadsheet.py (formula-safe): XLSX with typed cells (dates as dates, numbers and tenge as numbers), CSV
in UTF-8 with a BOM, `;` by default (what Excel expects on Kazakh and Russian Windows, with decimal commas), dates
and tenge as the interface prints them. The file is written beside the target and moved into place, so a failed
export leaves nothing half-written. The export itself needs the `exports` permission and leaves an audit entry
(`list_export`: which list, format, language, how many rows and the file; never a row's contents).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import aid, events, groups, people, text, volunteers
from desktop.errors import DostyqError
from desktop.formats import format_money, format_short_date
from desktop.i18n import N_, current_language, gettext_in
from desktop.phone import format_phone
from desktop.roles import actor_of, mask_digits, requires
from desktop.spreadsheet import csv_writer, workbook

FORMATS = ("xlsx", "csv")
DEFAULT_DELIMITER = ";"  # what Excel set to Kazakh or Russian expects; "," is offered beside it
BATCH = 1000

# What a cell holds: text; a date (XLSX date cell, dd.MM.yyyy in CSV); a number; tenge (a number in XLSX with
# the ₸ format, the interface's money text in CSV); personal digits (IIN, phone), masked without people.view.
TEXT, DATE, NUMBER, MONEY, PERSONAL = "text", "date", "number", "money", "personal"


@dataclass(frozen=True)
class Names:
    """What a cell needs besides its row: the language and the reference names the list's screen shows."""

    lang: str
    refs: dict[str, dict[str, str]]

    def of(self, table: str, code: str | None) -> str:
        return self.refs.get(table, {}).get(code or "", code or "")


@dataclass(frozen=True)
class Column:
    header: str  # N_ message, the same as the screen's column
    value: Callable[[dict, Names], Any]
    kind: str = TEXT


@dataclass(frozen=True)
class ListSpec:
    title: str  # N_ message: the sheet's name
    columns: tuple[Column, ...]
    rows: Callable[[Any, Any], Iterator[dict]]  # (store, query) → every row in the list's order
    refs: tuple[str, ...] = ()  # reference tables whose names the columns show


class ListExportError(DostyqError):
    pass


def _paged(fetch: Callable[[int, int], list]) -> Iterator:
    offset = 0
    while True:
        page = fetch(offset, BATCH)
        yield from page
        if len(page) < BATCH:
            return
        offset += BATCH


def _iso_date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return dt.datetime.fromisoformat(text).date() if len(text) > 10 else dt.date.fromisoformat(text)
    except ValueError:
        return None


def _event_start(row: dict, names: Names) -> dt.date | None:
    local = events.to_local(row["starts_at"])
    return local.date() if local else None


def _phone(value: str | None) -> str:
    return format_phone(value) if value and value.startswith("+") else (value or "")


# ---- the lists -------------------------------------------------------------------------------------------------
def _volunteer_rows(store, query: volunteers.RegisterQuery | None) -> Iterator[dict]:
    query = query or volunteers.RegisterQuery()
    return _paged(lambda offset, limit: volunteers.register_page(store, query, offset, limit))


def _recipient_rows(store, query: str | None) -> Iterator[dict]:
    return _paged(lambda offset, limit: aid.list_recipients(store, query or "", limit=limit, offset=offset))


def _event_rows(store, query: tuple[events.EventFilter, str, bool] | None) -> Iterator[dict]:
    flt, sort, descending = query or (events.EventFilter(), "starts_at", False)
    return _paged(
        lambda offset, limit: events.list_events(
            store, flt, sort=sort, descending=descending, limit=limit, offset=offset
        )
    )


def _donation_rows(store, query: None) -> Iterator[dict]:
    return _paged(lambda offset, limit: aid.list_donations(store, limit=limit, offset=offset))


def _aid_rows(store, query: str | None) -> Iterator[dict]:
    return _paged(lambda offset, limit: aid.list_aid(store, limit=limit, offset=offset, recipient_id=query))


def _stock_rows(store, query: tuple[str | None, bool] | None) -> Iterator[dict]:
    point, all_items = query or (None, False)
    for row in aid.stock_on_hand(store, point or None, all_items=all_items):
        yield {**row.__dict__, "on_hand": row.on_hand}


def _group_rows(store, query: tuple[str, str | None, str, bool] | None) -> Iterator[dict]:
    search, genre, sort, descending = query or ("", None, "name", False)
    return _paged(
        lambda offset, limit: groups.list_groups(
            store, search, genre=genre, sort=sort, descending=descending, limit=limit, offset=offset
        )
    )


def _member_rows(store, query: str | None) -> Iterator[dict]:
    """The members of group `query`, or of every group (in the group list's order) when it is None."""
    if query:
        overview = groups.group_overview(store, query)
        chosen = [(query, overview or {})]
    else:
        chosen = [(g["id"], g) for g in _group_rows(store, None)]
    for group_id, group in chosen:
        names = {f"group_{k}": group.get(k) or "" for k in ("name", "name_kk", "name_ru")}
        for member in groups.members(store, group_id):
            yield {**member, **names}


def _association_rows(store, query: tuple[str, str, bool] | None) -> Iterator[dict]:
    search, sort, descending = query or ("", "name", False)
    return _paged(
        lambda offset, limit: groups.list_associations(
            store, search, sort=sort, descending=descending, limit=limit, offset=offset
        )
    )


def _event_status(row: dict, names: Names) -> str:
    return gettext_in(names.lang, dict(events.STATUSES).get(row["status"], row["status"]))


def _recipient(row: dict, names: Names) -> str:
    if not row["recipient_id"]:
        return ""
    label = {**row, "display_name": row["recipient_name"]}
    return aid.recipient_label_with(label, names.refs.get("recipient_categories", {}))


LISTS: dict[str, ListSpec] = {
    "volunteers": ListSpec(
        N_("Volunteers"),
        (
            Column(N_("Name"), lambda r, n: people.full_name(r)),
            Column(
                N_("Status"),
                lambda r, n: gettext_in(n.lang, volunteers.STATUSES.get(r["status"], r["status"])),
            ),
            Column(N_("Volunteer since"), lambda r, n: _iso_date(r["since"]), DATE),
            Column(N_("Birth date"), lambda r, n: _iso_date(r["birth_date"]), DATE),
            Column(N_("Hours this month"), lambda r, n: round((r["month_minutes"] or 0) / 60, 1), NUMBER),
            Column(N_("Languages"), lambda r, n: ", ".join(json.loads(r["languages"] or "[]"))),
            Column(N_("Phone"), lambda r, n: _phone(r["phone"]), PERSONAL),
            Column(N_("IIN"), lambda r, n: r["iin"] or "", PERSONAL),
        ),
        _volunteer_rows,
    ),
    "recipients": ListSpec(
        N_("Recipients"),
        (
            Column(N_("Name"), lambda r, n: r["display_name"] or ""),
            Column(N_("Birth date"), lambda r, n: _iso_date(r["birth_date"]), DATE),
            Column(
                N_("Categories"),
                lambda r, n: ", ".join(
                    n.of("recipient_categories", c) for c in json.loads(r["categories"] or "[]")
                ),
            ),
            Column(N_("Last aid"), lambda r, n: _iso_date(r["last_aid"]), DATE),
            Column(N_("Entries"), lambda r, n: r["aid_count"] or 0, NUMBER),
        ),
        _recipient_rows,
        ("recipient_categories",),
    ),
    "events": ListSpec(
        N_("Events"),
        (
            Column(N_("Date"), _event_start, DATE),
            Column(N_("Title"), lambda r, n: events.localized_title(r, n.lang)),
            Column(N_("Kind"), lambda r, n: n.of("event_kinds", r["kind"])),
            Column(N_("Place"), lambda r, n: r["place"] or ""),
            Column(N_("Status"), _event_status),
            Column(N_("Attendance"), lambda r, n: r["attendance"], NUMBER),
        ),
        _event_rows,
        ("event_kinds",),
    ),
    "groups": ListSpec(
        N_("Creative groups"),
        (
            Column(N_("Name"), lambda r, n: groups.group_label(r, n.lang)),
            Column(N_("Genre"), lambda r, n: n.of("genres", r["genre"])),
            Column(N_("Ethnic group"), lambda r, n: n.of("ethnic_groups", r["ethnic_group"])),
            Column(N_("Founded"), lambda r, n: _iso_date(r["founded"]), DATE),
            Column(N_("Honorary title"), lambda r, n: r["honorary_title"] or ""),
            Column(
                N_("Status"),
                lambda r, n: gettext_in(n.lang, dict(groups.GROUP_STATUSES).get(r["status"], r["status"])),
            ),
            Column(N_("Members"), lambda r, n: r["members"], NUMBER),
        ),
        _group_rows,
        ("genres", "ethnic_groups"),
    ),
    "members": ListSpec(
        N_("Members"),
        (
            Column(N_("Creative group"), lambda r, n: groups.group_label(r, n.lang, prefix="group_name")),
            Column(N_("Name"), lambda r, n: r["full_name"]),
            Column(N_("Birth date"), lambda r, n: _iso_date(r["birth_date"]), DATE),
            Column(N_("Age"), lambda r, n: r["age"], NUMBER),
            Column(N_("Role"), lambda r, n: r["role"] or ""),
            Column(N_("Joined"), lambda r, n: _iso_date(r["joined"]), DATE),
            Column(N_("Guardian's name"), lambda r, n: r["guardian_name"] or ""),
            Column(N_("Guardian's consent date"), lambda r, n: _iso_date(r["guardian_consent_on"]), DATE),
        ),
        _member_rows,
    ),
    "associations": ListSpec(
        N_("Ethnocultural associations"),
        (
            Column(N_("Name"), lambda r, n: r["name"]),
            Column(N_("Ethnic group"), lambda r, n: n.of("ethnic_groups", r["ethnic_group"])),
            Column(N_("Leader"), lambda r, n: r["leader"] or ""),
            Column(N_("Phone"), lambda r, n: _phone(r["phone"])),
            Column(N_("E-mail"), lambda r, n: r["email"] or ""),
            Column(N_("Groups"), lambda r, n: r["groups"], NUMBER),
            Column(N_("Events"), lambda r, n: r["events"], NUMBER),
        ),
        _association_rows,
        ("ethnic_groups",),
    ),
    "donations": ListSpec(
        N_("Donations"),
        (
            Column(N_("Date"), lambda r, n: _iso_date(r["received_on"]), DATE),
            Column(N_("Receipt No."), lambda r, n: r["number"] or ""),
            Column(N_("Donor"), lambda r, n: aid.donor_label(r)),
            Column(N_("Items"), lambda r, n: r["items"] or ""),
            Column(N_("Value"), lambda r, n: r["value_kzt"], MONEY),
            Column(N_("Aid point"), lambda r, n: aid.point_label(r, n.lang, prefix="point_name")),
            Column(N_("Received by"), lambda r, n: r["received_by"] or ""),
        ),
        _donation_rows,
    ),
    "aid": ListSpec(
        N_("Aid given"),
        (
            Column(N_("Date"), lambda r, n: _iso_date(r["given_on"]), DATE),
            Column(N_("Receipt No."), lambda r, n: r["number"] or ""),
            Column(N_("Recipient"), _recipient),
            Column(N_("Programme"), lambda r, n: n.of("programmes", r["programme"])),
            Column(N_("Items"), lambda r, n: r["items"] or ""),
            Column(N_("Aid point"), lambda r, n: aid.point_label(r, n.lang, prefix="point_name")),
            Column(N_("Given by"), lambda r, n: r["given_by"] or ""),
        ),
        _aid_rows,
        ("programmes", "recipient_categories"),
    ),
    "stock": ListSpec(
        N_("Stock"),
        (
            Column(N_("Aid point"), lambda r, n: r["point_name"]),
            Column(N_("Item"), lambda r, n: r["item_name"]),
            Column(N_("Group"), lambda r, n: n.of("item_groups", r["item_group"])),
            Column(N_("Unit"), lambda r, n: r["unit"]),
            Column(N_("Received"), lambda r, n: r["donated"], NUMBER),
            Column(N_("Given out"), lambda r, n: r["given"], NUMBER),
            Column(N_("Adjusted"), lambda r, n: r["adjusted"], NUMBER),
            Column(N_("On hand"), lambda r, n: r["on_hand"], NUMBER),
        ),
        _stock_rows,
        ("item_groups",),
    ),
}


def _sort_key(value: Any) -> tuple:
    """Numbers and dates by value, text in the Kazakh alphabet, empty cells last (as the screens sort)."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, (int, float, dt.date)):
        return (0, value.toordinal() if isinstance(value, dt.date) else value)
    return (1, text.sort_key(str(value)))


def table(
    store,
    kind: str,
    query: Any = None,
    lang: str | None = None,
    sort: tuple[str, bool] | None = None,
    progress=None,
) -> tuple[list[str], list]:
    """(headers, rows of typed values) of list `kind` as the acting role may see it. `sort` = (the header of a
    column, descending) for a list its screen sorts in memory after a header click; the others come sorted by
    their query. `progress(0, 3)` is called every BATCH rows, so a cancel stops a long read."""
    spec = LISTS[kind]
    lang = lang or current_language()
    names = Names(lang, {t: aid.reference_names(store, t, lang) for t in spec.refs})
    masked = not actor_of(store).can("people.view")
    headers = [gettext_in(lang, c.header) for c in spec.columns]
    rows = []
    for count, source in enumerate(spec.rows(store, query), start=1):
        if progress and count % BATCH == 0:
            progress(0, 3)
        row = []
        for column in spec.columns:
            value = column.value(source, names)
            if column.kind == PERSONAL and masked:
                value = mask_digits(value) or ""
            row.append(value)
        rows.append(row)
    if sort:
        index = next((i for i, c in enumerate(spec.columns) if c.header == sort[0]), None)
        if index is not None:
            rows.sort(key=lambda r: _sort_key(r[index]), reverse=sort[1])
    return headers, rows


# ---- files -----------------------------------------------------------------------------------------------------
def _csv_number(value: float, decimal_comma: bool) -> str:
    text = str(value) if isinstance(value, int) else f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _csv_cell(value: Any, kind: str, lang: str) -> Any:
    if value is None:
        return ""
    if kind == DATE:
        return format_short_date(value)
    if kind == MONEY:
        return format_money(value, lang)
    return value


def write_csv(path: Path, spec: ListSpec, headers: list[str], rows: list, lang: str, delimiter: str) -> None:
    kinds = [c.kind for c in spec.columns]
    comma = delimiter == ";"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv_writer(fh, lambda v: _csv_number(v, comma), delimiter=delimiter)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v, k, lang) for v, k in zip(row, kinds, strict=True)])


def write_xlsx(path: Path, spec: ListSpec, headers: list[str], rows: list, lang: str) -> None:
    book = workbook(path)
    try:
        sheet = book.add_worksheet(gettext_in(lang, spec.title)[:31])
        bold = book.add_format({"bold": True})
        formats = {
            DATE: book.add_format({"num_format": "dd.mm.yyyy"}),
            MONEY: book.add_format({"num_format": '#,##0 "₸"'}),
            NUMBER: None,  # General: 40 and 1.5 as they are
        }
        widths = [len(h) + 2 for h in headers]
        sheet.write_row(0, 0, headers, bold)
        for r, row in enumerate(rows, start=1):
            for c, (value, column) in enumerate(zip(row, spec.columns, strict=True)):
                if value is None or value == "":
                    continue
                if column.kind == DATE:
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats[DATE])
                elif column.kind in (NUMBER, MONEY):
                    sheet.write_number(r, c, value, formats[column.kind])
                else:
                    sheet.write_string(r, c, str(value))
                widths[c] = max(widths[c], min(len(str(value)) + 2, 60))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    finally:
        book.close()


def fmt_of(path: str | os.PathLike) -> str:
    return "csv" if Path(path).suffix.lower() == ".csv" else "xlsx"


@requires("exports")
def export_list(
    store,
    kind: str,
    path: str | os.PathLike,
    query: Any = None,
    *,
    sort: tuple[str, bool] | None = None,
    fmt: str | None = None,
    lang: str | None = None,
    delimiter: str = DEFAULT_DELIMITER,
    progress=None,
    cancel=None,
) -> int:
    """Writes list `kind` (one of LISTS) with `query` (its screen's filter and sort) to `path`; returns the rows
    written. `sort` as table() takes it. The format is `fmt` or the file's suffix. Raises ListExportError when the file cannot be written."""
    spec = LISTS[kind]
    lang = lang or current_language()
    fmt = fmt or fmt_of(path)
    target = Path(path)
    if progress:
        progress(0, 3)
    headers, rows = table(store, kind, query, lang, sort, progress)
    if progress:
        progress(1, 3)
    folder = target.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ListExportError(
            N_("Cannot save the list in {folder}: the folder is read-only or does not exist."),
            folder=str(folder),
        )
    fd, tmp_name = tempfile.mkstemp(prefix=".dostyq-", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "csv":
            write_csv(tmp, spec, headers, rows, lang, delimiter)
        else:
            write_xlsx(tmp, spec, headers, rows, lang)
        if progress:
            progress(2, 3)
        os.replace(tmp, target)
    except OSError as exc:
        raise ListExportError(
            N_("Cannot save the list to {path}: {detail}"), path=str(target), detail=exc.strerror or str(exc)
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    with store.transaction():
        store.audit(
            "list_export",
            None,
            None,
            {"list": kind, "format": fmt, "language": lang, "rows": len(rows), "file": str(target)},
        )
    if progress:
        progress(3, 3)
    return len(rows)
