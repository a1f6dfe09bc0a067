"""What a user waits for, through the real screens, now and at an earlier commit (same machine, same run).

Builds one database (20,000 volunteers, 300 recipients with a year of aid, stock), then drives the real widgets
offscreen, once with this tree's code and once with the code of `--before` (checked out in a temporary git
worktree), each in a process of its own on a copy of the same database:
- aid_save: on the Aid desk, from the Enter that saves an entry to "Saved: receipt No. …" on screen;
- search_type: in the volunteer register, from the keystroke that completes a word (after the search's own typing
  pause) to the list showing that search;
- ui_blocked_max: the longest time the UI thread did not get to run a 5 ms timer during each of those
  (what makes typing stutter).

Prints `name: value unit` lines for each side and the ratio now/before.
Usage: python bench/ui_paths.py [--before COMMIT] [--people N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The last commit before the screens reached the core through ui/ops.py.
DEFAULT_BEFORE = "b8565d7"
WORDS = ["кайрат", "айгүл", "нурлан", "болат", "сауле", "ерлан", "динара", "асель", "марат", "жанар"]


def build(path: Path, people: int) -> None:
    sys.path.insert(0, str(ROOT))
    import datetime as dt
    import random

    from desktop import aid
    from desktop.aid import DonationEntry, Line, RecipientInput
    from desktop.demo.people import make_person
    from desktop.errors import DostyqError
    from desktop.store import Store

    today = dt.date(2026, 11, 20)
    store = Store(path)
    store.set_house("KZ-55-01")
    rng = random.Random(7)
    with store.transaction():
        for serial in range(people):
            person_id = store.insert("people", make_person(rng, today, serial))
            store.insert(
                "volunteers", {"person_id": person_id, "status": "active", "kiosk_code": str(10000 + serial)}
            )
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    aid.save_donation(store, DonationEntry(today, point, "anonymous", [Line("item-flour", 100000)]))
    recipients = []
    for serial in range(people, people + 300):
        person = make_person(rng, today, serial)
        typed = RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            **{k: person[k] or "" for k in ("surname", "name", "patronymic", "birth_date", "sex", "iin")},
            categories=["veteran"],
        )
        try:
            recipients.append(aid.save_recipient(store, typed, today=today))
        except DostyqError:  # a namesake born the same day: one is enough
            continue
    with store.transaction():
        for day in range(300):
            given = today - dt.timedelta(days=day)
            for recipient in rng.sample(recipients, 10):
                aid.save_aid(store, aid.AidEntry(given, point, "other", recipient, [Line("item-flour", 1)]))
    store.close()


CHILD = r"""
import json, os, statistics, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QEvent, Qt, QTimer, QElapsedTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication([])
from desktop.settings import Settings
from desktop.store import Store
import inspect

from ui.context import AppContext
from ui.fonts import register_fonts
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner

register_fonts(app)
apply_language("en")
path, rounds, words = sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
store = Store(path)
runner = TaskRunner(lambda: Store(path))
acting = {}
if "actor" in inspect.signature(AppContext).parameters:  # the screens act as an account (an older tree has none)
    from desktop import roles

    acting = {"actor": roles.SYSTEM}
ctx = AppContext(store, runner, Settings(), **acting)
idle = lambda: not runner._live  # every task started has answered (the older TaskRunner has no is_idle)


def section(feature, name):
    import importlib
    for module in (f"ui.{feature}.section", f"ui.sections.{feature}"):
        try:
            return getattr(importlib.import_module(module), name)(ctx)
        except ModuleNotFoundError:
            continue
    raise SystemExit(f"no {name}")


def wait(condition, seconds=30.0):
    timer = QElapsedTimer(); timer.start()
    while not condition():
        app.processEvents()
        if timer.elapsed() > seconds * 1000:
            raise SystemExit("timed out")
        time.sleep(0.0005)


class Gaps:
    # The UI thread's longest pause: a 5 ms timer that fires late by that much.
    def __init__(self):
        self.clock = QElapsedTimer(); self.last = None; self.worst = 0.0
        self.timer = QTimer(); self.timer.setInterval(5); self.timer.timeout.connect(self.tick)
    def start(self):
        self.clock.start(); self.last = 0.0; self.worst = 0.0; self.timer.start()
    def tick(self):
        now = self.clock.nsecsElapsed() / 1e6
        self.worst = max(self.worst, now - self.last - 5); self.last = now
    def stop(self):
        self.timer.stop(); return max(self.worst, 0.0)


def type_text(widget, text):
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


