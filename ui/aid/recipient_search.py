"""Search-as-you-type for a recipient (or any person): Kazakh-aware, keyboard first — Down moves into the results,
Enter takes the highlighted (or first) one. The search runs as a read op; Enter pressed before its answer has come
takes the first match of that answer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.i18n import _
from ui.aid.common import short_date
from ui.ops import ReadOp
from ui.widgets.empty_state import nothing_found_text


class PersonSearch(QWidget):
    chosen = Signal(str)  # the row id

    def __init__(
        self,
        ctx,
        search: Callable[..., list[dict]],
        describe: Callable[[dict], str] | None = None,
        parent: QWidget | None = None,
    ):
        """`search(store, typed)` runs on the reader thread."""
        super().__init__(parent)
        self.ctx = ctx
        self._search = search
        self._searching = False  # an answer is on its way
        self._enter_pending = False  # Enter came before it
        self._describe = describe or _describe_person
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("search_edit")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setMaximumHeight(130)
        self.results.hide()
        self.nothing = QLabel(self)  # «Nothing found for …» when a search answered with nobody
        self.nothing.setStyleSheet("color: #666;")
        self.nothing.hide()
        self._answered = ""  # the query of the answer shown
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.nothing)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.returnPressed.connect(self._on_edit_return_pressed)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._on_results_item_activated)

    def set_placeholder(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    def _on_edit_text_edited(self, typed: str) -> None:
        self._enter_pending = False
        if not typed.strip():
            self._searching = False
            ReadOp(self.ctx, lambda _store: [], parent=self).latest("search")  # drops an answer on its way
            self._answered = ""
            self._show_results([])
            return
        self._searching = True
        search = self._search
        ReadOp(self.ctx, lambda store: search(store, typed), parent=self).success(
            lambda rows: self._on_found(typed, rows)
        ).latest("search").run()

    def _on_found(self, typed: str, rows: list[dict]) -> None:
        self._searching = False
        self._answered = typed
        self._show_results(rows)
        if self._enter_pending:
            self._enter_pending = False
            self._on_edit_return_pressed()

    def _show_results(self, rows: list[dict]) -> None:
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(self._describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.results.addItem(item)
        self.results.setVisible(bool(rows))
        if rows:
            self.results.setCurrentRow(0)
        self._show_nothing()

    def _show_nothing(self) -> None:
        shown = bool(self._answered.strip()) and self.results.count() == 0
        self.nothing.setText(nothing_found_text(self._answered) if shown else "")
        self.nothing.setVisible(shown)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show_nothing()
        super().changeEvent(event)

    def _on_edit_return_pressed(self) -> None:
        if self._searching:
            self._enter_pending = True
            return
        item = self.results.currentItem() or self.results.item(0)
        if item is not None and self.results.isVisible():
            self._on_results_item_activated(item)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.results.hide()
        self.edit.clear()
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, obj, event) -> bool:
        if (
            obj is self.edit
            and event.type() == QEvent.Type.KeyPress
            and self._searching
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._on_edit_return_pressed()  # taken when the answer comes (and not by a dialog's default button)
            return True
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and self.results.isVisible():
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.results.hide()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Taken here, so that in a dialog Enter picks the match instead of pressing the default button.
                self._on_edit_return_pressed()
                return True
        return super().eventFilter(obj, event)


def _describe_person(row: dict) -> str:
    parts = [row.get("display_name") or ""]
    if row.get("birth_date"):
        parts.append(short_date(row["birth_date"]))
    if row.get("iin"):
        parts.append(_("IIN {iin}").format(iin=row["iin"]))
    if row.get("locality"):
        parts.append(row["locality"])
    return " · ".join(p for p in parts if p)
