"""The national holidays dialog: one click adds all of a year's holidays (twice adds nothing twice), the list is in
date order with Kurban ait on its day, and a year the Kurban ait calendar does not cover says so."""

from __future__ import annotations

from desktop import presets
from tests.ui import test_events_ui
from tests.ui.test_events_ui import settle, switch_language

ctx = test_events_ui.ctx  # the events tests' fixture: a house database, a task runner, Kazakh


def open_dialog(qtbot, ctx, year):
    from ui.events.presets_dialog import PresetsDialog

    dialog = PresetsDialog(ctx, year)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    return dialog


def test_add_all_holidays_of_the_year_in_one_click(qtbot, ctx):
    dialog = open_dialog(qtbot, ctx, 2026)
    assert dialog.table.rowCount() == len(presets.PRESETS)
    assert dialog.table.item(0, 0).text() == "Жаңа жыл"
    kurban = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "Құрбан айт")
    assert "27" in dialog.table.item(kurban, 2).text() and "мамыр" in dialog.table.item(kurban, 2).text()
    assert dialog.add_all_button.isEnabled()
    with qtbot.waitSignal(dialog.created, timeout=10000):
        dialog.add_all_button.click()
    settle(qtbot, ctx)
    assert ctx.store.scalar("SELECT count(*) FROM events") == len(presets.PRESETS)
    assert f" {len(presets.PRESETS)} мереке" in dialog.message.text()
    assert not dialog.add_all_button.isEnabled()
    assert all(not b.isEnabled() for b in dialog.buttons.values())
    dialog.add_all()  # a second time (the button is off, the core is asked anyway): nothing is added twice
    settle(qtbot, ctx)
    assert ctx.store.scalar("SELECT count(*) FROM events") == len(presets.PRESETS)
    switch_language("ru")
    settle(qtbot, ctx)
    assert dialog.message.text() == "Все праздники года уже есть в календаре."
    assert dialog.table.item(0, 0).text() == "Новый год"
    assert dialog.add_all_button.text() == "Добавить все праздники года"


def test_a_year_outside_the_kurban_ait_calendar(qtbot, ctx):
    dialog = open_dialog(qtbot, ctx, 2090)
    kurban = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "Құрбан айт")
    assert dialog.table.item(kurban, 2).text() == "Осы жылға күні белгісіз"
    assert not dialog.buttons["kurban_ait"].isEnabled()
    dialog.add_all_button.click()
    settle(qtbot, ctx)
    assert ctx.store.scalar("SELECT count(*) FROM events") == len(presets.PRESETS) - 1
    assert "1925–2077" in dialog.message.text()
