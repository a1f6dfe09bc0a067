"""Client apply against the raw SQLite floor: rows as the server sends them (people with names and notes,
volunteers, aid recipients and aid given) applied by sync.apply into a real Store, and the very same stored rows
written by plain executemany into the same tables, with their search triggers and indexes and without them.
The write step of the apply is measured on its own too: the same stored rows upserted by the statement
sync.apply writes (INSERT … ON CONFLICT(id) DO UPDATE, one executemany per table and page) and by sqlite-utils
(`Table.upsert_all(rows, pk="id", batch_size=500)`, which writes the same ON CONFLICT upsert as multi-row VALUES);
the sqlite-utils copy is checked to hold the very same rows and search index as the applied one.

    python bench/client_apply.py [--rows 10000] [--page 500] [--repeat 3]

Prints client_apply_rows_per_s, raw_executemany_rows_per_s, raw_bare_executemany_rows_per_s,
client_apply_ratio (client apply / raw executemany with triggers and indexes), apply_write_upsert_rows_per_s,
sqlite_utils_upsert_rows_per_s, sqlite_utils_vs_apply_write_ratio and sqlite_utils_vs_client_apply_ratio; each
the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import schema
from desktop.store import Store, utc_now_iso
from sync import apply as sync_apply
from sync.state import put_state

HOUSE = "KZ-71-01"
TABLES = ("people", "volunteers", "recipients", "aid_given")


def source_rows(work: Path, rows: int) -> list[dict]:
    """`rows` rows typed in on a house PC, as the server sends them (sync/server/exchange.py wire_row)."""
    src = Store(work / "source.sqlite")
    src.set_house(HOUSE)
    people = rows // 2
    with src.transaction():
        ids = [
            src.insert(
                "people",
                {
                    "surname": f"Жұмабаев{i:05d}",
                    "name": "Әсел",
                    "patronymic": "Серікқызы",
                    "phone": f"+7701{i:07d}",
                    "locality": "Павлодар",
                    "notes": "Ерікті, «Қамқор» бағдарламасы",
                },
            )
            for i in range(people)
        ]
        for i in range(rows - people):
            person = ids[i % people]
            kind = i % 3
            if kind == 0:
                src.insert("volunteers", {"person_id": person, "since": "2025-09-01", "notes": "Жексенбіде"})
            elif kind == 1:
                src.insert(
                    "recipients", {"person_id": person, "locality": "Ақсу", "sex": "f", "notes": "Көпбалалы"}
                )
            else:
                src.insert(
                    "aid_given",
                    {
                        "given_on": "2026-11-02",
                        "programme": "food",
                        "recipient_id": person,
                        "number": f"A-{i}",
                    },
                )
    out = []
    seq = 0
    for table in TABLES:
        fields = list(schema.SYNCED_TABLES[table].fields)
        for row in src.conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
            seq += 1
            out.append(
                {
                    "t": table,
                    "id": row["id"],
                    "house_id": row["house_id"],
                    "seq": seq,
                    "deleted": row["deleted"],
                    "hlc": row["hlc"],
                    "data": {f: row[f] for f in fields if row[f] is not None},
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                    "updated_by": row["updated_by"],
                }
            )
    src.close()
    return out


def new_store(path: Path) -> Store:
    store = Store(path)
    store.set_house(HOUSE)
    put_state(store, "house_id", HOUSE)
    return store


def client_apply(store: Store, changes: list[dict], page: int) -> float:
    t0 = time.perf_counter()
    for start in range(0, len(changes), page):
        with store.transaction():
            sync_apply.apply_changes(store, changes[start : start + page], 0, utc_now_iso())
    return time.perf_counter() - t0


def raw_executemany(store: Store, stored: dict[str, tuple[list[str], list[tuple]]], page: int) -> float:
    """The stored rows written with one executemany per table and page, one transaction per page."""
    t0 = time.perf_counter()
    for table, (cols, rows) in stored.items():
        sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})'
        for start in range(0, len(rows), page):
            with store.transaction():
                store.conn.executemany(sql, rows[start : start + page])
    return time.perf_counter() - t0


def apply_write_upsert(store: Store, stored: dict[str, tuple[list[str], list[tuple]]], page: int) -> float:
    """The write step of sync.apply on its own: its upsert statement, one executemany per table and page."""
    t0 = time.perf_counter()
    for table, (cols, rows) in stored.items():
        sql = sync_apply._upsert_sql(table, "id", tuple(cols))
        for start in range(0, len(rows), page):
            with store.transaction():
                store.conn.executemany(sql, rows[start : start + page])
    return time.perf_counter() - t0


def sqlite_utils_upsert(store: Store, stored: dict[str, tuple[list[str], list[tuple]]], page: int) -> float:
    """The same rows, as the dicts sync.apply holds, upserted by sqlite-utils on the store's connection."""
    db = sqlite_utils.Database(store.conn)
    as_dicts = {table: [dict(zip(cols, r)) for r in rows] for table, (cols, rows) in stored.items()}
    t0 = time.perf_counter()
    for table, rows in as_dicts.items():
        for start in range(0, len(rows), page):
            with store.transaction():
                db.table(table).upsert_all(rows[start : start + page], pk="id", batch_size=page)
    return time.perf_counter() - t0


