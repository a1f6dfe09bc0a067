"""The import wizard's pages: each a plain widget that shows what the wizard hands it and a message line for a
refusal of its step. The wizard (ui/importing/wizard.py) runs the work in ops and moves between them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import field_label
from desktop.i18n import N_, _

KIND_NAMES = {
    "volunteers": N_("Volunteers"),
    "recipients": N_("Aid recipients"),
    "members": N_("Creative group members"),
    "events": N_("Past events"),
    "items": N_("Aid item catalogue"),
}
# Columns of a file that no form field is named after.
OWN_LABELS = {"number": N_("Row number (№)"), "place": N_("Place")}
REASONS = {"iin": N_("same IIN"), "name_birth": N_("same name and birth date"), "loose": N_("similar name")}
PREVIEW_ROWS = 12
SAME, DIFFERENT = "same", "different"


def target_label(name: str) -> str:
    return _(OWN_LABELS.get(name) or field_label(name))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    return table


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


class Step(QWidget):
    """A page with a heading, an intro and the line where its step's refusal is shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.addWidget(self.heading)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.layout_.addWidget(self.intro)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.message)

    def show_message(self, text: str) -> None:
        self.message.setText(text)


class FileStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout()
        self.kind_label = QLabel(self)
        self.kind_combo = QComboBox(self)
        for kind in KIND_NAMES:
            self.kind_combo.addItem("", kind)
        form.addRow(self.kind_label, self.kind_combo)
        self.file_label = QLabel(self)
        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.browse = QPushButton(self)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        form.addRow(self.file_label, row)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.layout_.addStretch(1)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("1. The file"))
        self.intro.setText(
            _(
                "Choose what the rows are and the file: an Excel workbook (.xlsx) or a CSV file. Nothing is written until the last step."
            )
        )
        self.kind_label.setText(_("The rows are:"))
        for index in range(self.kind_combo.count()):
            self.kind_combo.setItemText(index, _(KIND_NAMES[self.kind_combo.itemData(index)]))
        self.file_label.setText(_("File:"))
        self.browse.setText(_("Choose file…"))


class SheetStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.sheets = QListWidget(self)
        self.layout_.addWidget(self.sheets, 1)
        self.finish_layout()

    def retranslate_ui(self) -> None:
        self.heading.setText(_("2. The sheet"))
        self.intro.setText(_("The workbook has several sheets. Choose the one with the rows to import."))


# What a CSV file may be read as (reading.py detects; these are the choices offered instead).
CSV_ENCODINGS = ("utf-8-sig", "cp1251")
CSV_DELIMITERS = (";", ",", "\t")


class HeaderStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout()
        self.row_label = QLabel(self)
        self.row_spin = QSpinBox(self)
        self.row_spin.setRange(1, 30)
        row.addWidget(self.row_label)
        row.addWidget(self.row_spin)
        # A CSV file's encoding and separator, as detected; the user may say otherwise (shown for CSV only).
        self.encoding_label, self.encoding_combo = QLabel(self), QComboBox(self)
        for encoding in CSV_ENCODINGS:
            self.encoding_combo.addItem("", encoding)
        self.delimiter_label, self.delimiter_combo = QLabel(self), QComboBox(self)
        for delimiter in CSV_DELIMITERS:
            self.delimiter_combo.addItem("", delimiter)
        for widget in (self.encoding_label, self.encoding_combo, self.delimiter_label, self.delimiter_combo):
            if isinstance(widget, QLabel):
                row.addSpacing(12)
            row.addWidget(widget)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.show_csv(None, None)
        self.preview = _table(self)
        self.layout_.addWidget(self.preview, 1)
        self.finish_layout()

    def show_rows(self, rows: list[tuple[int, list[Any]]], header_row: int) -> None:
        shown = rows[: header_row + PREVIEW_ROWS] if rows else []
        width = max((len(c) for _n, c in shown), default=0)
        self.preview.clear()
        self.preview.setRowCount(len(shown))
        self.preview.setColumnCount(width + 1)
        self.preview.setHorizontalHeaderLabels([_("Row")] + [str(i + 1) for i in range(width)])
        for line, (number, cells) in enumerate(shown):
            self.preview.setItem(line, 0, _item(str(number)))
            for col, value in enumerate(cells):
                item = _item(cell_text(value))
                if number == header_row:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.preview.setItem(line, col + 1, item)
        self.preview.resizeColumnsToContents()
        for col in range(1, width + 1):
            self.preview.setColumnWidth(col, min(self.preview.columnWidth(col), 220))

    def show_csv(self, encoding: str | None, delimiter: str | None) -> None:
        """The file's encoding and separator in the combos, or the combos hidden (a workbook has neither)."""
        csv_file = encoding is not None
        for widget in (self.encoding_label, self.encoding_combo, self.delimiter_label, self.delimiter_combo):
            widget.setVisible(csv_file)
        for combo, value in ((self.encoding_combo, encoding), (self.delimiter_combo, delimiter)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.encoding_label.setText(_("Encoding:"))
        self.delimiter_label.setText(_("Separator:"))
        for index, name in enumerate((_("UTF-8"), _("Windows-1251 (Cyrillic)"))):
            self.encoding_combo.setItemText(index, name)
        for index, name in enumerate((_("semicolon ;"), _("comma ,"), _("tab"))):
            self.delimiter_combo.setItemText(index, name)
        self.heading.setText(_("3. The header row"))
        self.intro.setText(
            _("The row with the column names is shown in bold. If another row holds them, give its number.")
        )
        self.row_label.setText(_("Header row:"))


class MappingStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.layout_.addWidget(self.grid_host)
        self.finish_layout()
        self.layout_.addStretch(1)
        self.combos: list[QComboBox] = []
        self.labels: list[QLabel] = []

    def show_columns(self, headers: list[str], fields: list[str], mapping: dict[int, str]) -> None:
        for widget in self.combos + self.labels:
            widget.deleteLater()
        self.combos, self.labels = [], []
        half = (len(headers) + 1) // 2
        for index, head in enumerate(headers):
            label = QLabel(" ".join(head.split()) or _("(column {number})").format(number=index + 1), self)
            label.setToolTip(head)
            combo = QComboBox(self)
            combo.addItem(_("— do not import —"), "")
            for name in fields:
                combo.addItem(target_label(name), name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(index, ""))))
            row, col = (index, 0) if index < half else (index - half, 2)
            self.grid.addWidget(label, row, col)
            self.grid.addWidget(combo, row, col + 1)
            self.labels.append(label)
            self.combos.append(combo)

    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def retranslate_ui(self) -> None:
        self.heading.setText(_("4. The columns"))
        self.intro.setText(
            _(
                "Each column of the file and the field it fills, as guessed from its name. Change any that is wrong."
            )
        )


class DryRunStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.counts.setStyleSheet("font-weight: bold;")
        self.layout_.insertWidget(2, self.counts)
        self.rows = _table(self)
        self.rows.setColumnCount(4)
        self.layout_.addWidget(self.rows, 1)
        self.pairs_label = QLabel(self)
        self.pairs_label.setWordWrap(True)
        self.layout_.addWidget(self.pairs_label)
        self.pairs = _table(self)
        self.pairs.setColumnCount(4)
        self.pairs.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.layout_.addWidget(self.pairs)
        self.finish_layout()
        self.decision_combos: list[QComboBox] = []

    def show_pairs(self, pairs: list[tuple[int, str, str]]) -> None:
        """(held row, what it resembles as text, reason key) per pair."""
        self.pairs.setRowCount(len(pairs))
        self.decision_combos = []
        for line, (row, other, reason) in enumerate(pairs):
            self.pairs.setItem(line, 0, _item(str(row)))
            self.pairs.setItem(line, 1, _item(other))
            self.pairs.setItem(line, 2, _item(_(REASONS.get(reason, reason))))
            combo = QComboBox(self.pairs)
            combo.addItem(_("Same person: do not import"), SAME)
            combo.addItem(_("Different people: import"), DIFFERENT)
            self.pairs.setCellWidget(line, 3, combo)
            self.decision_combos.append(combo)
        self.pairs.resizeColumnsToContents()
        self.pairs.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.pairs.resizeRowsToContents()
        # As tall as its pairs (up to six), so the rows above keep the room.
        shown = min(len(pairs), 6)
        self.pairs.setFixedHeight(
            self.pairs.horizontalHeader().height() + sum(self.pairs.rowHeight(i) for i in range(shown)) + 8
        )
        visible = bool(pairs)
        self.pairs.setVisible(visible)
        self.pairs_label.setVisible(visible)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("5. Check (dry run)"))
        self.intro.setText(_("What the import would do with every row. Nothing has been written yet."))
        self.rows.setHorizontalHeaderLabels([_("Row"), _("Name"), _("Outcome"), _("Details")])
        self.rows.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.pairs_label.setText(
            _(
                "Possible duplicates. They are never merged here: a row is imported only if you say the people are different."
            )
        )
        self.pairs.setHorizontalHeaderLabels([_("Row"), _("May be the same as"), _("Why"), _("Decision")])


class ResultStep(Step):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts = QLabel(self)
        self.counts.setWordWrap(True)
        self.counts.setStyleSheet("font-size: 12pt;")
        self.layout_.addWidget(self.counts)
        buttons = QHBoxLayout()
        self.save_report = QPushButton(self)
        self.undo = QPushButton(self)
        buttons.addWidget(self.save_report)
        buttons.addWidget(self.undo)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.notice)
        self.finish_layout()
        self.rows = _table(self)
        self.rows.setColumnCount(4)
        self.layout_.addWidget(self.rows, 1)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("6. Done"))
        self.intro.setText(
            _("The import is written. You may save a report of every row or undo the whole import.")
        )
        self.save_report.setText(_("Save report (XLSX)…"))
        self.undo.setText(_("Undo this import"))
        self.rows.setHorizontalHeaderLabels([_("Row"), _("Name"), _("Outcome"), _("Details")])
        self.rows.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
