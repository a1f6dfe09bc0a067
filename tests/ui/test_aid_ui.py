"""The Aid section driven as a volunteer would: keyboard-only registration, the double-aid warning, bad input,
stock warnings, the recipient card and a live language switch."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop import aid, clock, roles
from desktop.aid import DonationEntry, Line, RecipientInput
from desktop.settings import Settings
from desktop.store import Store
from ui.context import AppContext
from ui.qt_i18n import apply_language
from ui.tasks import TaskRunner


@pytest.fixture
def ctx(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSTYQ_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("DOSTYQ_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "house.db"
    store = Store(path)
    store.set_house("KZ-55-01")
    runner = TaskRunner(lambda: Store(path))
    context = AppContext(store, runner, Settings(), actor=roles.SYSTEM)
    apply_language("kk")
    context.widgets = []
    yield context
    for widget in context.widgets:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_language("en")
    QApplication.processEvents()
    runner.shutdown()
    store.close()


@pytest.fixture
def seeded(ctx):
    store = ctx.store
    point = aid.save_aid_point(store, {"name": "Орталық пункт"})
    recipient = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            surname="Қасымов",
            name="Қайрат",
            birth_date="1950-03-02",
            categories=["veteran"],
        ),
    )
    aid.save_donation(store, DonationEntry(clock.today(), point, "anonymous", [Line("item-flour", 100)]))
    return point, recipient


def section(ctx, qtbot):
    from ui.aid.section import AidSection

    widget = AidSection(ctx)
    ctx.widgets.append(widget)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=20000)  # focus moves only within the active window
    widget.refresh()
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)  # the pages read their lists and choices by read ops
    return widget


def type_text(widget, text: str) -> None:
    """Types text key by key, Cyrillic included (QTest.keyClicks only knows ASCII keys)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def has_focus(widget) -> bool:
    return QApplication.focusWidget() is widget


def register_by_keyboard(qtbot, page, name="кайрат", item="ұн", quantity="5"):
    # Offscreen, a completion popup keeps the window activation after it closes and focus is no longer tracked:
    # the list of matches is still built, only its popup is not shown (Enter takes the first match).
    page.lines.item_edit.setCompleter(None)
    page.search.edit.setFocus()
    type_text(page.search.edit, name)
    qtbot.keyClick(page.search.edit, Qt.Key.Key_Return)  # taken when the search's answer comes
    qtbot.waitUntil(lambda: has_focus(page.programme_combo), timeout=20000)
    qtbot.keyClick(page.programme_combo, Qt.Key.Key_Return)
    assert has_focus(page.lines.item_edit)
    type_text(page.lines.item_edit, item)
    qtbot.keyClick(page.lines.item_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: has_focus(page.lines.quantity_edit) and not page.lines._focus_pending, timeout=20000
    )
    qtbot.keyClicks(page.lines.quantity_edit, quantity)
    qtbot.keyClick(page.lines.quantity_edit, Qt.Key.Key_Return)
    assert has_focus(page.lines.item_edit)
    qtbot.keyClick(page.lines.item_edit, Qt.Key.Key_Return)  # empty item field: save


def test_keyboard_only_registration(ctx, seeded, qtbot):
    point, recipient = seeded
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("qamqor"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    row = ctx.store.one("SELECT * FROM aid_given")
    assert (row["recipient_id"], row["programme"], row["aid_point_id"]) == (recipient, "qamqor", point)
    assert ctx.store.one("SELECT item_id, quantity FROM aid_lines") == {
        "item_id": "item-flour",
        "quantity": 5,
    }
    qtbot.waitUntil(lambda: row["number"] in page.status_label.text(), timeout=20000)
    # Ready for the next person: form cleared, focus back in the search.
    assert page.recipient_id is None and page.lines.lines == [] and has_focus(page.search.edit)


def test_enter_pressed_twice_saves_once(ctx, seeded, qtbot):
    _point, _recipient = seeded
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("meyirim"))
    register_by_keyboard(qtbot, page)
    qtbot.keyClick(page.lines.item_edit, Qt.Key.Key_Return)  # the impatient second Enter
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    ctx.runner.wait_idle()
    QApplication.processEvents()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 1
    assert page.double_aid_dialog is None or not page.double_aid_dialog.isVisible()


