"""What every screen gets: the UI thread's Store (for quick reads through services), the TaskRunner (for writes
and long work), the settings, and app-wide signals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop import roles
from desktop.settings import Settings
from desktop.store import Store
from ui.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from ui.backup_controller import BackupController
    from ui.sync_controller import SyncController


class AppContext(QObject):
    # A synced table changed (its name), so lists and counters refresh.
    data_changed = Signal(str)
    language_changed = Signal(str)
    # Ask the main window to show a section: (section key, optional page/argument).
    section_requested = Signal(str, object)

    def __init__(
        self,
        store: Store,
        runner: TaskRunner,
        settings: Settings,
        parent: QObject | None = None,
        *,
        actor: roles.Actor = roles.NOBODY,
    ):
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.settings = settings
        # Who is acting: every op runs as this account (desktop/roles.py); nobody until someone signs in.
        self.actor: roles.Actor = actor
        # The window's sign-in and lock (ui/session.py), once there is a window.
        self.session: Any = None
        # The window's sync controller: set by the composition root, or on first use by sync_controller().
        self.sync: SyncController | None = None
        # The window's automatic backups (ui/backup_controller.py): set by the composition root or on first use.
        self.backups: BackupController | None = None

    @property
    def db_path(self) -> Path:
        """The database file (for labels and file dialogs; nothing is read through it)."""
        return self.store.path

    def switch_language(self, lang: str) -> None:
        """Changes the interface language while the app runs (every open window retranslates) and keeps it."""
        from desktop.i18n import current_language
        from ui.qt_i18n import apply_language

        if lang == current_language():
            return
        self.settings.language = lang
        self.settings.save()
        apply_language(lang)
        self.language_changed.emit(lang)

    def reopen_stores(self) -> None:
        """After the database file was restored: this thread's Store and every worker's are opened anew."""
        path, actor = self.store.path, self.store.actor
        self.store.close()
        self.store = Store(path, actor=actor)
        self.runner.reopen_stores()

    def write(
        self,
        fn: Callable[..., Any],
        *args,
        tables: Iterable[str] = (),
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        **kwargs,
    ) -> Task:
        """Runs fn(store, *args, progress=, cancel=, **kwargs) on the database-writer thread; on success announces
        `tables` as changed, then calls on_done(result) on the UI thread."""
        tables = tuple(tables)

        def done(result):
            for table in tables or ("",):
                self.data_changed.emit(table)
            if on_done:
                on_done(result)

        return self.runner.write(fn, *args, on_done=done, on_error=on_error, **kwargs)
