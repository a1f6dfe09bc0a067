"""The sync UI against a real server: enrol from the Sync page, Sync now, offline state, Needs review."""

from __future__ import annotations

import re

import pytest

from desktop import accounts, audit, roles
from desktop.accounts import AccountInput
from desktop.settings import Settings
from desktop.store import Store
from sync.client import SyncClient
from tests.sync.conftest import HOUSE_A


@pytest.fixture
def ui_lang(qapp):
    from ui.qt_i18n import apply_language

    yield apply_language
    apply_language("en")


@pytest.fixture
def window(qtbot, qapp, tmp_path, ui_lang):
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
    # The window goes before its store does (a late LanguageChange must not find a closed database).
    from PySide6.QtCore import QCoreApplication, QEvent

    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    store.close()


def _page(win):
    win.show_section("sync")
    return win.page("sync").sync_page


def _sync_and_wait(qtbot, win):
    page = _page(win)
    page.sync_button.click()
    qtbot.waitUntil(lambda: win.ctx.sync.running is None, timeout=15000)


def test_enrol_sync_and_status_bar(qtbot, window, server, ui_lang):
    ui_lang("ru")
    page = _page(window)
    assert page.stack.currentWidget() is page.enrol_page
    page.url_edit.setText(server.url)
    page.code_edit.setText(server.store.new_enrol_code(HOUSE_A))
    page.connect_button.click()
    qtbot.waitUntil(
        lambda: window.ctx.sync.enrolled and page.stack.currentWidget() is page.status_page, timeout=10000
    )
    assert window.ctx.store.house_id == HOUSE_A
    window.ctx.store.insert("people", {"surname": "Ержанов", "name": "Бауыржан"})
    _sync_and_wait(qtbot, window)
    label = window.statusBar().state_label
    qtbot.waitUntil(
        lambda: label.text().startswith("в сети") and "0 изменений ещё не отправлено" in label.text(),
        timeout=20000,
    )
    assert window.ctx.store.pending_count() == 0
    assert len(server.store.rows("people", HOUSE_A)) == 1


def test_unreachable_server_shows_offline_and_keeps_work(qtbot, window, server, ui_lang):
    ui_lang("kk")
    store = window.ctx.store
    SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A))
    with store.transaction():
        store.conn.execute("UPDATE sync_state SET value = 'http://127.0.0.1:9' WHERE key = 'server_url'")
    store.insert("people", {"surname": "Офлайн"})
    _sync_and_wait(qtbot, window)
    assert window.ctx.sync.online is False
    assert store.pending_count() == 1
    qtbot.waitUntil(lambda: "желіден тыс" in window.statusBar().state_label.text(), timeout=20000)
    assert "127.0.0.1:9" in _page(window).message.text()


def test_needs_review_shows_both_values_and_keeps_the_choice(
    qtbot, window, server, make_client, ui_lang, clock
):
    ui_lang("ru")
    store = window.ctx.store
    SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A))
    other, other_client = make_client()
    pid = store.insert("people", {"surname": "Нұрланова", "name": "Гүлнар"})
    _sync_and_wait(qtbot, window)
    other_client.sync()
    other.actor = accounts.create_first_administrator(
        other, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    audit.set_pc_label(other, "Кабинет 2")
    other.update("people", pid, {"phone": "+77012222222"})
    clock.advance(1)
    store.update("people", pid, {"phone": "+77011111111"})
    other_client.sync()
    _sync_and_wait(qtbot, window)
    assert store.open_conflicts_count() == 1
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "1 конфликт" in bar.review_label.text(), timeout=20000)
    page = _page(window)
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20000)
    cells = [page.table.item(0, c).text() for c in range(5)]
    assert cells[0] == "Нұрланова Гүлнар"
    assert {cells[2], cells[3]} == {"+77011111111", "+77012222222"}
    # Who made the other change: the account's name and the PC's label, not a hex id.
    assert cells[4].startswith("Айгерім Сейітова · Кабинет 2, ")
    page.table.selectRow(0)
    page.other_button.click()
    qtbot.waitUntil(lambda: store.open_conflicts_count() == 0, timeout=20000)
    assert store.get("people", pid)["phone"] == cells[3]
    qtbot.waitUntil(lambda: page.table.rowCount() == 0, timeout=20000)
    _sync_and_wait(qtbot, window)
    other_client.sync()
    assert other.get("people", pid)["phone"] == cells[3] and other.open_conflicts_count() == 0


