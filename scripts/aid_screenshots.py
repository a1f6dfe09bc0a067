#!/usr/bin/env python3
"""Screenshots of the aid screens for the README: registration, the double-aid warning, stock on hand and a
recipient card, in kk and ru, from a demo database. Run offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/aid_screenshots.py /tmp/aid_demo.db docs/screenshots
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(db: str, out: str) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop import demo, roles
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_fonts(app)
    store = Store(db)
    if demo.is_empty(store):
        demo.fill(store)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    month = today.strftime("%Y-%m")
    # A named recipient who already had a Қамқор pack this month: the double-aid warning.
    repeat = store.scalar(
        "SELECT a.recipient_id FROM aid_given a JOIN recipients r ON r.id = a.recipient_id "
        "WHERE a.programme = 'qamqor' AND substr(a.given_on, 1, 7) = ? AND r.person_id IS NOT NULL "
        "AND a.reverses_id IS NULL ORDER BY a.given_on LIMIT 1",
        (month,),
    )
    # A recipient with a long history (including a correction) for the card.
    busy = store.scalar(
        "SELECT a.recipient_id FROM aid_given a JOIN recipients r ON r.id = a.recipient_id "
        "WHERE r.person_id IS NOT NULL GROUP BY a.recipient_id "
        "ORDER BY max(a.reverses_id IS NOT NULL) DESC, count(*) DESC LIMIT 1"
    )
    runner = TaskRunner(lambda: Store(db))
    settings = Settings()
    settings.extra["aid_given_by"] = "Сәуле Оспанова"
    ctx = AppContext(store, runner, settings, actor=roles.SYSTEM)

    def settle():
        for _ in range(5):
            app.processEvents()

    for lang in ("kk", "ru"):
        apply_language(lang)
        window = MainWindow(ctx)
        window.resize(1280, 800)
        window.show()
        window.show_section("aid")
        section = window.page("aid")
        page = section.register_page
        section.show_page("register")
        settle()
        page.programme_combo.setCurrentIndex(page.programme_combo.findData("qamqor"))
        page.point_combo.setCurrentIndex(0)
        page.set_recipient(repeat)
        for item, quantity in (("item-food-set", 1), ("item-flour", 5), ("item-tea", 2)):
            page.lines.add_line(item, quantity)
        settle()
        window.grab().save(str(out_dir / f"aid_register_{lang}.png"))

        page.save()
        settle()
        dialog = page.double_aid_dialog
        dialog.reason_edit.setText(
            "Үйі өртеніп кетті, директор рұқсат берді" if lang == "kk" else "Пожар в доме, разрешил директор"
        )
        settle()
        dialog.grab().save(str(out_dir / f"aid_double_aid_{lang}.png"))
        dialog.reject()

        section.show_page("stock")
        settle()
        window.grab().save(str(out_dir / f"aid_stock_{lang}.png"))

        section.show_page("recipients")
        surname = store.scalar(
            "SELECT p.surname FROM recipients r JOIN people p ON p.id = r.person_id WHERE r.id = ?", (busy,)
        )
        section.recipients_page.search_edit.setText(surname)
        settle()
        section.recipients_page.select(busy)
        settle()
        window.grab().save(str(out_dir / f"aid_recipient_card_{lang}.png"))
        window.close()
        window.deleteLater()
        settle()
    runner.shutdown()
    store.close()
    _shrink(out_dir)


def _shrink(folder: Path) -> None:
    """256-colour PNGs: the screenshots stay readable and small enough for the README."""
    try:
        from PIL import Image
    except ImportError:
        return
    for path in folder.glob("aid_*.png"):
        Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "/tmp/aid_demo.db",
        sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots",
    )
