"""The local search indexes of the store (docs/DESIGN.md §2, docs/KAZAKH.md §3): FTS5 over each searchable table's
folded text, and for people a trigram index of the name, so a part typed from the middle of a name finds it.

Both are external-content FTS5 tables kept in step by triggers; neither ever leaves the PC.
- `<table>_fts` (unicode61, remove_diacritics 0, NFC text: Ё≠Е and Й≠И stay distinct) over `search_text`: the
  folded name, its loose form, its Latin key (desktop.text.latin_key) and the digits of IIN and phone. Words are
  matched as prefixes.
- `people_infix` (trigram) over `people.name_infix`: the loose name and its Latin key. Any 3 or more letters
  match wherever they stand ("бек" finds Асылбеков; "abe" finds Абенов).
"""

from __future__ import annotations

import sqlite3

from desktop import text

INFIX_TABLES = ("people",)


def fts_name(table: str) -> str:
    return f"{table}_fts"


def infix_name(table: str) -> str:
    return "people_infix" if table == "people" else f"{table}_infix"


def _triggers(conn: sqlite3.Connection, table: str, fts: str, column: str, prefix: str) -> None:
    conn.execute(
        f'CREATE TRIGGER "{prefix}_ai" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"(rowid, {column}) VALUES (new.rowid, new.{column}); END'
    )
    conn.execute(
        f'CREATE TRIGGER "{prefix}_ad" AFTER DELETE ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, {column}) VALUES (\'delete\', old.rowid, old.{column}); END'
    )
    conn.execute(
        f'CREATE TRIGGER "{prefix}_au" AFTER UPDATE OF {column} ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, {column}) VALUES (\'delete\', old.rowid, old.{column}); '
        f'INSERT INTO "{fts}"(rowid, {column}) VALUES (new.rowid, new.{column}); END'
    )


def create_fts(conn: sqlite3.Connection, table: str) -> None:
    """External-content FTS5 over the folded search text, kept in step by triggers (NFC text, no diacritic folding,
    so Ё≠Е and Й≠И stay distinct — docs/KAZAKH.md §3)."""
    fts = fts_name(table)
    conn.execute(
        f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5(search_text, content='{table}', content_rowid='rowid', "
        f"tokenize='unicode61 remove_diacritics 0')"
    )
    _triggers(conn, table, fts, "search_text", f"{table}_fts")


def infix_text(name: str) -> str:
    """What the trigram index holds for a (normalised) name: its loose form and its Latin key."""
    return infix_of(text.keys(name))


def infix_of(keys: tuple[str, str, str, str]) -> str:
    """infix_text from the name's text.keys()."""
    _folded, loosed, _sort, latin = keys
    return " ".join(p for p in (loosed, latin) if p)


def migration_6_infix(conn: sqlite3.Connection) -> None:
    """Search by a part of a name and by a Latin spelling: `people.name_infix` with its trigram index, and the
    Latin key added to every person's search text (recomputed here for the rows already stored)."""
    conn.execute("ALTER TABLE people ADD COLUMN name_infix TEXT")
    rows = conn.execute("SELECT rowid, surname, name, patronymic, iin, phone FROM people").fetchall()
    updates = []
    for rowid, surname, name, patronymic, iin, phone in rows:
        full = text.normalize(" ".join(str(v or "") for v in (surname, name, patronymic)).strip())
        extra = " ".join(str(v or "") for v in (iin, phone)).strip()
        updates.append((search_text(full, extra), infix_text(full), rowid))
    conn.executemany("UPDATE people SET search_text = ?, name_infix = ? WHERE rowid = ?", updates)
    infix = infix_name("people")
    conn.execute(
        f"CREATE VIRTUAL TABLE \"{infix}\" USING fts5(name_infix, content='people', content_rowid='rowid', "
        "tokenize='trigram')"
    )
    conn.execute(f'INSERT INTO "{infix}"("{infix}") VALUES (\'rebuild\')')
    _triggers(conn, "people", infix, "name_infix", "people_infix")


def search_text(name: str, extra: str) -> str:
    """The text the word index holds: folded name, loose name, Latin key, and the digits of `extra`."""
    return search_text_of(text.keys(name), extra)


def search_text_of(keys: tuple[str, str, str, str], extra: str) -> str:
    """search_text from the name's text.keys()."""
    folded, loosed, _sort, latin = keys
    return " ".join(p for p in (folded, loosed, latin, text.digits(extra)) if p)
