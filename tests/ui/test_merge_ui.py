"""The administrator's Possible duplicates page: pairs listed, a merge with a choice per field and a preview of
what moves, through the ops layer; another role is refused by the core."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop import roles
from desktop.iin import make_iin
from desktop.settings import Settings
from desktop.store import Store
from ui.context import AppContext
from ui.qt_i18n import apply_language
from ui.settings.merge_page import MergePage
from ui.tasks import TaskRunner

IIN = make_iin(dt.date(1990, 1, 1), "m", 17)


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


def test_merge_a_pair_from_the_page(qtbot, ctx):
    store = ctx.store
    first = store.insert(
        "people", {"surname": "Омаров", "name": "Болат", "iin": IIN, "phone": "+77011112233"}
    )
    second = store.insert("people", {"surname": "Омаров", "name": "Болат", "iin": IIN, "locality": "Ақсу"})
    recipient = store.insert("recipients", {"person_id": second})
    store.insert("aid_given", {"given_on": "2026-11-02", "programme": "food", "recipient_id": recipient})
    page = MergePage(ctx)
    ctx.widgets.append(page)
    page.show()
    page.refresh()
    settle(qtbot, ctx)
    assert page.candidates.count() == 1 and "same IIN" in page.candidates.item(0).text()
    page.merge_button.click()
    dialog = page.dialog
    assert dialog is not None
    settle(qtbot, ctx)
    kept_id, gone_id = first, second  # the older record on the left
    assert dialog.survivor["id"] == first and "aid entries: 1" in dialog.preview.text()
    # identical values need no choice; an empty value on the kept record takes the other's
    assert not dialog.choices["iin"][0].isEnabled()
    assert dialog.chosen()["locality"] == "other" and dialog.chosen()["phone"] == "survivor"
    dialog.swap_button.click()  # the other record kept instead…
    settle(qtbot, ctx)
    assert dialog.survivor["id"] == second and "Nothing else is recorded" in dialog.preview.text()
    dialog.swap_button.click()  # …and back
    settle(qtbot, ctx)
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        dialog.merge_button.click()
    settle(qtbot, ctx)
    kept = store.get("people", kept_id)
    assert (kept["phone"], kept["locality"]) == ("+77011112233", "Ақсу")
    assert store.get("people", gone_id) is None
    assert store.scalar("SELECT recipient_id FROM aid_given") == store.scalar(
        "SELECT id FROM recipients WHERE deleted = 0"
    )
    assert page.candidates.count() == 0 and page.empty.isVisibleTo(page)


def test_staff_is_refused_by_the_core(qtbot, ctx):
    store = ctx.store
    first = store.insert("people", {"surname": "Омаров", "name": "Болат", "iin": IIN})
    second = store.insert("people", {"surname": "Омаров", "name": "Болат", "iin": IIN})
    ctx.actor = roles.actor_for("s", "Staff", roles.STAFF)
    page = MergePage(ctx)
    ctx.widgets.append(page)
    dialog = page.open_merge(store.get("people", first), store.get("people", second))
    settle(qtbot, ctx)
    assert dialog.error_label.isVisibleTo(dialog) and "may not" in dialog.error_label.text()
    assert not dialog.merge_button.isEnabled()
    assert store.get("people", second) is not None
