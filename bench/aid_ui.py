"""Saving aid at the desk, through the real screen: from the click on Save to "Saved: receipt No. …" on screen.

Builds one database (a few thousand people, recipients with a year of aid, every catalogue item in stock at two
points), then, offscreen in this process, drives the real AidSection's register page on a real Store: each round
chooses a recipient, adds two lines and clicks Save; the time runs until the status line shows the new receipt's
number and has been painted (after one untimed save that opens the writer thread's connection, as the sign-in
has in the app). In the same run the core's save alone (aid.save_aid on a store of the same file, the
same kind of entry) is measured as the floor the screen cannot beat.

Prints `aid_save_ui_p95: X ms`, `aid_save_core_p95: X ms` and `aid_save_ui_ratio: R x` (screen / core), and
`aid_save_ui_blocked_max: X ms`, the longest the UI thread did not get to run a 5 ms timer during the saves.
Usage: python bench/aid_ui.py [--people N] [--rounds N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = dt.date(2026, 11, 20)


def build(path: Path, people: int) -> None:
    from desktop import aid
    from desktop.aid import AidEntry, DonationEntry, Line, RecipientInput
    from desktop.demo.people import make_person
    from desktop.errors import DostyqError
    from desktop.store import Store

    store = Store(path)
    store.set_house("KZ-55-01")
    rng = random.Random(11)
    with store.transaction():  # the people who are not recipients: volunteers, members
        for serial in range(people // 2):
            store.insert("people", make_person(rng, TODAY, serial))
    points = [aid.save_aid_point(store, {"name": name}) for name in ("Орталық пункт", "Солтүстік пункт")]
    items = [row["id"] for row in aid.list_items(store)]
    for point in points:  # a realistic stock: every item, from a few donations over the year
        for month in range(12):
            aid.save_donation(
                store,
                DonationEntry(
                    TODAY - dt.timedelta(days=30 * month + 1),
                    point,
                    "anonymous",
                    [Line(i, rng.choice((50, 100, 400))) for i in items],
                ),
            )
    recipients = []
    for serial in range(people // 2, people):
        person = make_person(rng, TODAY, serial)
        typed = RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            **{k: person[k] or "" for k in ("surname", "name", "patronymic", "birth_date", "sex", "iin")},
            categories=[rng.choice(("veteran", "low_income", "large_family", "disability"))],
        )
        try:
            recipients.append(aid.save_recipient(store, typed, today=TODAY))
        except DostyqError:  # a namesake born the same day: one is enough
            continue
    with store.transaction():  # a year of aid: about 15 entries a day
        for day in range(300):
            given = TODAY - dt.timedelta(days=day + 1)
            for recipient in rng.sample(recipients, 15):
                lines = [Line(i, 1) for i in rng.sample(items, 2)]
                aid.save_aid(store, AidEntry(given, rng.choice(points), "other", recipient, lines, "Әсел"))
    store.close()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def measure(path: Path, rounds: int) -> dict[str, list[float]]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from desktop import aid, roles
    from desktop.aid import AidEntry, Line
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.aid.section import AidSection
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.qt_i18n import apply_language
    from ui.tasks import TaskRunner

    os.environ["DOSTYQ_CONFIG_DIR"] = str(path.parent / "cfg")
    register_fonts(app)
    apply_language("kk")
    store = Store(path)
    runner = TaskRunner(lambda: Store(path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)

    def wait(condition, seconds: float = 30.0) -> None:
        deadline = time.perf_counter() + seconds
        while not condition():
            app.processEvents()
            if time.perf_counter() > deadline:
                raise SystemExit("timed out")
            time.sleep(0.0002)

    class Gaps:
        """The UI thread's longest pause: a 5 ms timer that fires late by that much."""

        def __init__(self):
            self.clock, self.timer, self.last, self.worst = QElapsedTimer(), QTimer(), 0.0, 0.0
            self.timer.setInterval(5)
            self.timer.timeout.connect(self.tick)

        def start(self):
            self.clock.start()
            self.last, self.worst = 0.0, 0.0
            self.timer.start()

        def tick(self):
            now = self.clock.nsecsElapsed() / 1e6
            self.worst, self.last = max(self.worst, now - self.last - 5), now

        def stop(self) -> float:
            self.timer.stop()
            return max(self.worst, 0.0)

    rng = random.Random(5)
    recipients = [r[0] for r in store.conn.execute("SELECT id FROM recipients WHERE deleted = 0")]
    items = ["item-flour", "item-rice", "item-sugar", "item-oil", "item-tea", "item-pasta"]
    items = [i for i in items if store.scalar("SELECT 1 FROM aid_items WHERE id = ?", (i,))] or ["item-flour"]
    section = AidSection(ctx)
    section.resize(1280, 760)
    section.show()
    section.refresh()
    page = section.register_page
    wait(runner.is_idle)
    page.point_combo.setCurrentIndex(0)
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    ui, blocked, gaps = [], [], Gaps()
    # One save first, untimed: it opens the writer thread's connection, as the sign-in's writes have in the app.
    for n in range(rounds + 1):
        page.set_recipient(rng.choice(recipients))
        for item in rng.sample(items, 2):
            page.lines.add_line(item, 1)
        wait(lambda: len(page.lines.lines) == 2 and runner.is_idle())
        before = store.scalar("SELECT count(*) FROM aid_given")
        gaps.start()
        start = time.perf_counter()
        page.save_button.click()
        wait(
            lambda before=before: (
                "№" in page.status_label.text() and store.scalar("SELECT count(*) FROM aid_given") > before
            )
        )
        page.status_label.repaint()  # on screen, not only set
        took, worst = (time.perf_counter() - start) * 1000, gaps.stop()
        if n:
            ui.append(took)
            blocked.append(worst)
        wait(runner.is_idle)  # the latest entries reloaded before the next person
    section.close()
    runner.shutdown()

    core_store = Store(path)
    point = core_store.scalar("SELECT id FROM aid_points ORDER BY name LIMIT 1")
    core = []
    for n in range(rounds + 1):  # the first, untimed, opens the connection as on the screen's side
        entry = AidEntry(
            TODAY, point, "other", rng.choice(recipients), [Line(i, 1) for i in rng.sample(items, 2)], "Әсел"
        )
        start = time.perf_counter()
        aid.save_aid(core_store, entry)
        if n:
            core.append((time.perf_counter() - start) * 1000)
    core_store.close()
    store.close()
    return {"ui": ui, "core": core, "blocked": blocked}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "house.db"
        build(db, args.people)
        result = measure(db, args.rounds)
    ui, core = p95(result["ui"]), p95(result["core"])
    print(f"aid_save_ui_p95: {ui:.1f} ms")
    print(f"aid_save_core_p95: {core:.1f} ms")
    print(f"aid_save_ui_ratio: {ui / core:.1f} x")
    print(f"aid_save_ui_blocked_max: {max(result['blocked']):.1f} ms")


if __name__ == "__main__":
    main()
