"""The Events section, event form, holidays dialog and Creative groups section, driven as a user would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from desktop import events, groups, roles
from desktop.clock import TZ
from desktop.errors import ValidationError
from desktop.events import EventInput, Headcount
from desktop.groups import GroupInput, MemberInput
from desktop.i18n import N_
from desktop.settings import Settings
from desktop.store import Store
from ui.context import AppContext
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner


@pytest.fixture
def ctx(qtbot, tmp_path):
    path = tmp_path / "house.db"
    store = Store(path)
    store.set_house("KZ-55-01")
    runner = TaskRunner(lambda: Store(path))
    context = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    apply_language("kk")
    context.widgets = []
    yield context
    # Delete this test's widgets while the store is open: a later language switch must not reach them.
    for widget in context.widgets:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_language("en")
    QApplication.processEvents()
    runner.shutdown()
    store.close()


def switch_language(lang):
    apply_language(lang)
    QApplication.processEvents()  # Qt posts LanguageChange; deliver it now


def settle(qtbot, ctx):
    """Waits until the reads and writes started so far have answered on the UI thread."""
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def at(y, m, d, h=11):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def volunteer(store, surname, name):
    return store.insert(
        "volunteers", {"person_id": store.insert("people", {"surname": surname, "name": name})}
    )


def seed(store):
    group = groups.save_group(store, GroupInput(name="«Шалқыма» ансамблі", genre="folk"))
    concert = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 5, 15),
            title_kk="Ұлттық әндер кеші",
            title_ru="Вечер национальной песни",
            kind="concert",
            group_ids=[group],
        ),
    )
    nauryz = events.save_event(
        store,
        EventInput(
            starts_at=at(2026, 3, 21, 10),
            ends_at=at(2026, 3, 23, 18),
            title_kk="Наурыз мейрамы",
            title_ru="Праздник Наурыз",
            kind="holiday",
            status="held",
        ),
    )
    return group, concert, nauryz


def make_section(qtbot, ctx, module, cls):
    section = getattr(__import__(module, fromlist=[cls]), cls)(ctx)
    ctx.widgets.append(section)
    section.resize(1100, 700)
    section.show()
    settle(qtbot, ctx)
    return section


def test_calendar_month_shows_events_and_opens_one(qtbot, ctx):
    _group, concert, nauryz = seed(ctx.store)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 3, 1))
    settle(qtbot, ctx)
    assert section.month_label.text() == "2026\u202fж. наурыз"
    titles = [e.title for e in section.calendar.visible_entries()]
    assert titles.count("Наурыз мейрамы") == 3 and "Ұлттық әндер кеші" in titles
    assert section.summary.text() == "2 іс-шара"
    rect = section.calendar.entry_rect(concert)
    # A single click only selects (a double-click must not land inside a dialog opened by its first click).
    qtbot.mouseClick(section.calendar, Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, ctx)
    assert section.dialog is None and section.calendar.selected_id == concert
    qtbot.mouseDClick(section.calendar, Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, ctx)
    assert section.dialog.event_id == concert and section.dialog.title_kk.text() == "Ұлттық әндер кеші"
    section.dialog.reject()
    section.dialog = None
    # Enter opens the selected event.
    qtbot.keyClick(section.calendar, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert section.dialog is not None and section.dialog.event_id == concert
    section.dialog.reject()
    # Filters apply to the calendar too.
    section.kind_filter.setCurrentIndex(section.kind_filter.findData("holiday"))
    settle(qtbot, ctx)
    assert {e.id for e in section.calendar.visible_entries()} == {nauryz}


def test_list_filters_search_and_sort(qtbot, ctx):
    _group, concert, nauryz = seed(ctx.store)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 3, 1))
    section.list_button.setChecked(True)
    settle(qtbot, ctx)
    model = section.model
    assert [model.event_id(r) for r in range(model.rowCount())] == [nauryz, concert]  # newest first
    section.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by title, Kazakh order: Н before Ұ
    settle(qtbot, ctx)
    assert [model.event_id(r) for r in range(model.rowCount())] == [nauryz, concert]
    section.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    settle(qtbot, ctx)
    assert [model.event_id(r) for r in range(model.rowCount())] == [concert, nauryz]
    section.search.setText("улттык")  # typed without Kazakh letters
    section.reload()
    settle(qtbot, ctx)
    assert [model.event_id(r) for r in range(model.rowCount())] == [concert]
    section.search.clear()
    section.status_filter.setCurrentIndex(section.status_filter.findData("held"))
    settle(qtbot, ctx)
    assert [model.event_id(r) for r in range(model.rowCount())] == [nauryz]
    assert model.data(model.index(0, 4)) == "Өткізілді"


def test_event_form_end_before_start_refused_with_translated_message(qtbot, ctx):
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(None, dt.date(2026, 5, 9))
    settle(qtbot, ctx)
    dialog.title_ru.setText("День Победы")
    dialog.starts.setDateTime(dialog.starts.dateTime().addSecs(3 * 3600))
    dialog.ends.setDateTime(dialog.starts.dateTime().addSecs(-3600))
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"event_ends_at": "Іс-шара басталмай тұрып аяқтала алмайды."}
    assert dialog.isVisible()
    assert ctx.store.scalar("SELECT count(*) FROM events") == 0


def test_event_form_headcount_parts_above_total(qtbot, ctx):
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(None)
    settle(qtbot, ctx)
    dialog.title_kk.setText("Алғыс айту күні")
    dialog.count["total"].setValue(50)
    dialog.count["women"].setValue(30)
    dialog.count["men"].setValue(25)
    dialog.save()
    settle(qtbot, ctx)
    shown = dialog.errors.shown()
    assert set(shown) == {"attendance_women"} and "(55)" in shown["attendance_women"]
    assert dialog.tabs.currentIndex() == 2
    assert ctx.store.scalar("SELECT count(*) FROM events") == 0


def test_event_form_with_groups_volunteers_and_attendance(qtbot, ctx):
    group, _concert, _nauryz = seed(ctx.store)
    vol = volunteer(ctx.store, "Сейітқали", "Әсел")
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(None, dt.date(2026, 3, 1))
    settle(qtbot, ctx)
    dialog.title_kk.setText("Алғыс айту күні")
    dialog.title_ru.setText("День благодарности")
    dialog.kind.setCurrentIndex(dialog.kind.findData("holiday"))
    dialog.status.setCurrentIndex(dialog.status.findData("held"))
    dialog.groups.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.volunteer_picker.setText("сейитк")  # a Russian keyboard finds Сейітқали
    dialog.volunteer_picker.update_results()
    settle(qtbot, ctx)
    assert dialog.volunteer_picker.result_labels() == ["Сейітқали Әсел"]
    dialog.volunteer_picker.pick_row(0)
    dialog.volunteer_minutes.setValue(150)
    dialog.add_volunteer_button.click()
    settle(qtbot, ctx)
    assert dialog.volunteer_minutes_map() == {vol: 150}
    assert "2,5" in dialog.volunteers_total.text()
    for name, value in (("total", 80), ("women", 50), ("men", 30), ("children", 20), ("elderly", 10)):
        dialog.count[name].setValue(value)
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save()
    event_id = saved.args[0]
    data = events.get_event(ctx.store, event_id)
    assert data.group_ids == [group] and data.volunteers == {vol: 150}
    assert data.headcount == Headcount(80, 50, 30, 20, 10)
    assert events.event_minutes_by_volunteer(ctx.store, "2026-03") == {vol: 150}
    # Reopened, the form shows what was saved.
    again = section.open_event(event_id)
    settle(qtbot, ctx)
    assert again.volunteer_minutes_map() == {vol: 150} and again.count["children"].value() == 20
    assert again.windowTitle() == "Іс-шара"


def test_named_attendance_in_form(qtbot, ctx):
    people = [ctx.store.insert("people", {"surname": s, "name": "Ерлан"}) for s in ("Омаров", "Оспанов")]
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(None, dt.date(2026, 2, 2))
    settle(qtbot, ctx)
    dialog.title_kk.setText("Кездесу")
    dialog.mode_named.setChecked(True)
    dialog.attendee_picker.setText("омар")
    dialog.attendee_picker.update_results()
    settle(qtbot, ctx)
    dialog.attendee_picker.pick_row(0)
    dialog.attendee_picker.setText("оспан")
    dialog.attendee_picker.update_results()
    settle(qtbot, ctx)
    dialog.attendee_picker.pick_row(0)
    assert dialog.attendee_ids() == people
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save()
    assert events.get_event(ctx.store, saved.args[0]).attendee_ids == people


def test_presets_one_click(qtbot, ctx):
    from ui.events.presets_dialog import PresetsDialog

    dialog = PresetsDialog(ctx, 2027)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    button = dialog.buttons["nauryz"]
    assert button.text() == "Күнтізбеге қосу"
    with qtbot.waitSignal(dialog.created, timeout=10000):
        button.click()
    settle(qtbot, ctx)
    row = ctx.store.one("SELECT starts_at, ends_at, status FROM events WHERE preset = 'nauryz'")
    assert (
        row["starts_at"][:10] == "2027-03-21"
        and row["ends_at"][:10] == "2027-03-23"
        and row["status"] == "planned"
    )
    assert not button.isEnabled() and button.text() == "Күнтізбеде бар"
    dialog.year.setValue(2028)
    settle(qtbot, ctx)
    assert dialog.buttons["nauryz"].isEnabled()  # the lines of another year (Kurban ait has moved)


def test_group_form_minor_duplicate_and_missing_name(qtbot, ctx):
    from ui.groups.group_dialog import GroupDialog, to_qdate

    child = ctx.store.insert("people", {"surname": "Ким", "name": "Даша", "birth_date": "2015-04-01"})
    adult = ctx.store.insert("people", {"surname": "Ким", "name": "Елена", "birth_date": "1980-01-01"})
    dialog = GroupDialog(ctx)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    dialog.member_joined.setDate(to_qdate(dt.date(2026, 1, 10)))
    dialog.member_picker.set_person(child, "Ким Даша")
    dialog._on_member_picker_picked(child, "Ким Даша")
    settle(qtbot, ctx)
    assert "18" in dialog.guardian_hint.text()
    dialog.add_member_button.click()
    settle(qtbot, ctx)
    assert set(dialog.errors.shown()) == {"member_guardian_name", "member_guardian_consent_on"}
    assert dialog.members == []
    dialog.guardian_name.setText("Ким Инна")
    dialog.guardian_consent.setDate(to_qdate(dt.date(2026, 1, 5)))
    dialog.add_member_button.click()
    settle(qtbot, ctx)
    assert [m.person_id for m in dialog.members] == [child]
    dialog.member_picker.set_person(adult, "Ким Елена")
    dialog.add_member_button.click()
    settle(qtbot, ctx)
    dialog.member_picker.set_person(adult, "Ким Елена")
    dialog.add_member_button.click()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"member_person": "Ким Елена осы ұжымның мүшесі болып тұр."}
    assert len(dialog.members) == 2
    # No name: the message names what is missing, and nothing is written.
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"group_name": "Атауын қазақша немесе орысша (не екі тілде де) жазыңыз."}
    assert ctx.store.scalar("SELECT count(*) FROM creative_groups") == 0
    dialog.name_kk.setText("«Ариран»")
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save()
    saved_members = groups.members(ctx.store, saved.args[0])
    assert {m["person_id"] for m in saved_members} == {child, adult}
    assert next(m for m in saved_members if m["person_id"] == child)["guardian_consent_on"] == "2026-01-05"


def test_groups_section_shows_members_and_performances(qtbot, ctx):
    leader = ctx.store.insert("people", {"surname": "Омаров", "name": "Болат", "birth_date": "1970-01-01"})
    member = ctx.store.insert("people", {"surname": "Әбенова", "name": "Сәуле", "birth_date": "1990-01-01"})
    group = groups.save_group(
        ctx.store,
        GroupInput(
            name="«Шалқыма» ансамблі",
            genre="folk",
            leader_id=leader,
            members=[MemberInput(member, role="солист")],
        ),
    )
    events.save_event(
        ctx.store,
        EventInput(
            starts_at=at(2026, 3, 21),
            title_kk="Наурыз мейрамы",
            title_ru="Праздник Наурыз",
            kind="holiday",
            group_ids=[group],
        ),
    )
    section = make_section(qtbot, ctx, "ui.groups.section", "GroupsSection")
    section.refresh()
    settle(qtbot, ctx)
    assert section.panel.group_id == group
    assert section.panel.heading.text() == "«Шалқыма» ансамблі"
    assert "Омаров Болат" in section.panel.details.text()
    assert section.panel.members_table.item(0, 0).text() == "Әбенова Сәуле"
    assert section.panel.performances_table.item(0, 1).text() == "Наурыз мейрамы"
    switch_language("ru")
    settle(qtbot, ctx)
    assert section.panel.performances_table.item(0, 1).text() == "Праздник Наурыз"
    assert section.tabs.tabText(1) == "Этнокультурные объединения"
    assert section.groups_model.headerData(1, Qt.Orientation.Horizontal) == "Жанр"


def test_events_section_switches_language_live(qtbot, ctx):
    seed(ctx.store)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 3, 1))
    settle(qtbot, ctx)
    assert section.new_button.text() == "Жаңа іс-шара"
    switch_language("ru")
    settle(qtbot, ctx)
    assert section.new_button.text() == "Новое мероприятие"
    assert section.month_label.text() == "март 2026\u202fг."
    assert "Вечер национальной песни" in [e.title for e in section.calendar.visible_entries()]


def test_double_click_on_a_day_plans_an_event_on_it(qtbot, ctx):
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 6, 1))
    settle(qtbot, ctx)
    cell = next(rect for rect, day in section.calendar._cells if day.date == dt.date(2026, 6, 12))
    qtbot.mouseDClick(section.calendar, Qt.MouseButton.LeftButton, pos=cell.center())
    settle(qtbot, ctx)
    assert section.dialog.windowTitle() == "Жаңа іс-шара"
    assert section.dialog.starts.date().toPython() == dt.date(2026, 6, 12)


def test_a_full_day_shows_how_many_more(qtbot, ctx):
    for hour in range(8, 20):
        events.save_event(
            ctx.store, EventInput(starts_at=at(2026, 9, 1, hour), title_kk=f"Кездесу {hour}", kind="meeting")
        )
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 9, 1))
    settle(qtbot, ctx)
    shown = [e for e in section.calendar.visible_entries()]
    hidden = [h for _rect, day, h in section.calendar._more if day.date == dt.date(2026, 9, 1)]
    assert hidden and len(shown) + hidden[0] == 12
    assert section.calendar.more_text(hidden[0]) == f"тағы {hidden[0]}"
    menu = section.calendar.day_menu(section.calendar.view.day(dt.date(2026, 9, 1)))
    assert len(menu.actions()) == 12


def test_delete_event_and_association_after_confirming(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    _group, concert, _nauryz = seed(ctx.store)
    assoc = groups.save_association(ctx.store, groups.AssociationInput(name="Корей мәдени орталығы"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(concert)
    settle(qtbot, ctx)
    with qtbot.waitSignal(dialog.deleted, timeout=10000):
        dialog.delete_button.click()
    assert ctx.store.get("events", concert) is None
    groups_section = make_section(qtbot, ctx, "ui.groups.section", "GroupsSection")
    groups_section.refresh()
    settle(qtbot, ctx)
    assert groups_section.associations_model.rowCount() == 1
    assoc_dialog = groups_section.open_association(assoc)
    settle(qtbot, ctx)
    with qtbot.waitSignal(assoc_dialog.saved, timeout=10000):
        assoc_dialog.delete_button.click()
    assert groups.list_associations(ctx.store) == []


def test_typed_leader_must_be_picked_from_the_list(qtbot, ctx):
    from ui.groups.association_dialog import AssociationDialog
    from ui.groups.group_dialog import GroupDialog

    leader = ctx.store.insert("people", {"surname": "Омаров", "name": "Болат"})
    dialog = GroupDialog(ctx)
    ctx.widgets.append(dialog)
    settle(qtbot, ctx)
    dialog.name_kk.setText("«Достық» хоры")
    dialog.leader.setText("Омаров")  # typed, not chosen
    dialog.save()
    settle(qtbot, ctx)
    assert set(dialog.errors.shown()) == {"group_leader"}
    dialog.leader.update_results()
    settle(qtbot, ctx)
    dialog.leader.pick_row(0)
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save()
    assert ctx.store.get("creative_groups", saved.args[0])["leader_id"] == leader

    assoc = AssociationDialog(ctx)
    ctx.widgets.append(assoc)
    settle(qtbot, ctx)
    assoc.leader.setText("Нет такого")
    assoc.save()
    settle(qtbot, ctx)
    assert set(assoc.errors.shown()) == {"association_name", "association_leader"}
    assert ctx.store.scalar("SELECT count(*) FROM associations") == 0


def test_event_form_says_when_the_volunteer_register_is_empty(qtbot, ctx):
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(None)
    settle(qtbot, ctx)
    assert "тізілімі бос" in dialog.volunteers_hint.text()
    volunteer(ctx.store, "Ким", "Инна")
    dialog = section.open_event(None)
    settle(qtbot, ctx)
    assert "тізілімі бос" not in dialog.volunteers_hint.text()


def test_event_list_loads_lazily_and_sorts_by_attendance(qtbot, ctx):
    with ctx.store.transaction():
        for n in range(250):
            events.save_event(
                ctx.store,
                EventInput(
                    starts_at=at(2026, 1, 1 + n % 28, 8 + n % 10),
                    title_kk=f"№ {n}",
                    kind="meeting",
                    status="held",
                    headcount=Headcount(total=n),
                ),
            )
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 1, 1))
    section.list_button.setChecked(True)
    settle(qtbot, ctx)
    model = section.model
    assert model.rowCount() == 100 and model.canFetchMore() and model.total == 250
    model.fetchMore()
    settle(qtbot, ctx)
    model.fetchMore()
    settle(qtbot, ctx)
    assert model.rowCount() == 250 and not model.canFetchMore()
    section.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    settle(qtbot, ctx)
    assert model.data(model.index(0, 5)) == "249" and model.rowCount() == 100


def refuse(monkeypatch, module, name, field, message):
    """The service refuses the save on the writer thread (as when the data changed after the form checked it)."""

    def refused(store, *args, **kwargs):
        raise ValidationError(field, message)

    monkeypatch.setattr(module, name, refused)


def test_a_refused_event_save_shows_beside_its_field_and_changes_nothing(qtbot, ctx, monkeypatch):
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    changed = []
    ctx.data_changed.connect(changed.append)
    dialog = section.open_event(None, dt.date(2026, 5, 9))
    settle(qtbot, ctx)
    dialog.title_kk.setText("Жеңіс күні")
    dialog.tabs.setCurrentIndex(2)
    refuse(monkeypatch, events, "save_event", "event_status", N_("Choose the status of the event."))
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"event_status": "Іс-шараның мәртебесін таңдаңыз."}
    assert dialog.errors.labels["event_status"].isVisible() and dialog.tabs.currentIndex() == 0
    assert dialog.general_error.isHidden() and dialog.isVisible() and dialog.buttons.isEnabled()
    assert changed == []
    assert ctx.store.scalar("SELECT count(*) FROM events") == 0


def test_a_refused_group_save_shows_beside_its_field_and_changes_nothing(qtbot, ctx, monkeypatch):
    section = make_section(qtbot, ctx, "ui.groups.section", "GroupsSection")
    changed = []
    ctx.data_changed.connect(changed.append)
    dialog = section.open_group(None)
    settle(qtbot, ctx)
    dialog.name_kk.setText("«Достық» хоры")
    refuse(
        monkeypatch, groups, "save_group", "group_name", N_("Enter a name in Kazakh or Russian (or both).")
    )
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.errors.shown() == {"group_name": "Атауын қазақша немесе орысша (не екі тілде де) жазыңыз."}
    assert dialog.errors.labels["group_name"].isVisible()
    assert dialog.general_error.isHidden() and dialog.isVisible() and dialog.buttons.isEnabled()
    assert changed == []
    assert ctx.store.scalar("SELECT count(*) FROM creative_groups") == 0


def test_the_event_form_prints_the_sign_in_sheet(qtbot, ctx, tmp_path, monkeypatch):
    import shutil
    import subprocess

    from PySide6.QtWidgets import QDialogButtonBox

    _group, concert, _nauryz = seed(ctx.store)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    new = section.open_event(None)
    settle(qtbot, ctx)
    assert new.sheet_button.isHidden()  # a new event has nothing to print yet
    new.reject()
    dialog = section.open_event(concert)
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=20000)
    assert dialog.sheet_button.isVisible() and dialog.sheet_button.text() == "Тіркеу парағын басып шығару…"
    qtbot.mouseClick(dialog.sheet_button, Qt.MouseButton.LeftButton)
    sheet = dialog.sheet_dialog
    assert sheet is not None and sheet.isVisible()
    save = sheet.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.waitUntil(save.isEnabled, timeout=20000)  # the event was read off the UI thread
    assert (
        sheet.rows.value() == 30
        and "Ұлттық әндер кеші / Вечер национальной песни" in sheet.event_label.text()
    )
    sheet.open_after_save = False
    sheet.language.setCurrentIndex(sheet.language.findData("both"))
    sheet.organisation.setChecked(True)
    sheet.rows.setValue(12)
    chosen = []
    monkeypatch.setattr(sheet, "choose_path", lambda: chosen.append(1) or str(tmp_path / "sheet.pdf"))
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sheet.saved_path is not None or sheet.errors.error is not None, timeout=20000)
    assert sheet.errors.error is None, sheet.errors.error.message
    assert chosen == [1] and sheet.saved_path == tmp_path / "sheet.pdf"
    assert str(tmp_path / "sheet.pdf") in sheet.message.text()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(sheet.saved_path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Қатысушыларды тіркеу парағы / Лист регистрации участников" in text
    assert "Ұлттық әндер кеші / Вечер национальной песни" in text and "Ұйым Организация" in text
    assert "Телефон" in text and "Мүгедектігі бар адамдар Люди с инвалидностью" in text


def test_a_refused_sheet_request_is_marked_and_no_path_is_asked(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.events.sign_in_sheet_dialog import SignInSheetDialog

    _group, concert, _nauryz = seed(ctx.store)
    sheet = SignInSheetDialog(ctx, concert)
    ctx.widgets.append(sheet)
    sheet.show()
    save = sheet.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.waitUntil(save.isEnabled, timeout=20000)
    sheet.language.addItem("English", "en")  # a language the sheet does not print in
    sheet.language.setCurrentIndex(sheet.language.findData("en"))
    monkeypatch.setattr(sheet, "choose_path", lambda: pytest.fail("no path is asked for a refused request"))
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert sheet.errors.error is not None and sheet.errors.error.field == "sheet_language"
    assert "Парақтың тілі" in sheet.message.text()


def test_a_right_click_on_an_event_offers_its_sign_in_sheet(qtbot, ctx):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    _group, concert, nauryz = seed(ctx.store)
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    section.set_month(dt.date(2026, 3, 1))
    settle(qtbot, ctx)
    # In the calendar: the event under the pointer.
    centre = section.calendar.entry_rect(concert).center()
    QApplication.sendEvent(
        section.calendar,
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, section.calendar.mapToGlobal(centre)),
    )
    menu = section.menu
    assert menu is not None and [a.text() for a in menu.actions()] == ["Ашу…", "Тіркеу парағын басып шығару…"]
    assert section.calendar.selected_id == concert
    menu.actions()[1].trigger()
    menu.close()
    assert section.sheet_dialog is not None and section.sheet_dialog.event_id == concert
    settle(qtbot, ctx)
    assert "Ұлттық әндер кеші" in section.sheet_dialog.event_label.text()
    section.sheet_dialog.reject()
    # In the list: the row under the pointer; "Open…" opens the event.
    section.list_button.setChecked(True)
    settle(qtbot, ctx)
    row = next(r for r in range(section.model.rowCount()) if section.model.event_id(r) == nauryz)
    section.table.customContextMenuRequested.emit(
        section.table.visualRect(section.model.index(row, 1)).center()
    )
    section.menu.close()
    section.menu.actions()[0].trigger()
    assert section.dialog is not None and section.dialog.event_id == nauryz
    section.dialog.reject()
    before = section.menu
    section.table.customContextMenuRequested.emit(QPoint(5, section.table.viewport().height() - 2))
    assert section.menu is before and before.isHidden()  # below the rows: no event, no new menu