def test_double_aid_warning_needs_a_reason(ctx, seeded, qtbot):
    _point, _recipient = seeded
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("qamqor"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=20000)
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    dialog = page.double_aid_dialog
    assert (
        ctx.store.scalar("SELECT count(*) FROM aid_given") == 1
    )  # the warning comes before anything is saved
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "Орталық пункт"
    assert not dialog.give_button.isEnabled()
    type_text(dialog.reason_edit, "Үйі өртеніп кетті")
    assert dialog.give_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 2, timeout=20000)
    ctx.runner.wait_idle()
    QApplication.processEvents()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 2  # one Enter, one entry
    assert (
        ctx.store.scalar("SELECT override_reason FROM aid_given WHERE override_reason IS NOT NULL")
        == "Үйі өртеніп кетті"
    )
    assert ctx.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'aid_override'") == 1


def test_cancelled_warning_writes_nothing(ctx, seeded, qtbot):
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("qamqor"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=20000)
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    page.double_aid_dialog.reject()
    ctx.runner.wait_idle()
    QApplication.processEvents()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 1


@pytest.mark.parametrize("quantity", ["0", "-2", "abc"])
def test_bad_quantity_is_shown_beside_the_lines(ctx, seeded, qtbot, quantity):
    page = section(ctx, qtbot).register_page
    changed: list[str] = []  # lists reload and sync is scheduled on data_changed (ui/sync_controller.py)
    ctx.data_changed.connect(changed.append)
    recent_before = page.recent_model.rowCount()
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page, quantity=quantity)
    qtbot.waitUntil(page.error_label.isVisible, timeout=20000)
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)
    assert changed == [] and page.recent_model.rowCount() == recent_before  # no reload, no sync
    assert page.save_button.isEnabled() and not page.status_label.text()
    assert "1" in page.error_label.text() and "саны" in page.error_label.text().lower()
    assert "border" in page.lines.table.styleSheet()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 0
    assert ctx.store.scalar("SELECT count(*) FROM aid_lines") == 0


def test_stock_page_shows_negative_stock(ctx, seeded, qtbot):
    point, recipient = seeded
    aid.save_aid(
        ctx.store,
        aid.AidEntry(clock.today(), point, "other", recipient, [Line("item-flour", 130)]),
        override_reason="the truck came before its papers",
    )
    widget = section(ctx, qtbot)
    widget.show_page("stock")
    page = widget.stock_page
    qtbot.waitUntil(page.warning.isVisible, timeout=20000)
    assert page.warning.isVisible() and "-30" in page.warning.text().replace("−", "-")
    flour = next(n for n, r in enumerate(page.model.rows) if r.item_id == "item-flour")
    index = page.model.index(flour, 7)
    assert page.model.data(index, Qt.ItemDataRole.ForegroundRole) is not None


def test_recipient_card_with_history(ctx, seeded, qtbot):
    point, recipient = seeded
    aid.save_aid(
        ctx.store, aid.AidEntry(clock.today(), point, "qamqor", recipient, [Line("item-flour", 5)], "Әсел")
    )
    widget = section(ctx, qtbot)
    widget.show_page("recipients")
    page = widget.recipients_page
    page.select(recipient)
    card = page.card
    qtbot.waitUntil(lambda: card.title.text() == "Қасымов Қайрат", timeout=20000)
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)
    assert card.history_model.rowCount() == 1
    assert "Әсел" in [card.history_model.data(card.history_model.index(0, c)) for c in range(7)]
    assert card.detail_labels["consent"][1].text() != "—"


