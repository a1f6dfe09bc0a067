"""desktop/ and sync/ never load Qt (docs/DESIGN.md §1): import every module of both in a fresh interpreter."""

import os
import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys
import desktop, sync
for package in (desktop, sync):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui"))
print(",".join(loaded))
"""


def test_desktop_and_sync_import_no_qt_and_no_ui():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
