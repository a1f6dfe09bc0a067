"""Aid points and creative groups on screen in the interface language: a live switch between Kazakh and Russian
renames them in the aid desk's combos and lists, the catalogue, the groups list and panel and the event form's
group list; their forms take a name in each language and refuse a record with neither."""

from __future__ import annotations

import pytest

from desktop import aid, groups
from desktop.aid import DonationEntry, Line, RecipientInput
from desktop.clock import today
from desktop.groups import GroupInput

POINT = {"name_kk": "Орталық қабылдау пункті", "name_ru": "Центральный пункт приёма"}
GROUP = {"name_kk": "«Достық» хоры", "name_ru": "Хор «Дружба»"}
REFUSED = {"kk": "Атауын қазақша немесе орысша (не екі тілде де) жазыңыз."}


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def shown(qtbot, widget):
    widget.resize(1100, 760)
    widget.show()
    qtbot.addWidget(widget)
    return widget


def cells(model, title: str) -> list[str]:
    """The texts of the column titled `title` (untranslated) of a record list."""
    column = [c.title for c in model.columns].index(title)
    return [model.index(r, column).data() for r in range(model.rowCount())]


@pytest.fixture
def house(ctx, ui_lang, clock):
    ctx.store.set_house("KZ-55-01")
    ui_lang("kk")
    point = aid.save_aid_point(ctx.store, dict(POINT))
    recipient = aid.save_recipient(
        ctx.store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            surname="Қасымов",
            name="Қайрат",
            birth_date="1950-03-02",
            categories=["veteran"],
        ),
    )
    aid.save_donation(ctx.store, DonationEntry(today(), point, "anonymous", [Line("item-flour", 100)]))
    aid.save_aid(ctx.store, aid.AidEntry(today(), point, "qamqor", recipient, [Line("item-flour", 5)], ""))
    return point


def test_the_aid_desk_renames_its_point_on_a_live_language_switch(qtbot, ctx, ui_lang, house):
    from ui.aid.section import AidSection

    section = shown(qtbot, AidSection(ctx))
    section.refresh()
    settle(qtbot, ctx)
    register = section.register_page
    assert register.point_combo.currentText() == POINT["name_kk"]
    assert cells(register.recent_model, "Aid point") == [POINT["name_kk"]]

    ui_lang("ru")
    qtbot.waitUntil(lambda: register.point_combo.currentText() == POINT["name_ru"], timeout=20000)
    assert register.point_combo.currentData() == house
    assert cells(register.recent_model, "Aid point") == [POINT["name_ru"]]

    section.show_page("stock")
    settle(qtbot, ctx)
    stock = section.stock_page
    qtbot.waitUntil(lambda: cells(stock.model, "Aid point") == [POINT["name_ru"]], timeout=20000)
    ui_lang("kk")
    qtbot.waitUntil(lambda: cells(stock.model, "Aid point") == [POINT["name_kk"]], timeout=20000)
    assert stock.point_combo.findText(POINT["name_kk"]) >= 0

    section.show_page("catalogue")
    settle(qtbot, ctx)
    catalogue = section.catalogue_page
    assert cells(catalogue.points_model, "Name") == [POINT["name_kk"]]
    ui_lang("ru")
    qtbot.waitUntil(lambda: cells(catalogue.points_model, "Name") == [POINT["name_ru"]], timeout=20000)


def test_the_aid_point_form_takes_both_names_and_refuses_neither(qtbot, ctx, ui_lang, house):
    from ui.aid.catalogue_page import CataloguePage

    page = shown(qtbot, CataloguePage(ctx))
    page.retranslate_ui()
    page.refresh()
    settle(qtbot, ctx)
    page._edit_point(page.points_model.row(0))
    dialog = page.dialog
    assert (dialog.widgets["name_kk"].text(), dialog.widgets["name_ru"].text()) == (
        POINT["name_kk"],
        POINT["name_ru"],
    )
    dialog.widgets["name_kk"].setText(" ")
    dialog.widgets["name_ru"].setText("")
    dialog._on_buttons_accepted()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"name_kk": REFUSED["kk"]}
    assert dialog.isVisible()
    assert ctx.store.get("aid_points", house)["name_ru"] == POINT["name_ru"]  # nothing written

    dialog.widgets["name_ru"].setText("Пункт выдачи №1")
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        dialog._on_buttons_accepted()
    settle(qtbot, ctx)
    row = ctx.store.get("aid_points", house)
    assert (row["name_kk"], row["name_ru"], row["name"]) == ("", "Пункт выдачи №1", "Пункт выдачи №1")
    assert cells(page.points_model, "Name") == ["Пункт выдачи №1"]  # its only name, in Kazakh too


def test_the_groups_list_panel_and_event_form_rename_a_group_on_a_live_switch(qtbot, ctx, ui_lang):
    from ui.events.event_dialog import EventDialog
    from ui.groups.section import GroupsSection

    ui_lang("kk")
    group_id = groups.save_group(ctx.store, GroupInput(**GROUP, genre="choir"))
    section = shown(qtbot, GroupsSection(ctx))
    section.refresh()
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: section.panel.heading.text() == GROUP["name_kk"], timeout=20000)
    assert cells(section.groups_model, "Name") == [GROUP["name_kk"]]

    ui_lang("ru")
    qtbot.waitUntil(lambda: cells(section.groups_model, "Name") == [GROUP["name_ru"]], timeout=20000)
    qtbot.waitUntil(lambda: section.panel.heading.text() == GROUP["name_ru"], timeout=20000)

    dialog = EventDialog(ctx, parent=section)
    qtbot.addWidget(dialog)
    settle(qtbot, ctx)
    assert dialog.groups.item(0).text() == GROUP["name_ru"]
    ui_lang("kk")
    qtbot.waitUntil(lambda: dialog.groups.item(0).text() == GROUP["name_kk"], timeout=20000)
    assert dialog.groups.item(0).data(0x0100) == group_id  # Qt.UserRole: the same group
    dialog.close()


def test_the_group_form_takes_a_name_in_each_language(qtbot, ctx, ui_lang):
    from ui.groups.group_dialog import GroupDialog

    ui_lang("kk")
    group_id = groups.save_group(ctx.store, GroupInput(name="Хор «Дружба»"))  # one name, of unknown language
    dialog = GroupDialog(ctx, group_id)
    qtbot.addWidget(dialog)
    settle(qtbot, ctx)
    assert (dialog.name_kk.text(), dialog.name_ru.text()) == ("", "Хор «Дружба»")
    assert dialog.labels["name_kk"].text() == "Қазақша атауы:"
    ui_lang("ru")
    qtbot.waitUntil(lambda: dialog.labels["name_ru"].text() == "Название на русском:", timeout=20000)
    ui_lang("kk")
    dialog.name_ru.setText("")
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"group_name": REFUSED["kk"]}
    dialog.name_kk.setText("«Достық» хоры")
    dialog.name_ru.setText("Хор «Дружба»")
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        dialog.save()
    row = ctx.store.get("creative_groups", group_id)
    assert (row["name_kk"], row["name_ru"]) == ("«Достық» хоры", "Хор «Дружба»")
