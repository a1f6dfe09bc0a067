"""No thank-you letter for no hours: the letter buttons stay off for a volunteer who has given no time, and the
letter dialog offers Save only for a period with hours."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox

from desktop import volunteers
from desktop.clock import TZ
from tests.ui import test_volunteers_ui
from tests.ui.test_volunteers_ui import add_volunteer, settle

section = test_volunteers_ui.section  # the volunteers tests' fixture: the section on 20 November 2026


def test_no_letter_is_offered_for_a_volunteer_without_hours(qtbot, section, store):
    helper = add_volunteer(store, "Сейітқали", "Әсел")
    newcomer = add_volunteer(store, "Ким", "Дана")
    start = dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ)
    volunteers.add_shift(
        store, helper, start, start + dt.timedelta(hours=3), now=start + dt.timedelta(days=1)
    )
    section.register.apply_query()
    settle(qtbot, section)

    section.register.select(newcomer)
    settle(qtbot, section)
    assert not section.letter_button.isEnabled()
    section.hours.set_volunteer(newcomer)
    settle(qtbot, section)
    assert not section.hours.letter_button.isEnabled()

    section.register.select(helper)
    settle(qtbot, section)
    assert section.letter_button.isEnabled()
    section.hours.set_volunteer(helper)
    settle(qtbot, section)
    assert section.hours.letter_button.isEnabled()


def test_the_letter_dialog_saves_only_a_period_with_hours(qtbot, section, store):
    vid = add_volunteer(store, "Сейітқали", "Әсел")
    start = dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ)
    volunteers.add_shift(store, vid, start, start + dt.timedelta(hours=3), now=start + dt.timedelta(days=1))
    dialog = section.open_letter(vid)
    settle(qtbot, section)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert dialog.hours.text() == "3" and save.isEnabled()
    dialog.start.setDate(dt.date(2026, 6, 1))  # a period after the shift
    settle(qtbot, section)
    assert dialog.hours.text() == "0" and not save.isEnabled()
    assert "No hours" in save.toolTip()