def test_anonymous_recipient_dialog(ctx, qtbot):
    widget = section(ctx, qtbot)
    page = widget.register_page
    page._on_anonymous_button_clicked()
    dialog = page.recipient_dialog
    assert not dialog.person_box.isEnabled()
    qtbot.waitUntil(lambda: dialog.categories_list.count() > 0, timeout=20000)
    dialog.set_categories(["lonely_elderly"])
    dialog.anon_sex_combo.setCurrentIndex(dialog.anon_sex_combo.findData("f"))
    dialog.age_band_combo.setCurrentIndex(dialog.age_band_combo.findData("elderly"))
    dialog._on_buttons_accepted()
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM recipients") == 1, timeout=20000)
    row = ctx.store.one("SELECT * FROM recipients")
    assert row["person_id"] is None and row["anonymous"] == 1 and row["age_band"] == "elderly"
    qtbot.waitUntil(lambda: page.recipient_id == row["id"], timeout=20000)


def test_new_recipient_dialog_shows_errors_beside_fields(ctx, qtbot):
    page = section(ctx, qtbot).register_page
    page._on_new_recipient_button_clicked()
    dialog = page.recipient_dialog
    # Consent is never assumed: the box is clear, no date, no form version, the personal fields are off.
    assert not dialog.consent_check.isChecked()
    assert dialog.consent_date.text() == "" and dialog.form_version.text() == ""
    assert not dialog.person_box.isEnabled()
    dialog.consent_check.setChecked(True)
    form = dialog.person_form  # the shared person form, with the fields a recipient keeps
    assert "email" not in form.fields and "locality" in form.fields
    form.surname.setText("Омарова")
    form.iin.setText("123")
    dialog._on_buttons_accepted()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=20000)
    assert form.message_of("name") and form.message_of("iin")  # each message beside its field
    assert "border" in dialog.consent_date.styleSheet() and "border" in dialog.form_version.styleSheet()
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0


def test_recipient_dialog_asks_about_a_possible_duplicate(ctx, seeded, qtbot):
    from ui.widgets.duplicate_dialog import DuplicateDialog

    page = section(ctx, qtbot).register_page
    page._on_new_recipient_button_clicked()
    dialog = page.recipient_dialog
    dialog.consent_check.setChecked(True)
    dialog.consent_date.setText("10.11.2026")
    dialog.form_version.setText("2026-1")
    form = dialog.person_form
    form.surname.setText("Касымов")
    form.name.setText("Кайрат")
    form.birth_date.setText("02.03.1950")
    dialog._on_buttons_accepted()
    qtbot.waitUntil(
        lambda: dialog.duplicate_dialog is not None and dialog.duplicate_dialog.isVisible(), timeout=20000
    )
    assert isinstance(dialog.duplicate_dialog, DuplicateDialog)
    assert ctx.store.scalar("SELECT count(*) FROM people") == 1
    dialog.duplicate_dialog.same_button.click()  # the one on file is taken instead
    qtbot.waitUntil(lambda: dialog.person_id is not None, timeout=20000)
    assert form.surname.text() == "Қасымов" and not form.isEnabled()


