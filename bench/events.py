"""How long the calendar takes to open a month with 500 events: builds the month view model through the same
function the calendar screen calls (desktop.events.calendar_month) on a database with a year of other events.

Run: python bench/events.py  →  calendar_month_500: X ms (median of several opens; the first open and the month
as shown on screen, painted, are printed on their own lines)
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop import event_calendar
from desktop.clock import TZ
from desktop.reference import EVENT_KINDS
from desktop.store import Store

YEAR, MONTH, IN_MONTH, OTHER = 2026, 3, 500, 1500
_app = None


def fill(store: Store, rng: random.Random) -> None:
    kinds = [code for code, _kk, _ru in EVENT_KINDS]
    with store.transaction():
        for n in range(IN_MONTH + OTHER):
            if n < IN_MONTH:
                day = dt.date(YEAR, MONTH, rng.randint(1, 31))
            else:
                day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
                if day.month == MONTH:
                    day += dt.timedelta(days=31)
            start = dt.datetime(
                day.year, day.month, day.day, rng.randint(9, 19), rng.choice((0, 30)), tzinfo=TZ
            )
            # A few multi-day events, as festivals and Nauryz are.
            length = dt.timedelta(days=2, hours=3) if rng.random() < 0.03 else dt.timedelta(hours=2)
            ends = (
                min(start + length, dt.datetime(YEAR, MONTH, 31, 22, tzinfo=TZ))
                if n < IN_MONTH
                else start + length
            )
            store.insert(
                "events",
                {
                    "title_kk": f"Іс-шара № {n}",
                    "title_ru": f"Мероприятие № {n}",
                    "kind": rng.choice(kinds),
                    "starts_at": start.isoformat(),
                    "ends_at": ends.isoformat(),
                    "status": rng.choice(("planned", "held")),
                },
            )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        fill(store, random.Random(5))
        first_start = time.perf_counter()
        view = event_calendar.calendar_month(store, YEAR, MONTH, lang="kk")
        first_ms = (time.perf_counter() - first_start) * 1000
        assert view.event_count == IN_MONTH, view.event_count
        runs = []
        for _ in range(15):
            start = time.perf_counter()
            event_calendar.calendar_month(store, YEAR, MONTH, lang="kk")
            runs.append((time.perf_counter() - start) * 1000)
        shown = _shown_ms(store)
        store.close()
    print(f"calendar_month_500: {statistics.median(runs):.1f} ms")
    print(f"calendar_month_500_first_open: {first_ms:.1f} ms")
    print(f"calendar_month_500_shown: {shown:.1f} ms")


def _shown_ms(store: Store) -> float:
    """The month as the screen shows it: view model, line layout and one full paint of a 1100×700 calendar."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from ui.events.calendar_view import MonthCalendar

    global _app
    _app = app = QApplication.instance() or QApplication([])  # kept alive until exit
    calendar = MonthCalendar()
    calendar.resize(1100, 700)
    image = QImage(calendar.size(), QImage.Format.Format_ARGB32)
    runs = []
    for _ in range(10):
        start = time.perf_counter()
        calendar.set_view(event_calendar.calendar_month(store, YEAR, MONTH, lang="kk"))
        calendar.render(image)
        runs.append((time.perf_counter() - start) * 1000)
    calendar.deleteLater()
    app.processEvents()
    return statistics.median(runs)


if __name__ == "__main__":
    main()
