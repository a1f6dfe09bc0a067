import os
import subprocess
import sys

from PySide6.QtWidgets import QDialogButtonBox

from ui.main_window import MainWindow
from ui.sidebar import SECTIONS


def test_sidebar_has_every_section_and_each_opens(qtbot, ctx, ui_lang):
    ui_lang("en")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    labels = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert labels == ["Events", "Volunteers", "Aid", "Creative groups", "Reports", "Sync & settings"]
    for row, spec in enumerate(SECTIONS):
        window.sidebar.setCurrentRow(row)
        assert window.stack.currentWidget() is window.page(spec.key)


def test_language_switches_live_including_qt_buttons(qtbot, ctx, ui_lang):
    ui_lang("kk")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    window.show_section("settings")
    assert window.sidebar.item(0).text() == "Іс-шаралар"
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Бас тарту"

    settings_page = window.page("sync").settings_page
    settings_page.language_combo.setCurrentIndex(settings_page.language_combo.findData("ru"))
    qtbot.waitUntil(lambda: window.sidebar.item(0).text() == "Мероприятия", timeout=20000)
    assert window.windowTitle() == "Dostyq — учёт дома дружбы"
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отмена"
    assert settings_page.open_folder.text() == "Открыть папку"
    qtbot.waitUntil(
        lambda: "синхронизация не настроена" in window.statusBar().state_label.text(), timeout=20000
    )
    assert ctx.settings.language == "ru"


def test_status_bar_counts_changes_waiting(qtbot, ctx, ui_lang):
    ui_lang("ru")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    done = []
    for n in range(2):
        ctx.write(
            lambda s, progress, cancel: s.insert("people", {"surname": "Ким", "name": "Елена"}),
            tables=("people",),
            on_done=done.append,
        )
    qtbot.waitUntil(lambda: len(done) == 2, timeout=20000)
    qtbot.waitUntil(
        lambda: (
            window.statusBar().state_label.text()
            == "синхронизация не настроена · 2 изменения ещё не отправлены"
        ),
        timeout=20000,
    )


def test_first_run_dialog_switches_language_when_picked(qtbot, store, ui_lang):
    from desktop import reference
    from ui.dialogs.first_run_dialog import FirstRunDialog

    ui_lang("kk")
    dialog = FirstRunDialog(reference.active_houses(store.conn))
    qtbot.addWidget(dialog)
    dialog.house_combo.setCurrentIndex(0)
    ru = next(b for b in dialog.language_group.buttons() if b.property("lang") == "ru")
    ru.click()
    qtbot.waitUntil(lambda: dialog.later.text() == "Настроить позже", timeout=20000)
    assert dialog.house_combo.currentText().startswith("Дом дружбы")
    dialog.later.setChecked(True)
    assert dialog.language == "ru" and dialog.house_id is None


def run_app(tmp_path, *args):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DOSTYQ_CONFIG_DIR": str(tmp_path / "cfg")}
    return subprocess.run(
        [sys.executable, "-m", "ui.app", *args], capture_output=True, text=True, timeout=180, env=env
    )


def test_screenshot_command_writes_a_png_in_each_language(tmp_path):
    from PySide6.QtGui import QImage

    db = tmp_path / "a.sqlite"
    for lang in ("kk", "ru"):
        out = tmp_path / f"{lang}.png"
        result = run_app(
            tmp_path,
            "--db",
            str(db),
            "--demo",
            "--lang",
            lang,
            "--section",
            "settings",
            "--screenshot",
            str(out),
        )
        assert result.returncode == 0, result.stderr
        image = QImage(str(out))
        assert image.width() >= 1000 and image.height() >= 600


def test_unusable_database_gets_a_translated_message_and_exit_code(tmp_path):
    bad = tmp_path / "photo.sqlite"
    bad.write_bytes(b"\x89PNG not a database")
    result = run_app(tmp_path, "--db", str(bad), "--lang", "ru", "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "не является базой данных Dostyq" in result.stderr
    assert bad.read_bytes() == b"\x89PNG not a database"


def test_version_needs_no_display(tmp_path):
    result = run_app(tmp_path, "--version")
    assert result.returncode == 0 and result.stdout.startswith("Dostyq ")


def test_choosing_a_file_that_is_not_a_database_is_refused(qtbot, ctx, ui_lang, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    ui_lang("kk")
    bad = tmp_path / "list.db"
    bad.write_text("not a database")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_section("settings")
    page = window.page("sync").settings_page
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(bad), ""))
    page.switch_button.click()
    qtbot.waitUntil(lambda: "Dostyq дерекқоры емес" in page.data_message.text(), timeout=10000)
    assert ctx.settings.db_path is None


def test_month_end_reminder_shows_until_the_month_is_submitted(qtbot, ctx, ui_lang):
    import datetime as dt

    from desktop import clock
    from desktop.clock import TZ
    from desktop.periods import last_full_month
    from desktop.reports.submission import submit_month

    ui_lang("ru")
    last = last_full_month(clock.today())
    year, month = map(int, last.split("-"))
    ctx.store.insert(
        "events",
        {
            "title_ru": "Наурыз",
            "kind": "holiday",
            "status": "held",
            "starts_at": dt.datetime(year, month, 10, 12, tzinfo=TZ).isoformat(),
        },
    )
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.reminder.isVisible() and "не отправлен" in bar.reminder.text(), timeout=20000)
    done = []
    ctx.write(
        lambda store, progress, cancel: submit_month(store, last),
        tables=("monthly_reports",),
        on_done=done.append,
    )
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    qtbot.waitUntil(lambda: not bar.reminder.isVisible(), timeout=20000)
    bar.reminder.setVisible(True)
    bar.reminder.click()
    assert window.stack.currentWidget() is window.page("reports")
