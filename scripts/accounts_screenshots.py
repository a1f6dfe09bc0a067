#!/usr/bin/env python3
"""Screenshots of who is at the keyboard, in kk and ru, from a demo database: the sign-in, the first
administrator, the aid recipients as a volunteer sees them (IIN and phone masked), the Accounts page, the kiosk
with a volunteer found by three letters, and the possible duplicates with the merge of a pair. Run offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/accounts_screenshots.py /tmp/demo.db docs/screenshots

or in real X windows on a virtual screen (files named xvfb_*.png):

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/accounts_screenshots.py …
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # unless the caller asks for xcb


def main(db: str, out: str) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop import accounts, demo
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.context import AppContext
    from ui.dialogs.sign_in_dialog import SignInDialog
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.session import Session
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    register_fonts(app)
    store = Store(db)
    if demo.is_empty(store):
        demo.fill(store)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    runner = TaskRunner(lambda: Store(db))
    ctx = AppContext(store, runner, Settings())
    session = Session(ctx)
    session.idle.stop()

    def settle() -> None:
        for _ in range(20):
            app.processEvents()
        while not runner.is_idle():
            app.processEvents()
        for _ in range(5):
            app.processEvents()

    def shot(widget, name: str) -> None:
        settle()
        if app.platformName() == "xcb":  # a real X window (under xvfb-run): what the screen shows
            widget.raise_()
            settle()
            geometry = widget.frameGeometry()
            picture = widget.screen().grabWindow(
                0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
            )
            picture.save(str(out_dir / f"xvfb_{name}"))
        else:
            widget.grab().save(str(out_dir / name))

    # Three letters of an active volunteer's name: what a volunteer types at the kiosk.
    first_letters = store.scalar(
        "SELECT substr(p.name, 1, 3) FROM volunteers v JOIN people p ON p.id = v.person_id "
        "WHERE v.status = 'active' AND v.deleted = 0 ORDER BY p.name_sort LIMIT 1"
    )
    # Two PCs registered one woman before they met: same name and birth date, the second without the IIN.
    [twin] = store.rows(
        "SELECT p.* FROM people p JOIN recipients r ON r.person_id = p.id "
        "WHERE p.deleted = 0 AND p.iin IS NOT NULL AND p.birth_date IS NOT NULL ORDER BY p.name_sort LIMIT 1"
    )
    namesakes = store.scalar(
        "SELECT count(*) FROM people WHERE surname = ? AND name = ? AND deleted = 0",
        (twin["surname"], twin["name"]),
    )
    if namesakes < 2:
        store.insert(
            "people",
            {
                "surname": twin["surname"],
                "name": twin["name"],
                "patronymic": twin["patronymic"],
                "birth_date": twin["birth_date"],
                "sex": twin["sex"],
                "phone": "+77052223344",
                "locality": "Ақсу",
            },
        )
    volunteer = accounts.sign_in(store, "volunteer", "1234")
    admin = accounts.sign_in(store, "admin", "demo-admin")
    for lang in ("kk", "ru"):
        apply_language(lang)
        dialog = SignInDialog(ctx)
        dialog.show()
        settle()
        dialog.secret_edit.setText("0000")
        dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("volunteer"))
        dialog._on_ok()
        shot(dialog, f"sign_in_{lang}.png")
        dialog.close()
        first = SignInDialog(ctx, first=True)
        first.show()
        shot(first, f"first_admin_{lang}.png")
        first.close()

        session.set_actor(volunteer)
        window = MainWindow(ctx, session)
        window.resize(1366, 768)
        window.show()
        window.show_section("aid")
        section = window.page("aid")
        section.show_page("recipients")
        page = section.recipients_page
        settle()
        page.search_edit.setText("Қ")
        settle()
        page.view.selectRow(0)
        shot(window, f"volunteer_recipients_{lang}.png")

        window.show_section("volunteers")
        kiosk = window.page("volunteers").open_kiosk()
        if app.platformName() == "xcb":
            kiosk.showFullScreen()  # as at the centre's PC
        else:
            kiosk.showNormal()
            kiosk.resize(1366, 768)
        kiosk.search.setText(first_letters)
        shot(kiosk, f"kiosk_{lang}.png")
        kiosk.hide()

        session.set_actor(admin)
        window.show_section("accounts")
        shot(window, f"accounts_{lang}.png")

        window.show_section("duplicates")
        merge_page = window.page("sync").merge_page
        merge_page.refresh()
        settle()
        merge_page.candidates.setCurrentRow(0)
        shot(window, f"duplicates_{lang}.png")
        pair = merge_page.candidates_found[0]
        dialog = merge_page.open_merge(pair.first, pair.second)
        shot(dialog, f"merge_{lang}.png")
        dialog.reject()
        window.close()
    runner.shutdown()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
