"""The person pickers' "New person…": the shared person form in a dialog, saved through the one person path
(the person rules, the duplicate check); the person created is picked and gets only the role of the form that
opened the picker (a child joining an ensemble is a person and a member, not a volunteer)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop import clock, people, roles
from desktop.iin import make_iin
from desktop.settings import Settings
from desktop.store import Store
from ui.context import AppContext
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner
from ui.widgets.duplicate_dialog import DuplicateDialog
from ui.widgets.new_person_dialog import NewPersonDialog, typed_values

CHILD_IIN = make_iin(dt.date(2015, 4, 1), "f", 1)


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


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def open_new_person(qtbot, ctx, picker, typed: str) -> NewPersonDialog:
    """Types in the picker and takes the list's last entry, "New person: …"."""
    picker.setText(typed)
    picker.update_results()
    settle(qtbot, ctx)
    assert picker.results.item(picker.results.rowCount() - 1).text() == f"New person: {typed}…"
    picker.pick_row(picker.results.rowCount() - 1)
    dialog = picker.new_person_dialog
    assert isinstance(dialog, NewPersonDialog) and dialog.isVisible()
    return dialog


def test_typed_text_fills_the_form():
    assert typed_values("Ким Даша Сергеевна") == {"surname": "Ким", "name": "Даша", "patronymic": "Сергеевна"}
    assert typed_values("900101300017") == {"iin": "900101300017"}
    assert typed_values("8 701 123") == {"phone": "8 701 123"}


def test_a_child_added_to_an_ensemble_from_the_picker_is_a_person_and_a_member_not_a_volunteer(qtbot, ctx):
    from ui.groups.group_dialog import GroupDialog, to_qdate

    dialog = GroupDialog(ctx)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    new = open_new_person(qtbot, ctx, dialog.member_picker, "Ким Даша")
    form = new.person_form
    assert (form.surname.text(), form.name.text()) == ("Ким", "Даша")
    form.birth_date.setText("01.04.2015")
    form.iin.setText(CHILD_IIN[:-1] + str((int(CHILD_IIN[-1]) + 1) % 10))
    new.save()
    assert "check digit" in form.message_of("iin")  # refused beside its field, nothing written
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0
    form.iin.setText(CHILD_IIN)
    with qtbot.waitSignal(dialog.member_picker.picked, timeout=20000) as picked:
        new.save()
    person_id = picked.args[0]
    assert dialog.member_picker.picked_id == person_id and dialog.member_picker.text().startswith("Ким Даша")
    settle(qtbot, ctx)
    assert "18" in dialog.guardian_hint.text()  # the new person's age is known at once
    dialog.member_joined.setDate(to_qdate(clock.today()))
    dialog.guardian_name.setText("Ким Инна")
    dialog.guardian_consent.setDate(to_qdate(clock.today()))
    dialog.add_member_button.click()
    settle(qtbot, ctx)
    dialog.name_kk.setText("«Ариран»")
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        dialog.save()
    store = ctx.store
    assert store.scalar("SELECT count(*) FROM people") == 1
    assert store.scalar("SELECT person_id FROM group_members WHERE deleted = 0") == person_id
    assert store.scalar("SELECT count(*) FROM volunteers") == 0


def test_a_new_person_with_the_iin_of_someone_on_file_is_caught(qtbot, ctx):
    from ui.groups.association_dialog import AssociationDialog

    on_file = people.save_person(
        ctx.store,
        {"surname": "Омаров", "name": "Болат", "iin": "900101300017"},
        today=clock.today(),
    )
    dialog = AssociationDialog(ctx)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    new = dialog.leader.new_person()  # the "+" in the field
    new.person_form.set_values({"surname": "Басқа", "name": "Адам", "iin": "900101300017"})
    new.save()
    settle(qtbot, ctx)
    prompt = new.duplicate_dialog
    assert isinstance(prompt, DuplicateDialog) and prompt.isVisible()
    assert "same IIN" in prompt.candidates.item(0).text()
    # One IIN, one person: no "a different person — save"; the IIN's holder is named.
    assert prompt.same_iin and not prompt.different_button.isVisible()
    assert prompt.heading.text() == "This IIN belongs to Омаров Болат"
    assert prompt.same_button.text() == "Open that person"
    assert prompt.cancel_button.text() == "Back to the form"
    prompt.cancel_button.click()  # back to the form: nobody saved
    settle(qtbot, ctx)
    assert new.isVisible() and ctx.store.scalar("SELECT count(*) FROM people") == 1
    new.save()
    settle(qtbot, ctx)
    assert new.duplicate_dialog is not prompt and new.duplicate_dialog.isVisible()
    with qtbot.waitSignal(dialog.leader.picked, timeout=20000) as picked:
        new.duplicate_dialog.same_button.click()
    assert picked.args[0] == on_file and dialog.leader.picked_id == on_file
    assert ctx.store.scalar("SELECT count(*) FROM people") == 1


def test_a_new_attendee_and_a_new_donor_from_their_pickers(qtbot, ctx):
    from desktop import aid, events
    from ui.aid.donation_dialog import DonationDialog
    from ui.events.event_dialog import EventDialog

    event = EventDialog(ctx, None)
    ctx.widgets.append(event)
    settle(qtbot, ctx)
    event.mode_named.setChecked(True)
    new = open_new_person(qtbot, ctx, event.attendee_picker, "Оспанов Ерлан")
    with qtbot.waitSignal(event.attendee_picker.picked, timeout=20000) as picked:
        new.save()
    assert event.attendee_ids() == [picked.args[0]]
    event.title_kk.setText("Кездесу")
    with qtbot.waitSignal(event.saved, timeout=20000) as saved:
        event.save()
    assert events.get_event(ctx.store, saved.args[0]).attendee_ids == [picked.args[0]]

    aid.save_aid_point(ctx.store, {"name": "Орталық пункт"})
    donation = DonationDialog(ctx)
    ctx.widgets.append(donation)
    settle(qtbot, ctx)
    donation.kind_combo.setCurrentIndex(donation.kind_combo.findData("person"))
    new = open_new_person(qtbot, ctx, donation.person_picker, "Ли Ирина")
    with qtbot.waitSignal(donation.person_picker.picked, timeout=20000) as donor:
        new.save()
    assert donation.current_entry().donor_person_id == donor.args[0]
    assert ctx.store.scalar("SELECT count(*) FROM people") == 2
    assert ctx.store.scalar("SELECT count(*) FROM volunteers") == 0
