"""The audit page: the administrator's tab, its filters, old → new in the details, the XLSX export, the PC label."""

from __future__ import annotations

import openpyxl
import pytest

from desktop import accounts, audit, roles
from desktop.accounts import AccountInput


@pytest.fixture
def admin(ctx, store, clock):
    admin = accounts.create_first_administrator(
        store, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    store.actor = admin
    person = store.insert("people", {"surname": "Ли", "name": "Ирина"})
    store.update("people", person, {"name": "Ирина-Мария"})
    store.actor = roles.SYSTEM
    ctx.actor = admin
    return admin


@pytest.fixture
def section(qapp, ctx, admin):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ui.settings.section import SettingsSection

    widget = SettingsSection(ctx)
    widget.apply_actor(admin)
    yield widget
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def test_the_administrator_reads_filters_and_exports_the_audit(qtbot, ctx, section, admin, tmp_path):
    assert section.tabs.isTabVisible(4)
    section.show_page("audit")
    page = section.audit_page
    page.refresh()
    qtbot.waitUntil(lambda: page.person_combo.count() == 2 and page.model.rowCount() >= 3, timeout=20000)
    page.table_combo.setCurrentIndex(page.table_combo.findData("people"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=20000)
    qtbot.waitUntil(lambda: "Ирина → Ирина-Мария" in page.details.toPlainText(), timeout=20000)
    assert "Айгерім Сейітова · " in page.details.toPlainText()
    page._on_record_clicked()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.all_records_button.isEnabled(), timeout=20000)
    path = tmp_path / "audit.xlsx"
    page.export_to(str(path))
    qtbot.waitUntil(lambda: str(path) in page.message.text(), timeout=20000)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][7:] == ("Ирина", "Ирина-Мария")
    settle(qtbot, ctx)


def test_staff_do_not_see_the_audit_and_the_pc_label_is_set(qtbot, ctx, store, section, admin):
    page = section.settings_page
    page.retranslate_ui()
    qtbot.waitUntil(lambda: page.pc_label_edit.text() == audit.pc_label(store), timeout=20000)
    page.pc_label_edit.setText("Кабинет 2")
    page._on_pc_label_edited()
    settle(qtbot, ctx)
    assert audit.pc_label(store) == "Кабинет 2"
    staff = roles.actor_for("acc-staff", "Марат", roles.STAFF)
    ctx.actor = staff
    section.apply_actor(staff)
    assert not section.tabs.isTabVisible(4) and not page.pc_label_edit.isEnabled()
    settle(qtbot, ctx)
