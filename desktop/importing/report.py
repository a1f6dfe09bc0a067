"""What a dry run or an import did, as the command line's JSON and as an XLSX report (every value written as
text, so nothing in a cell is read as a formula)."""

from __future__ import annotations

from pathlib import Path

from desktop import people
from desktop.i18n import _
from desktop.importing.commit import ImportResult
from desktop.importing.kinds import PERSON_KINDS, Row
from desktop.importing.plan import Plan


def _fields(row: Row) -> list[str]:
    return list(dict.fromkeys(e.field for e in row.errors))


def as_json(plan: Plan, result: ImportResult | None = None) -> dict:
    """The object `dostyq import --json` prints. `imported` lists the rows written (or, in a dry run, those that
    would be); a row that may be someone on file or another row is under `held` until a person decides."""
    imported, rejected, warnings, held = [], [], [], []
    for row in plan.rows:
        failed = result.failed.get(row.row) if result else None
        if row.status == "reject" or failed:
            rejected.append(
                {"row": row.row, "fields": _fields(row) or list(dict.fromkeys(e.field for e in failed or []))}
            )
            continue
        for field_name in dict.fromkeys(w.field for w in row.warnings):
            warnings.append({"row": row.row, "field": field_name})
        is_held = row.row in result.held if result else row.held
        if is_held:
            held.append(
                {
                    "row": row.row,
                    "with": [{"row": d[1]} if d[0] == "row" else {"person_id": d[1]} for d in row.duplicates],
                }
            )
            continue
        if plan.kind in PERSON_KINDS:
            c = row.clean
            imported.append(
                {
                    "row": row.row,
                    "full_name": people.full_name(c),
                    "phone": c.get("phone"),
                    "birth_date": c.get("birth_date"),
                    "iin": c.get("iin"),
                    "email": c.get("email"),
                }
            )
        else:
            imported.append({"row": row.row, "name": next(iter(row.form.values()), "")})
    out = {
        "imported": imported,
        "rejected": rejected,
        "warnings": warnings,
        "duplicate_pairs": [list(p) for p in plan.pairs()],
        "duplicates_on_file": [
            {"row": r.row, "person_id": d[1], "reason": d[2]}
            for r in plan.rows
            for d in r.duplicates
            if d[0] == "person"
        ],
        "held": held,
        "skipped_totals_rows": plan.skipped,
        "counts": plan.counts(),
    }
    if result is not None:
        out["import_id"] = result.import_id
    return out


def write_report(plan: Plan, result: ImportResult | None, path: str | Path) -> Path:
    """An XLSX of every row: its number, what was done, the field and the message (in the UI language)."""
    from desktop.spreadsheet import workbook

    path = Path(path)
    book = workbook(path)
    try:
        sheet = book.add_worksheet(_("Import")[:31])
        bold = book.add_format({"bold": True})
        heads = [_("Row"), _("Outcome"), _("Name"), _("Field"), _("Message")]
        for col, head in enumerate(heads):
            sheet.write_string(0, col, head, bold)
        line = 1
        for row in plan.rows:
            failed = result.failed.get(row.row, []) if result else []
            is_held = (row.row in result.held) if result else row.held
            if row.status == "reject" or failed:
                outcome, notes = _("Not imported"), row.errors or failed
            elif is_held:
                outcome, notes = _("Held: may be a duplicate"), row.warnings
            elif row.warnings:
                outcome, notes = (
                    (_("Imported with warnings") if result else _("Will be imported with warnings")),
                    row.warnings,
                )
            else:
                outcome, notes = (_("Imported") if result else _("Will be imported")), []
            name = people.full_name(row.clean) if row.clean else str(next(iter(row.form.values()), ""))
            for index, note in enumerate(notes or [None]):
                sheet.write_number(line, 0, row.row)
                sheet.write_string(line, 1, outcome if index == 0 else "")
                sheet.write_string(line, 2, name if index == 0 else "")
                if note is not None:
                    sheet.write_string(line, 3, _(note.params.get("field", note.field)))
                    sheet.write_string(line, 4, note.message)
                line += 1
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 2, 30)
        sheet.set_column(3, 3, 18)
        sheet.set_column(4, 4, 70)
    finally:
        book.close()
    return path
