"""Server rows with nothing to merge are written a chunk at a time (sync.apply): the rows stored, their search
columns and full-text index are the same as when each row is merged on its own, and a row SQLite refuses is kept
aside alone while the rest of its chunk is written."""

from __future__ import annotations

from desktop import schema
from desktop.store import Store, utc_now_iso
from sync import apply as sync_apply
from sync import conflicts as sync_conflicts
from sync.state import put_state

HOUSE = "KZ-55-01"


def _server_rows(tmp_path, people: int) -> list[dict]:
    """Rows typed in on another PC of the house, as the server sends them."""
    src = Store(tmp_path / "source.sqlite")
    src.set_house(HOUSE)
    with src.transaction():
        for i in range(people):
            person = src.insert(
                "people",
                {"surname": f"Жұмабаев{i:03d}", "name": "Әсел", "phone": f"+7701{i:07d}", "notes": "Ерікті"},
            )
            if i % 2:
                src.insert("volunteers", {"person_id": person, "notes": "Жексенбіде"})
    out = []
    for table in ("people", "volunteers"):
        fields = list(schema.SYNCED_TABLES[table].fields)
        for row in src.conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
            out.append(
                {
                    "t": table,
                    "id": row["id"],
                    "house_id": row["house_id"],
                    "seq": len(out) + 1,
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


def _pc(path) -> Store:
    store = Store(path)
    store.set_house(HOUSE)
    put_state(store, "house_id", HOUSE)
    return store


def _apply(store: Store, changes: list[dict], on_row=None) -> int:
    with store.transaction():
        return sync_apply.apply_changes(store, changes, 0, utc_now_iso(), on_row)


def _contents(store: Store) -> dict:
    out = {
        table: [tuple(r) for r in store.conn.execute(f'SELECT * FROM "{table}" ORDER BY id')]
        for table in ("people", "volunteers")
    }
    out["fts"] = [
        tuple(r) for r in store.conn.execute("SELECT rowid, * FROM people_fts ORDER BY rowid").fetchall()
    ]
    return out


def test_rows_written_a_chunk_at_a_time_are_those_merged_one_by_one(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(sync_apply, "CHUNK", 7)  # several chunks, the last one partial
    changes = _server_rows(tmp_path, 40)
    bulk = _pc(tmp_path / "bulk.sqlite")
    calls = []
    assert _apply(bulk, changes, on_row=lambda: calls.append(1)) == 0
    assert len(calls) == len(changes)
    one_by_one = _pc(tmp_path / "one_by_one.sqlite")
    put_state(one_by_one, "reseed", "[0, 0]")  # re-sending under way: every row goes through the merge
    assert _apply(one_by_one, changes) == 0
    assert _contents(bulk) == _contents(one_by_one)
    assert bulk.scalar("SELECT count(*) FROM people") == 40
    assert bulk.scalar("SELECT count(*) FROM people_fts WHERE people_fts MATCH 'жумабаев017'") == 1
    # The same rows again (a fetch from scratch) change nothing.
    _apply(bulk, changes)
    assert _contents(bulk) == _contents(one_by_one)


def test_a_row_sqlite_refuses_is_kept_aside_alone_and_its_chunk_is_written(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(sync_apply, "CHUNK", 5)
    changes = _server_rows(tmp_path, 12)
    bad = changes[6]
    pc = _pc(tmp_path / "pc.sqlite")
    # SQLite refuses this one row (as it would a value the synced schema check let through).
    pc.conn.execute(
        f"CREATE TRIGGER refuse BEFORE INSERT ON people WHEN NEW.id = '{bad['id']}' "
        "BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    calls = []
    assert _apply(pc, changes, on_row=lambda: calls.append(1)) == 1
    assert len(calls) == len(changes)
    stored = {r["id"] for r in pc.rows("SELECT id FROM people")} | {
        r["id"] for r in pc.rows("SELECT id FROM volunteers")
    }
    assert stored == {c["id"] for c in changes} - {bad["id"]}
    held = [c for c in sync_conflicts.open_conflicts(pc) if c.is_unapplied]
    assert [(c.table, c.row_id, c.kept_value) for c in held] == [
        ("people", bad["id"], "store:IntegrityError")
    ]
    assert pc.scalar("SELECT count(*) FROM people_fts") == 11
    # A later version of the row, once it can be stored, applies and closes the entry.
    pc.conn.execute("DROP TRIGGER refuse")
    ms, rest = bad["hlc"].split("-", 1)
    later = dict(bad, hlc=f"{int(ms) + 1:013d}-{rest}")
    _apply(pc, [later])
    assert not [c for c in sync_conflicts.open_conflicts(pc) if c.is_unapplied]
    assert pc.scalar("SELECT count(*) FROM people WHERE id = ?", (bad["id"],)) == 1
