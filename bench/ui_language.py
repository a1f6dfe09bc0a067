"""Switching the interface language while the app runs, through the real window (offscreen), on the demo database.

- language_switch_floor: the main window with no section built yet (the sidebar, the status bar): the switch
  itself, Qt's translators and LanguageChange, the floor every switch pays;
- language_switch: the same window with every section and each of its tabs built, as after a day of work;
- language_switch_ratio: the one over the other;
- section_show_after_switch: the first showing of each other section after a switch (a section hidden at the time
  of the switch retranslates then).

Each figure is the p95 over `--repeats` switches (kk → ru → kk …), from the call to the moment the event queue is
empty and the reads the switch started (the names of reference choices in the new language) have answered.
Usage: python bench/ui_language.py [--repeats N]   (goal: language_switch ≤ 300 ms)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dostyq-bench-lang-"))
    os.environ["DOSTYQ_CONFIG_DIR"] = str(folder / "cfg")

    from PySide6.QtWidgets import QApplication, QTabWidget

    from desktop import demo
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.app import _demo_actor
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.session import Session
    from ui.sidebar import SECTIONS
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(["dostyq"])
    register_fonts(app)
    apply_language("kk")
    path = folder / "demo.sqlite"
    store = Store(path)
    demo.fill(store)
    runner = TaskRunner(lambda: Store(path))
    ctx = AppContext(store, runner, Settings())
    ctx.actor = store.actor = _demo_actor(store, "admin")
    window = MainWindow(ctx, Session(ctx))
    window.show()

    def settle() -> None:
        while True:
            for _ in range(3):  # posted events, then the zero-delay timers they start
                app.sendPostedEvents()
                app.processEvents()
            if runner.is_idle():
                app.processEvents()
                return
            time.sleep(0.001)

    def switches(repeats: int) -> list[float]:
        timings = []
        for i in range(repeats):
            lang = "ru" if i % 2 == 0 else "kk"
            settle()
            start = time.perf_counter()
            ctx.switch_language(lang)
            settle()
            timings.append((time.perf_counter() - start) * 1000)
        return timings

    settle()
    floor = switches(args.repeats)
    for spec in SECTIONS:
        window.show_section(spec.key)
        settle()
        for tabs in window.page(spec.key).findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                settle()
    window.show_section("events")
    settle()
    if os.environ.get("DOSTYQ_BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        switches(6)
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    full = switches(args.repeats)
    # What the switch leaves for later: a section hidden at the time retranslates when it is next shown.
    shows = []
    for i in range(max(2, args.repeats // 5)):
        ctx.switch_language("ru" if i % 2 == 0 else "kk")
        settle()
        for spec in SECTIONS[1:]:
            start = time.perf_counter()
            window.show_section(spec.key)
            settle()
            shows.append((time.perf_counter() - start) * 1000)
        window.show_section("events")
        settle()
    floor_p95, full_p95 = p95(floor), p95(full)
    print(f"language_switch_floor: {floor_p95:.1f} ms (median {statistics.median(floor):.1f})")
    print(
        f"language_switch: {full_p95:.1f} ms (median {statistics.median(full):.1f}, {len(SECTIONS)} sections)"
    )
    print(f"language_switch_ratio: {full_p95 / floor_p95:.1f} x")
    print(
        f"section_show_after_switch: {p95(shows):.1f} ms (p95, the first showing of a section in the new language)"
    )
    runner.shutdown()
    store.close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
