"""A line edit that finds people (or volunteers) as the user types and reports the one picked.

The search itself is a service function `search(store, text) -> [(id, label)]` passed in, run as a read op (the
newest search answers), so the widget runs no SQL and the same picker serves people, volunteers and leaders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desktop import person_lookup
from ui.ops import ReadOp

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def find_people(store, query: str) -> list[tuple[str, str]]:
    """People whose name matches, as (id, label): the search a picker of people runs."""
    return [(r["id"], person_lookup.person_label(r)) for r in person_lookup.search_people(store, query)]


def find_volunteers(store, query: str) -> list[tuple[str, str]]:
    """Volunteers whose name matches, as (volunteer id, label)."""
    return [(r["id"], person_lookup.person_label(r)) for r in person_lookup.search_volunteers(store, query)]


class PersonPicker(QLineEdit):
    # (id, label) of the person chosen from the list.
    picked = Signal(str, str)

    def __init__(
        self, ctx: Any, search: Callable[[Any, str], list[tuple[str, str]]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self._search = search
        self.picked_id: str | None = None
        self.results = QStandardItemModel(self)
        self.completer_ = QCompleter(self.results, self)
        # The service already filtered (folded, keyboard-loose): show its rows as they are.
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        # The stubs type SignalInstance without the overload subscript that PySide6 supports at runtime.
        self.completer_.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]
        self.setClearButtonEnabled(True)
        # Wait for a pause in typing so a fast typist does not run a query per letter.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.update_results)
        self.textEdited.connect(self._on_text_edited)

    def _on_text_edited(self, _text: str) -> None:
        self.picked_id = None
        self._timer.start()

    def update_results(self) -> None:
        self.results.clear()
        query = self.text().strip()
        if len(query) < 2:
            ReadOp(self.ctx, lambda _store: [], parent=self).latest("search")  # drops a search under way
            popup = self.completer_.popup()
            assert popup is not None  # a popup completer always has one (made on first use)
            popup.hide()
            return
        search = self._search
        ReadOp(self.ctx, lambda store: search(store, query), parent=self).latest("search").success(
            self._show_results
        ).run()

    def _show_results(self, found: list[tuple[str, str]]) -> None:
        self.results.clear()
        for person_id, label in found:
            item = QStandardItem(label)
            item.setData(person_id, _ID_ROLE)
            self.results.appendRow(item)
        if self.results.rowCount():
            self.completer_.complete()
        else:
            popup = self.completer_.popup()
            assert popup is not None  # a popup completer always has one (made on first use)
            popup.hide()

    def result_labels(self) -> list[str]:
        return [self.results.item(r).text() for r in range(self.results.rowCount())]

    def pick_row(self, row: int) -> None:
        """Chooses a row of the current results (what a click in the list does)."""
        self._on_completer_activated(self.results.index(row, 0))

    def _on_completer_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        person_id = index.data(_ID_ROLE)
        label = index.data(Qt.ItemDataRole.DisplayRole)
        self.picked_id = person_id
        self.setText(label)
        popup = self.completer_.popup()
        assert popup is not None  # a popup completer always has one (made on first use)
        popup.hide()
        self.picked.emit(person_id, label)

    def unresolved(self) -> bool:
        """Text typed but no person chosen from the list (so there is nobody to save)."""
        return bool(self.text().strip()) and self.picked_id is None

    def set_person(self, person_id: str | None, label: str) -> None:
        self.picked_id = person_id
        self.setText(label if person_id else "")

    def clear_pick(self) -> None:
        self.picked_id = None
        self.clear()
