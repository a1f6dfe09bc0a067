"""The lists' Export… buttons: the save dialog, the file with the screen's filter and sort, a translated message,
the audit entry; hidden for a volunteer."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop import aid, roles, volunteers
from desktop.aid import DonationEntry, Line
from ui.aid.section import AidSection
from ui.volunteers.section import VolunteersSection

TODAY = dt.date(2026, 11, 20)


def add_volunteer(store, surname, name, status="active"):
    values = {"surname": surname, "name": name, "birth_date": ""}
    return volunteers.save_volunteer(store, values, {"status": status}, today=TODAY)[1]


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


@pytest.fixture
def section(qtbot, ctx, store, ui_lang, clock):
    add_volunteer(store, "Бекова", "Айгерім")
    add_volunteer(store, "Әлиев", "Марат", status="paused")
    add_volunteer(store, "Ахметов", "Данияр")
    page = VolunteersSection(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    settle(qtbot, ctx)
    return page


def test_export_saves_the_filtered_register_in_russian_and_says_so(
    qtbot, ctx, store, section, ui_lang, tmp_path, monkeypatch
):
    register = section.register
    ui_lang("ru")
    register.status.setCurrentIndex(register.status.findData("active"))
    settle(qtbot, ctx)
    assert register.export_button.text() == "Экспорт…"
    target = tmp_path / "волонтёры"
    chosen = {}

    def ask(parent, title, suggested, filters):
        chosen["filters"] = filters
        return str(target), filters.split(";;")[1]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    register.export_button.click()
    qtbot.waitUntil(lambda: register.export_button.message_box is not None, timeout=20000)
    saved = tmp_path / "волонтёры.csv"
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    assert header[0] == "Имя" and [r[0] for r in rows] == ["Ахметов Данияр", "Бекова Айгерім"]
    box = register.export_button.message_box
    assert box.icon() == QMessageBox.Icon.Information and box.text().startswith("Сохранено 2 строки")
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'list_export'") == 1
    box.close()


def test_a_failed_export_shows_the_translated_reason(qtbot, ctx, section, ui_lang, tmp_path, monkeypatch):
    register = section.register
    ui_lang("kk")
    missing = tmp_path / "жоқ" / "list.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), ""))
    register.export_button.click()
    qtbot.waitUntil(lambda: register.export_button.message_box is not None, timeout=20000)
    box = register.export_button.message_box
    assert box.icon() == QMessageBox.Icon.Warning and "жоқ" in box.text() and "Cannot" not in box.text()
    assert not missing.parent.exists()
    box.close()


def test_the_aid_lists_export_and_a_volunteer_sees_no_export_button(
    qtbot, ctx, store, tmp_path, monkeypatch, clock
):
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    aid.save_donation(store, DonationEntry(TODAY, point, "anonymous", [Line("item-flour", 40)]), today=TODAY)
    section = AidSection(ctx)
    qtbot.addWidget(section)
    section.show()
    section.show_page("stock")
    settle(qtbot, ctx)
    page = section.stock_page
    target = tmp_path / "stock.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.all_items_check.setChecked(True)
    settle(qtbot, ctx)
    page.export_button.click()
    qtbot.waitUntil(lambda: page.export_button.message_box is not None, timeout=20000)
    sheet = openpyxl.load_workbook(target).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "On hand" and len(rows) > 2  # every catalogue item, as the screen shows them
    assert [r for r in rows[1:] if r[-1]] == [["Орталық пункт", "Ұн", "Азық-түлік", "кг", 40, 0, 0, 40]]
    page.export_button.message_box.close()
    section.apply_actor(roles.actor_for("acc-v", "V", roles.VOLUNTEER))
    assert section.recipients_page.export_button.isHidden()
    assert section.register_page.export_button.isHidden()


def test_the_groups_members_export_takes_the_selected_group(qtbot, ctx, store, tmp_path, monkeypatch, clock):
    from desktop import groups
    from desktop.groups import GroupInput, MemberInput
    from ui.groups.section import GroupsSection

    def member(surname, name):
        return MemberInput(
            store.insert("people", {"surname": surname, "name": name, "birth_date": "1990-01-01"})
        )

    groups.save_group(store, GroupInput(name="Ариран", members=[member("Ким", "Елена")]), today=TODAY)
    groups.save_group(store, GroupInput(name="Бірлік", members=[member("Ли", "Ирина")]), today=TODAY)
    section = GroupsSection(ctx)
    qtbot.addWidget(section)
    section.show()
    section.refresh()
    settle(qtbot, ctx)
    section.groups_view.selectRow(1)
    qtbot.waitUntil(lambda: section.panel.group_id == section.groups_model.row_id(1), timeout=20000)
    target = tmp_path / "members.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    button = section.export_members_button
    assert button.text() == "Export members…"
    button.click()
    qtbot.waitUntil(lambda: button.message_box is not None, timeout=20000)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert [r[:2] for r in rows[1:]] == [["Бірлік", "Ли Ирина"]]
    button.message_box.close()
