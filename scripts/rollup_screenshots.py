#!/usr/bin/env python3
"""Screenshots of the coordinator's Regional roll-up tab in Kazakh and Russian (offscreen), with data fetched from a
throwaway server on the loopback: two houses of Astana submit their demo month, a third has not submitted yet.

    .venv/bin/python scripts/rollup_screenshots.py [--out docs/screenshots]
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
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dostyq-rollup-shots-"))
    os.environ.setdefault("DOSTYQ_CONFIG_DIR", str(work / "config"))

    import uvicorn
    from PIL import Image
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from desktop import clock, demo, roles
    from desktop.periods import last_full_month
    from desktop.reports.submission import submit_month
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
    server = ServerStore(f"sqlite:///{work / 'server.sqlite3'}")
    server.add_house("KZ-71-02", "Астана қаласының №2 Достық үйі", "Дом дружбы №2 — город Астана", "KZ-71")
    server.add_house("KZ-71-03", "Астана қаласының №3 Достық үйі", "Дом дружбы №3 — город Астана", "KZ-71")
    srv = uvicorn.Server(uvicorn.Config(create_app(server), host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{srv.servers[0].sockets[0].getsockname()[1]}"
    today = clock.today()
    month = last_full_month(today)

    stores = []
    for seed, house in ((2026, "KZ-71-01"), (7, "KZ-71-02")):
        store = Store(work / f"{house}.sqlite")
        SyncClient.enrol(store, url, server.new_enrol_code(house), label=house)
        demo.fill(store, seed=seed, today=today)
        submit_month(store, month, today=today)
        SyncClient(store).sync_until_done()
        stores.append(store)
    coordinator_pc = stores[0]
    SyncClient(coordinator_pc).sync_until_done()  # the region's houses arrive as reference rows
    token, _token_id = server.add_coordinator("KZ-71", "Astana coordinator")

    runner = TaskRunner(lambda: Store(coordinator_pc.path))
    ctx = AppContext(coordinator_pc, runner, Settings(), actor=roles.SYSTEM)
    ctx.sync = SyncController(ctx, auto=False)
    window = MainWindow(ctx)
    window.resize(1380, 800)
    window.show()

    def settle(until=lambda: True, seconds: float = 20) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if until():
                break
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()

    window.show_section("reports", "rollup")
    page = window.page("reports").rollup
    page.url_edit.setText(url)
    page.token_edit.setText(token)
    page.fetch()
    settle(lambda: page.fetched is not None)
    for lang in ("kk", "ru"):
        apply_language(lang)
        settle()
        target = out / f"reports_rollup_{lang}.png"
        window.grab().save(str(target))
        Image.open(target).convert("RGB").quantize(colors=256).save(target, optimize=True)  # under ~150 KB
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    ctx.sync.stop()
    runner.shutdown()
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    srv.should_exit = True
    for store in stores:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
