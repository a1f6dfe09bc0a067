"""The Sync page and the roll-up while a server takes the connection and never answers (a real loopback socket):
Cancel shows, stops the attempt at once and says that nothing is set up; the status bar of a PC never connected
says so; the roll-up uses the PC's own server address."""

from __future__ import annotations

import pytest

from desktop import roles
from desktop.settings import Settings
from desktop.store import Store
from sync.state import put_state
from tests.sync.test_connecting import SilentServer


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def ui_lang(qapp):
    from ui.qt_i18n import apply_language

    yield apply_language
    apply_language("en")


@pytest.fixture
def window(qtbot, qapp, tmp_path, ui_lang):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.sync_controller import SyncController
    from ui.tasks import TaskRunner

    store = Store(tmp_path / "ui-pc.sqlite")
    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    ctx.sync = SyncController(ctx, auto=False)
    win = MainWindow(ctx)
    yield win
    ctx.sync.stop()
    runner.shutdown()
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    store.close()


def _sync_page(win):
    win.show_section("sync")
    return win.page("sync").sync_page


@pytest.mark.parametrize(("lang", "cancelled"), [("ru", "Ничего ещё не настроено"), ("kk", "ештеңе баптал")])
def test_cancel_stops_connecting_to_a_silent_server(qtbot, window, silent, ui_lang, lang, cancelled):
    ui_lang(lang)
    page = _sync_page(window)
    page.url_edit.setText(silent.url)
    page.code_edit.setText("ABCD-EFGH-JKLM")
    assert page.cancel_connect_button.isHidden()
    page.connect_button.click()
    qtbot.waitUntil(lambda: not page.cancel_connect_button.isHidden(), timeout=5000)
    assert not page.connect_button.isEnabled()
    assert silent.url in page.message.text()  # "Connecting to http://…"
    assert silent.accepted.wait(5)
    page.cancel_connect_button.click()
    # Stopped at once, not at the read timeout (20 s).
    qtbot.waitUntil(lambda: page.cancel_connect_button.isHidden(), timeout=3000)
    assert page.connect_button.isEnabled()
    assert cancelled.lower() in page.message.text().lower()
    assert silent.peer_closed.wait(3)
    assert not window.ctx.sync.enrolled
    assert page.url_edit.text() == silent.url  # kept, to correct and try again


@pytest.mark.parametrize(("lang", "text"), [("en", "sync not set up"), ("ru", "синхронизация не настроена")])
def test_the_status_bar_of_a_pc_never_connected_says_sync_is_not_set_up(qtbot, window, ui_lang, lang, text):
    ui_lang(lang)
    label = window.statusBar().state_label
    qtbot.waitUntil(lambda: label.text().lower().startswith(text), timeout=5000)
    assert "offline" not in label.text() and "не в сети" not in label.text()


def test_the_status_bar_in_kazakh(qtbot, window, ui_lang):
    ui_lang("kk")
    label = window.statusBar().state_label
    qtbot.waitUntil(lambda: "баптал" in label.text().lower(), timeout=5000)
    assert "желіден тыс" not in label.text()


def test_the_roll_up_uses_the_pcs_own_server_address(qtbot, qapp, store):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.context import AppContext
    from ui.reports.section import ReportsSection
    from ui.tasks import TaskRunner

    with store.transaction():
        put_state(store, "server_url", "https://sync.example.kz")
    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    section = ReportsSection(ctx)
    qtbot.addWidget(section)
    section.show_page("rollup")
    page = section.rollup
    qtbot.waitUntil(lambda: page.url_edit.text() == "https://sync.example.kz", timeout=5000)
    assert not page.url_edit.isReadOnly()  # the coordinator may still type another
    runner.shutdown()
    section.close()
    section.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
