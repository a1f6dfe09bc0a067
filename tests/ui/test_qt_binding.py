"""PySide6-Essentials 6.12.0 under Python 3.11 drops a reference to None on every Qt call that returns nothing,
so the app aborts ("none_dealloc") after a few thousand calls. The pinned binding must not do that."""

import os
import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtCore import QRect
r = QRect(0, 0, 10, 10)
before = sys.getrefcount(None)
for i in range(200_000):
    r.setWidth(i)
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_do_not_leak_references_to_none():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert abs(int(out.stdout.strip())) < 100
