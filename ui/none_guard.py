"""Keeps Python 3.11 alive under PySide6 6.12.0, whose void methods return None without a new reference.

Every call such as `QRect.setWidth()` or `QPainter.drawRect()` then takes one reference from None; after a few
thousand calls (one calendar repaint makes hundreds) None's count reaches zero and the interpreter aborts with
"Fatal Python error: none_dealloc". Python 3.12 made None immortal, which hides the defect there. Here, when a
probe call shows the leak, None's reference count is raised far beyond what any session can use up, which is
what immortality amounts to. Nothing happens when the installed PySide6 does not leak.
"""

from __future__ import annotations

import ctypes
import sys

# 2**50 void calls: at a million calls a second, 35 years of uptime.
_HEADROOM = 1 << 50


def void_call_leaks_none() -> bool:
    from PySide6.QtCore import QRect

    rect = QRect()
    before = sys.getrefcount(None)
    for _ in range(8):
        rect.setWidth(1)
    return sys.getrefcount(None) < before


def install() -> bool:
    """Raises None's reference count if (and only if) this PySide6 leaks it. Returns whether it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not void_call_leaks_none():
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _HEADROOM
    return True
