"""A failed save in every section: the core refuses it, the message is shown beside the field it names (that field's
widget marked, a member's row selected), and nothing follows a failure: no `ctx.data_changed`, no list reload, no
sync scheduled. (Aid's register: tests/ui/test_aid_ui.py, "test_bad_quantity_is_shown_beside_the_lines".)

The refusals are the core's own (desktop/…), provoked with real input; nothing of the core is replaced."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop import backup, groups, roles, volunteers
from desktop.groups import GroupInput, MemberInput
from sync.state import put_state
from ui.sync_controller import SyncController
from ui.widgets.form_errors import FormErrors


class Watch:
    """What follows a save: the tables announced (`ctx.data_changed`), the reads started (a list reloads by
    reading), and the sync scheduled after a change (the SyncController's timer, this PC being enrolled)."""

    def __init__(self, ctx, monkeypatch):
        self.ctx = ctx
        with ctx.store.transaction():
            put_state(ctx.store, "server_url", "https://region.example")
            put_state(ctx.store, "token", "enrolled")
        self.sync = SyncController(ctx)
        # Not the first sync it plans shortly after start: one under way (or failed) when the save comes would
        # rightly keep the save from scheduling another, and this watch is about what the save schedules.
        self.sync.timer.stop()
        ctx.sync = self.sync
        self.changed: list[str] = []
        ctx.data_changed.connect(self.changed.append)
        self.reads = 0
        read = ctx.runner.read

        def counted(*args, **kwargs):
            self.reads += 1
            return read(*args, **kwargs)

        monkeypatch.setattr(ctx.runner, "read", counted)

    def start(self) -> None:
        """From now on: the screen is open and has read what it shows."""
        self.sync.timer.stop()
        self.changed.clear()
        self.reads = 0

    def assert_nothing_followed(self, qtbot) -> None:
        settle(qtbot, self.ctx)
        qtbot.wait(50)  # the sections' debounce timers (0 ms) would have fired by now
        settle(qtbot, self.ctx)
        assert self.changed == []  # nothing announced
        assert self.reads == 0  # no list reloaded
        assert not self.sync.timer.isActive()  # no sync scheduled

    def assert_saved_and_announced(self, qtbot) -> None:
        """The same watch sees a successful save: announced, a sync scheduled."""
        settle(qtbot, self.ctx)
        assert self.changed and self.sync.timer.isActive()


@pytest.fixture
def watch(ctx, clock, monkeypatch):
    w = Watch(ctx, monkeypatch)
    yield w
    w.sync.timer.stop()


def settle(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def show(qtbot, ctx, widget):
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    for _round in range(3):  # a lazy list asks for its next page once it has shown the first
        settle(qtbot, ctx)
        qtbot.wait(20)
    return widget


def assert_beside(errors: FormErrors, field: str, message: str) -> None:
    """`message` on the field's own line (not the form-level one), shown, and the field's widget marked."""
    assert message in errors.message_of(field)
    label = errors.labels[field]
    assert label is not errors.form_label and not label.isHidden() and message in label.text()
    widget = errors.widgets[field]
    assert "border" in widget.styleSheet() and message in widget.toolTip()


def test_events_refused_event_save(qtbot, ctx, watch):
    from ui.events.section import EventsSection

    section = show(qtbot, ctx, EventsSection(ctx))
    dialog = section.open_event(None, dt.date(2026, 11, 25))
    settle(qtbot, ctx)
    watch.start()
    dialog.title_kk.setText("  ")  # no title in either language
    dialog.save()
    settle(qtbot, ctx)
    assert_beside(dialog.errors, "event_title", "Enter a title in Kazakh or Russian (or both).")
    assert dialog.isVisible() and dialog.buttons.isEnabled() and dialog.general_error.isHidden()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM events") == 0
    dialog.title_kk.setText("Тіл мерекесі")
    dialog.save()
    watch.assert_saved_and_announced(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM events") == 1


def test_volunteers_refused_volunteer_save(qtbot, ctx, watch):
    from ui.volunteers.section import VolunteersSection

    section = show(qtbot, ctx, VolunteersSection(ctx))
    dialog = section.open_volunteer(None)
    settle(qtbot, ctx)
    watch.start()
    dialog.person_form.surname.setText("Омаров")
    dialog.person_form.name.setText("Мұрат")
    dialog.volunteer_form.since.setText("01.12.2026")  # after today (20 November 2026)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    settle(qtbot, ctx)
    assert_beside(dialog.volunteer_form.errors, "since", "cannot be in the future.")
    assert dialog.tabs.currentIndex() == 1 and dialog.isVisible() and dialog.buttons.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM volunteers") == 0


def test_volunteers_refused_shift_save(qtbot, ctx, watch):
    from ui.volunteers.section import VolunteersSection

    person = {"surname": "Сейітқали", "name": "Әсел", "birth_date": ""}
    vid = volunteers.save_volunteer(ctx.store, person, {"status": "active"}, today=dt.date(2026, 11, 20))[1]
    section = show(qtbot, ctx, VolunteersSection(ctx))
    section.show_page("hours")
    section.hours.set_volunteer(vid)
    settle(qtbot, ctx)
    section.hours.add_button.click()
    dialog = section.hours.shift_dialog
    watch.start()
    dialog.day.setText("19.11.2026")
    dialog.start.setText("10:00")
    dialog.end.setText("09:00")  # before the arrival: desktop/shifts.py refuses it on the writer thread
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(dialog.message_of("check_out")), timeout=20000)
    assert_beside(dialog.errors, "check_out", "must be later than the arrival.")
    assert dialog.message_of("check_in") == "" and dialog.isVisible() and dialog.buttons.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM volunteer_shifts") == 0
    dialog.end.setText("12:00")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    watch.assert_saved_and_announced(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM volunteer_shifts") == 1


def test_groups_refused_group_save_names_the_member_row(qtbot, ctx, watch):
    from ui.groups.section import GroupsSection

    adult = ctx.store.insert("people", {"surname": "Ахметова", "name": "Дана", "birth_date": "1990-04-01"})
    other = ctx.store.insert("people", {"surname": "Ли", "name": "Вячеслав", "birth_date": "1980-01-01"})
    members = [
        MemberInput(other, joined=dt.date(2026, 1, 10)),
        MemberInput(adult, joined=dt.date(2026, 1, 10)),
    ]
    group = groups.save_group(ctx.store, GroupInput(name="«Достық» хоры", members=members))
    # The birth date is corrected afterwards: the second member was 13 when she joined, with no guardian recorded.
    ctx.store.update("people", adult, {"birth_date": "2012-05-01"})
    section = show(qtbot, ctx, GroupsSection(ctx))
    dialog = section.open_group(group)
    settle(qtbot, ctx)
    watch.start()
    dialog.save()
    settle(qtbot, ctx)
    row = next(n for n, m in enumerate(dialog.members) if m.person_id == adult)
    message = "Ахметова Дана is under 18: enter the name of the parent or guardian who gave consent."
    assert message in dialog.errors.message_of("member_guardian_name")
    assert message in dialog.member_error.text() and not dialog.member_error.isHidden()
    assert (
        dialog.errors.labels["member_guardian_name"] is dialog.member_error
    )  # the line under the member fields
    assert dialog.members_table.selectionModel().isRowSelected(row)  # the refused member's row
    assert "border" in dialog.members_table.styleSheet() and message in dialog.members_table.toolTip()
    assert dialog.general_error.isHidden() and dialog.isVisible() and dialog.buttons.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM group_members WHERE guardian_name IS NOT NULL") == 0


def test_groups_refused_association_save(qtbot, ctx, watch):
    from ui.groups.section import GroupsSection

    section = show(qtbot, ctx, GroupsSection(ctx))
    dialog = section.open_association(None)
    settle(qtbot, ctx)
    watch.start()
    dialog.name.setText("   ")
    dialog.save()  # desktop.groups refuses the blank name on the writer thread
    settle(qtbot, ctx)
    assert_beside(dialog.errors, "association_name", "Enter the name of the association.")
    assert dialog.general_error.isHidden() and dialog.isVisible() and dialog.buttons.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM associations") == 0
    dialog.name.setText("Корей мәдени орталығы")
    dialog.save()
    watch.assert_saved_and_announced(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM associations") == 1


def test_settings_refused_account_save(qtbot, ctx, watch):
    from ui.settings.accounts_page import AccountsPage

    page = show(qtbot, ctx, AccountsPage(ctx))
    before = page.model.rowCount()
    dialog = page.open_account(None)
    watch.start()
    dialog.name_edit.setText("Айгүл Серікова")
    dialog.login_edit.setText("aigul")
    dialog.secret_edit.setText("жаңа құпия сөз")
    dialog.again_edit.setText("жана купия соз")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(dialog.errors.message_of("secret_again")), timeout=20000)
    assert_beside(dialog.errors, "secret_again", "the two entries differ.")
    assert dialog.errors.message_of("secret") == "" and dialog.error_label.isHidden() and dialog.isVisible()
    watch.assert_nothing_followed(qtbot)
    assert page.model.rowCount() == before
    assert ctx.store.scalar("SELECT count(*) FROM accounts WHERE login = 'aigul'") == 0


def test_settings_refused_backup_set_up(qtbot, ctx, watch, tmp_path):
    from ui.settings.backups_page import BackupsPage, SetUpDialog

    page = show(qtbot, ctx, BackupsPage(ctx))
    dialog = SetUpDialog(ctx, str(tmp_path / "usb"), False, page)
    dialog.open()
    watch.start()
    dialog.password.setText("a long backup password")
    dialog.password2.setText("a long backup passwort")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialog.errors.message_of("password2")), timeout=20000)
    assert_beside(dialog.errors, "password2", "The two passwords are not the same.")
    assert dialog.errors.message_of("password") == "" and dialog.error.isHidden() and dialog.isVisible()
    assert dialog.buttons.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert not backup.settings(ctx.store).set_up


def test_reports_refused_monthly_submission(qtbot, ctx, watch):
    from ui.reports.report_page import ReportPage

    page = show(qtbot, ctx, ReportPage(ctx))
    page.load()
    settle(qtbot, ctx)
    assert page.summary is not None
    watch.start()
    # A staff account may read the report but not submit it; the submission names no field, so the refusal
    # goes on the page's message line.
    ctx.actor = roles.actor_for("account-staff", "Айгүл", roles.STAFF)
    page.submit_button.click()
    settle(qtbot, ctx)
    assert (
        page.message_label.text()
        == "Your account may not submit the monthly summary. Ask the house administrator."
    )
    assert page.submit_button.isEnabled()
    watch.assert_nothing_followed(qtbot)
    assert ctx.store.scalar("SELECT count(*) FROM monthly_reports") == 0
