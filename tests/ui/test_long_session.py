"""A long session of real repaints must not abort the interpreter (see test_qt_binding.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess:
    # The timeout only guards against a hang: 2,000 renders take about 40 s on a busy 2-core machine, and three
    # times that when every clock read goes through libfaketime (scripts/test_dates.sh).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_calendar_survives_thousands_of_repaints(tmp_path):
    code = f"""
import datetime as dt
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QImage
import ui
from ui.events.calendar_view import MonthCalendar
from desktop import event_calendar, events
from desktop.events import EventInput
from desktop.clock import TZ
from desktop.store import Store
app = QApplication([])
store = Store({str(tmp_path / "house.db")!r})
for day in range(1, 29):
    events.save_event(store, EventInput(starts_at=dt.datetime(2026, 2, day, 11, tzinfo=TZ), title_kk="Кездесу",
                                        kind="meeting"))
calendar = MonthCalendar()
calendar.resize(900, 600)
calendar.set_view(event_calendar.calendar_month(store, 2026, 2))
image = QImage(calendar.size(), QImage.Format.Format_ARGB32)
for _ in range(2000):
    calendar.render(image)
calendar.deleteLater()
app.processEvents()
store.close()
print("alive")
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip().endswith("alive")
