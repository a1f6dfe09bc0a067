"""The composition root: parses the command line, opens the store, builds services and shows the window."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

import desktop
from desktop.errors import StoreOpenError
from desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, set_language
from desktop.instance_lock import InstanceLock
from desktop.paths import default_db_path
from desktop.settings import Settings

SECTION_NAMES = (
    "events",
    "volunteers",
    "aid",
    "groups",
    "reports",
    "sync",
    "backups",
    "settings",
    "accounts",
    "audit",
    "retention",
    "duplicates",
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dostyq", description="Dostyq: records of a house of friendship.")
    parser.add_argument("--db", metavar="PATH", help="use this database file")
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language")
    parser.add_argument("--demo", action="store_true", help="fill an empty database with demo data")
    parser.add_argument(
        "--screenshot", metavar="OUT.png", help="render the window offscreen, save a PNG, exit"
    )
    parser.add_argument("--section", choices=SECTION_NAMES, default=None, help="section to show")
    parser.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        help="on a demo database: act as this demo account without the sign-in (the README lists them)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        # `dostyq import FILE --kind …`: the command-line import; it never starts Qt.
        from desktop.importing.cli import main as import_main

        return import_main(argv[1:])
    args = parse_args(argv)
    if args.version:
        print(f"Dostyq {desktop.__version__}")
        return 0
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.fonts import register_fonts
    from ui.qt_i18n import apply_language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # the widgets app: nothing here makes a bare QCoreApplication
    app.setApplicationName("Dostyq")
    app.setApplicationVersion(desktop.__version__)
    register_fonts(app)

    settings = Settings.load()
    lang = args.lang or settings.language or DEFAULT_LANGUAGE
    set_language(lang)
    apply_language(lang)

    db_path = Path(args.db or settings.db_path or default_db_path())
    lock = InstanceLock(db_path)
    try:
        lock.acquire()
        store = _open_store(db_path)
    except StoreOpenError as exc:
        if args.screenshot:
            print(exc.message, file=sys.stderr)
        else:
            QMessageBox.critical(None, _("Dostyq cannot open the database"), exc.message)
        return 2

    if args.demo:
        from desktop import demo

        if demo.is_empty(store):
            print(_("Filling the database with demo data…"), file=sys.stderr)
            demo.fill(store)

    language_chosen = bool(args.lang or settings.language)
    if (
        not args.screenshot
        and (not language_chosen or (not store.house_id and not settings.house_setup_later))
        and not _first_run(store, settings, args.lang)
    ):
        return 0

    from desktop import accounts
    from desktop.store import Store
    from ui.backup_controller import BackupController
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.session import Session
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner

    runner = TaskRunner(lambda: Store(db_path))
    ctx = AppContext(store, runner, settings)
    ctx.sync = SyncController(ctx, auto=not args.screenshot)
    session = Session(ctx)
    if args.screenshot or args.as_login:
        actor = _demo_actor(store, args.as_login)
        if actor is None:
            print(_("--as works only on a demo database, with one of its demo accounts."), file=sys.stderr)
            return 2
        session.set_actor(actor)
    elif not _sign_in(session, first=not accounts.has_accounts(store)):
        ctx.sync.stop()
        runner.shutdown()
        store.close()
        lock.release()
        return 0
    ctx.backups = BackupController(ctx, auto=not args.screenshot)
    window = MainWindow(ctx, session)
    if args.section:
        window.show_section(args.section)
    window.show()
    if os.environ.get("DOSTYQ_STARTUP_PROBE"):
        # bench/startup.py times the process from its start to this line.
        app.processEvents()
        print("window_shown", flush=True)
        if os.environ["DOSTYQ_STARTUP_PROBE"] == "exit":
            return 0

    if args.screenshot:
        # The screens read their data off the UI thread: capture once every read has answered (at least 400 ms
        # after showing, so layouts settle; at most 20 s).
        waited = {"ms": 0}

        def capture():
            waited["ms"] += 100
            if waited["ms"] < 400 or (not runner.is_idle() and waited["ms"] < 20000):
                QTimer.singleShot(100, capture)
                return
            app.processEvents()
            window.grab().save(args.screenshot)
            app.quit()

        QTimer.singleShot(100, capture)

    settle_heap()
    code = app.exec()
    ctx.backups.stop()
    ctx.sync.stop()
    runner.shutdown()
    store.close()
    lock.release()
    return code


def _sign_in(session, *, first: bool) -> bool:
    """The sign-in before the window opens (the first start makes the house administrator). False: closed."""
    from PySide6.QtWidgets import QDialog

    return session.ask(first=first).exec() == QDialog.DialogCode.Accepted


def _demo_actor(store, login: str | None):
    """On a demo database, the demo account `login` (a screenshot: the administrator unless --as names another).
    A real house's database always asks for the sign-in; a screenshot of it shows the locked screen."""
    from desktop import accounts, roles
    from desktop.demo.accounts import DEMO_ACCOUNTS

    if store.get_meta("demo") != "1":
        # A real house's records are never rendered without a sign-in: the window shows its locked screen.
        return roles.NOBODY if login is None else None
    wanted = login or DEMO_ACCOUNTS[0][0]
    for demo_login, _name, _role, secret in DEMO_ACCOUNTS:
        if demo_login == wanted:
            return accounts.sign_in(store, demo_login, secret)
    return None


def settle_heap() -> None:
    """Takes what start-up made (modules, Qt wrappers, the first screens: most of the heap, for the app's life)
    out of the cyclic garbage collector's reach. Its full collections stop every thread, the UI thread too, for as
    long as they walk the heap: over the whole start-up heap that is 100-300 ms, seen as a freeze while a sync
    applies its pages (docs/DESIGN.md §2). Collected first, so no start-up garbage is kept; reference counting
    still frees the frozen objects that die later."""
    gc.collect()
    gc.freeze()


def _open_store(db_path: Path):
    from desktop.store import Store

    return Store(db_path)


def _first_run(store, settings: Settings, forced_lang: str | None) -> bool:
    from PySide6.QtWidgets import QDialog

    from desktop import reference
    from ui.dialogs.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(reference.active_houses(store.conn))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    settings.language = forced_lang or dialog.language
    settings.house_setup_later = dialog.house_id is None
    settings.save()
    if dialog.house_id:
        store.set_house(dialog.house_id)
    return True


if __name__ == "__main__":
    sys.exit(main())
