"""Import of 5,000 volunteers from an XLSX workbook: the dry run and the import itself, with the floor of the same
run (openpyxl reading the same file alone, doing nothing with the cells).

    DOSTYQ_VENV=… python bench/import.py    # prints import_read_floor_5k, import_dry_run_5k, import_commit_5k
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROWS = 5000


def main() -> int:
    import openpyxl

    from desktop import importing
    from desktop.store import Store
    from tests.importing import messy

    with tempfile.TemporaryDirectory() as tmp:
        path = messy.big_volunteers_xlsx(Path(tmp) / "volunteers.xlsx", ROWS)
        start = time.perf_counter()  # a benchmark measures elapsed time, not a business value
        book = openpyxl.load_workbook(path, read_only=True)
        cells = sum(len(row) for row in book.active.iter_rows(values_only=True))
        book.close()
        floor = time.perf_counter() - start
        store = Store(Path(tmp) / "house.sqlite")
        store.set_house("KZ-55-01")
        start = time.perf_counter()
        plan = importing.dry_run(store, path, "volunteers")
        dry = time.perf_counter() - start
        start = time.perf_counter()
        result = importing.commit(store, plan)
        commit = time.perf_counter() - start
        people = store.scalar("SELECT count(*) FROM people WHERE deleted = 0")
        store.close()
    assert cells and people == len(result.created) == ROWS, (people, len(result.created), plan.counts())
    print(f"import_read_floor_5k: {floor:.2f} s")
    print(f"import_dry_run_5k: {dry:.2f} s (goal <= 3 s; {dry / floor:.1f}x the read floor)")
    print(
        f"import_commit_5k: {commit:.2f} s (goal <= 5 s; {commit / ROWS * 1000:.2f} ms a row, {commit / floor:.1f}x the read floor)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
