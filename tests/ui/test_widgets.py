"""The shared widgets every form and list uses: FormErrors (ui/widgets/form_errors.py) and LazyTableModel
(ui/widgets/lazy_table.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget, QVBoxLayout, QWidget

from desktop.errors import DostyqError, ValidationError, ValidationErrors
from desktop.i18n import N_
from ui.widgets.form_errors import FormErrors
from ui.widgets.lazy_table import Column, LazyTableModel


def _form(qtbot):
    """A form with a field on its own line, a table of lines whose fields share the form-level label, and that
    label."""
    form = QWidget()
    qtbot.addWidget(form)
    layout = QVBoxLayout(form)
    errors = FormErrors()
    form.title = QLineEdit(form)
    form.title.setStyleSheet("color: navy;")
    form.title.setToolTip("The title of the event")
    layout.addWidget(errors.wrap("event_title", form.title, form))
    form.table = QTableWidget(3, 2, form)
    layout.addWidget(form.table)
    errors.add("quantity", form.table)
    form.general = QLabel(form)
    layout.addWidget(form.general)
    errors.set_form_label(form.general)
    form.show()
    form.activateWindow()
    return form, errors


def test_form_errors_beside_the_field_on_the_row_and_on_the_form(qtbot, lang):
    form, errors = _form(qtbot)
    title = ValidationError("event_title", N_("{field} is required."))
    line = ValidationError("quantity", N_("Line {line}: the quantity must be a number."), row=1, line=2)
    elsewhere = DostyqError(N_("Something went wrong."))
    errors.show(
        ValidationErrors([title, line, ValidationError("receipt", N_("{field}: the value is not valid."))])
    )

    # Beside its field, which is marked and takes the focus.
    assert errors.message_of("event_title") == title.message and errors.labels["event_title"].isVisible()
    assert "border" in form.title.styleSheet() and form.title.toolTip() == title.message
    qtbot.waitUntil(form.title.hasFocus, timeout=5000)
    # An error about a row selects that row of its table and marks the table; its message is on the form line.
    assert form.table.selectionModel().isRowSelected(1) and "border" in form.table.styleSheet()
    assert errors.shown() == {"event_title": title.message, "quantity": line.message}
    # A field this form does not have: on the form-level line too.
    assert errors.unplaced == ["receipt: the value is not valid."]
    assert (
        form.general.isVisible()
        and form.general.text() == f"{line.message}\nreceipt: the value is not valid."
    )

    # Cleared before the next try: nothing shown, and the widgets look as they did.
    errors.clear()
    assert errors.shown() == {} and errors.message_of("event_title") == "" and errors.unplaced == []
    assert errors.labels["event_title"].isHidden() and form.general.isHidden()
    assert form.title.styleSheet() == "color: navy;" and form.title.toolTip() == "The title of the event"
    assert form.table.styleSheet() == ""

    # Any other refusal goes on the form-level line.
    errors.show(elsewhere)
    assert errors.shown() == {} and form.general.text() == elsewhere.message and form.general.isVisible()

    # The messages follow a language switch.
    errors.show(title, focus=False)
    english = errors.message_of("event_title")
    lang("ru")
    errors.retranslate()
    assert errors.message_of("event_title") == title.message != english
    assert errors.labels["event_title"].text() == title.message


def _rows(n: int) -> list[dict]:
    return [{"id": f"r{i:02d}", "n": i} for i in range(n)]


def test_lazy_model_pages_with_a_capped_count_and_sorts_by_the_service(ctx, qtbot):
    rows = _rows(25)
    reads: list[tuple[str, bool, int, int]] = []

    def source():
        key, descending = model.order

        def fetch(_store, offset, limit):
            reads.append((key, descending, offset, limit))
            ordered = sorted(rows, key=lambda r: r["n"], reverse=descending)
            return ordered[offset : offset + limit]

        return fetch, lambda _store: (20, True)  # the count stops at 20: more may follow

    columns = [
        Column(N_("Number"), lambda r: r["n"], order_by="n", decoration=lambda r: QColor("#2e7d32")),
        Column(N_("Notes"), lambda r: "—"),  # the service cannot sort by it
    ]
    model = LazyTableModel(columns, ctx, order=("n", False), source=source)
    model.PAGE = 10
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=20000)
    assert (model.total, model.capped) == (20, True) and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # a page on its way is not asked for twice
    qtbot.waitUntil(lambda: model.rowCount() == 20, timeout=20000)
    assert model.canFetchMore()  # a capped count does not stop the paging
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 25, timeout=20000)
    # The short page was the last: every row is in, and that is the count.
    assert not model.canFetchMore() and (model.total, model.capped) == (25, False)

    model.sort(0, Qt.SortOrder.DescendingOrder)  # read again by the service, newest order, first page only
    qtbot.waitUntil(lambda: model.rowCount() == 10 and model.data(model.index(0, 0)) == "24", timeout=20000)
    assert reads[-1] == ("n", True, 0, 10) and model.order == ("n", True)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == "r24" == model.row_id(0)
    assert model.row_of("r20") == 4 and model.row_of("missing") == -1
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) == QColor("#2e7d32")
    count = len(reads)
    model.sort(1, Qt.SortOrder.AscendingOrder)  # a column the service does not sort by: nothing happens
    assert len(reads) == count and model.data(model.index(0, 0)) == "24"


def test_lazy_model_without_a_count_pages_to_a_short_page_and_sorts_in_memory(ctx, qtbot):
    rows = _rows(23)
    suffix = {"text": ""}
    model = LazyTableModel(
        [Column(N_("Number"), lambda r: f"{r['n']}{suffix['text']}", sort=lambda r: r["n"])],
        ctx,
        lambda _store, offset, limit: rows[offset : offset + limit],
    )
    model.PAGE = 10
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=20000)
    assert model.canFetchMore()
    model.sort(0, Qt.SortOrder.DescendingOrder)  # the rest first, then sorted in memory
    qtbot.waitUntil(lambda: model.rowCount() == 23, timeout=20000)
    assert model.data(model.index(0, 0)) == "22" and not model.canFetchMore() and model.total == 23
    # Cells are formatted once per row; a language switch (retranslate) formats them again.
    suffix["text"] = " h"
    assert model.data(model.index(0, 0)) == "22"
    model.retranslate()
    assert model.data(model.index(0, 0)) == "22 h"
