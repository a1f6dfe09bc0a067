"""Names the house gives its own records in Kazakh and in Russian: aid points and creative groups.

Each such record keeps `name_kk` and `name_ru` (at least one of them) and, beside them, the one `name` it had before
both were kept (migration 7). A PC saving the record writes there its Kazakh name, else its Russian one, so a PC not
yet updated still shows and edits a name; such a PC's edit reaches the others as a `name` that is neither of the two.
A `name` that is neither of the two (such an edit, or the only name of a record from before) is what the record is
called until it is saved again with its two names.

Every screen, list and export shows these names through `display_name` (the interface language or the export's,
falling back to the other), and every form fills its two fields from `form_names`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from desktop import reference, text
from desktop.errors import ValidationError
from desktop.i18n import N_

# The records named so; each had one `name` before migration 7 added the two.
TABLES = ("aid_points", "creative_groups")
ADDED_COLUMNS = tuple((table, column) for table in TABLES for column in ("name_kk", "name_ru"))
# Their search text (desktop/schema.py Table.search): both names, then the one an older PC may have written alone.
SEARCH = ("name_kk", "name_ru", "name")
NAME_REQUIRED = N_("Enter a name in Kazakh or Russian (or both).")
# Letters of the Kazakh Cyrillic alphabet that Russian does not have.
KAZAKH_LETTERS = frozenset("әғқңөұүһі")


def guess_language(name: str) -> str:
    """'kk' for a name with a letter only Kazakh has, else 'ru': where a name of unknown language is put on a form
    (the two names stay free to change)."""
    return "kk" if any(c in KAZAKH_LETTERS for c in name.casefold()) else "ru"


def _parts(row: dict[str, Any], prefix: str) -> tuple[str, str, str]:
    return row.get(f"{prefix}_kk") or "", row.get(f"{prefix}_ru") or "", row.get(prefix) or ""


def display_name(row: dict[str, Any], lang: str | None = None, prefix: str = "name") -> str:
    """The record's name in `lang` (the interface language by default), else in the other language. `prefix` names
    the columns: "name" for the record's own row, e.g. "point_name" for `point_name`, `point_name_kk`,
    `point_name_ru` of a joined row."""
    kk, ru, single = _parts(row, prefix)
    if single and single not in (kk, ru):
        return single
    return reference.localized({"name_kk": kk, "name_ru": ru}, lang) or single


def form_names(row: dict[str, Any] | None, prefix: str = "name") -> tuple[str, str]:
    """(Kazakh name, Russian name) for the two fields of a form; a `name` that is neither of the two goes into the
    field of the language it looks like."""
    if not row:
        return "", ""
    kk, ru, single = _parts(row, prefix)
    if single and single not in (kk, ru):
        if guess_language(single) == "kk":
            kk = single
        else:
            ru = single
    return kk, ru


def stored_names(
    name_kk: str | None, name_ru: str | None, field: str, name: str | None = None
) -> dict[str, str]:
    """The values to store for a record's names: `name_kk`, `name_ru` and `name` (the Kazakh one, else the Russian
    one). `name` alone (a name of unknown language: an import's, an older caller's) goes where `guess_language`
    puts it. Raises a ValidationError on `field` when there is no name at all."""
    kk, ru = text.normalize(name_kk), text.normalize(name_ru)
    single = text.normalize(name)
    if not kk and not ru and single:
        kk, ru = (single, "") if guess_language(single) == "kk" else ("", single)
    if not kk and not ru:
        raise ValidationError(field, NAME_REQUIRED)
    return {"name": kk or ru, "name_kk": kk, "name_ru": ru}


def name_columns(alias: str, prefix: str) -> str:
    """SQL select list of a joined record's names for `display_name(row, prefix=prefix)`."""
    return f"{alias}.name AS {prefix}, {alias}.name_kk AS {prefix}_kk, {alias}.name_ru AS {prefix}_ru"


def migration_7_bilingual_names(conn: sqlite3.Connection) -> None:
    """Aid points and creative groups named in Kazakh and in Russian: `name_kk` and `name_ru` (desktop/schema.py
    declares them so). The one `name` they had stays as it is: each is called by it until it is saved with its two
    names, and PCs not yet updated keep showing and editing it."""
    for table, column in ADDED_COLUMNS:
        conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" TEXT NOT NULL DEFAULT \'\'')
