"""Signing in on the window: the first administrator, a wrong password, the lock (button and idle time), switching
user, and the sections an account sees."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop import accounts, roles
from desktop.accounts import AccountInput
from ui.main_window import MainWindow
from ui.session import Session


@pytest.fixture
def house(ctx, store, clock):
    admin = accounts.create_first_administrator(
        store, AccountInput("aigerim", "Айгерім Сейітова", roles.ADMIN, "parol-2026", "parol-2026")
    )
    store.actor = admin
    accounts.save_account(store, AccountInput("dana", "Дана Ержанқызы", roles.VOLUNTEER, "4821", "4821"))
    store.actor = roles.SYSTEM
    ctx.actor = roles.NOBODY
    return ctx


@pytest.fixture
def keep(house, qapp):
    """Widgets of a test, deleted (not just closed) before its database closes: a later language switch must not
    reach a window whose store is gone."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widgets = []
    yield widgets.append
    for widget in widgets:
        if isinstance(widget, Session):
            widget.idle.stop()
            qapp.removeEventFilter(widget)
        else:
            widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def ok(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_first_start_makes_the_administrator(qtbot, ctx, store, clock):
    ctx.actor = roles.NOBODY
    session = Session(ctx)
    session.idle.stop()
    dialog = session.ask(first=True)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Айгерім Сейітова")
    dialog.login_edit.setText("aigerim")
    dialog.secret_edit.setText("short")
    dialog.again_edit.setText("other")
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.message.isHidden(), timeout=20000)
    assert "border" in dialog.secret_edit.styleSheet() and "border" in dialog.again_edit.styleSheet()
    assert not accounts.has_accounts(store)
    dialog.secret_edit.setText("parol-2026")
    dialog.again_edit.setText("parol-2026")
    with qtbot.waitSignal(session.changed, timeout=20000):
        ok(dialog)
    assert ctx.actor.role == roles.ADMIN and ctx.actor.display_name == "Айгерім Сейітова"


def test_a_wrong_pin_says_how_many_tries_are_left_and_the_right_one_signs_in(qtbot, house, keep):
    session = Session(house)
    keep(session)
    dialog = session.ask()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.account_combo.count() == 2, timeout=20000)
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("dana"))
    dialog.secret_edit.setText("0000")
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.message.isHidden(), timeout=20000)
    assert "4" in dialog.message.text() and dialog.secret_edit.text() == ""
    assert house.actor is roles.NOBODY
    dialog.secret_edit.setText("4821")
    with qtbot.waitSignal(session.changed, timeout=20000):
        qtbot.keyClick(dialog.secret_edit, Qt.Key.Key_Return)
    assert house.actor.role == roles.VOLUNTEER


def test_the_window_shows_what_the_account_may_open_and_locks(qtbot, house, store, keep):
    session = Session(house)
    window = MainWindow(house, session)
    keep(window)
    keep(session)
    # Nobody signed in: no section at all.
    assert all(window.sidebar.item(r).isHidden() for r in range(window.sidebar.count()))
    assert window.stack.currentWidget() is window.locked_page
    session.set_actor(accounts.sign_in(store, "dana", "4821"))
    visible = [window.sidebar.item(r).data(Qt.ItemDataRole.UserRole) for r in range(window.sidebar.count())]
    visible = [k for r, k in enumerate(visible) if not window.sidebar.item(r).isHidden()]
    assert visible == ["volunteers", "aid"]
    volunteers = window.page("volunteers")
    assert volunteers.kiosk_open_button.isVisibleTo(volunteers) and not volunteers.tabs.isVisibleTo(
        volunteers
    )
    assert not volunteers.kiosk_button.isVisibleTo(volunteers)
    assert "Дана Ержанқызы" in window.account_label.text()
    # The lock button: the account stops acting and the sign-in asks again, the same account first.
    window.lock_button.click()
    assert house.actor is roles.NOBODY and window.stack.currentWidget() is window.locked_page
    dialog = session.dialog
    qtbot.waitUntil(lambda: dialog.account_combo.count() == 2, timeout=20000)
    assert dialog.account_combo.currentData() == "dana"
    # Switching user: someone else signs in on the same window.
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("aigerim"))
    dialog.secret_edit.setText("parol-2026")
    with qtbot.waitSignal(session.changed, timeout=20000):
        ok(dialog)
    assert house.actor.role == roles.ADMIN
    assert not any(window.sidebar.item(r).isHidden() for r in range(window.sidebar.count()))
    settle(qtbot, house)


def test_idle_time_locks_the_screen(qtbot, house, store, keep):
    house.settings.extra["idle_lock_minutes"] = 1
    session = Session(house)
    window = MainWindow(house, session)
    keep(window)
    keep(session)
    session.set_actor(accounts.sign_in(store, "aigerim", "parol-2026"))
    assert session.idle.interval() == 60_000 and session.idle.isActive()
    session.idle.setInterval(50)  # the minute, shortened for the test
    session.idle.start()
    qtbot.waitUntil(lambda: session.locked, timeout=5000)
    assert window.stack.currentWidget() is window.locked_page
    settle(qtbot, house)


def test_the_administrator_adds_an_account_and_staff_do_not_see_the_page(qtbot, house, store, keep):
    from ui.settings.section import SettingsSection

    admin = accounts.sign_in(store, "aigerim", "parol-2026")
    house.actor = admin
    section = SettingsSection(house)
    keep(section)
    section.apply_actor(admin)
    section.show_page("accounts")
    page = section.accounts_page
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=20000)
    dialog = page.open_account(None)
    dialog.name_edit.setText("Марат Жақсылықов")
    dialog.login_edit.setText("marat")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(roles.STAFF))
    dialog.secret_edit.setText("1234")  # a PIN is only for volunteers
    dialog.again_edit.setText("1234")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(dialog.errors.message_of("secret")), timeout=20000)  # beside the password
    assert dialog.error_label.isHidden()
    dialog.secret_edit.setText("parol-marat")
    dialog.again_edit.setText("parol-marat")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=20000)
    staff = accounts.sign_in(store, "marat", "parol-marat")
    assert staff.role == roles.STAFF
    house.actor = staff
    section.apply_actor(staff)
    assert not section.tabs.isTabVisible(3) and not section.tabs.isTabVisible(1)
    assert not section.settings_page.idle_spin.isEnabled()
    settle(qtbot, house)


def test_the_sign_in_switches_the_language_for_whoever_sits_down(qtbot, house, keep, ui_lang):
    ui_lang("ru")
    session = Session(house)
    keep(session)
    dialog = session.ask()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Вход в Dostyq"
    assert dialog.language_buttons["ru"].isChecked()
    dialog.language_buttons["kk"].click()
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Dostyq жүйесіне кіру")
    assert dialog.language_buttons["kk"].isChecked()
    assert house.settings.language == "kk"
    assert house.actor is roles.NOBODY  # switching the language signs nobody in
