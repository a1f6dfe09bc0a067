"""Withdrawal of consent and the retention page: the confirmations say what is erased and what stays counted."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import consents, erasure
from desktop.i18n import _
from ui.aid.reason_dialog import ReasonDialog
from ui.settings.retention_page import RetentionPage
from ui.volunteers.volunteer_dialog import VolunteerDialog
from ui.widgets.withdrawal import ERASES

SHOTS = os.environ.get("DOSTYQ_SHOTS")  # a folder: the screens are saved there as PNGs to look at


def _shot(widget, name):
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


def _dialog(kind):
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[-1] if found else None


def _person(store, surname, **extra):
    return store.insert(
        "people", {"surname": surname, "name": "Дана", "sex": "f", "phone": "+77011234567", **extra}
    )


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_volunteer_withdrawal_says_what_is_erased_and_erases(qtbot, ctx, store, clock, ui_lang, lang):
    ui_lang(lang)
    pid = _person(store, "Серікова")
    vid = store.insert("volunteers", {"person_id": pid, "emergency_contact": "Мама +77015550000"})
    consents.give(store, pid, consents.VOLUNTEER, consents.GivenConsent(dt.date(2026, 1, 10), "2026-1"))
    dialog = VolunteerDialog(ctx, volunteer_id=vid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.person_id == pid and ctx.runner.is_idle(), timeout=20000)
    assert dialog.withdraw_button.isVisible()
    dialog.withdraw_button.click()
    qtbot.waitUntil(lambda: _dialog(ReasonDialog) is not None, timeout=20000)
    confirm = _dialog(ReasonDialog)
    assert _(ERASES) in confirm.prompt.text()
    _shot(confirm, f"withdrawal-confirm-{lang}.png")
    assert not confirm.ok_button.isEnabled()  # how the withdrawal was received is noted first
    confirm.reason_edit.setText("өтініш 20.11.2026")
    confirm.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    person = store.get("people", pid)
    assert person["erased_on"] == "2026-11-20" and person["phone"] is None and person["surname"] == "—"
    assert store.get("volunteers", vid)["emergency_contact"] is None
    assert consents.status(store, pid, consents.VOLUNTEER).state == consents.WITHDRAWN


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_retention_page_lists_who_is_due_and_erases_after_confirming(qtbot, ctx, store, clock, ui_lang, lang):
    ui_lang(lang)
    clock.set(dt.datetime(2020, 3, 2, 12, 0))
    old = _person(store, "Ескі", birth_date="1950-05-05")
    kept = _person(store, "Сақталған")
    other = _person(store, "Тағы", birth_date="1962-01-31")
    clock.set(dt.datetime(2026, 11, 20, 12, 0))
    consents.give(store, kept, consents.VOLUNTEER, consents.GivenConsent(dt.date(2025, 1, 10), "2026-1"))
    page = RetentionPage(ctx)
    qtbot.addWidget(page)
    page.resize(760, 420)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and ctx.runner.is_idle(), timeout=20000)
    assert page.years_spin.value() == 5
    assert {page.model.row(i)["id"] for i in range(2)} == {old, other}
    _shot(page, f"retention-page-{lang}.png")
    page.view.selectRow(0)
    first = page.model.row(0)["id"]
    page.erase_button.click()
    qtbot.waitUntil(lambda: page.confirm is not None and page.confirm.isVisible(), timeout=5000)
    _shot(page.confirm, f"retention-confirm-{lang}.png")
    page.confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and ctx.runner.is_idle(), timeout=20000)
    assert store.get("people", first)["erased_on"] == "2026-11-20"
    assert store.get("people", kept)["erased_on"] is None
    assert erasure.retention_years(store) == 5


def test_recipient_card_withdrawal_erases_the_person_when_it_was_the_last_consent(qtbot, ctx, store, clock):
    from desktop import aid
    from ui.aid.recipients_page import RecipientsPage

    rid = aid.save_recipient(
        store,
        aid.RecipientInput(
            consent=True,
            consent_on="2026-11-01",
            form_version="2026-1",
            surname="Қасымова",
            name="Айгүл",
            birth_date="1990-01-01",
            sex="f",
            iin="900101400013",
        ),
    )
    pid = store.get("recipients", rid)["person_id"]
    page = RecipientsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.select(rid)
    qtbot.waitUntil(lambda: page.card.withdraw_button.isEnabled() and ctx.runner.is_idle(), timeout=20000)
    page.card.withdraw_button.click()
    qtbot.waitUntil(lambda: _dialog(ReasonDialog) is not None, timeout=20000)
    confirm = _dialog(ReasonDialog)
    assert _(ERASES) in confirm.prompt.text()
    confirm.reason_edit.setText("жазбаша өтініш")
    confirm.ok_button.click()
    qtbot.waitUntil(lambda: store.get("people", pid)["erased_on"] is not None, timeout=20000)
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)
    assert store.get("people", pid)["iin"] is None
    assert aid.search_recipients(store, "Қасымова") == []
