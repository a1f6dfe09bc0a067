"""One colour per event kind, so a month of events reads at a glance (the legend is the kind filter)."""

from __future__ import annotations

from PySide6.QtGui import QColor

KIND_COLORS = {
    "holiday": "#c62828",
    "concert": "#6a1b9a",
    "festival": "#ef6c00",
    "exhibition": "#2e7d32",
    "meeting": "#1565c0",
    "round_table": "#00838f",
    "training": "#4e342e",
    "charity": "#ad1457",
    "sports": "#558b2f",
    "other": "#546e7a",
}


def kind_color(kind: str) -> QColor:
    return QColor(KIND_COLORS.get(kind, KIND_COLORS["other"]))