def same_rows(a: Store, b: Store) -> None:
    """Both stores hold the same rows in the same rowids, and each search index matches its rows."""
    for table in TABLES:
        sql = f'SELECT rowid, * FROM "{table}" ORDER BY rowid'
        assert [tuple(r) for r in a.conn.execute(sql)] == [tuple(r) for r in b.conn.execute(sql)], table
    for store in (a, b):
        for (fts,) in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        ).fetchall():
            store.conn.execute(f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)')
    probe = "SELECT rowid FROM people_fts WHERE people_fts MATCH ? ORDER BY rowid"
    for word in ("Жұмабаев00001", "Әсел", "Павлодар"):
        assert a.conn.execute(probe, (word,)).fetchall() == b.conn.execute(probe, (word,)).fetchall(), word


def bare(store: Store) -> None:
    """No search trigger and no index left (the primary key stays)."""
    names = store.conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL"
    ).fetchall()
    with store.transaction():
        for kind, name in names:
            store.conn.execute(f'DROP {kind.upper()} "{name}"')


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--page", type=int, default=500)
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each; the best is printed (a shared machine)"
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-bench-"))
    changes = source_rows(work, args.rows)
    best = dict.fromkeys(("apply", "raw", "bare", "upsert", "su"), float("inf"))
    for run in range(args.repeat):
        # They take turns, so a busy spell of the machine weighs on each alike.
        pc = new_store(work / f"pc{run}.sqlite")
        best["apply"] = min(best["apply"], client_apply(pc, changes, args.page))
        stored = {}
        for table in TABLES:
            cur = pc.conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            cols = [d[0] for d in cur.description]
            stored[table] = (cols, [tuple(r) for r in cur])
        assert sum(len(rows) for _, rows in stored.values()) == len(changes)
        raw = new_store(work / f"raw{run}.sqlite")
        best["raw"] = min(best["raw"], raw_executemany(raw, stored, args.page))
        plain = new_store(work / f"bare{run}.sqlite")
        bare(plain)
        best["bare"] = min(best["bare"], raw_executemany(plain, stored, args.page))
        upsert = new_store(work / f"upsert{run}.sqlite")
        best["upsert"] = min(best["upsert"], apply_write_upsert(upsert, stored, args.page))
        su = new_store(work / f"su{run}.sqlite")
        best["su"] = min(best["su"], sqlite_utils_upsert(su, stored, args.page))
        same_rows(pc, su)
        same_rows(pc, upsert)
        for store in (pc, raw, plain, upsert, su):
            store.close()

    n = len(changes)
    apply_rate, raw_rate = n / best["apply"], n / best["raw"]
    print(f"client_apply_rows_per_s: {int(apply_rate)} rows/s")
    print(f"raw_executemany_rows_per_s: {int(raw_rate)} rows/s")
    print(f"raw_bare_executemany_rows_per_s: {int(n / best['bare'])} rows/s")
    print(f"client_apply_ratio: {apply_rate / raw_rate:.2f} x")
    upsert_rate, su_rate = n / best["upsert"], n / best["su"]
    print(f"apply_write_upsert_rows_per_s: {int(upsert_rate)} rows/s")
    print(f"sqlite_utils_upsert_rows_per_s: {int(su_rate)} rows/s")
    print(f"sqlite_utils_vs_apply_write_ratio: {su_rate / upsert_rate:.2f} x")
    print(f"sqlite_utils_vs_client_apply_ratio: {su_rate / apply_rate:.2f} x")
    print(f"# {n} rows ({', '.join(TABLES)}), pages of {args.page}, best of {args.repeat}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
