"""The Volunteers section: register search and lazy list, the person form's messages, the duplicate prompt,
the kiosk, the hours screen and the letter dialog."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop import clock, volunteers
from desktop.clock import TZ
from ui.volunteers import register_model
from ui.volunteers.section import VolunteersSection
from ui.volunteers.shift_dialog import ShiftDialog
from ui.widgets.duplicate_dialog import DuplicateDialog


def add_volunteer(store, surname, name, **person):
    values = {"surname": surname, "name": name, "birth_date": "", **person}
    return volunteers.save_volunteer(store, values, {"status": "active"}, today=clock.today())[1]


@pytest.fixture
def section(qtbot, ctx, ui_lang, clock):
    """The section on 20 November 2026 at noon in Almaty (the `clock` fixture), whatever the machine's date."""
    ui_lang("en")
    page = VolunteersSection(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def settle(qtbot, section):
    """Waits until every read and write started so far has answered (they run off the UI thread)."""
    qtbot.waitUntil(section.ctx.runner.is_idle, timeout=20000)


def save(qtbot, dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def drain(qtbot, runner):
    """Returns once a no-op queued now on the one writer thread has run and every task started so far has
    finished and delivered its callbacks: a write that anything before asked for is then done."""
    done = []
    runner.write(lambda store, progress, cancel: None, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done) and runner.is_idle(), timeout=20000)


def test_register_finds_loose_query_and_loads_lazily(qtbot, ctx, store):
    add_volunteer(store, "Нұрланұлы", "Қайрат")
    for i in range(register_model.PAGE + 20):
        store.insert(
            "volunteers",
            {"person_id": store.insert("people", {"surname": "Ахметов", "name": f"Болат {i:03d}"})},
        )
    page = VolunteersSection(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    model = page.register.model
    idle = ctx.runner.is_idle
    qtbot.waitUntil(lambda: idle() and model.rowCount() == register_model.PAGE, timeout=20000)
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(idle, timeout=20000)
    assert model.rowCount() == register_model.PAGE + 21 and not model.canFetchMore()
    page.show_page("search:кайрат нурланулы")
    qtbot.waitUntil(lambda: idle() and model.rowCount() == 1, timeout=20000)
    assert model.data(model.index(0, 0)) == "Нұрланұлы Қайрат"
    assert page.register.count_label.text() == "Volunteers: 1"
    page.register.search.setText("ахметов")
    qtbot.waitUntil(lambda: model.rowCount() == register_model.PAGE, timeout=20000)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(idle, timeout=20000)
    assert model.data(model.index(0, 0)) == f"Ахметов Болат {register_model.PAGE + 19}"


def test_person_form_shows_each_error_beside_its_field_and_saves_nothing(qtbot, section, ctx, store):
    dialog = section.open_volunteer(None)
    form = dialog.person_form
    form.surname.setText("Омаров")
    form.iin.setText("9001013000")
    form.phone.setText("8701abc")
    form.birth_date.setText("01.01.2099")
    save(qtbot, dialog)
    assert form.message_of("name") == "Name is required."
    assert form.message_of("iin") == "IIN: an IIN has 12 digits; this one has 10."
    assert form.message_of("phone").startswith("Phone:")
    assert form.message_of("birth_date") == "Birth date cannot be in the future."
    assert form.message_of("surname") == ""
    form.iin.setText("900101300018")
    form.iin.textEdited.emit("900101300018")
    assert "check digit" in form.message_of("iin")  # validated as typed
    drain(qtbot, ctx.runner)
    assert store.scalar("SELECT count(*) FROM people") == 0
    assert dialog.isVisible()


def test_iin_date_mismatch_only_warns_and_the_volunteer_is_saved(qtbot, section, store):
    dialog = section.open_volunteer(None)
    form = dialog.person_form
    form.surname.setText("Омаров")
    form.name.setText("Мұрат")
    form.birth_date.setText("02.02.1990")
    form.iin.setText("900101300017")
    form.phone.setText("8 701 123 45 67")
    # Nothing about consent is filled in for the person registering: they type what was signed.
    assert dialog.volunteer_form.consent_given_on.text() == ""
    assert dialog.volunteer_form.consent_form_version.text() == ""
    dialog.volunteer_form.consent_given_on.setText("15.11.2026")
    dialog.volunteer_form.consent_form_version.setText("2026-1")
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        save(qtbot, dialog)
    assert "differs from the birth date" in form.message_of("iin")
    row = store.one("SELECT * FROM people")
    assert (row["iin"], row["phone"], row["birth_date"]) == ("900101300017", "+77011234567", "1990-02-02")
    assert store.scalar("SELECT count(*) FROM volunteers") == 1
    assert store.scalar("SELECT count(*) FROM consents") == 1
    settle(qtbot, section)
    assert section.register.model.rowCount() == 1


def _type_duplicate(section):
    dialog = section.open_volunteer(None)
    dialog.person_form.surname.setText("Нурланулы")
    dialog.person_form.name.setText("Кайрат")
    return dialog


def test_duplicate_prompt_different_person_saves_and_remembers(qtbot, section, store):
    existing = add_volunteer(store, "Нұрланұлы", "Қайрат")
    dialog = _type_duplicate(section)
    save(qtbot, dialog)
    settle(qtbot, section)
    prompt = dialog.duplicate_dialog
    assert isinstance(prompt, DuplicateDialog) and prompt.isVisible()
    assert "Нұрланұлы Қайрат" in prompt.candidates.item(0).text()
    assert "similar name" in prompt.candidates.item(0).text()
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        prompt.different_button.click()
    assert store.scalar("SELECT count(*) FROM people") == 2
    pair = store.one("SELECT person_a, person_b FROM people_distinct")
    assert volunteers.get_volunteer(store, existing)["person_id"] in pair.values()


def test_duplicate_prompt_same_person_opens_the_existing_record(qtbot, section, store):
    existing = add_volunteer(store, "Нұрланұлы", "Қайрат", phone="+77015550000")
    dialog = _type_duplicate(section)
    save(qtbot, dialog)
    settle(qtbot, section)
    dialog.duplicate_dialog.same_button.click()
    settle(qtbot, section)
    assert dialog.volunteer_id == existing
    assert dialog.person_form.surname.text() == "Нұрланұлы"
    assert dialog.person_form.phone.text() == "+7 701 555 00 00"
    assert store.scalar("SELECT count(*) FROM people") == 1
    assert store.scalar("SELECT count(*) FROM people_distinct") == 0


def test_kiosk_checks_in_and_out_by_code(qtbot, section, store):
    vid = add_volunteer(store, "Сейітқали", "Әсел")
    code = volunteers.get_volunteer(store, vid)["kiosk_code"]
    kiosk = section.open_kiosk()
    assert kiosk.isFullScreen()
    assert not kiosk.arrived_button.isEnabled()
    kiosk.search.setText(code)
    settle(qtbot, section)
    # A public screen: the first name and the surname's initial, nothing more.
    assert kiosk.chosen.text() == "Әсел С." and kiosk.arrived_button.isEnabled()
    kiosk.arrived_button.click()
    qtbot.waitUntil(lambda: "Welcome, Әсел С." in kiosk.message.text(), timeout=20000)
    assert volunteers.open_shift(store, vid) is not None
    kiosk.search.setText("асел")
    settle(qtbot, section)
    assert kiosk.matches.count() == 1
    kiosk.matches.itemClicked.emit(kiosk.matches.item(0))
    kiosk.leaving_button.click()
    qtbot.waitUntil(lambda: "Thank you" in kiosk.message.text(), timeout=20000)
    assert volunteers.open_shift(store, vid) is None
    # Five seconds later the screen is clear for the next person.
    qtbot.waitUntil(lambda: kiosk.message.text() == "", timeout=8000)
    assert kiosk.chosen.text() == "" and kiosk.matches.count() == 0


def test_the_kiosk_says_why_nobody_is_listed(qtbot, section, store):
    vid = add_volunteer(store, "Сейітқали", "Әсел")
    code = volunteers.get_volunteer(store, vid)["kiosk_code"]
    unknown = f"{(int(code) + 1) % 10000:04d}"  # nobody's code
    kiosk = section.open_kiosk()
    said = {}
    for typed in ("12", unknown, "Ас", "Жанар", "", "асел"):
        kiosk.search.setText(typed)
        settle(qtbot, section)
        said[typed] = kiosk.hint.text() if kiosk.hint.isVisibleTo(kiosk) else ""
    assert said["12"] == "A personal code has 4 digits."
    assert said[unknown] == "No volunteer has this code. Check it or ask the staff."
    assert said["Ас"] == "Type at least 3 letters of your name."
    assert said["Жанар"] == "Nobody found for «Жанар». Check the spelling or ask the staff."
    assert said[""] == "" and said["асел"] == "" and kiosk.matches.count() == 1
    kiosk.search.setText("Жанар")
    settle(qtbot, section)
    kiosk.reset()  # the screen cleared for the next person clears the line too
    assert not kiosk.hint.isVisibleTo(kiosk)


def test_leaving_the_kiosk_needs_a_staff_sign_in(qtbot, section, store, clock):
    from desktop import accounts, roles
    from desktop.accounts import AccountInput

    admin = accounts.create_first_administrator(
        store, AccountInput("aigerim", "Айгерім", roles.ADMIN, "parol-2026", "parol-2026")
    )
    store.actor = admin
    accounts.save_account(store, AccountInput("dana", "Дана", roles.VOLUNTEER, "4821", "4821"))
    store.actor = roles.SYSTEM
    kiosk = section.open_kiosk()
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible() and kiosk.exit_dialog is not None
    kiosk.close_button.click()
    dialog = kiosk.exit_dialog
    qtbot.waitUntil(lambda: dialog.account_combo.count() == 2, timeout=20000)
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("dana"))
    dialog.secret_edit.setText("4821")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.message.isHidden(), timeout=20000)
    assert "open the house's records" in dialog.message.text() and kiosk.isVisible()
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData("aigerim"))
    dialog.secret_edit.setText("parol-2026")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not kiosk.isVisible(), timeout=20000)
    assert section.ctx.actor.account_id == admin.account_id


