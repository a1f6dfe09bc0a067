"""Only desktop/clock.py reads the system clock: an AST check over desktop/, sync/ and ui/.

A business date read straight from the machine (`date.today()`, `datetime.now()`, `time.time()`, Qt's
`QDate.currentDate()`, SQLite's `'now'`) is a test that fails on some other day. Take it from `desktop.clock`,
or have the caller hand it in.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEAM = ROOT / "desktop" / "clock.py"

# Attribute reads, per module or class they hang off.
DATETIME_CLASS_READS = {"now", "utcnow", "today"}  # datetime.datetime.*
DATE_CLASS_READS = {"today"}  # datetime.date.*
TIME_MODULE_READS = {
    "time",
    "time_ns",
    "monotonic",
    "monotonic_ns",
    "perf_counter",
    "perf_counter_ns",
    "localtime",
    "gmtime",
    "ctime",
    "asctime",
    "clock_gettime",
    "clock_gettime_ns",
}
QT_READS = {
    "QDate": {"currentDate"},
    "QDateTime": {"currentDateTime", "currentDateTimeUtc", "currentMSecsSinceEpoch", "currentSecsSinceEpoch"},
    "QTime": {"currentTime"},
}
SQL_NOW = re.compile(
    r"""(\b(date|time|datetime|julianday|unixepoch|strftime)\s*\([^)]*['"]now['"])"""
    r"""|\bCURRENT_(TIMESTAMP|DATE|TIME)\b|\bnow\(\)""",
    re.IGNORECASE,
)


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.datetime_modules: set[str] = set()  # import datetime [as dt]
        self.time_modules: set[str] = set()  # import time [as t]
        self.datetime_classes: set[str] = set()  # from datetime import datetime [as D]
        self.date_classes: set[str] = set()  # from datetime import date [as d]
        self.qt_classes: dict[str, str] = {}  # local name -> Qt class

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            if alias.name == "datetime":
                self.datetime_modules.add(local)
            elif alias.name == "time":
                self.time_modules.add(local)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            local = alias.asname or alias.name
            if node.module == "datetime":
                if alias.name == "datetime":
                    self.datetime_classes.add(local)
                elif alias.name == "date":
                    self.date_classes.add(local)
            elif node.module == "time" and alias.name in TIME_MODULE_READS:
                self.found.append((node.lineno, f"from time import {alias.name}"))
            elif (node.module or "").startswith("PySide6") and alias.name in QT_READS:
                self.qt_classes[local] = alias.name

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base, attr = node.value, node.attr
        name = ast.unparse(node)
        if isinstance(base, ast.Name):
            if (
                base.id in self.time_modules
                and attr in TIME_MODULE_READS
                or base.id in self.datetime_classes
                and attr in DATETIME_CLASS_READS
                or base.id in self.date_classes
                and attr in DATE_CLASS_READS
                or base.id in self.qt_classes
                and attr in QT_READS[self.qt_classes[base.id]]
            ):
                self.found.append((node.lineno, name))
        elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
            if base.value.id in self.datetime_modules:
                if (base.attr == "datetime" and attr in DATETIME_CLASS_READS) or (
                    base.attr == "date" and attr in DATE_CLASS_READS
                ):
                    self.found.append((node.lineno, name))
            elif base.attr in QT_READS and attr in QT_READS[base.attr]:
                self.found.append((node.lineno, name))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and SQL_NOW.search(node.value):
            self.found.append((node.lineno, f"SQL reads the clock: {node.value.strip()[:60]!r}"))


def clock_reads(source: str) -> list[tuple[int, str]]:
    finder = _Finder()
    finder.visit(ast.parse(source))
    return sorted(finder.found)


def date_reads(source: str) -> list[tuple[int, str]]:
    """Reads of today's date or the time of day (what a test may not depend on); timers and sleeps are fine."""
    return [(line, what) for line, what in clock_reads(source) if re.search(r"\.(now|utcnow|today)\b", what)]


def test_no_code_outside_the_seam_reads_the_system_clock():
    problems = []
    for folder in ("desktop", "sync", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == SEAM:
                continue
            for line, what in clock_reads(path.read_text(encoding="utf-8")):
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "read the time from desktop.clock instead:\n" + "\n".join(problems)


def test_tests_take_the_date_from_the_clock_fixture():
    """A test that builds its data from the machine's date passes today and fails on some other day: pin the
    clock with the `clock` fixture (tests/conftest.py) or use fixed dates."""
    problems = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        for line, what in date_reads(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_every_way_of_reading_the_clock():
    source = textwrap.dedent(
        """
        import datetime as dt
        import time as t
        from datetime import date, datetime as D
        from time import monotonic
        from PySide6.QtCore import QDate
        from PySide6 import QtCore

        a = dt.date.today()
        b = dt.datetime.now(tz)
        c = D.utcnow()
        d = date.today()
        e = t.time()
        f = t.perf_counter
        g = QDate.currentDate()
        h = QtCore.QDateTime.currentDateTime()
        i = "SELECT date('now', 'localtime')"
        j = "INSERT INTO x VALUES (CURRENT_TIMESTAMP)"
        """
    )
    found = [what for _, what in clock_reads(source)]
    assert len(found) == 11, found
    assert "dt.date.today" in found and "t.perf_counter" in found and "from time import monotonic" in found


def test_the_check_leaves_other_reads_of_time_alone():
    source = textwrap.dedent(
        """
        import datetime as dt
        import time
        from desktop import clock

        a = clock.today()
        b = self.clock.now()  # the hybrid logical clock
        c = dt.datetime.fromisoformat(text).date()
        time.sleep(0.1)
        d = "SELECT * FROM events WHERE note = 'now'"
        e = dt.date(2026, 12, 1)
        """
    )
    assert clock_reads(source) == []
