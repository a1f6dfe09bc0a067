import datetime as dt

from desktop import demo, schema
from desktop.reference import CENTRAL_HLC


def test_demo_rows_are_all_stamped_and_each_write_has_its_outbox_entry(store):
    demo.fill(store, today=dt.date(2026, 11, 25))
    assert store.scalar("SELECT count(*) FROM people") >= 300
    writes = 0
    for table in schema.SYNCED_TABLES:
        unstamped = store.scalar(f"SELECT count(*) FROM {table} WHERE hlc IS NULL OR hlc = ''")
        assert unstamped == 0, table
        house_rows = store.scalar(f"SELECT count(*) FROM {table} WHERE hlc != ?", (CENTRAL_HLC,))
        inserts = store.scalar(
            "SELECT count(*) FROM outbox WHERE table_name = ? AND kind = 'insert'", (table,)
        )
        assert inserts == house_rows, table
        writes += store.scalar(
            "SELECT count(*) FROM audit_log WHERE table_name = ? "
            "AND action IN ('insert', 'update', 'delete')",
            (table,),
        )
    assert store.pending_count() == writes


def test_demo_is_repeatable(tmp_path):
    from desktop.store import Store

    names = []
    for n in range(2):
        s = Store(tmp_path / f"d{n}.sqlite")
        demo.fill(s, today=dt.date(2026, 11, 25))
        names.append([r["surname"] for r in s.rows("SELECT surname FROM people ORDER BY name_sort, surname")])
        s.close()
    assert names[0] == names[1]


def test_no_iin_is_held_by_two_live_people_in_the_demo(store):
    demo.fill(store, today=dt.date(2026, 11, 25))
    assert store.scalar("SELECT count(*) FROM people WHERE iin IS NOT NULL AND deleted = 0") >= 200
    shared = store.rows(
        "SELECT iin, count(*) AS n FROM people WHERE iin IS NOT NULL AND deleted = 0 GROUP BY iin HAVING n > 1"
    )
    assert shared == []
