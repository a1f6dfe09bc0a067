"""ui/ops.py: read and write ops run off the UI thread, bring errors back as objects, announce changed tables only
on success, pass progress only to work that asks for it, and stamp the acting account."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from desktop import roles
from desktop.errors import DostyqError, ValidationError, ValidationErrors
from ui.ops import BackgroundOp, CancelledError, ReadOp, UnexpectedError, WriteOp


@pytest.fixture
def changed(ctx):
    tables: list[str] = []
    ctx.data_changed.connect(tables.append)
    return tables


def _wait(qtbot, ctx):
    qtbot.waitUntil(ctx.runner.is_idle, timeout=20000)


def test_a_read_runs_off_the_ui_thread_and_answers_on_it(qtbot, ctx, changed):
    ctx.store.insert("people", {"surname": "Ахметов"})
    ui_thread = threading.get_ident()
    seen = {}

    def count(store):
        seen["thread"] = threading.get_ident()
        return store.scalar("SELECT count(*) FROM people")

    ReadOp(ctx, count).success(lambda n: seen.update(n=n, on=threading.get_ident())).run()
    _wait(qtbot, ctx)
    assert seen["n"] == 1 and seen["on"] == ui_thread and seen["thread"] != ui_thread
    assert changed == []  # a read announces nothing


def test_a_write_announces_its_tables_and_stamps_the_acting_account(qtbot, ctx, changed):
    ctx.actor = roles.actor_for("account-7", "Айгерім", roles.STAFF)
    ids = []
    WriteOp(ctx, lambda store: store.insert("people", {"surname": "Ли"}), tables=("people",)).success(
        ids.append
    ).run()
    _wait(qtbot, ctx)
    assert changed == ["people"]
    assert (
        ctx.store.scalar("SELECT updated_by FROM people WHERE id = ?", (ids[0],))
        == f"account-7@{ctx.store.device_id}"
    )


def test_a_failed_write_brings_the_error_object_back_and_announces_nothing(qtbot, ctx, changed):
    def save(store):
        store.insert("people", {"surname": "Половина"})  # rolled back with the transaction below
        raise ValidationErrors([ValidationError("iin", row=None), ValidationError("quantity", row=2, line=3)])

    def in_transaction(store):
        with store.transaction():
            save(store)

    errors: list[DostyqError] = []
    successes: list[object] = []
    done: list[bool] = []
    WriteOp(ctx, in_transaction, tables=("people",)).success(successes.append).failure(
        errors.append
    ).finished(lambda: done.append(True)).run()
    _wait(qtbot, ctx)
    assert successes == [] and changed == [] and done == [True]
    (error,) = errors
    assert isinstance(error, ValidationErrors)
    assert [(e.field, e.row) for e in error.errors] == [("iin", None), ("quantity", 2)]
    assert ctx.store.scalar("SELECT count(*) FROM people") == 0


def test_a_bug_arrives_as_an_unexpected_error(qtbot, ctx):
    errors: list[DostyqError] = []
    ReadOp(ctx, lambda store: 1 / 0).failure(errors.append).run()
    _wait(qtbot, ctx)
    assert isinstance(errors[0], UnexpectedError) and "division by zero" in errors[0].message


def test_progress_only_for_work_that_asks_and_cancel_comes_back_as_cancelled(qtbot, ctx, lang):
    lang("en")
    plain_args: list[int] = []
    ReadOp(ctx, lambda *args: plain_args.append(len(args))).run()
    _wait(qtbot, ctx)
    assert plain_args == [1]  # only the store

    started = threading.Event()
    release = threading.Event()

    def long_work(store, progress):
        progress(1, 100)
        started.set()
        release.wait(20)
        progress(2, 100)  # raises: the user cancelled meanwhile
        return "finished"

    parent = QWidget()
    qtbot.addWidget(parent)
    errors: list[DostyqError] = []
    results: list[object] = []
    op = WriteOp(ctx, long_work, parent=parent).with_progress("Exporting")
    op.success(results.append).failure(errors.append).run()
    assert started.wait(20)
    dialog = op.dialog
    qtbot.waitUntil(lambda: dialog.value() == 1, timeout=20000)
    dialog.findChild(QPushButton).click()
    release.set()
    _wait(qtbot, ctx)
    assert results == [] and len(errors) == 1 and isinstance(errors[0], CancelledError)


def test_callbacks_of_a_deleted_widget_are_dropped(qtbot, ctx, changed):
    gate = threading.Event()
    parent = QWidget()
    calls: list[object] = []

    def slow(store):
        gate.wait(20)
        return store.insert("people", {"surname": "Кейін"})

    WriteOp(ctx, slow, tables=("people",), parent=parent).success(calls.append).run()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(parent), timeout=20000)
    gate.set()
    _wait(qtbot, ctx)
    assert calls == []  # nobody left to tell
    assert changed == ["people"]  # but other views still learn of the new row


def test_only_the_latest_of_a_series_answers(qtbot, ctx):
    parent = QWidget()
    qtbot.addWidget(parent)
    gate = threading.Event()
    answers: list[str] = []

    def slow(store):
        gate.wait(20)
        return "old"

    ReadOp(ctx, slow, parent=parent).latest("search").success(answers.append).run()
    ReadOp(ctx, lambda store: "new", parent=parent).latest("search").success(answers.append).run()
    ReadOp(ctx, lambda store: "other key", parent=parent).latest("count").success(answers.append).run()
    gate.set()
    _wait(qtbot, ctx)
    assert answers == ["new", "other key"]  # the first, superseded by the second, is dropped


def test_a_background_op_runs_without_the_store_on_the_general_pool(qtbot, ctx, changed):
    ui_thread = threading.get_ident()
    seen: dict[str, object] = {}
    ReadOp(ctx, lambda store: seen.update(reader=threading.get_ident())).run()
    WriteOp(ctx, lambda store: seen.update(writer=threading.get_ident()), tables=None).run()
    _wait(qtbot, ctx)

    def fetch(*args):
        seen["args"] = args  # no store
        seen["thread"] = threading.get_ident()
        return "answer"

    BackgroundOp(ctx, fetch).success(lambda r: seen.update(result=r, on=threading.get_ident())).run()
    _wait(qtbot, ctx)
    assert seen["args"] == ()
    assert seen["thread"] not in (ui_thread, seen["reader"], seen["writer"])  # neither database thread
    assert seen["result"] == "answer" and seen["on"] == ui_thread
    assert changed == []  # it announces nothing

    errors: list[DostyqError] = []

    def refused():
        raise ValidationError("url")

    BackgroundOp(ctx, refused).failure(errors.append).run()
    _wait(qtbot, ctx)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError) and errors[0].field == "url"


def test_progressed_reports_to_the_widget_and_a_write_without_tables_announces_nothing(qtbot, ctx, changed):
    steps: list[tuple[int, int]] = []

    def export(progress):
        progress(0, 2)
        progress(1, 2)
        progress(2, 2)
        return "file"

    results: list[str] = []
    BackgroundOp(ctx, export).progressed(lambda done, total: steps.append((done, total))).success(
        results.append
    ).run()
    _wait(qtbot, ctx)
    assert steps == [(0, 2), (1, 2), (2, 2)] and results == ["file"]

    WriteOp(ctx, lambda store: store.audit("report_export"), tables=None).success(results.append).run()
    _wait(qtbot, ctx)
    assert results == ["file", None] and changed == []
