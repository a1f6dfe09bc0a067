"""A process killed with SIGKILL in the middle of a batch of writes loses nothing it committed and keeps nothing
it did not: every batch is all there (rows + outbox entries) or not there at all."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

WRITER = r"""
import sys
from desktop.store import Store
store = Store(sys.argv[1])
batch = 0
while True:
    with store.transaction():
        for i in range(40):
            store.insert("people", {"surname": f"batch{batch}", "name": f"n{i}"})
    print(batch, flush=True)
    batch += 1
"""


def test_sigkill_mid_batch_keeps_committed_and_drops_uncommitted(tmp_path):
    path = tmp_path / "house.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    acknowledged = -1
    deadline = time.monotonic() + 60
    while acknowledged < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    time.sleep(0.013)  # land somewhere inside a later batch
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert acknowledged >= 25, "the writer did not get going"

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
    for surname, count in rows.items():
        assert count == 40, f"{surname} is half-written"
        assert ops[surname] == 40, f"{surname} rows without outbox entries"
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == sum(rows.values())
    conn.close()
