"""`dostyq import FILE --kind …`: the import from the command line, for administrators and tests. It opens the
database file directly, so it acts as the system (like every script that holds the file), not as an account;
the audit names this PC. No Qt is loaded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.errors import DostyqError
from desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, set_language
from desktop.importing.commit import commit, undo
from desktop.importing.kinds import KINDS
from desktop.importing.plan import dry_run
from desktop.importing.report import as_json, write_report


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.undo and not (args.file and args.kind):
        parser.error("give FILE and --kind, or --undo IMPORT_ID")
    return args


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dostyq import", description="Import a spreadsheet into Dostyq.")
    parser.add_argument("file", metavar="FILE", nargs="?", help="an .xlsx workbook or a .csv file")
    parser.add_argument("--kind", choices=KINDS, help="what the rows are")
    parser.add_argument("--undo", metavar="IMPORT_ID", help="undo that import (the import_id it printed)")
    parser.add_argument("--db", metavar="PATH", help="the database file (default: this PC's)")
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook (default: the first)")
    parser.add_argument("--header-row", type=int, metavar="N", help="the row number of the header")
    parser.add_argument("--encoding", help="of a CSV file: utf-8, utf-8-sig or cp1251 (default: detected)")
    parser.add_argument("--delimiter", help="of a CSV file: ';' or ',' (default: detected)")
    parser.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    parser.add_argument("--report", metavar="OUT.xlsx", help="also write the outcome as an XLSX report")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the messages"
    )
    return parser


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    set_language(args.lang)
    from desktop.paths import default_db_path
    from desktop.store import Store

    try:
        store = Store(Path(args.db) if args.db else default_db_path())
    except DostyqError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    if args.undo:
        try:
            count = undo(store, args.undo)
        except DostyqError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        finally:
            store.close()
        print(
            json.dumps({"undone": count}) if args.json else _("Undone: {count} records.").format(count=count)
        )
        return 0
    try:
        plan = dry_run(
            store,
            args.file,
            args.kind,
            sheet=args.sheet,
            header_row=args.header_row,
            encoding=args.encoding,
            delimiter=args.delimiter,
        )
        result = None if args.dry_run else commit(store, plan)
    except DostyqError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        store.close()
    out = as_json(plan, result)
    if args.report:
        write_report(plan, result, args.report)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        c = out["counts"]
        done = _("Would import") if args.dry_run else _("Imported")
        print(
            _(
                "{done}: {imported} of {rows} rows ({warnings} with warnings); not imported: {rejected}; "
                "held as possible duplicates: {held}; totals rows left out: {totals}."
            ).format(
                done=done,
                imported=len(out["imported"]),
                rows=c["rows"],
                warnings=c["with_warnings"],
                rejected=len(out["rejected"]),
                held=len(out["held"]),
                totals=c["totals_rows"],
            )
        )
    return 0
