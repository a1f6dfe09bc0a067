"""Screenshots of the Volunteers screens, offscreen, on a demo database: the register with a loose search, the
person form with an IIN error, the duplicate prompt and the kiosk.

Usage: python bench/volunteers_screenshots.py --lang kk --out docs/screenshots
Prints one `screenshot: PATH` line per picture.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=("kk", "ru"), default="kk")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DOSTYQ_CONFIG_DIR", tempfile.mkdtemp(prefix="dostyq-shots-cfg-"))

    from PySide6.QtWidgets import QApplication

    from desktop import demo, roles, text
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    register_fonts(app)
    apply_language(args.lang)
    db = Path(tempfile.mkdtemp(prefix="dostyq-shots-")) / "demo.sqlite"
    store = Store(db)
    demo.fill(store)
    runner = TaskRunner(lambda: Store(db))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()
    window.show_section("volunteers")
    section = window.page("volunteers")

    def settle():
        for _ in range(5):
            app.processEvents()

    def shot(widget, name):
        settle()
        path = out / f"volunteers_{name}_{args.lang}.png"
        widget.grab().save(str(path))
        print(f"screenshot: {path}")

    # A volunteer with Kazakh letters in the name, typed the Russian-keyboard way.
    target = store.one(
        "SELECT p.surname, p.name FROM volunteers v JOIN people p ON p.id = v.person_id "
        "WHERE v.deleted = 0 AND p.name IN ('Қайрат', 'Әсел', 'Нұрлан', 'Өмірбек', 'Ғалым', "
        "'Сәуле', 'Мөлдір', 'Дәурен') ORDER BY p.name_sort LIMIT 1"
    )
    typed = text.loose(f"{target['name']} {target['surname'][:4]}")
    window.show_section("volunteers", f"search:{typed}")
    section.register.table.selectRow(0)
    shot(window, "search")

    window.show_section("volunteers", "hours")
    shot(window, "hours")
    window.show_section("volunteers", f"search:{typed}")

    dialog = section.open_volunteer(None)
    form = dialog.person_form
    form.surname.setText("Омаров")
    form.name.setText("Мұрат")
    form.birth_date.setText("01.01.1990")
    form.sex.setCurrentIndex(form.sex.findData("m"))
    form.iin.setText("900101300018")
    form.phone.setText("8 701 123 45 67")
    form.language_checks["kk"].setChecked(True)
    form.language_checks["ru"].setChecked(True)
    dialog.buttons.accepted.emit()
    shot(dialog, "form_iin_error")
    dialog.reject()
    section.register.table.selectRow(0)
    dialog = section.open_volunteer(section.register.current_volunteer())
    dialog.tabs.setCurrentIndex(1)
    shot(dialog, "record")
    dialog.reject()

    existing = store.one(
        "SELECT surname, name, birth_date FROM people WHERE name = ? AND deleted = 0 LIMIT 1",
        (target["name"],),
    )
    dialog = section.open_volunteer(None)
    dialog.person_form.surname.setText(text.loose(existing["surname"]).capitalize())
    dialog.person_form.name.setText(text.loose(existing["name"]).capitalize())
    dialog.buttons.accepted.emit()
    settle()
    prompt = dialog.duplicate_dialog
    prompt.resize(720, 330)
    shot(prompt, "duplicate")
    prompt.reject()
    dialog.reject()

    kiosk = section.open_kiosk()
    kiosk.showNormal()
    kiosk.resize(1180, 760)
    kiosk.search.setText(text.loose(target["name"])[:4])
    settle()
    if kiosk.matches.count():
        kiosk.matches.setCurrentRow(0)
        kiosk.matches.itemClicked.emit(kiosk.matches.item(0))
    shot(kiosk, "kiosk")
    kiosk.accept()

    runner.shutdown()
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # PySide6 6.12 can crash while tearing down at interpreter exit
