"""A line edit that finds people (or volunteers) as the user types and reports the one picked.

The search itself is a service function `search(store, text) -> [(id, label)]` passed in, run as a read op (the
newest search answers), so the widget runs no SQL and the same picker serves people, volunteers and leaders.

A picker of people made with `can_add=True` can also add someone not on file: the "+" button in the field, or
the last entry of the list ("New person…"), opens the new-person dialog (ui/widgets/new_person_dialog.py: the
shared person form, saved through the one person path with its duplicate check), and the person created — or
the one on file the user took instead — is picked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QPainter, QPalette, QPen, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desktop import person_lookup
from desktop.i18n import _
from ui.ops import ReadOp
from ui.widgets.empty_state import nothing_found_text
from ui.widgets.new_person_dialog import NewPersonDialog

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_NEW_ROLE = Qt.ItemDataRole.UserRole + 2  # the "New person…" entry at the end of the list
_EMPTY_ROLE = Qt.ItemDataRole.UserRole + 3  # the «Nothing found for …» line when the search found nobody


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
        self,
        ctx: Any,
        search: Callable[[Any, str], list[tuple[str, str]]],
        parent: QWidget | None = None,
        *,
        can_add: bool = False,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self._search = search
        self.can_add = can_add
        self.picked_id: str | None = None
        self.new_person_dialog: NewPersonDialog | None = None
        self.new_action: QAction | None = None
        if can_add:
            self.new_action = self.addAction(_plus_icon(self), QLineEdit.ActionPosition.TrailingPosition)
            self.new_action.triggered.connect(self.new_person)
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
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        if self.new_action is not None:
            self.new_action.setText(_("New person…"))
            self.new_action.setToolTip(_("A person not on file yet: enter their details"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

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
        if not found:
            item = QStandardItem(nothing_found_text(self.text()))
            item.setData(True, _EMPTY_ROLE)
            item.setFlags(Qt.ItemFlag.NoItemFlags)  # a line to read, not a choice
            self.results.appendRow(item)
        if self.can_add:
            # Typed someone not on file (or another person of the same name): add them from here.
            item = QStandardItem(_("New person: {typed}…").format(typed=self.text().strip()))
            item.setData(True, _NEW_ROLE)
            self.results.appendRow(item)
        if self.results.rowCount():
            self.completer_.complete()
        else:
            popup = self.completer_.popup()
            assert popup is not None  # a popup completer always has one (made on first use)
            popup.hide()

    def result_labels(self) -> list[str]:
        """The labels of the people found (the "New person…" entry is not one of them)."""
        return [
            self.results.item(r).text()
            for r in range(self.results.rowCount())
            if not self.results.item(r).data(_NEW_ROLE) and not self.results.item(r).data(_EMPTY_ROLE)
        ]

    def nothing_found(self) -> str:
        """The «Nothing found for …» line the list shows, or ''."""
        for r in range(self.results.rowCount()):
            if self.results.item(r).data(_EMPTY_ROLE):
                return self.results.item(r).text()
        return ""

    def pick_row(self, row: int) -> None:
        """Chooses a row of the current results (what a click in the list does)."""
        self._on_completer_activated(self.results.index(row, 0))

    def _on_completer_activated(self, index: QModelIndex) -> None:
        if not index.isValid() or index.data(_EMPTY_ROLE):
            return
        if index.data(_NEW_ROLE):
            self.new_person()
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

    # ---- a new person -----------------------------------------------------------------------------------
    def new_person(self) -> NewPersonDialog:
        """Opens the new-person dialog with what was typed; the person it saves (or takes) is picked."""
        popup = self.completer_.popup()
        assert popup is not None  # a popup completer always has one (made on first use)
        popup.hide()
        typed = "" if self.picked_id else self.text()
        self.new_person_dialog = NewPersonDialog(self.ctx, typed, self)
        self.new_person_dialog.created.connect(self._on_new_person_dialog_created)
        self.new_person_dialog.open()
        return self.new_person_dialog

    def _on_new_person_dialog_created(self, person_id: str, label: str) -> None:
        self.set_person(person_id, label)
        self.picked.emit(person_id, label)


def _plus_icon(widget: QWidget) -> QIcon:
    """A "+" drawn in the field's text colour (no icon theme is needed)."""
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(widget.palette().color(QPalette.ColorRole.Text))
    pen.setWidthF(2.0)
    painter.setPen(pen)
    painter.drawLine(QPointF(size / 2, 3), QPointF(size / 2, size - 3))
    painter.drawLine(QPointF(3, size / 2), QPointF(size - 3, size / 2))
    painter.end()
    return QIcon(pixmap)
