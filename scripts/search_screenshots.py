#!/usr/bin/env python3
"""Screenshots at 1366×768 in Kazakh and Russian (offscreen): the volunteer list when a search finds nobody, and the
Sync page while it connects to a server that takes the connection and never answers (with Cancel).

    .venv/bin/python scripts/search_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from desktop import roles
    from desktop.settings import Settings
    from desktop.store import Store
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    register_fonts(app)
    work = Path(tempfile.mkdtemp(prefix="dostyq-shots-"))
    store = Store(work / "pc.sqlite")
    store.set_house("KZ-55-01")
    for surname, name in (
        ("Абенов", "Бекзат"),
        ("Асылбеков", "Ерлан"),
        ("Нұрланұлы", "Қайрат"),
        ("Ким", "Ольга"),
    ):
        person = store.insert("people", {"surname": surname, "name": name})
        store.insert("volunteers", {"person_id": person, "status": "active"})
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (the backlog) and never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"

    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    ctx.sync = SyncController(ctx, auto=False)
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()

    def settle(until=lambda: True, seconds: float = 5) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if until():
                break
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()

    register = window.page("volunteers").register
    page = window.page("sync").sync_page
    for lang in ("kk", "ru"):
        apply_language(lang)
        window.show_section("volunteers")
        register.search.setText("Жақсыбеков")
        register.apply_query()
        settle(lambda: not register.empty_state.isHidden())
        window.grab().save(str(out / f"search_nothing_found_{lang}.png"))
        register.search.setText("")
        register.apply_query()

        window.show_section("sync")
        page.url_edit.setText(url)
        page.code_edit.setText("ABCD-EFGH-JKLM")
        page.connect_button.click()
        settle(lambda: page.upload_question is not None or not page.cancel_connect_button.isHidden())
        if page.upload_question is not None:  # this PC holds records: they upload if the user says so
            page.upload_question.defaultButton().click()
        settle(lambda: not page.cancel_connect_button.isHidden())
        settle(seconds=0.5)
        window.grab().save(str(out / f"sync_connecting_{lang}.png"))
        page.cancel_connect_button.click()
        settle(lambda: page.cancel_connect_button.isHidden())
        window.grab().save(str(out / f"sync_connect_cancelled_{lang}.png"))
    runner.shutdown()
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    silent.close()
    names = ("search_nothing_found", "sync_connecting", "sync_connect_cancelled")
    print("\n".join(sorted(str(p) for n in names for p in out.glob(f"{n}_*.png"))))
    return 0


if __name__ == "__main__":
    sys.stdout.flush()
    os._exit(main())
