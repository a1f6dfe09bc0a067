"""Past events still marked planned: the events section asks staff to mark them held or review them, and the
event form of such an event offers "Mark as held"."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop import events, roles
from desktop.events import EventInput, Headcount
from tests.ui import test_events_ui
from tests.ui.test_events_ui import at, make_section, settle, switch_language

ctx = test_events_ui.ctx  # the events tests' fixture: a house database, a task runner, Kazakh


def plan(store, starts, title="Кеш", status="planned", headcount=None):
    return events.save_event(
        store,
        EventInput(starts_at=starts, title_kk=title, kind="concert", status=status, headcount=headcount),
        now=at(2030, 1, 1),
    )


def statuses(store):
    return dict(store.conn.execute("SELECT title_kk, status FROM events WHERE deleted = 0").fetchall())


def test_the_bar_counts_past_planned_events_and_marks_them_held(qtbot, ctx, clock, monkeypatch):
    clock.set("2026-11-20T12:00:00+05:00")
    plan(ctx.store, at(2026, 10, 5), "Күзгі кеш", headcount=Headcount(120))
    plan(ctx.store, at(2026, 11, 2), "Кездесу")
    plan(ctx.store, at(2026, 12, 1), "Жаңа жыл")  # still to come: not asked about
    plan(ctx.store, at(2026, 9, 1), "Өткен", status="held")
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    qtbot.waitUntil(section.past_bar.isVisible, timeout=10000)
    assert section.past_label.text().startswith("2 ")
    switch_language("ru")
    assert section.past_label.text().startswith("2 прошедших мероприятия")
    assert section.mark_held_button.text() == "Отметить проведёнными"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    section.mark_held_button.click()
    settle(qtbot, ctx)
    assert statuses(ctx.store)["Кездесу"] == "planned"  # said No: nothing changed

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    section.mark_held_button.click()
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: not section.past_bar.isVisible(), timeout=10000)
    assert statuses(ctx.store) == {
        "Күзгі кеш": "held",
        "Кездесу": "held",
        "Жаңа жыл": "planned",
        "Өткен": "held",
    }


def test_review_lists_only_the_past_planned_events(qtbot, ctx, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    october = plan(ctx.store, at(2026, 10, 5), "Күзгі кеш")
    may = plan(ctx.store, at(2026, 5, 9), "Жеңіс күні")
    plan(ctx.store, at(2026, 12, 1), "Жаңа жыл")
    held = plan(ctx.store, at(2026, 11, 3), "Өткен", status="held")
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    qtbot.waitUntil(section.past_bar.isVisible, timeout=10000)
    section.review_button.click()
    settle(qtbot, ctx)
    assert section.in_list_mode() and section.reviewing
    model = section.model
    assert {model.event_id(r) for r in range(model.rowCount())} == {october, may}
    assert not section.status_filter.isEnabled()
    assert section.review_button.text() == "Барлық іс-шаралар"
    section.review_button.click()  # back to every event of the month
    settle(qtbot, ctx)
    assert not section.reviewing
    assert [model.event_id(r) for r in range(model.rowCount())] == [held]  # this month's events again
    assert section.past_bar.isVisible()


def test_the_form_of_a_past_planned_event_offers_mark_as_held(qtbot, ctx, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    past = plan(ctx.store, at(2026, 10, 5), "Күзгі кеш")
    coming = plan(ctx.store, at(2026, 12, 1), "Жаңа жыл")
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    dialog = section.open_event(coming)
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    assert not dialog.past_banner.isVisible()
    dialog.reject()
    dialog = section.open_event(past)
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    assert dialog.past_banner.isVisible()
    assert dialog.mark_held_button.text() == "Өткізілді деп белгілеу"
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.mark_held_button.click()
    assert ctx.store.get("events", past)["status"] == "held"
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: not section.past_bar.isVisible(), timeout=10000)


def test_a_role_that_cannot_change_records_is_not_offered_mark_held(qtbot, ctx, clock):
    clock.set("2026-11-20T12:00:00+05:00")
    plan(ctx.store, at(2026, 10, 5))
    section = make_section(qtbot, ctx, "ui.events.section", "EventsSection")
    qtbot.waitUntil(section.past_bar.isVisible, timeout=10000)
    section.apply_actor(roles.actor_for("acc-c", "Coordinator", roles.COORDINATOR))
    assert section.mark_held_button.isVisibleTo(section)
    reader = roles.Actor("acc-r", "Reader", roles.STAFF, frozenset({"records.read"}))
    section.apply_actor(reader)
    assert not section.mark_held_button.isVisibleTo(section)