def test_donation_dialog_checks_the_bin_as_typed(ctx, seeded, qtbot):
    widget = section(ctx, qtbot)
    widget.show_page("donations")
    page = widget.donations_page
    page._on_new_button_clicked()
    dialog = page.dialog
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("organisation"))
    dialog.org_edit.setText("ТОО «Береке»")
    dialog.bin_edit.setText("150440012345")
    assert "✗" in dialog.bin_state.text()
    dialog.bin_edit.setText("150440012344")
    assert "✓" in dialog.bin_state.text()
    # By keyboard: item, Enter, quantity, Enter (adds the line, does not save), Enter in the empty item field saves.
    dialog.lines.item_edit.setCompleter(None)
    dialog.lines.item_edit.setFocus()
    type_text(dialog.lines.item_edit, "күріш")
    qtbot.keyClick(dialog.lines.item_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: dialog.lines._chosen is not None and not dialog.lines._focus_pending, timeout=20000
    )
    qtbot.keyClicks(dialog.lines.quantity_edit, "20")
    qtbot.keyClick(dialog.lines.quantity_edit, Qt.Key.Key_Return)
    ctx.runner.wait_idle()
    QApplication.processEvents()
    assert len(dialog.lines.lines) == 1 and ctx.store.scalar("SELECT count(*) FROM donations") == 1
    qtbot.keyClick(dialog.lines.item_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM donations") == 2, timeout=20000)
    assert (
        ctx.store.scalar("SELECT donor_bin FROM donations WHERE donor_kind = 'organisation'")
        == "150440012344"
    )


def test_language_switches_live(ctx, qtbot):
    widget = section(ctx, qtbot)
    kk = widget.tabs.tabText(0)
    apply_language("ru")
    QApplication.processEvents()
    assert widget.tabs.tabText(0) != kk and widget.tabs.tabText(0) == "Выдача помощи"


def test_recipient_joins_a_household_by_keyboard(ctx, seeded, qtbot):
    _point, recipient = seeded
    page = section(ctx, qtbot).register_page
    page._on_anonymous_button_clicked()
    dialog = page.recipient_dialog
    dialog.age_band_combo.setCurrentIndex(dialog.age_band_combo.findData("child"))
    dialog.household_search.edit.setFocus()
    type_text(dialog.household_search.edit, "қасым")
    qtbot.keyClick(dialog.household_search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Қасымов" in dialog.household_chosen.text(), timeout=20000)
    assert dialog.household_of == recipient
    assert dialog.isVisible()  # Enter picked the match; it did not press the dialog's Save button
    dialog.members_edit.setText("3")
    dialog._on_buttons_accepted()
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM recipients") == 2, timeout=20000)
    households = {r["household_id"] for r in ctx.store.rows("SELECT household_id FROM recipients")}
    assert len(households) == 1 and None not in households


def test_lists_fetch_their_pages_by_read_ops(ctx, qtbot):
    from ui.widgets.lazy_table import Column, LazyTableModel

    rows = [{"n": n} for n in range(450)]
    model = LazyTableModel(
        [Column("N", lambda r: r["n"])], ctx, lambda _s, o, n: rows[o : o + n], lambda _s: 450
    )
    model.reload()
    model.reload()  # supersedes the first
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)
    assert model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # a page on its way is not asked for twice
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=20000)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=20000)
    model.sort(0, Qt.SortOrder.DescendingOrder)  # sorting reads the rest first
    qtbot.waitUntil(lambda: model.rowCount() == 450, timeout=20000)
    assert model.row(0) == {"n": 449} and not model.canFetchMore()


# ---- the status line ----------------------------------------------------------------------------------------------
def saved_number(ctx) -> str:
    return ctx.store.scalar("SELECT number FROM aid_given ORDER BY rowid DESC LIMIT 1")


def test_saved_line_goes_when_the_next_entry_starts(ctx, seeded, qtbot):
    _point, recipient = seeded
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    qtbot.waitUntil(lambda: saved_number(ctx) in page.status_label.text(), timeout=20000)
    type_text(page.search.edit, "қ")  # the next person's name
    qtbot.keyClick(page.search.edit, Qt.Key.Key_Backspace)
    assert page.status_label.text() == ""
    # Also when the next entry starts from the items, or from the recipients page.
    for start in (
        lambda: page.lines.add_line("item-flour", 1),
        lambda: widget_of(page)._on_give_aid_requested(recipient),
    ):
        page._set_status(("saved", {"number": "X-1", "negative": []}))
        start()
        qtbot.waitUntil(lambda: page.status_label.text() == "", timeout=20000)


def widget_of(page):
    from ui.aid.section import AidSection

    parent = page.parent()
    while not isinstance(parent, AidSection):
        parent = parent.parent()
    return parent


