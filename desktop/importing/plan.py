"""The dry run: every row of the file read, checked and compared with the others and with the people on file,
without writing anything. Its result says, row by row, what an import would do."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import clock, people, text
from desktop.errors import ValidationError
from desktop.i18n import N_
from desktop.importing import header as hdr
from desktop.importing import kinds
from desktop.importing.errors import ImportFileError
from desktop.importing.reading import Sheet, read_sheet
from desktop.roles import requires
from desktop.store import Store

_TOTALS = ("итого", "итог", "всего", "барлығы", "барлыгы", "жиыны", "жиынтығы", "total")
N_FORMULA = N_("{field}: the cell holds a formula, not a value; left empty.")
_TOTAL_FORMULAS = ("SUM(", "СУММ(", "COUNT", "СЧЁТ", "СЧЕТ", "SUBTOTAL", "ПРОМЕЖУТОЧНЫЕ.ИТОГИ")


@dataclass
class Plan:
    """What an import of `path` would do. `rows` are the data rows (blank and totals rows left out)."""

    path: Path
    kind: str
    sheet: Sheet
    layout: hdr.Layout
    rows: list[kinds.Row]
    skipped: list[int] = field(default_factory=list)  # totals rows, never imported
    # The names of the people on file a row may be (person id → name), for whoever decides the pairs.
    on_file: dict[str, str] = field(default_factory=dict)

    @property
    def mapping(self) -> dict[str, int]:
        return {f: i for i, f in self.layout.mapping.items()}

    def pairs(self) -> list[tuple[int, int]]:
        """Rows of the file that may be the same person: (earlier row, later row)."""
        found = set()
        for r in self.rows:
            for what, other, _why in r.duplicates:
                if what == "row":
                    found.add((min(other, r.row), max(other, r.row)))
        return sorted(found)

    def counts(self) -> dict[str, int]:
        c = Counter("reject" if r.status == "reject" else "held" if r.held else "import" for r in self.rows)
        return {
            "rows": len(self.rows),
            "import": c["import"],
            "with_warnings": sum(1 for r in self.rows if r.status == "import" and not r.held and r.warnings),
            "held": c["held"],
            "reject": c["reject"],
            "totals_rows": len(self.skipped),
        }


def _is_blank(cells: list[Any], mapping: dict[str, int]) -> bool:
    """Empty, or numbered but empty (only the № column filled)."""
    number = mapping.get("number")
    return all(c is None or str(c).strip() == "" for i, c in enumerate(cells) if i != number)


_TOTALS_START = {t[0] for t in _TOTALS} | {"="}


def _is_totals(cells: list[Any]) -> bool:
    for c in cells:
        if isinstance(c, str) and c.strip()[:1].casefold() in _TOTALS_START:
            s = text.fold(c.strip()).rstrip(":. ")
            if s.startswith("=") and any(f in c.upper() for f in _TOTAL_FORMULAS):
                return True
            if any(s == t or s.startswith((t + " ", t + ":")) for t in _TOTALS):
                return True
    return False


@requires("records.read")
def remembered_mapping(store: Store, layout: hdr.Layout, kind: str) -> dict[int, str] | None:
    """The mapping chosen when a file of the same columns was imported before (commit remembers it), if any."""
    remembered = store.get_meta(layout.meta_key(kind))
    if not remembered:
        return None
    return {int(k): f for k, f in json.loads(remembered).items() if f in hdr.KIND_FIELDS[kind]}


@requires("records.read")
def open_file(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[Sheet, hdr.Layout | None]:
    """The file's rows (of `sheet`, the first by default) and the guessed header and columns, the columns as
    chosen when a file of this layout was imported before. No layout is a refusal (ImportFileError) unless the
    workbook has other sheets to choose from; an empty sheet always is."""
    data = read_sheet(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
    name = Path(path).name
    if not data.rows:
        raise ImportFileError("empty", name=name)
    layout = hdr.guess_layout(data.rows, kind)
    if layout is None and len(data.sheet_names) < 2:
        raise ImportFileError("no_header", name=name)
    if layout is not None:
        layout.mapping = remembered_mapping(store, layout, kind) or layout.mapping
    return data, layout


@requires("records.read")
def dry_run(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: dict[int, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    today: dt.date | None = None,
    progress=None,
) -> Plan:
    """Reads `path` and checks every row as an import of `kind` would, writing nothing. `header_row` and `mapping`
    (column index → field) override the guesses; without `mapping`, the one used by the last import of a file
    with the same header cells is taken."""
    if kind not in kinds.KINDS:
        raise ValueError(kind)
    today = today or clock.today()
    data = read_sheet(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
    name = Path(path).name
    if not data.rows:
        raise ImportFileError("empty", name=name)
    layout = hdr.layout_at(data.rows, kind, header_row) if header_row else hdr.guess_layout(data.rows, kind)
    if layout is None:
        raise ImportFileError("no_header", name=name)
    if mapping is not None:
        layout.mapping = dict(mapping)
    else:
        layout.mapping = remembered_mapping(store, layout, kind) or layout.mapping
    fields = set(layout.mapping.values())
    if kind in kinds.PERSON_KINDS and "full_name" not in fields and not {"surname", "name"} <= fields:
        raise ImportFileError("no_name_column", name=name)
    plan = Plan(Path(path), kind, data, layout, [])
    by_field = plan.mapping
    ctx = kinds.Context.load(store, kind, today)
    body = [(n, c) for n, c in data.rows if n > layout.header_row]
    for done, (number, cells) in enumerate(body, start=1):
        if _is_blank(cells, by_field):
            continue
        if _is_totals(cells):
            plan.skipped.append(number)
            continue
        row = kinds.Row(number)
        _formulas(row, cells, layout.mapping)
        if kind in kinds.PERSON_KINDS:
            kinds.person_row(row, cells, by_field, ctx)
            kinds.KIND_ROWS[kind](row, cells, by_field, ctx)
        else:
            kinds.OWN_ROWS[kind](row, cells, by_field, ctx)
        plan.rows.append(row)
        if progress is not None and done % 200 == 0:
            progress(done, len(body))
    if kind in kinds.PERSON_KINDS:
        find_duplicates(store, plan.rows)
        ids = {other for r in plan.rows for what, other, _why in r.duplicates if what == "person"}
        found = {i: people.get_person(store, i) for i in ids}
        plan.on_file = {i: people.full_name(p) for i, p in found.items() if p}
    if not plan.rows:
        raise ImportFileError("empty", name=name)
    return plan


def _formulas(row: kinds.Row, cells: list[Any], mapping: dict[int, str]) -> None:
    """A formula in a data cell is not a value: the field is left empty (its result is not in the file)."""
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and cell.startswith("=") and index in mapping and mapping[index] != "number":
            row.warn(ValidationError(mapping[index], N_FORMULA))
            cells[index] = None


def find_duplicates(store: Store, rows: list[kinds.Row]) -> None:
    """Marks each row that may be someone already on file (people.find_duplicates: same IIN, same name and birth
    date, or the same loose name) or an earlier row of the file (the same rules). Nothing is merged."""
    by_iin: dict[str, int] = {}
    by_name: dict[tuple[str, str], list[kinds.Row]] = {}
    for row in rows:
        if row.status != "import" or not row.clean:
            continue
        clean = row.clean
        for dup in people.find_duplicates(store, clean):
            row.duplicates.append(("person", dup.person["id"], dup.reason))
        iin = clean.get("iin")
        if iin and iin in by_iin:
            row.duplicates.append(("row", by_iin[iin], "iin"))
        elif iin:
            by_iin[iin] = row.row
        key = (text.loose(clean["surname"]), text.loose(clean["name"]))
        for other in by_name.get(key, []):
            if any(d[0] == "row" and d[1] == other.row for d in row.duplicates):
                continue
            a, b = other.clean.get("birth_date"), clean.get("birth_date")
            if a and b and a == b:
                row.duplicates.append(("row", other.row, "name_birth"))
            elif not a or not b:
                row.duplicates.append(("row", other.row, "loose"))
        by_name.setdefault(key, []).append(row)
