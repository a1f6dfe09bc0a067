"""The Creative groups section opens the import wizard on group members: the button is there for an account that
may change records (hidden for one that may not), the wizard walks a members workbook whose group name is merged
down over its rows, and the imported members show in the section's group list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop import roles
from desktop.settings import Settings
from desktop.store import Store
from tests.importing import messy
from ui.context import AppContext
from ui.importing import wizard as wz
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


def test_the_groups_section_imports_members(qtbot, ctx, tmp_path):
    from ui.groups.section import GroupsSection

    section = GroupsSection(ctx)
    ctx.widgets.append(section)
    section.retranslate_ui()
    section.apply_actor(roles.actor_for("acc-v", "Volunteer", roles.VOLUNTEER))
    assert section.import_button.isHidden()  # a volunteer account cannot change records
    section.apply_actor(roles.SYSTEM)
    assert not section.import_button.isHidden()
    assert section.import_button.text() == "Import from a spreadsheet…"
    section.import_button.click()
    wizard = section.dialog
    assert isinstance(wizard, wz.ImportWizard) and wizard.kind == "members"
    ctx.widgets.append(wizard)

    wizard.choose_file(str(messy.members_xlsx(tmp_path / "members.xlsx")))
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.HEADER_STEP)  # one sheet: straight to the header
    assert wizard.header_step.row_spin.value() == 1
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.MAPPING_STEP)
    mapping = wizard.mapping_step.mapping()
    assert mapping[0] == "group" and mapping[1] == "full_name" and mapping[3] == "joined"
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.DRY_RUN_STEP)
    assert "Will be imported: 3" in wizard.dry_run_step.counts.text()
    assert ctx.store.scalar("SELECT count(*) FROM group_members") == 0  # a dry run writes nothing
    wizard.next_button.click()
    step_to(qtbot, wizard, wz.RESULT_STEP)
    group_id = ctx.store.scalar("SELECT id FROM creative_groups WHERE name = 'Ансамбль «Айгөлек»'")
    assert ctx.store.scalar("SELECT count(*) FROM group_members WHERE group_id = ?", (group_id,)) == 3

    section.show()
    section.reload_groups()
    qtbot.waitUntil(lambda: section.groups_model.row_of(group_id) >= 0, timeout=20000)
    row = section.groups_model.row_of(group_id)
    assert section.groups_model.index(row, 2).data() == "3"  # the members column