def test_saved_line_follows_a_language_switch(ctx, seeded, qtbot):
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page, quantity="150")  # more than the 100 kg in stock: asks, then warns
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    type_text(page.double_aid_dialog.reason_edit, "Донорлар қабы ертең келеді")
    qtbot.keyClick(page.double_aid_dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    number = saved_number(ctx)
    qtbot.waitUntil(lambda: number in page.status_label.text(), timeout=20000)
    kk = page.status_label.text()
    assert "Сақталды" in kk and "Ұн" in kk and "-50" in kk.replace("\u2212", "-")
    apply_language("ru")
    QApplication.processEvents()
    ru = page.status_label.text()
    assert number in ru and "Сохранено" in ru and "Мука" in ru and "Сақталды" not in ru
    apply_language("kk")
    QApplication.processEvents()
    assert page.status_label.text() == kk


def test_cancelled_override_leaves_no_saved_line(ctx, seeded, qtbot):
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("qamqor"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(
        lambda: saved_number(ctx) and saved_number(ctx) in page.status_label.text(), timeout=20000
    )
    qtbot.waitUntil(lambda: page.save_button.isEnabled(), timeout=20000)
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    page._set_status(("saved", {"number": saved_number(ctx), "negative": []}))  # as if it had stayed
    page.double_aid_dialog.reject()
    assert page.status_label.text() == ""
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 1


# ---- stock and the override -------------------------------------------------------------------------------------
def test_more_than_in_stock_is_asked_before_anything_is_written(ctx, seeded, qtbot):
    page = section(ctx, qtbot).register_page
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page, quantity="1000")
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    dialog = page.double_aid_dialog
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 0 and changed == []
    # Beside the line: the quantity of row 1 is marked, the message names the line and the stock.
    assert "border" in page.lines.table.styleSheet()
    shown = page.error_label.text().replace("\u00a0", "").replace(" ", "")
    assert "1" in shown and "1000" in shown and "100" in shown
    assert dialog.problems.isVisible() and not dialog.table.isVisible()
    type_text(dialog.reason_edit, "x")
    assert not dialog.give_button.isEnabled()  # a one-character reason is refused
    type_text(dialog.reason_edit, "ертеңгі жеткізілім")
    assert dialog.give_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)
    assert ctx.store.scalar("SELECT override_reason FROM aid_given") == "xертеңгі жеткізілім"
    qtbot.waitUntil(lambda: not page.error_label.isVisible(), timeout=20000)
    assert "border" not in page.lines.table.styleSheet()
    qtbot.waitUntil(
        lambda: "-900" in page.status_label.text().replace("\u2212", "-").replace("\u00a0", ""), timeout=20000
    )


def test_a_volunteer_is_told_to_ask_staff(ctx, seeded, qtbot):
    widget = section(ctx, qtbot)
    ctx.actor = roles.actor_for("acc-v", "Ерікті", roles.VOLUNTEER)
    widget.apply_actor(ctx.actor)
    page = widget.register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page, quantity="101")
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    dialog = page.double_aid_dialog
    assert dialog.denied.isVisible() and not dialog.reason_edit.isEnabled()
    dialog.reason_edit.setText("директор рұқсат берді")
    assert not dialog.give_button.isEnabled()
    dialog.reject()
    ctx.runner.wait_idle()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 0


def test_road_to_school_for_an_adult_asks_for_an_override(ctx, seeded, qtbot):
    point, _recipient = seeded
    store = ctx.store
    aid.save_donation(store, DonationEntry(clock.today(), point, "anonymous", [Line("item-backpack", 5)]))
    adult = aid.save_recipient(
        store,
        RecipientInput(
            consent=True,
            form_version="2026-1",
            consent_on="2026-01-10",
            surname="Омаров",
            name="Ерлан",
            birth_date="2006-03-01",
        ),
    )
    page = section(ctx, qtbot).register_page
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("mektepke_zhol"))
    page.set_recipient(adult)
    qtbot.waitUntil(lambda: "6–18" in page.rule_label.text(), timeout=20000)
    page.lines.add_line("item-backpack", 1)
    qtbot.waitUntil(lambda: len(page.lines.lines) == 1, timeout=20000)
    page.save()
    qtbot.waitUntil(
        lambda: page.double_aid_dialog is not None and page.double_aid_dialog.isVisible(), timeout=20000
    )
    dialog = page.double_aid_dialog
    assert "6–18" in dialog.problems.text() and "20" in dialog.problems.text()
    assert "border" in page.programme_combo.styleSheet() or "6–18" in page.error_label.text()
    assert ctx.store.scalar("SELECT count(*) FROM aid_given") == 0
    dialog.reason_edit.setText("оқуын жалғастырып жүр, колледж")
    dialog.give_button.click()
    qtbot.waitUntil(lambda: ctx.store.scalar("SELECT count(*) FROM aid_given") == 1, timeout=20000)


