"""Importing a house's existing spreadsheets (volunteers, recipients, group members, past events, aid items):
reading the file, finding its header, the dry run, the import in one transaction and its undo, and the report."""

from desktop.importing.commit import ImportResult, commit, imports, undo
from desktop.importing.errors import MAX_BYTES, ImportCancelled, ImportFileError, UndoRefused
from desktop.importing.kinds import KINDS
from desktop.importing.plan import Plan, dry_run
from desktop.importing.report import as_json, write_report

__all__ = [
    "KINDS",
    "MAX_BYTES",
    "ImportCancelled",
    "ImportFileError",
    "ImportResult",
    "Plan",
    "UndoRefused",
    "as_json",
    "commit",
    "dry_run",
    "imports",
    "undo",
    "write_report",
]