def test_enrolment_file_then_sync_files_from_the_page(qtbot, window, server, ui_lang, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from sync.server.app import apply_packet

    ui_lang("kk")
    page = _page(window)
    enrol_file = tmp_path / "house.enrol.dostyq"
    enrol_file.write_bytes(server.store.new_enrol_file(HOUSE_A))
    chosen = {"open": str(enrol_file)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen["open"], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (chosen["save"], ""))
    page.enrol_file_button.click()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_page, timeout=10000)
    assert window.ctx.sync.awaiting_file and not page.sync_button.isEnabled()
    qtbot.waitUntil(lambda: HOUSE_A in page.message.text(), timeout=10000)
    assert window.ctx.store.house_id == HOUSE_A
    window.ctx.store.insert("people", {"surname": "Тау ауылы"})
    chosen["save"] = str(tmp_path / "first.dostyq")
    page.save_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "first.dostyq").exists(), timeout=10000)
    answer = tmp_path / "first.answer.dostyq"
    answer.write_bytes(apply_packet(server.store, (tmp_path / "first.dostyq").read_bytes()))
    chosen["open"] = str(answer)
    page.load_button.click()
    qtbot.waitUntil(lambda: window.ctx.sync.enrolled, timeout=10000)
    qtbot.waitUntil(lambda: window.ctx.store.pending_count() == 0, timeout=10000)
    assert [r["data"]["surname"] for r in server.store.rows("people", HOUSE_A)] == ["Тау ауылы"]
    # A file far over the limit is refused by its size, with the limit in the message.
    huge = tmp_path / "huge.dostyq"
    with open(huge, "wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    chosen["open"] = str(huge)
    page.load_button.click()
    qtbot.waitUntil(lambda: "16 МБ" in page.message.text(), timeout=10000)


def test_needs_review_shows_a_row_that_could_not_be_applied(qtbot, window, server, ui_lang):
    from tests.sync.test_op_checks import _poison

    ui_lang("kk")
    store = window.ctx.store
    SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A))
    _poison(server.store, "volunteers", "v-poison", {"status": "active", "person_id": None})
    store.insert("people", {"surname": "Қалыпты"})
    _sync_and_wait(qtbot, window)
    assert store.pending_count() == 0 and store.scalar("SELECT count(*) FROM volunteers") == 0
    page = _page(window)
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20000)
    cells = [page.table.item(0, c).text() for c in range(4)]
    assert cells[1] == "Қолданылмады" and cells[2].startswith("міндетті өріс бос:")
    assert "қолданылмады" in page.review_intro.text()
    page.table.selectRow(0)
    assert page.keep_button.text() == "Жабу" and not page.other_button.isEnabled()
    page.keep_button.click()
    qtbot.waitUntil(lambda: store.open_conflicts_count() == 0, timeout=20000)
    assert store.scalar("SELECT count(*) FROM volunteers") == 0


def _connect(qtbot, page, server, code):
    page.url_edit.setText(server.url)
    page.code_edit.setText(code)
    page.connect_button.click()


