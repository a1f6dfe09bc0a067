"""The Regional roll-up tab against a real server: fetch, the house that has not submitted, the preview, an export
that openpyxl reads back with the summed figures, and a clear message for a bad token."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from desktop import roles
from desktop.settings import Settings
from tests.sync.test_coordinator import HOUSE_A3, MONTH, region  # noqa: F401  (fixture)


@pytest.fixture
def page(qtbot, qapp, region):  # noqa: F811
    from PySide6.QtCore import QCoreApplication, QEvent

    from desktop.store import Store
    from ui.context import AppContext
    from ui.reports.section import ReportsSection
    from ui.tasks import TaskRunner

    _token, store = region
    runner = TaskRunner(lambda: Store(store.path))
    ctx = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    section = ReportsSection(ctx)  # the Reports section with its third tab: retranslated as the app does it
    qtbot.addWidget(section)
    section.show_page("rollup")
    widget = section.rollup
    if widget.month_combo.findData(MONTH) < 0:
        widget.month_combo.addItem(MONTH, MONTH)
    widget.month_combo.setCurrentIndex(widget.month_combo.findData(MONTH))
    yield widget
    runner.shutdown()
    section.close()
    section.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _fetch(qtbot, page, url, token):
    page.url_edit.setText(url)
    page.token_edit.setText(token)
    page.fetch_button.click()
    assert not page.fetch_button.isEnabled()  # the request runs off the UI thread
    qtbot.waitUntil(lambda: page.fetch_button.isEnabled(), timeout=20000)


def test_fetch_shows_missing_house_and_exports_the_sums(qtbot, page, server, region, tmp_path):  # noqa: F811
    import openpyxl

    token, _store = region
    _fetch(qtbot, page, server.url, token)
    model = page.houses_model
    statuses = {row.house.code: model.data(model.index(i, 1)) for i, row in enumerate(model.rows)}
    assert statuses[HOUSE_A3] == "Not submitted yet"
    assert statuses["KZ-71-01"].startswith("Submitted: version 2")
    assert "KZ-75-01" not in statuses
    assert "Астана №3 Достық үйі" in page.message_label.text()  # the house by name (kk under an English UI)
    assert page.view.summary.current["events"]["held"] == 9
    # Remembered in the settings file, for the next time.
    saved = json.loads(Settings.path().read_text(encoding="utf-8"))["extra"]
    assert saved["coordinator_token"] == token and saved["coordinator_server_url"] == server.url

    target = tmp_path / "rollup.xlsx"
    page.lang_combo.setCurrentIndex(page.lang_combo.findData("ru"))
    page.start_export("xlsx", str(target))
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Saved"), timeout=20000)
    book = openpyxl.load_workbook(target)
    values = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and isinstance(row[0], str):
                values.setdefault(row[0], row[1:])
    held = next(v for k, v in values.items() if "проведено" in k.lower() or "мероприятий" in k.lower())
    assert held[0] == 9  # 4 (house 1, version 2) + 5 (house 2); the other region's 100 is not in it
    assert any(
        isinstance(c, str) and HOUSE_A3 in c
        for s in book.worksheets
        for r in s.iter_rows(values_only=True)
        for c in r
    )


def test_bad_token_gives_a_clear_message(qtbot, page, server):
    _fetch(qtbot, page, server.url, "not-a-token")
    assert "coordinator token" in page.message_label.text()
    assert page.fetched is None and not page.export_buttons["xlsx"].isEnabled()


def test_an_unwritable_target_gives_a_clear_message(qtbot, page, server, region, tmp_path):  # noqa: F811
    token, _store = region
    _fetch(qtbot, page, server.url, token)
    page.start_export("pdf", str(tmp_path / "no-such-folder" / "rollup.pdf"))
    qtbot.waitUntil(
        lambda: page.fetch_button.isEnabled() and "Cannot save" in page.message_label.text(), timeout=20000
    )


def test_the_tab_follows_a_language_switch(qtbot, page, server, region):  # noqa: F811
    from PySide6.QtCore import QCoreApplication

    from ui.qt_i18n import apply_language as switch

    def apply_language(lang):
        switch(lang)
        QCoreApplication.sendPostedEvents()  # LanguageChange reaches the widgets

    token, _store = region
    _fetch(qtbot, page, server.url, token)
    try:
        apply_language("ru")
        assert page.fetch_button.text() == "Получить с сервера"
        assert page.message_label.text().startswith("Получено. Ещё не отправили: Дом дружбы Астаны №3")
        model = page.houses_model
        texts = [model.data(model.index(i, 1)) for i in range(model.rowCount())]
        assert "Ещё не отправлен" in texts and any(t.startswith("Отправлен: версия 2") for t in texts)
        assert model.headerData(0, Qt.Orientation.Horizontal) == "Дом"
        apply_language("kk")
        assert page.fetch_button.text() == "Серверден алу"
        assert page.region_label.text() == "Өңір: Астана қаласы"
    finally:
        apply_language("en")


def test_cancel_frees_the_tab_at_once_and_a_late_answer_is_ignored(qtbot, page):
    import socket

    silent = socket.socket()  # accepts connections (the kernel does) but never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    silent.setblocking(False)
    waiting = []

    def request_arrived() -> bool:
        try:
            waiting.append(silent.accept()[0])
        except BlockingIOError:
            return False
        return True

    try:
        page.url_edit.setText(f"http://127.0.0.1:{silent.getsockname()[1]}")
        page.token_edit.setText("some-token")
        page.fetch_button.click()
        assert not page.fetch_button.isEnabled() and page.cancel_button.isVisibleTo(page)
        # The local houses are read first; cancel once the request waits on the server.
        qtbot.waitUntil(request_arrived, timeout=20000)
        task = page._fetch_task
        page.cancel_button.click()
        assert page.fetch_button.isEnabled() and not page.cancel_button.isVisibleTo(page)
        assert page.message_label.text() == "Cancelled."
    finally:
        for connection in waiting:
            connection.close()
        silent.close()  # the waiting request now fails; its answer must not show
    # The task leaves the runner when its `finished` reaches the UI thread, after its answer has been delivered.
    qtbot.waitUntil(lambda: task not in page.ctx.runner._live, timeout=20000)
    assert page.message_label.text() == "Cancelled." and page.fetched is None