# ---- reversals in the latest entries ---------------------------------------------------------------------------
def test_reversal_reads_distinctly_in_latest_entries(ctx, seeded, qtbot):
    from PySide6.QtGui import QColor

    point, recipient = seeded
    saved = aid.save_aid(
        ctx.store, aid.AidEntry(clock.today(), point, "other", recipient, [Line("item-flour", 5)])
    )
    correction = aid.reverse_aid(ctx.store, saved.id, "басқа адамға жазылды")
    page = section(ctx, qtbot).register_page
    model = page.recent_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=20000)
    rows = {model.row(n)["id"]: n for n in range(2)}
    texts = lambda n: [model.data(model.index(n, c)) for c in range(model.columnCount())]
    reversal, original = texts(rows[correction.id]), texts(rows[saved.id])
    assert any(saved.number in t and correction.number in t for t in reversal)  # "… — reversal of No. …"
    assert any(t.endswith("× -5") for t in reversal) and any(t.endswith("× 5") for t in original)
    assert any(correction.number in t for t in original[2:])  # "Reversed by No. …"
    colour = model.data(model.index(rows[correction.id], 0), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor) and colour.red() > colour.green()
    assert model.data(model.index(rows[correction.id], 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(rows[saved.id], 0), Qt.ItemDataRole.FontRole).strikeOut()
    apply_language("ru")
    QApplication.processEvents()
    assert any(
        "сторно" in (model.data(model.index(rows[correction.id], c)) or "").lower()
        for c in range(model.columnCount())
    )


# ---- the receipt --------------------------------------------------------------------------------------------------
def test_print_receipt_after_a_save_and_for_a_selected_entry(ctx, seeded, qtbot, tmp_path):
    import subprocess

    from ui.aid.receipt_dialog import ReceiptDialog

    ReceiptDialog.open_after_save = False
    page = section(ctx, qtbot).register_page
    assert not page.print_button.isEnabled() and not page.print_selected_button.isEnabled()
    page.programme_combo.setCurrentIndex(page.programme_combo.findData("other"))
    register_by_keyboard(qtbot, page)
    qtbot.waitUntil(lambda: page.print_button.isEnabled(), timeout=20000)
    number = saved_number(ctx)
    page.print_button.click()
    dialog = page.receipt_dialog
    assert dialog.isVisible() and number in dialog.title.text()
    dialog.language.setCurrentIndex(dialog.language.findData("both"))
    path = tmp_path / "receipt.pdf"
    dialog.choose_path = lambda: str(path)
    dialog.activateWindow()  # the dialog's own Ctrl+S, not the desk's behind it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    qtbot.keyClick(dialog.language, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # as Save PDF…
    qtbot.waitUntil(lambda: dialog.saved_path == path, timeout=20000)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text and "БЕРУ АКТІСІ" in text and "АКТ ВЫДАЧИ" in text and "Қасымов Қайрат" in text
    dialog.close()
    # A selected entry of the list.
    qtbot.waitUntil(lambda: page.recent_model.rowCount() == 1, timeout=20000)
    page.recent_view.setCurrentIndex(page.recent_model.index(0, 0))
    assert page.print_selected_button.isEnabled()
    page.print_selected_button.click()
    assert page.receipt_dialog is not dialog and number in page.receipt_dialog.title.text()
    page.receipt_dialog.close()