def test_hours_screen_flags_open_shifts_and_corrects_by_reversal(qtbot, section, store):
    vid = add_volunteer(store, "Иванов", "Иван")
    now = clock.now()
    yesterday = (now - dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    volunteers.arrive(store, vid, yesterday)
    shift = volunteers.add_shift(
        store,
        vid,
        now.replace(hour=0, minute=5, second=0, microsecond=0),
        now.replace(hour=0, minute=35, second=0, microsecond=0),
        now=now + dt.timedelta(hours=1),
    )
    section.show_page("hours")
    settle(qtbot, section)
    hours = section.hours
    assert hours.flag_box.isVisibleTo(section) and hours.flag_list.count() == 1
    hours.set_volunteer(vid)
    settle(qtbot, section)
    row = next(i for i, e in enumerate(hours._entries) if e["id"] == shift)
    hours.entries.selectRow(row)
    assert hours.correct_button.isEnabled()
    hours.correct_button.click()
    dialog = hours.shift_dialog
    assert isinstance(dialog, ShiftDialog)
    dialog.end.setText("00:25")
    changed: list[str] = []  # lists reload and sync is scheduled on data_changed
    section.ctx.data_changed.connect(changed.append)
    save(qtbot, dialog)
    assert dialog.message_of("reason") == ""  # the reason is checked by the service, named beside its field
    qtbot.waitUntil(lambda: "Reason" in dialog.message_of("reason"), timeout=20000)
    settle(qtbot, section)
    assert changed == [] and dialog.message_of("check_out") == ""  # beside the reason only; nothing reloads
    dialog.reason.setText("wrong time")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    minutes = [
        r["minutes"]
        for r in store.rows(
            "SELECT minutes FROM volunteer_shifts WHERE minutes IS NOT NULL ORDER BY created_at"
        )
    ]
    assert minutes == [30, -30, 20]


def test_letter_dialog_saves_the_pdf(qtbot, section, store, tmp_path, monkeypatch):
    vid = add_volunteer(store, "Сейітқали", "Әсел")
    start = dt.datetime(
        2026, 1, 5, 9, 0, tzinfo=TZ
    )  # this year, before today (the clock fixture's 20 November)
    volunteers.add_shift(store, vid, start, start + dt.timedelta(hours=2), now=start + dt.timedelta(days=1))
    dialog = section.open_letter(vid)
    settle(qtbot, section)
    dialog.open_after_save = False
    assert dialog.hours.text() == "2"
    dialog.language.setCurrentIndex(dialog.language.findData("both"))
    monkeypatch.setattr(dialog, "choose_path", lambda: str(tmp_path / "letter.pdf"))
    qtbot.keyClick(dialog.language, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # as Save PDF…
    qtbot.waitUntil(lambda: dialog.saved_path is not None or dialog.errors.error is not None, timeout=20000)
    assert dialog.errors.error is None, dialog.errors.error.message
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")


def test_section_retranslates_live(qtbot, section, ui_lang):
    dialog = section.open_volunteer(None)
    ui_lang("kk")
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Сағаттар", timeout=20000)
    assert section.kiosk_button.text() == "Тіркелу терминалы"
    assert dialog.person_form.labels["iin"].text() == "ЖСН"
    ui_lang("ru")
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Часы", timeout=20000)
    assert dialog.person_form.labels["surname"].text() == "Фамилия *"
    assert section.register.model.headerData(2, Qt.Orientation.Horizontal) == "Часов в этом месяце"
    assert section.register.search.placeholderText().startswith("Поиск")
    assert section.register.status.itemText(0) == "Все статусы"
    assert section.hours.month_label.text() == "Месяц:"
    assert section.hours.month_table.horizontalHeaderItem(0).text() == "Волонтёр"


def test_opening_a_volunteer_edits_the_same_records(qtbot, section, store):
    vid = add_volunteer(store, "Сейітқали", "Әсел", phone="+77015550000")
    section.refresh()
    settle(qtbot, section)
    section.register.select(vid)
    section.open_button.click()
    settle(qtbot, section)
    dialog = section.dialog
    assert dialog.person_form.phone.text() == "+7 701 555 00 00"
    assert not dialog.volunteer_form.months.isHidden()
    assert dialog.volunteer_form.months.item(0, 0).text() == "0"
    dialog.person_form.phone.setText("8 702 555 00 01")
    dialog.volunteer_form.status.setCurrentIndex(dialog.volunteer_form.status.findData("paused"))
    with qtbot.waitSignal(dialog.saved, timeout=20000):
        save(qtbot, dialog)
    assert store.scalar("SELECT count(*) FROM people") == 1
    assert store.scalar("SELECT phone FROM people") == "+77025550001"
    assert volunteers.get_volunteer(store, vid)["status"] == "paused"
    assert section.register.current_volunteer() == vid


def test_same_iin_blocks_the_volunteer_form(qtbot, section, store):
    add_volunteer(store, "Омаров", "Мұрат", iin="900101300017")
    dialog = section.open_volunteer(None)
    dialog.person_form.surname.setText("Басқа")
    dialog.person_form.name.setText("Адам")
    dialog.person_form.iin.setText("900101300017")
    save(qtbot, dialog)
    settle(qtbot, section)
    first = dialog.duplicate_dialog
    assert first is not None and "same IIN" in first.candidates.item(0).text()
    # One IIN, one person: only "Open that person" or "Back to the form".
    assert not first.different_button.isVisible() and first.heading.text().endswith("Омаров Мұрат")
    first.cancel_button.click()
    settle(qtbot, section)
    assert dialog.isVisible() and store.scalar("SELECT count(*) FROM people") == 1
    save(qtbot, dialog)
    settle(qtbot, section)
    assert dialog.duplicate_dialog is not first and dialog.duplicate_dialog.isVisible()
    assert store.scalar("SELECT count(*) FROM people") == 1