gaps, out = Gaps(), {}

# ---- search as you type in the volunteer register ----
page = section("volunteers", "VolunteersSection")
page.resize(1280, 760); page.show(); page.refresh()
register = page.register
wait(lambda: register.model.rowCount() > 0 and not getattr(register.model, "_reading", False))
samples, blocked = [], []
for n in range(rounds):
    word = words[n % len(words)][: 3 + n % 3]
    register.search.clear()
    wait(lambda: not register.search_timer.isActive() and not getattr(register.model, "_reading", False))
    wait(lambda: register.model.query.text == "" and idle())
    gaps.start()
    type_text(register.search, word)
    start = time.perf_counter()
    wait(lambda: register.model.query.text == word and not register.search_timer.isActive()
         and not getattr(register.model, "_reading", False) and idle())
    samples.append((time.perf_counter() - start) * 1000)
    blocked.append(gaps.stop())
out["search_type"] = samples
out["search_blocked"] = blocked
page.close()

# ---- saving an entry at the aid desk ----
aid_section = section("aid", "AidSection")
aid_section.resize(1280, 760); aid_section.show(); aid_section.refresh()
reg = aid_section.register_page
recipient = store.scalar("SELECT id FROM recipients WHERE deleted = 0 ORDER BY id LIMIT 1")
reg.lines.item_edit.setCompleter(None)
samples, blocked = [], []
for n in range(rounds):
    wait(idle)
    reg.programme_combo.setCurrentIndex(reg.programme_combo.findData("other"))
    reg.set_recipient(recipient)
    wait(idle)
    reg.lines.item_edit.setFocus()
    type_text(reg.lines.item_edit, "ұн")
    QTest.keyClick(reg.lines.item_edit, Qt.Key.Key_Return)
    wait(lambda: reg.lines.quantity_edit.hasFocus() or QApplication.focusWidget() is reg.lines.quantity_edit
         or not getattr(reg.lines, "_focus_pending", False))
    wait(idle)
    reg.lines.quantity_edit.setText("1")
    QTest.keyClick(reg.lines.quantity_edit, Qt.Key.Key_Return)
    wait(idle)
    reg.status_label.clear()
    gaps.start()
    start = time.perf_counter()
    reg.save()
    wait(lambda: reg.status_label.text().startswith("Saved"))
    samples.append((time.perf_counter() - start) * 1000)
    blocked.append(gaps.stop())
out["aid_save"] = samples
out["aid_blocked"] = blocked
runner.shutdown()
print("RESULT " + json.dumps(out))
"""


def as_first_schema(path: Path) -> None:
    """The database as the first schema had it, for a tree that knows only that one: the second migration only
    added the accounts (and dropped the unused users table), which these screens do not read."""
    import sqlite3

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE IF EXISTS accounts")
        conn.execute("DROP TABLE IF EXISTS sign_in_failures")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, display_name TEXT, "
            "role TEXT NOT NULL, password_hash TEXT, created_at TEXT NOT NULL)"
        )
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def measure(tree: Path, db: Path, rounds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(db), str(rounds), json.dumps(WORDS)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
        cwd=tree,
        check=False,
    )
    line = next((x for x in res.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"measuring {tree} failed:\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}")
    return json.loads(line[len("RESULT ") :])


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=DEFAULT_BEFORE)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dostyq-ui-bench-"))
    try:
        db = work / "house.sqlite"
        build(db, args.people)
        before_tree = work / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before_tree), args.before],
            check=True,
        )
        try:
            results = {}
            for side, tree in (("before", before_tree), ("now", ROOT)):
                copy = work / f"{side}.sqlite"
                shutil.copy(db, copy)
                if side == "before":
                    as_first_schema(copy)
                results[side] = measure(tree, copy, args.rounds)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before_tree)], check=False
            )
        for key, name in (("aid_save", "aid_save_ui"), ("search_type", "search_type_ui")):
            for side in ("before", "now"):
                samples = results[side][key]
                print(f"{name}_p50_{side}: {statistics.median(samples):.1f} ms")
                print(f"{name}_p95_{side}: {p95(samples):.1f} ms")
            print(
                f"{name}_p50_ratio_now_before: "
                f"{statistics.median(results['now'][key]) / statistics.median(results['before'][key]):.2f}"
            )
        for key, name in (
            ("aid_blocked", "aid_save_ui_blocked_max"),
            ("search_blocked", "search_type_ui_blocked_max"),
        ):
            for side in ("before", "now"):
                print(f"{name}_{side}: {max(results[side][key]):.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
