"""Registers the bundled DejaVu fonts, so Kazakh letters render on a PC without fonts (docs/TOOLCHAIN.md §5)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.paths import fonts_dir

FAMILY = "DejaVu Sans"


def register_fonts(app: QApplication, point_size: int = 10) -> bool:
    loaded = False
    for ttf in sorted(fonts_dir().glob("*.ttf")):
        if QFontDatabase.addApplicationFont(str(ttf)) >= 0:
            loaded = True
    app.setFont(QFont(FAMILY, point_size))
    return loaded
