"""Import of 5,000 volunteers from an XLSX workbook: the dry run and the import itself, with the floor of the same
run (openpyxl reading the same file alone, doing nothing with the cells). Elapsed time is what a user waits; the
CPU time of this process is printed beside it, because on a shared machine the elapsed time is mostly waiting
for a core (the ratio to the floor, measured in the same run, stays comparable either way).

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
        start, cpu = (
            time.perf_counter(),
            time.process_time(),
        )  # a benchmark measures time, not a business value
        book = openpyxl.load_workbook(path, read_only=True)
        cells = sum(len(row) for row in book.active.iter_rows(values_only=True))
        book.close()
        floor, floor_cpu = time.perf_counter() - start, time.process_time() - cpu
        store = Store(Path(tmp) / "house.sqlite")
        store.set_house("KZ-55-01")
        start, cpu = time.perf_counter(), time.process_time()
        plan = importing.dry_run(store, path, "volunteers")
        dry, dry_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        result = importing.commit(store, plan)
        commit, commit_cpu = time.perf_counter() - start, time.process_time() - cpu
        people = store.scalar("SELECT count(*) FROM people WHERE deleted = 0")
        store.close()
    assert cells and people == len(result.created) == ROWS, (people, len(result.created), plan.counts())
    print(f"import_read_floor_5k: {floor:.2f} s")
    print(f"import_dry_run_5k: {dry:.2f} s (goal <= 3 s; {dry / floor:.1f}x the read floor)")
    print(
        f"import_commit_5k: {commit:.2f} s (goal <= 5 s; {commit / ROWS * 1000:.2f} ms a row, {commit / floor:.1f}x the read floor)"
    )
    print(f"import_read_floor_5k_cpu: {floor_cpu:.2f} s")
    print(f"import_dry_run_5k_cpu: {dry_cpu:.2f} s ({dry_cpu / floor_cpu:.1f}x the read floor's)")
    print(f"import_commit_5k_cpu: {commit_cpu:.2f} s ({commit_cpu / floor_cpu:.1f}x the read floor's)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
