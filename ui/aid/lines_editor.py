"""Entering the lines of an entry by keyboard: type part of an item's name (Kazakh letters may be typed on a Russian
keyboard), Enter picks it, type the quantity, Enter adds the line. Enter in the empty item field asks to save.
The item search runs as a read op; Enter pressed before its answer has come picks from that answer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import aid
from desktop.aid import Line
from desktop.i18n import _
from ui.aid.common import Names, qty
from ui.ops import ReadOp


class LinesEditor(QWidget):
    # Enter was pressed in the empty item field: the form should save.
    submit_requested = Signal()
    lines_changed = Signal()

    def __init__(self, ctx, *, with_value: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.units = Names("units")
        self._searching = False  # an answer of the item search is on its way
        self._enter_pending = False  # Enter came before it
        self.with_value = with_value
        self._matches: dict[str, dict] = {}  # completion label → item row
        self._chosen: dict | None = None
        self._focus_pending = False
        self.lines: list[dict] = []  # {"item": row, "quantity": str, "value": str}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.item_edit = QLineEdit(self)
        self.item_edit.setObjectName("item_edit")
        self.completer_model = QStringListModel(self)
        self.completer = QCompleter(self.completer_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.item_edit.setCompleter(self.completer)
        self.quantity_edit = QLineEdit(self)
        self.quantity_edit.setObjectName("quantity_edit")
        self.quantity_edit.setMaximumWidth(110)
        self.unit_label = QLabel(self)
        self.unit_label.setMinimumWidth(60)
        self.value_edit = QLineEdit(self)
        self.value_edit.setMaximumWidth(120)
        self.value_edit.setVisible(with_value)
        self.add_button = QPushButton(self)
        row.addWidget(self.item_edit, 3)
        row.addWidget(self.quantity_edit)
        row.addWidget(self.unit_label)
        row.addWidget(self.value_edit)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.table = QTableWidget(0, 4 if with_value else 3, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        layout.addWidget(self.table)

        self.item_edit.textEdited.connect(self._on_item_edit_text_edited)
        self.completer.activated.connect(self._on_completer_activated)
        # With the completion list open, the completer hands Enter straight to the line edit (past the filter).
        self.item_edit.returnPressed.connect(self._on_item_edit_return_pressed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.add_button.setAutoDefault(False)
        # Enter is handled (and consumed) here: in a dialog it must not also press the dialog's default button.
        for edit in (self.item_edit, self.quantity_edit, self.value_edit):
            edit.installEventFilter(self)
        self.retranslate_ui()
        units = self.units
        ReadOp(ctx, units.read, parent=self).success(self._on_units_read).run()

    def _on_units_read(self, maps) -> None:
        self.units.set(maps)
        self._refresh_table()
        if self._chosen is not None:
            self.unit_label.setText(self.units.get("units", self._chosen["unit"]))

    def retranslate_ui(self) -> None:
        self.item_edit.setPlaceholderText(_("Type an item's name…"))
        self.quantity_edit.setPlaceholderText(_("Quantity"))
        self.value_edit.setPlaceholderText(_("Value, ₸"))
        self.add_button.setText(_("Add"))
        headers = [_("Item"), _("Quantity"), _("Unit")] + ([_("Value, ₸")] if self.with_value else [])
        self.table.setHorizontalHeaderLabels(headers)
        self._refresh_table()

    # ---- choosing an item ------------------------------------------------------------------------------
    def _on_item_edit_text_edited(self, typed: str) -> None:
        self._chosen = None
        self._enter_pending = False
        self.unit_label.clear()
        if not typed.strip():
            self._searching = False
            ReadOp(self.ctx, lambda _store: [], parent=self).latest("items")  # drops an answer on its way
            self._show_matches([])
            return
        self._searching = True
        ReadOp(self.ctx, lambda store: aid.search_items(store, typed, limit=15), parent=self).success(
            self._on_items_found
        ).latest("items").run()

    def _on_items_found(self, rows: list[dict]) -> None:
        self._searching = False
        self._show_matches(rows)
        if self._enter_pending:
            self._enter_pending = False
            self._on_item_edit_return_pressed()

    def _show_matches(self, rows: list[dict]) -> None:
        self._matches = {self._label(r): r for r in rows}
        self.completer_model.setStringList(list(self._matches))
        if rows and self.completer.widget() is not None:  # the popup needs the line edit it belongs to
            self.completer.complete()

    def _label(self, row: dict) -> str:
        return aid.item_label(row)

    def _on_completer_activated(self, label: str) -> None:
        self._choose(self._matches.get(label))

    def _on_item_edit_return_pressed(self) -> None:
        popup = self.completer.popup()
        assert popup is not None  # a popup completer always has one (made on first use)
        if popup.isVisible():
            index = popup.currentIndex()
            label = index.data() if index.isValid() else None
            popup.hide()
            if label:
                self._choose(self._matches.get(label))
                return
        typed = self.item_edit.text().strip()
        if not typed:
            self.submit_requested.emit()
            return
        if self._chosen is None:
            if self._searching:
                self._enter_pending = True  # picked when the answer comes
                return
            match = self._matches.get(typed) or next(iter(self._matches.values()), None)
            if match is None:
                self._searching = True
                ReadOp(self.ctx, lambda store: aid.search_items(store, typed, limit=1), parent=self).success(
                    self._on_first_found
                ).latest("items").run()
                return
            self._choose(match)
        else:
            self.quantity_edit.setFocus()

    def _on_first_found(self, rows: list[dict]) -> None:
        self._searching = False
        self._enter_pending = False
        self._choose(rows[0] if rows else None)

    def _choose(self, row: dict | None) -> None:
        if row is None:
            self.item_edit.setStyleSheet("border: 2px solid #c0392b;")
            self.item_edit.setToolTip(_("No such item in the catalogue."))
            return
        self.item_edit.setStyleSheet("")
        self.item_edit.setToolTip("")
        self._chosen = row
        self.item_edit.setText(self._label(row))
        self.unit_label.setText(self.units.get("units", row["unit"]))
        # After the completer has finished with the key press (it may pick the item and return focus itself).
        if not self._focus_pending:
            self._focus_pending = True
            QTimer.singleShot(0, self._focus_quantity)

    def _focus_quantity(self) -> None:
        self._focus_pending = False
        if self._chosen is not None:
            self.quantity_edit.setFocus()
            self.quantity_edit.selectAll()

    # ---- the lines ---------------------------------------------------------------------------------------
    def _on_add_button_clicked(self) -> None:
        if self._chosen is None:
            if self.item_edit.text().strip():
                self._on_item_edit_return_pressed()
            if self._chosen is None:
                self.item_edit.setFocus()
                return
        # The quantity is checked by the service when the entry is saved (one message naming the line).
        self.lines.append(
            {
                "item": self._chosen,
                "quantity": self.quantity_edit.text().strip() or "1",
                "value": self.value_edit.text().strip(),
            }
        )
        self._chosen = None
        self.item_edit.clear()
        self.quantity_edit.clear()
        self.value_edit.clear()
        self.unit_label.clear()
        self._refresh_table()
        self.item_edit.setFocus()
        self.lines_changed.emit()

    def add_line(self, item_id: str, quantity, value=None) -> None:
        """Adds a line by the item's id (read by a read op, so the line appears once it has been read)."""
        ReadOp(self.ctx, lambda store: aid.get_item(store, item_id), parent=self).success(
            lambda row: self._append_line(row, item_id, quantity, value)
        ).run()

    def _append_line(self, row: dict | None, item_id: str, quantity, value) -> None:
        row = row or {"id": item_id, "name_kk": item_id, "name_ru": item_id, "unit": ""}
        self.lines.append(
            {"item": row, "quantity": str(quantity), "value": "" if value is None else str(value)}
        )
        self._refresh_table()
        self.lines_changed.emit()

    def entry_lines(self) -> list[Line]:
        return [Line(line["item"]["id"], line["quantity"], line["value"] or None) for line in self.lines]

    def clear(self) -> None:
        self.lines.clear()
        self._chosen = None
        self.item_edit.clear()
        self.quantity_edit.clear()
        self.value_edit.clear()
        self._refresh_table()

    def _refresh_table(self) -> None:
        units = self.units.of("units")
        self.table.setRowCount(len(self.lines))
        for n, line in enumerate(self.lines):
            item = line["item"]
            cells = [
                aid.item_label(item),
                _display_quantity(line["quantity"]),
                units.get(item["unit"], item["unit"]),
            ]
            if self.with_value:
                cells.append(line["value"])
            for column, value in enumerate(cells):
                cell = QTableWidgetItem(value)
                if column in (1, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, cell)

    def eventFilter(self, obj, event) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and obj in (self.item_edit, self.quantity_edit, self.value_edit)
        ):
            if obj is self.item_edit:
                self._on_item_edit_return_pressed()
            else:
                self._on_add_button_clicked()
            return True
        if obj is self.table and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete:
            rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
            for row in rows:
                del self.lines[row]
            self._refresh_table()
            self.lines_changed.emit()
            return True
        return super().eventFilter(obj, event)


def _display_quantity(raw: str) -> str:
    try:
        return qty(float(raw.replace(",", ".")))
    except ValueError:
        return raw
