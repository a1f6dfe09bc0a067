"""Working from the keyboard: a new record's first field takes the typing, Ctrl+S saves, Esc on a changed form asks
(an unchanged one just closes), Ctrl+N and Ctrl+F act on the section shown, Enter opens the selected row; and the
main window never opens larger than the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import events, roles
from desktop.events import EventInput
from desktop.settings import Settings
from desktop.store import Store
from tests.ui.test_events_ui import at
from ui.context import AppContext
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner


@pytest.fixture
def ctx(qtbot, tmp_path):
    path = tmp_path / "house.db"
    store = Store(path)
    store.set_house("KZ-55-01")
    runner = TaskRunner(lambda: Store(path))
    context = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    apply_language("kk")
    context.widgets = []
    yield context
    for widget in context.widgets:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_language("en")
    QApplication.processEvents()
    runner.shutdown()
    store.close()


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)
    QApplication.processEvents()


def window(qtbot, ctx):
    from ui.main_window import MainWindow

    win = MainWindow(ctx)
    ctx.widgets.append(win)
    win.show()
    settle(qtbot, ctx)
    return win


def test_new_event_types_into_its_first_field_and_esc_asks_only_when_changed(qtbot, ctx):
    from ui.events.event_dialog import EventDialog

    dialog = EventDialog(ctx)
    ctx.widgets.append(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.title_kk, timeout=5000)
    # Unchanged: Esc just closes.
    qtbot.keyClick(dialog.title_kk, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.keys.confirm is None
    dialog = EventDialog(ctx)
    ctx.widgets.append(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.is_loaded and QApplication.focusWidget() is dialog.title_kk, timeout=10000)
    qtbot.keyClicks(dialog.title_kk, "Kesh")
    assert dialog.title_kk.text() == "Kesh"  # no key was lost
    qtbot.keyClick(dialog.title_kk, Qt.Key.Key_Escape)
    box = dialog.keys.confirm
    assert box is not None and box.isVisible() and dialog.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()  # keep editing
    assert dialog.isVisible() and dialog.title_kk.text() == "Kesh"
    qtbot.keyClick(dialog.title_kk, Qt.Key.Key_Escape)
    dialog.keys.confirm.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_ctrl_s_saves_and_the_save_button_names_it(qtbot, ctx):
    from ui.events.event_dialog import EventDialog

    dialog = EventDialog(ctx)
    ctx.widgets.append(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    ctrl_s = QKeySequence(QKeySequence.StandardKey.Save).toString(QKeySequence.SequenceFormat.NativeText)
    assert ctrl_s in save.toolTip()
    dialog.title_kk.setText("Достық кеші")
    dialog.kind.setCurrentIndex(max(0, dialog.kind.findData("concert")))
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        qtbot.keyClick(dialog.title_kk, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert events.get_event(ctx.store, saved.args[0]) is not None
    apply_language("ru")
    QApplication.processEvents()
    qtbot.waitUntil(lambda: ctrl_s in save.toolTip() and save.toolTip() != "", timeout=5000)


def test_ctrl_n_ctrl_f_and_enter_in_the_events_section(qtbot, ctx, clock):
    event_id = events.save_event(
        ctx.store, EventInput(starts_at=at(2026, 11, 5, 15), title_kk="Ұлттық әндер кеші", kind="concert")
    )
    win = window(qtbot, ctx)
    section = win.page("events")
    qtbot.waitUntil(lambda: "Ctrl+N" in section.new_button.toolTip(), timeout=5000)
    assert "Ctrl+F" in section.search.toolTip()
    win.trigger("search")
    assert QApplication.focusWidget() is section.search
    assert win.trigger("new")
    settle(qtbot, ctx)
    assert section.dialog is not None and section.dialog.event_id is None
    section.dialog.reject()
    section.dialog = None
    # Enter on the list's selected row opens that event.
    section.list_button.click()
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=10000)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(0, 0))
    qtbot.keyClick(section.table, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert section.dialog is not None and section.dialog.event_id == event_id
    section.dialog.reject()


def test_the_window_opens_within_the_screen_and_keeps_its_size(qtbot, ctx, tmp_path, monkeypatch):
    from ui.widgets import fit

    monkeypatch.setenv("DOSTYQ_CONFIG_DIR", str(tmp_path / "cfg"))
    (tmp_path / "cfg").mkdir()
    win = window(qtbot, ctx)
    area = fit.available(win)
    # (The offscreen screen is 800×800, narrower than the window can be: then it is as narrow as it can be.)
    least = win.minimumSizeHint()
    assert win.width() <= max(area.width(), least.width()) and win.height() <= max(
        area.height(), least.height()
    )
    win.resize(win.width(), 560)
    win.close()
    again = window(qtbot, ctx)
    assert again.height() == 560
    # A size saved on a larger screen is cut to this one.
    ctx.settings.extra["window_geometry"] = {"x": 0, "y": 0, "w": 5000, "h": 4000, "maximized": False}
    third = window(qtbot, ctx)
    assert third.width() <= max(area.width(), least.width()) and third.height() <= max(
        area.height(), least.height()
    )
