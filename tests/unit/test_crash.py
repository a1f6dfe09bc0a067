"""A process killed with SIGKILL in the middle of a batch of writes loses nothing it committed and keeps nothing
it did not: every batch is all there (rows + outbox entries) or not there at all."""

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time

COMMITTED = 25  # batches the writer commits before the one it is killed in
HALFWAY = 23  # rows of the 40 written inside that batch's open transaction when it is killed

WRITER = r"""
import sys
from desktop.store import Store
store = Store(sys.argv[1])
committed, halfway = int(sys.argv[2]), int(sys.argv[3])
batch = 0
while True:
    with store.transaction():
        for i in range(40):
            store.insert("people", {"surname": f"batch{batch}", "name": f"n{i}"})
            if batch == committed and i + 1 == halfway:
                seen = store.scalar("SELECT count(*) FROM people WHERE surname = ?", (f"batch{batch}",))
                print("open", batch, seen, flush=True)
                sys.stdin.readline()  # held inside the transaction until killed
                raise SystemExit("the test did not kill the writer")  # its stdin closed: roll back
    print("committed", batch, flush=True)
    batch += 1
"""


def test_sigkill_mid_batch_keeps_committed_and_drops_uncommitted(tmp_path):
    path = tmp_path / "house.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(COMMITTED), str(HALFWAY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    lines: queue.Queue = queue.Queue()  # the writer's reports, read on a thread so that each wait is bounded

    def read() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    acknowledged, in_progress = -1, None
    deadline = time.monotonic() + 60
    try:
        while in_progress is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if not line:  # the writer died
                break
            kind, batch, *rest = line.split()
            if kind == "committed":
                acknowledged = int(batch)
            else:
                in_progress = (int(batch), int(rest[0]))
    finally:
        proc.send_signal(signal.SIGKILL)  # while the writer holds the batch's transaction open
        proc.wait(timeout=30)
        proc.stdin.close()
    assert acknowledged == COMMITTED - 1, "the writer did not get going"
    # The killed batch was under way: its transaction open, with rows written in it.
    assert in_progress == (COMMITTED, HALFWAY)

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = dict(conn.execute("SELECT surname, count(*) FROM people GROUP BY surname").fetchall())
    ops = dict(
        conn.execute(
            "SELECT p.surname, count(*) FROM outbox o JOIN people p ON p.id = o.row_id GROUP BY p.surname"
        ).fetchall()
    )
    for batch in range(acknowledged + 1):
        assert rows.get(f"batch{batch}") == 40, f"committed batch {batch} lost"
    assert f"batch{COMMITTED}" not in rows, "the batch killed mid-way left rows behind"
    for surname, count in rows.items():
        assert count == 40, f"{surname} is half-written"
        assert ops[surname] == 40, f"{surname} rows without outbox entries"
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == sum(rows.values())
    conn.close()
