import pytest

from desktop import roles
from desktop.settings import Settings


@pytest.fixture
def ctx(qapp, store):
    from desktop.store import Store
    from ui.context import AppContext
    from ui.fonts import register_fonts
    from ui.tasks import TaskRunner

    register_fonts(qapp)
    runner = TaskRunner(lambda: Store(store.path))
    context = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    yield context
    runner.shutdown()
    # Deliver the callbacks of tasks that finished meanwhile while the test's database is still open.
    qapp.processEvents()


@pytest.fixture
def ui_lang(qapp, store):
    """Switches the whole UI (our catalog, Qt's translator, QLocale) and restores English afterwards.

    Depends on `store` so that the switch back, and the retranslation it causes in every widget still open,
    happen while the test's database is still open."""
    from PySide6.QtCore import QCoreApplication

    from ui.qt_i18n import apply_language

    yield apply_language
    apply_language("en")
    QCoreApplication.sendPostedEvents()