def test_a_pc_holding_records_asks_before_they_upload(qtbot, window, server, ui_lang):
    from PySide6.QtWidgets import QMessageBox

    ui_lang("ru")
    store = window.ctx.store
    for n in range(2):
        store.insert("people", {"surname": f"Бұрынғы{n}", "name": "Жазба"})
    page = _page(window)
    code = server.store.new_enrol_code(HOUSE_A)
    _connect(qtbot, page, server, code)
    qtbot.waitUntil(lambda: page.upload_question is not None, timeout=10000)
    text = page.upload_question.text()
    assert "2 записи" in text and "2 человека" in text  # how many, of what, in Russian
    page.upload_question.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: page.connect_button.isEnabled(), timeout=5000)
    assert not window.ctx.sync.enrolled and server.store.rows("people", HOUSE_A) == []
    assert "только на этом компьютере" in page.message.text()
    # Asked again, the user uploads: the same code still works.
    _connect(qtbot, page, server, code)
    qtbot.waitUntil(lambda: page.upload_question is not None, timeout=10000)
    upload = next(b for b in page.upload_question.buttons() if b.text() == "Загрузить и подключить")
    upload.click()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_page, timeout=10000)
    qtbot.waitUntil(lambda: page.connect_button.isEnabled(), timeout=5000)
    _sync_and_wait(qtbot, window)
    assert len(server.store.rows("people", HOUSE_A)) == 2


def test_an_empty_pc_connects_without_a_question(qtbot, window, server, ui_lang):
    page = _page(window)
    _connect(qtbot, page, server, server.store.new_enrol_code(HOUSE_A))
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.status_page, timeout=10000)
    qtbot.waitUntil(lambda: page.connect_button.isEnabled(), timeout=5000)
    assert window.ctx.sync.enrolled and page.upload_question is None


def test_a_demo_database_says_why_it_cannot_connect(qtbot, window, server, ui_lang):
    ui_lang("kk")
    store = window.ctx.store
    with store.transaction():
        store.set_meta("demo", "1")
    store.insert("people", {"surname": "Демо", "name": "Адам"})
    page = _page(window)
    _connect(qtbot, page, server, server.store.new_enrol_code(HOUSE_A))
    qtbot.waitUntil(lambda: page.connect_button.isEnabled() and "демо" in page.message.text(), timeout=10000)
    assert page.upload_question is None  # no question about uploading what never may upload
    assert not window.ctx.sync.enrolled and server.store.rows("people", HOUSE_A) == []


SENT = re.compile(r"syncing… [\d\s,.\u00a0\u202f]+ sent")


def test_a_long_upload_shows_its_progress_and_stops_where_asked(qtbot, window, server, ui_lang):
    from sync.state import put_state

    store = window.ctx.store
    SyncClient.enrol(store, server.url, server.store.new_enrol_code(HOUSE_A), label="ui-pc")
    with store.transaction():
        for i in range(400):
            store.insert("people", {"surname": f"Фамилия{i:04d}", "name": "Әлия", "notes": "x" * 200})
        put_state(store, "page_bytes", 4096)  # many small rounds
    bar = window.statusBar()
    seen: list[tuple[str, bool]] = []
    window.ctx.sync.state_changed.connect(
        lambda: seen.append((bar.state_label.text(), not bar.cancel_button.isHidden()))
    )
    window.ctx.sync.sync_now()
    qtbot.waitUntil(lambda: any(SENT.match(text) for text, _ in seen), timeout=20000)
    assert not bar.cancel_button.isHidden() and bar.cancel_button.text() == "Stop syncing"
    bar.cancel_button.click()
    qtbot.waitUntil(lambda: window.ctx.sync.running is None, timeout=20000)
    assert bar.cancel_button.isHidden()
    [(progress, shown)] = [(text, shown) for text, shown in seen if SENT.match(text)][:1]
    assert shown and "changes not yet sent" in progress  # what is left, re-read after the round
    left = store.pending_count()
    on_server = len(server.store.rows("people", HOUSE_A))
    assert on_server + left == 400  # what was acknowledged left the outbox; nothing is sent twice
    # The next sync goes on from there.
    window.ctx.sync.sync_now()
    qtbot.waitUntil(lambda: window.ctx.sync.running is None, timeout=30000)
    assert store.pending_count() == 0 and len(server.store.rows("people", HOUSE_A)) == 400
