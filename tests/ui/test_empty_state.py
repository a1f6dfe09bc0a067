"""Every searchable list says when a search found nobody («Nothing found for …», kk/ru), a query of punctuation
only finds nobody (it does not list everybody), and a blank query lists all."""

from __future__ import annotations

import pytest

from desktop import aid


@pytest.fixture
def people_on_file(store):
    for surname, name in (("Абенов", "Бекзат"), ("Асылбеков", "Ерлан"), ("Нұрланұлы", "Қайрат")):
        person = store.insert("people", {"surname": surname, "name": name})
        store.insert("volunteers", {"person_id": person, "status": "active"})
    return store


def _register(ctx, qtbot):
    from ui.volunteers.register_page import RegisterPage

    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.show()
    page.apply_query()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    return page


def _search(qtbot, page, typed: str) -> None:
    page.search.setText(typed)
    page.apply_query()
    qtbot.waitUntil(lambda: page.model.query.text == typed and page.ctx.runner.is_idle(), timeout=5000)
    qtbot.wait(20)  # the model's answer arrives through the event loop


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Nothing found for «Zzzq»"),
        ("ru", "По запросу «Zzzq» ничего не найдено"),
        ("kk", "«Zzzq» бойынша"),
    ],
)
def test_a_search_that_finds_nobody_says_so(ctx, qtbot, people_on_file, ui_lang, lang, expected):
    ui_lang(lang)
    page = _register(ctx, qtbot)
    assert page.empty_state.shown_text == ""
    _search(qtbot, page, "Zzzq")
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 0 and expected in page.empty_state.shown_text, timeout=5000
    )
    _search(qtbot, page, "бек")  # the middle of a name finds again
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.empty_state.shown_text == "", timeout=5000)


def test_the_state_follows_a_language_switch(ctx, qtbot, people_on_file, ui_lang):
    page = _register(ctx, qtbot)
    _search(qtbot, page, "Zzzq")
    qtbot.waitUntil(lambda: "Nothing found" in page.empty_state.shown_text, timeout=5000)
    ui_lang("ru")
    qtbot.waitUntil(lambda: "ничего не найдено" in page.empty_state.shown_text, timeout=5000)


@pytest.mark.parametrize("typed", ["...", "—", "«»!?"])
def test_punctuation_only_finds_nobody_and_says_so(ctx, qtbot, people_on_file, typed):
    page = _register(ctx, qtbot)
    _search(qtbot, page, typed)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert "Nothing found" in page.empty_state.shown_text


def test_a_blank_query_lists_everybody(ctx, qtbot, people_on_file):
    page = _register(ctx, qtbot)
    _search(qtbot, page, "Zzzq")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    _search(qtbot, page, "   ")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    assert page.empty_state.shown_text == ""


def test_a_latin_spelling_lists_the_person(ctx, qtbot, people_on_file):
    page = _register(ctx, qtbot)
    _search(qtbot, page, "Kairat")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_the_person_picker_says_when_nobody_is_found(ctx, qtbot, people_on_file):
    from ui.widgets.person_picker import PersonPicker, find_people

    picker = PersonPicker(ctx, find_people)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker, "Zzzq")
    qtbot.waitUntil(lambda: picker.nothing_found() == "Nothing found for «Zzzq»", timeout=5000)
    assert picker.result_labels() == []
    picker.pick_row(0)  # the line is no choice
    assert picker.picked_id is None
    picker.clear()
    qtbot.keyClicks(picker, "Abenov")
    qtbot.waitUntil(lambda: len(picker.result_labels()) == 1, timeout=5000)
    assert picker.nothing_found() == ""


def test_the_recipient_search_says_when_nobody_is_found(ctx, qtbot, people_on_file):
    from ui.aid.recipient_search import PersonSearch

    search = PersonSearch(ctx, aid.search_people)
    qtbot.addWidget(search)
    qtbot.keyClicks(search.edit, "Zzzq")
    qtbot.waitUntil(lambda: not search.nothing.isHidden(), timeout=5000)
    assert search.nothing.text() == "Nothing found for «Zzzq»"
    search.edit.setText("лбек")
    search.edit.textEdited.emit("лбек")  # as typed (QTest types only the keys of a Latin keyboard)
    qtbot.waitUntil(lambda: search.results.count() == 1 and search.nothing.isHidden(), timeout=5000)


def test_the_recipients_list_says_when_nobody_is_found(ctx, qtbot, store):
    from ui.aid.recipients_page import RecipientsPage

    person = store.insert("people", {"surname": "Абенов", "name": "Бекзат"})
    store.insert("recipients", {"person_id": person})
    page = RecipientsPage(ctx)
    qtbot.addWidget(page)
    page.search_edit.setText("Zzzq")
    qtbot.waitUntil(lambda: "Nothing found for «Zzzq»" in page.empty_state.shown_text, timeout=5000)
    page.search_edit.setText("Abenov")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.empty_state.shown_text == "", timeout=5000)


def test_the_groups_and_associations_lists_say_when_nothing_is_found(ctx, qtbot, store):
    from desktop import groups
    from desktop.groups import GroupInput
    from ui.groups.section import GroupsSection

    groups.save_group(store, GroupInput(name_kk="Шаңырақ"))
    section = GroupsSection(ctx)
    qtbot.addWidget(section)
    section.show()
    section.refresh()
    section.group_search.setText("Zzzq")
    qtbot.waitUntil(lambda: "Nothing found for «Zzzq»" in section.groups_empty.shown_text, timeout=5000)
    section.group_search.setText("шаң")
    qtbot.waitUntil(
        lambda: section.groups_model.rowCount() == 1 and section.groups_empty.shown_text == "", timeout=5000
    )
    section.association_search.setText("Zzzq")
    qtbot.waitUntil(lambda: "Nothing found for «Zzzq»" in section.associations_empty.shown_text, timeout=5000)
