"""Stock on hand per point and item = donations − aid given ± stock-take adjustments. A negative figure is shown in
red with a warning above the table, never hidden or clamped to zero."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import aid
from desktop.i18n import N_, _
from ui.aid.common import NEGATIVE, NEGATIVE_ROW, Names, point_pairs, qty
from ui.ops import ReadOp, WriteOp
from ui.widgets.export_button import ExportButton
from ui.widgets.fit import keep_wrapped_lines
from ui.widgets.form_errors import FormErrors
from ui.widgets.inputs import fill_combo
from ui.widgets.lazy_table import Column, LazyTableModel, enable_sorting


class StockTakeDialog(QDialog):
    """Counted quantity of one item at one point; the difference to the books is recorded with a reason."""

    saved = Signal(object)

    def __init__(
        self, ctx, point_id: str | None = None, item_id: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self._initial: tuple[str | None, str | None] | None = (
            point_id,
            item_id,
        )  # chosen once the combos fill
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.point_label, self.point_combo = QLabel(self), QComboBox(self)
        self.item_label, self.item_combo = QLabel(self), QComboBox(self)
        self.books_label, self.books_value = QLabel(self), QLabel(self)
        self.counted_label, self.counted_edit = QLabel(self), QLineEdit(self)
        self.reason_label, self.reason_edit = QLabel(self), QLineEdit(self)
        for label, widget in (
            (self.point_label, self.point_combo),
            (self.item_label, self.item_combo),
            (self.books_label, self.books_value),
            (self.counted_label, self.counted_edit),
            (self.reason_label, self.reason_edit),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.errors = FormErrors(
            self.error_label,
            {
                "aid_point_id": self.point_combo,
                "item_id": self.item_combo,
                "counted": self.counted_edit,
                "reason": self.reason_edit,
            },
        )
        self.retranslate_ui()
        self.point_combo.currentIndexChanged.connect(lambda _i: self._update_books())
        self.item_combo.currentIndexChanged.connect(lambda _i: self._update_books())
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._update_books()
        self.counted_edit.setFocus()
        self.resize(480, 240)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Stock-take"))
        self.point_label.setText(_("Aid point:"))
        self.item_label.setText(_("Item:"))
        self.books_label.setText(_("By the records:"))
        self.counted_label.setText(_("Counted:"))
        self.reason_label.setText(_("Reason:"))
        self.reason_edit.setPlaceholderText(_("e.g. stock-take of 01.11.2026, spoiled flour written off"))
        ReadOp(self.ctx, lambda store: (point_pairs(store), aid.list_items(store)), parent=self).success(
            self._on_choices_read
        ).latest("choices").run()

    def _on_choices_read(self, choices) -> None:
        points, items = choices
        fill_combo(self.point_combo, points)
        fill_combo(self.item_combo, [(r["id"], aid.item_label(r)) for r in items])
        if self._initial is not None:
            point_id, item_id = self._initial
            self._initial = None
            if point_id:
                self.point_combo.setCurrentIndex(max(0, self.point_combo.findData(point_id)))
            if item_id:
                self.item_combo.setCurrentIndex(max(0, self.item_combo.findData(item_id)))
        self._update_books()

    def _update_books(self) -> None:
        point, item = self.point_combo.currentData(), self.item_combo.currentData()
        if not (point and item):
            ReadOp(self.ctx, lambda _store: 0, parent=self).latest("books")  # drops a figure on its way
            self.books_value.setText(qty(0))
            return
        ReadOp(self.ctx, lambda store: aid.stock_of(store, point, item), parent=self).success(
            lambda value: self.books_value.setText(qty(value))
        ).latest("books").run()

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        point, item = self.point_combo.currentData(), self.item_combo.currentData()
        counted, reason = self.counted_edit.text(), self.reason_edit.text()
        WriteOp(
            self.ctx,
            lambda store: aid.record_stock_take(store, point, item, counted, reason),
            tables=("stock_adjustments",),
            parent=self,
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, result) -> None:
        self.saved.emit(result)
        self.accept()


class StockPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: StockTakeDialog | None = None
        self.rows: list[aid.StockRow] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.point_label, self.point_combo = QLabel(self), QComboBox(self)
        self.all_items_check = QCheckBox(self)
        self.stock_take_button = QPushButton(self)
        top.addWidget(self.point_label)
        top.addWidget(self.point_combo, 1)
        top.addWidget(self.all_items_check)
        top.addWidget(self.stock_take_button)
        layout.addLayout(top)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "background: #fdecea; color: #8e1b10; padding: 8px; border: 1px solid #e6b0aa;font-weight: bold;"
        )
        layout.addWidget(self.warning)
        self.warning_height = keep_wrapped_lines(self.warning)
        self.names = Names("item_groups")
        self.model = LazyTableModel(
            [
                Column(N_("Aid point"), lambda r: r.point_name),
                Column(N_("Item"), lambda r: r.item_name),
                Column(N_("Group"), lambda r: self.names.get("item_groups", r.item_group)),
                Column(N_("Unit"), lambda r: r.unit),
                Column(N_("Received"), lambda r: qty(r.donated), align_right=True, sort=lambda r: r.donated),
                Column(N_("Given out"), lambda r: qty(r.given), align_right=True, sort=lambda r: r.given),
                Column(
                    N_("Adjusted"),
                    lambda r: qty(r.adjusted) if r.adjusted else "",
                    align_right=True,
                    sort=lambda r: r.adjusted,
                ),
                Column(N_("On hand"), lambda r: qty(r.on_hand), align_right=True, sort=lambda r: r.on_hand),
            ],
            ctx,
            parent=self,
            colour=lambda r, column: NEGATIVE if r.negative and column == 7 else None,
            background=lambda r: NEGATIVE_ROW if r.negative else None,
        )
        self.view = QTableView(self)
        self.view.setModel(self.model)
        enable_sorting(self.view)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        # The item's name takes the spare width (a stretched group column was squeezed to nothing).
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setMinimumSectionSize(72)  # no column title cut on a narrow screen
        layout.addWidget(self.view, 1)
        self.point_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.all_items_check.toggled.connect(lambda _on: self.refresh())
        self.stock_take_button.clicked.connect(self._on_stock_take_button_clicked)
        self.export_button = ExportButton(
            ctx,
            "stock",
            lambda: (self.point_combo.currentData(), self.all_items_check.isChecked()),
            self,
            self.model,
        )
        top.addWidget(self.export_button)

    def retranslate_ui(self) -> None:
        self.point_label.setText(_("Aid point:"))
        ReadOp(self.ctx, point_pairs, parent=self).success(
            lambda points: fill_combo(self.point_combo, points, empty=_("All points"))
        ).latest("points").run()
        self.all_items_check.setText(_("Show items with no movement"))
        self.stock_take_button.setText(_("Stock-take…"))
        self.export_button.retranslate_ui()
        self.model.retranslate()
        self._update_warning()
        if self.isVisible():  # the points' and items' names are read in the interface language
            self.refresh()

    def refresh(self) -> None:
        point, all_items, names = self.point_combo.currentData(), self.all_items_check.isChecked(), self.names
        ReadOp(
            self.ctx,
            lambda store: (aid.stock_on_hand(store, point, all_items=all_items), names.read(store)),
            parent=self,
        ).success(self._on_stock_read).latest("stock").run()

    def _on_stock_read(self, result) -> None:
        self.rows, maps = result
        self.names.set(maps)
        self.model.set_rows(self.rows)  # one read gives them all (the warning needs every row)
        self.view.resizeColumnsToContents()
        self._update_warning()

    def _update_warning(self) -> None:
        negative = [r for r in self.rows if r.negative]
        if not negative:
            self.warning.hide()
            return
        listed = "; ".join(f"{r.point_name}: {r.item_name} {qty(r.on_hand)} {r.unit}" for r in negative[:5])
        self.warning.setText(
            _(
                "⚠ Negative stock: more was given out than received ({items}). Check the donations "
                "and aid entries, or record a stock-take."
            ).format(items=listed)
        )
        self.warning.show()
        self.warning_height.update()

    def _on_stock_take_button_clicked(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row(index.row()) if index.isValid() else None
        self.dialog = StockTakeDialog(
            self.ctx,
            row.aid_point_id if row else self.point_combo.currentData(),
            row.item_id if row else None,
            self,
        )
        self.dialog.saved.connect(lambda _r: self.refresh())
        self.dialog.open()
