#!/usr/bin/env python3
"""Screenshots of the sync UI in Kazakh and Russian (offscreen): the status bar offline and online with changes
waiting, and the Needs review list with a conflict. A throwaway server runs on the loopback.

    .venv/bin/python scripts/sync_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from desktop import accounts, audit, roles
    from desktop.accounts import AccountInput

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import uvicorn
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from desktop.settings import Settings
    from desktop.store import Store
    from sync.client import SyncClient
    from sync.server.app import create_app
    from sync.server.store import ServerStore
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.main_window import MainWindow
    from ui.qt_i18n import apply_language
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    register_fonts(app)
    work = Path(tempfile.mkdtemp(prefix="dostyq-shots-"))
    server = ServerStore(f"sqlite:///{work / 'server.sqlite3'}")
    srv = uvicorn.Server(uvicorn.Config(create_app(server), host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    house = "KZ-55-01"

    def pc(name: str) -> tuple[Store, SyncClient]:
        store = Store(work / f"{name}.sqlite")
        SyncClient.enrol(store, url, server.new_enrol_code(house), label=name)
        return store, SyncClient(store)

    here, here_client = pc("here")
    there, there_client = pc("there")
    # Each change carries its author and PC: Needs review names a person and a PC label, never a device id.
    admin = accounts.create_first_administrator(
        here, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    here.actor = admin
    audit.set_pc_label(here, "Кабинет 2")
    accounts.save_account(
        here, AccountInput("dana", "Дана Ержанқызы", roles.STAFF, "parol-dana", "parol-dana")
    )
    pid = here.insert("people", {"surname": "Жұмабаева", "name": "Әсел", "phone": "+77011234567"})
    here_client.sync(), there_client.sync()
    audit.set_pc_label(there, "Көмек пункті")  # as the system, before anyone signs in there
    there.actor = accounts.sign_in(there, "dana", "parol-dana")
    here.update("people", pid, {"phone": "+77017654321"})
    there.update("people", pid, {"phone": "+77019998877"})
    there_client.sync(), here_client.sync()
    here.insert("people", {"surname": "Серікұлы", "name": "Нұрлан"})
    here.insert("people", {"surname": "Ким", "name": "Ольга"})

    runner = TaskRunner(lambda: Store(here.path))
    ctx = AppContext(here, runner, Settings(), actor=roles.SYSTEM)
    ctx.sync = SyncController(ctx, auto=False)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()

    def settle(until=lambda: True, seconds: float = 10) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if until():
                break
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()

    def sync_and_wait() -> None:
        ctx.sync.sync_now()
        settle(lambda: ctx.sync.running is None)

    for lang in ("kk", "ru"):
        apply_language(lang)
        # Online, with changes waiting (made after the last sync).
        ctx.sync.online, ctx.sync.last_error = True, None
        ctx.sync.state_changed.emit()
        window.show_section("sync")
        settle()
        window.grab().save(str(out / f"sync_status_online_{lang}.png"))
        # Offline: the server stops answering; the work stays on the PC.
        real_url = ctx.sync.server_url
        with here.transaction():
            here.conn.execute("UPDATE sync_state SET value = 'http://127.0.0.1:9' WHERE key = 'server_url'")
        sync_and_wait()
        window.grab().save(str(out / f"sync_status_offline_{lang}.png"))
        with here.transaction():
            here.conn.execute("UPDATE sync_state SET value = ? WHERE key = 'server_url'", (real_url,))
        # Needs review with the conflict selected.
        window.show_section("sync", "review")
        page = window.page("sync").sync_page
        page.refresh()
        page.table.selectRow(0)
        settle()
        window.grab().save(str(out / f"sync_needs_review_{lang}.png"))
    ctx.sync.stop()
    runner.shutdown()
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    srv.should_exit = True
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in out.glob("sync_*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
