"""The Backups page: set up (the recovery key shown once), back up now, restore after a preview, the daily check."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from desktop import backup, backup_file, backup_folder
from ui.backup_controller import backup_controller
from ui.main_window import MainWindow
from ui.settings.backups_page import RecoveryKeyDialog, RestoreDialog, SetUpDialog

PASSWORD = "жаңа-пароль-1"
SHOTS = os.environ.get("DOSTYQ_SHOTS")  # a folder: the dialogs are saved there as PNGs to look at


@pytest.fixture(autouse=True)
def quick_kdf(monkeypatch):
    monkeypatch.setattr(backup_file, "SCRYPT_N", 1 << 12)


def _dialog(kind):
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[-1] if found else None


def _shot(widget, name):
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


_WINDOWS: list = []


@pytest.fixture(autouse=True)
def delete_windows(ctx, qapp):
    """The windows a test made are deleted (not only closed) while its database is open: a later language switch
    must not reach a window whose store is gone."""
    from PySide6.QtCore import QCoreApplication, QEvent

    yield
    while _WINDOWS:
        window = _WINDOWS.pop()
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


def _page(qtbot, ctx):
    window = MainWindow(ctx)
    _WINDOWS.append(window)
    window.show_section("backups")
    return window, window.page("sync").backups_page


def _count_people(ctx) -> int:
    return ctx.store.scalar("SELECT count(*) FROM people")


def test_set_up_back_up_and_restore(qtbot, ctx, ui_lang, tmp_path):
    ui_lang("ru")
    usb = tmp_path / "usb"
    usb.mkdir()
    for n in range(3):
        ctx.store.insert("people", {"surname": f"Ли {n}", "name": "Вячеслав"})
    _window, page = _page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.set_up_button.text() == "Настроить резервное копирование…")
    assert not page.now_button.isEnabled()

    page.set_up_button.click()
    dialog = _dialog(SetUpDialog)
    dialog.folder_edit.setText(str(usb))
    dialog.password.setText(PASSWORD)
    dialog.password2.setText("другой пароль")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.errors.message_of("password2") == "Пароли не совпадают.")
    dialog.password2.setText(PASSWORD)
    _shot(dialog, "setup.png")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    qtbot.waitUntil(lambda: _dialog(RecoveryKeyDialog) is not None)
    shown = _dialog(RecoveryKeyDialog)
    key = shown.key.text()
    assert backup_file.parse_recovery_key(key) is not None
    ok = shown.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    shown.reject()  # Escape does not close it before the key is written down
    assert shown.isVisible()
    _shot(shown, "recovery.png")
    shown.confirm.setChecked(True)
    ok.click()

    # Closing the key starts the first backup.
    qtbot.waitUntil(lambda: page.message.text().startswith("Копия сохранена и проверена"), timeout=15000)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert "Последняя копия" in page.status.text()
    assert len(backup_folder.list_backups(usb)) == 1

    ctx.store.insert("people", {"surname": "После копии", "name": "Асель"})
    assert _count_people(ctx) == 4
    page.table.selectRow(0)
    page.restore_button.click()
    restore = _dialog(RestoreDialog)
    ok = restore.buttons.button(QDialogButtonBox.StandardButton.Ok)
    restore.secret.setText("неверный пароль")
    restore.open_button.click()
    qtbot.waitUntil(lambda: "не открывает копию" in restore.summary.text(), timeout=10000)
    assert not ok.isEnabled()
    # The failure is shown before the op's "finished" turns the button back on: a click before that does nothing.
    qtbot.waitUntil(restore.open_button.isEnabled, timeout=10000)
    restore.secret.setText(key)
    restore.open_button.click()
    qtbot.waitUntil(lambda: "Люди: 3" in restore.summary.text(), timeout=10000)
    assert not ok.isEnabled()
    restore.confirm.setChecked(True)
    _shot(restore, "restore.png")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: "восстановлена" in page.message.text(), timeout=15000)
    assert _count_people(ctx) == 3
    assert list(tmp_path.glob("house.pre-restore-*.sqlite"))
    # The worker threads opened the restored file anew and keep working.
    qtbot.waitUntil(ctx.runner.is_idle)
    assert sync_held(ctx) is False


def sync_held(ctx) -> bool:
    from ui.sync_controller import sync_controller

    return sync_controller(ctx)._held


def test_the_daily_backup_with_no_stick_is_a_message(qtbot, ctx, ui_lang, tmp_path, clock):
    ui_lang("kk")
    backup.set_up(ctx.store, str(tmp_path / "stick"), PASSWORD, PASSWORD)
    _window, page = _page(qtbot, ctx)
    controller = backup_controller(ctx)
    controller.check()
    qtbot.waitUntil(lambda: not controller.running and controller.last_error is not None, timeout=10000)
    qtbot.waitUntil(lambda: "USB жинақтауыш қосылған ба?" in page.status.text())

    (tmp_path / "stick").mkdir()  # plugged in: the next check makes today's backup, once
    controller.check()
    qtbot.waitUntil(
        lambda: not controller.running and len(backup_folder.list_backups(tmp_path / "stick")) == 1
    )
    qtbot.waitUntil(lambda: backup.settings(ctx.store).last_error is None)
    controller.check()
    qtbot.waitUntil(ctx.runner.is_idle)
    assert len(backup_folder.list_backups(tmp_path / "stick")) == 1
    clock.advance(24 * 3600)
    controller.check()
    qtbot.waitUntil(lambda: len(backup_folder.list_backups(tmp_path / "stick")) == 2, timeout=10000)


def test_restore_from_another_file_lists_backups_only(qtbot, ctx, monkeypatch, tmp_path):
    _window, page = _page(qtbot, ctx)
    seen = {}

    def choose(parent, title, start, filter_):
        seen["filter"] = filter_
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    page.restore_file_button.click()
    assert "*.dqbackup" in seen["filter"]
