"""The import wizard walked on a messy volunteers workbook over a real SQLite file: the sheet chosen, the header
and columns guessed, the dry run's counts and a refused row naming its field, a possible duplicate decided
"different people", the import, the report read back, and undo; a damaged file is refused at the file step."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop import roles
from desktop.settings import Settings
from desktop.store import Store
from tests.importing import messy
from ui.context import AppContext
from ui.importing import wizard as wz
from ui.importing.steps import DIFFERENT
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner


@pytest.fixture
def ctx(qtbot, tmp_path, clock):
    path = tmp_path / "house.db"
    store = Store(path)
    store.set_house("KZ-55-01")
    runner = TaskRunner(lambda: Store(path))
    context = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    apply_language("en")
    context.widgets = []
    yield context
    for widget in context.widgets:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    runner.shutdown()
    store.close()


def step_to(qtbot, wizard, step):
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == step, timeout=20000)
    qtbot.waitUntil(wizard.ctx.runner.is_idle, timeout=20000)


def live(ctx, table):
    return ctx.store.scalar(f"SELECT count(*) FROM {table} WHERE deleted = 0")


def test_walk_a_messy_volunteers_workbook(qtbot, ctx, tmp_path):
    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    assert not wizard.next_button.isEnabled()  # no file yet
    wizard.choose_file(str(messy.volunteers_xlsx(tmp_path / "volunteers.xlsx")))
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.SHEET_STEP)  # two sheets: the first is offered
    assert wizard.sheet_step.sheets.currentItem().text() == "Волонтеры"
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.HEADER_STEP)
    assert wizard.header_step.row_spin.value() == 4  # under the merged title rows
    preview = wizard.header_step.preview
    [line] = [i for i in range(preview.rowCount()) if preview.item(i, 0).text() == "4"]
    assert preview.item(line, 2).text() == "ФИО /\nАты-жөні" and preview.item(line, 2).font().bold()
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.MAPPING_STEP)
    mapping = wizard.mapping_step.mapping()
    assert mapping[1] == "full_name" and mapping[2] == "birth_date" and mapping[3] == "iin"
    assert mapping[4] == "phone" and mapping[8] == "since"
    assert wizard.mapping_step.combos[1].currentText() == "Full name"

    wizard.next_button.click()
    step_to(qtbot, wizard, wz.DRY_RUN_STEP)
    counts = wizard.dry_run_step.counts.text()
    assert "Rows: 10." in counts and "Will be imported: 7 (with warnings: 3)" in counts
    assert "waiting for your decision: 2" in counts and "Not imported: 1." in counts
    table = wizard.dry_run_step.rows
    by_row = {
        table.item(i, 0).text(): [table.item(i, c).text() for c in range(4)] for i in range(table.rowCount())
    }
    assert by_row["10"][2] == "Not imported" and by_row["10"][3].startswith("Full name:")
    assert by_row["7"][2] == "Import with warnings: Birth date, Phone"
    assert by_row["5"][2] == "Import"
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0  # a dry run writes nothing
    pairs = wizard.dry_run_step.pairs
    assert [pairs.item(i, 0).text() for i in range(pairs.rowCount())] == ["12", "16"]
    assert (
        pairs.item(1, 1).text() == "row 15: Смагулов Ерлан"
        and pairs.item(1, 2).text() == "same name and birth date"
    )
    combo = wizard.dry_run_step.decision_combos[1]
    combo.setCurrentIndex(combo.findData(DIFFERENT))
    assert wizard.decisions() == {16: DIFFERENT}

    wizard.next_button.click()  # Import
    step_to(qtbot, wizard, wz.RESULT_STEP)
    assert live(ctx, "volunteers") == 8  # 7 and row 16; row 12 (the same IIN as row 6) left out
    assert "Imported: 8 rows" in wizard.result_step.counts.text()
    assert "Left out as possible duplicates: 1." in wizard.result_step.counts.text()
    done = wizard.result_step.rows
    outcomes = {done.item(i, 0).text(): done.item(i, 2).text() for i in range(done.rowCount())}
    assert outcomes["16"] == "Imported" and outcomes["12"] == "Held: may be a duplicate"
    assert outcomes["10"] == "Not imported" and outcomes["7"] == "Imported with warnings: Birth date, Phone"

    report = tmp_path / "report"
    wizard.save_report(str(report))
    qtbot.waitUntil(lambda: "report is saved" in wizard.result_step.notice.text(), timeout=20000)
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx").active
    lines = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None and r[1]}
    assert (
        lines[10][1] == "Not imported"
        and lines[16][1] == "Imported"
        and lines[12][1] == "Held: may be a duplicate"
    )

    wizard.result_step.undo.click()
    qtbot.waitUntil(lambda: "undone" in wizard.result_step.notice.text(), timeout=20000)
    assert live(ctx, "volunteers") == 0 and live(ctx, "people") == 0
    assert not wizard.result_step.undo.isEnabled()
    wizard.undo_import()  # asked again, the core refuses, and the step says why
    qtbot.waitUntil(lambda: wizard.result_step.message.text() != "", timeout=20000)
    assert wizard.result_step.message.text() == "This import was undone already."


def test_a_damaged_file_is_refused_at_the_file_step(qtbot, ctx, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    wizard.choose_file(str(bad))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.file_step.message.text() != "", timeout=20000)
    assert (
        wizard.file_step.message.text()
        == "The file broken.xlsx is damaged or is not a spreadsheet; it cannot be read."
    )
    assert wizard.stack.currentIndex() == wz.FILE_STEP
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0
    assert ctx.store.scalar("SELECT count(*) FROM outbox") == 0


def test_the_wizard_opens_from_settings_and_volunteers(qtbot, ctx):
    from ui.settings.section import SettingsPage
    from ui.volunteers.section import VolunteersSection

    page = SettingsPage(ctx)
    ctx.widgets.append(page)
    page.retranslate_ui()
    page.apply_actor(roles.SYSTEM)
    assert not page.import_button.isHidden()
    assert page.open_import().kind == "volunteers"  # the first kind by default
    section = VolunteersSection(ctx)
    ctx.widgets.append(section)
    section.apply_actor(roles.SYSTEM)
    assert section.open_import().kind == "volunteers"


def test_the_sections_with_a_kind_open_it_on_their_kind(qtbot, ctx):
    from ui.aid.recipients_page import RecipientsPage
    from ui.events.section import EventsSection

    events = EventsSection(ctx)
    recipients = RecipientsPage(ctx)
    ctx.widgets += [events, recipients]
    for widget in (events, recipients):
        widget.retranslate_ui()
        widget.apply_actor(roles.SYSTEM)
        assert not widget.import_button.isHidden()
        assert widget.import_button.text() == "Import from a spreadsheet…"
    assert events.open_import().kind == "events"
    assert recipients.open_import().kind == "recipients"
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def test_a_wrong_header_row_is_refused_at_the_columns_step(qtbot, ctx, tmp_path):
    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    wizard.choose_file(str(messy.volunteers_xlsx(tmp_path / "volunteers.xlsx")))
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.SHEET_STEP)
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.HEADER_STEP)
    wizard.header_step.row_spin.setValue(1)  # the merged title row
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.MAPPING_STEP)
    assert wizard.mapping_step.mapping() == {}
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.mapping_step.message.text() != "", timeout=20000)
    assert wizard.mapping_step.message.text().startswith(
        "The file volunteers.xlsx has no column with the person's"
    )
    assert wizard.stack.currentIndex() == wz.MAPPING_STEP
    wizard.back_button.click()
    assert wizard.stack.currentIndex() == wz.HEADER_STEP
    assert ctx.store.scalar("SELECT count(*) FROM outbox") == 0


def test_a_person_already_on_file_is_named_in_the_pair(qtbot, ctx, tmp_path, clock):
    import datetime as dt

    from desktop import people

    form = {"surname": "Иванова", "name": "Айгүл", "patronymic": "Сериковна", "iin": messy.IIN_A}
    people.create_person(ctx.store, form, today=dt.date(2026, 11, 20))
    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    wizard.choose_file(str(messy.volunteers_xlsx(tmp_path / "volunteers.xlsx")))
    for step in (wz.SHEET_STEP, wz.HEADER_STEP, wz.MAPPING_STEP, wz.DRY_RUN_STEP):
        wizard.next_button.click()
        step_to(qtbot, wizard, step)
    pairs = wizard.dry_run_step.pairs
    assert (pairs.item(0, 0).text(), pairs.item(0, 1).text()) == ("5", "on file: Иванова Айгүл Сериковна")
    assert pairs.item(0, 2).text() == "same IIN"


def test_the_columns_chosen_are_offered_again_for_the_same_layout(qtbot, ctx, tmp_path):
    path = str(messy.volunteers_xlsx(tmp_path / "volunteers.xlsx"))

    def to_mapping():
        wizard = wz.ImportWizard(ctx, "volunteers")
        ctx.widgets.append(wizard)
        wizard.choose_file(path)
        for step in (wz.SHEET_STEP, wz.HEADER_STEP, wz.MAPPING_STEP):
            wizard.next_button.click()
            step_to(qtbot, wizard, step)
        return wizard

    first = to_mapping()
    assert first.mapping_step.mapping()[7] == "skills"
    first.mapping_step.combos[7].setCurrentIndex(0)  # "Навыки" left out this time
    for step in (wz.DRY_RUN_STEP, wz.RESULT_STEP):
        first.next_button.click()
        step_to(qtbot, first, step)
    again = to_mapping()
    assert 7 not in again.mapping_step.mapping()
    assert again.mapping_step.mapping()[1] == "full_name"


def test_a_csv_file_may_be_read_with_another_encoding_or_separator(qtbot, ctx, tmp_path):
    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    wizard.choose_file(str(messy.cp1251_csv(tmp_path / "excel.csv")))
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.HEADER_STEP)
    header = wizard.header_step
    assert header.encoding_combo.isVisibleTo(wizard) and header.encoding_combo.currentData() == "cp1251"
    assert header.delimiter_combo.currentData() == ";"
    assert header.preview.columnCount() == 4  # the row number and three columns
    assert header.preview.item(1, 1).text() == "Иванов Иван Иванович"
    # Read as comma-separated, each line is one cell and no header is found; read as UTF-8, it is refused.
    header.delimiter_combo.setCurrentIndex(header.delimiter_combo.findData(","))
    qtbot.waitUntil(lambda: "header" in header.message.text(), timeout=20000)
    header.delimiter_combo.setCurrentIndex(header.delimiter_combo.findData(";"))
    qtbot.waitUntil(lambda: header.message.text() == "" and header.preview.columnCount() == 4, timeout=20000)
    header.encoding_combo.setCurrentIndex(header.encoding_combo.findData("utf-8-sig"))
    qtbot.waitUntil(lambda: header.message.text() != "", timeout=20000)
    header.encoding_combo.setCurrentIndex(header.encoding_combo.findData("cp1251"))
    qtbot.waitUntil(lambda: header.preview.item(1, 1).text() == "Иванов Иван Иванович", timeout=20000)
    step_to(qtbot, wizard, wz.HEADER_STEP)
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.MAPPING_STEP)
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.DRY_RUN_STEP)
    assert "Rows: 3." in wizard.dry_run_step.counts.text()
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0


def test_ctrl_enter_goes_on_and_closing_part_way_asks(qtbot, ctx, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    wizard = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(wizard)
    wizard.show()
    wizard.choose_file(str(messy.volunteers_xlsx(tmp_path / "volunteers.xlsx")))
    qtbot.keyClick(wizard.next_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    step_to(qtbot, wizard, wz.SHEET_STEP)
    wizard.close_button.click()  # part-way: asks before the choices are lost
    box = wizard.keys.confirm
    assert box is not None and box.isVisible() and wizard.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert wizard.isVisible() and wizard.stack.currentIndex() == wz.SHEET_STEP
    qtbot.keyClick(wizard.sheet_step.sheets, Qt.Key.Key_Escape)
    wizard.keys.confirm.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)
    # On the first step nothing is lost: Close just closes.
    first = wz.ImportWizard(ctx, "volunteers")
    ctx.widgets.append(first)
    first.show()
    first.close_button.click()
    assert not first.isVisible() and first.keys.confirm is None
