"""Catalogue & points: the house's aid points, the item catalogue (central items plus the house's own) and the
programme rules the double-aid guard applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import aid, bilingual
from desktop.aid import rules as aid_rules
from desktop.i18n import N_, _
from ui.aid.common import Names, programme_pairs
from ui.ops import ReadOp, WriteOp
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import for_buttons
from ui.widgets.inputs import fill_combo
from ui.widgets.lazy_table import Column, LazyTableModel, enable_sorting


@dataclass
class Field:
    key: str
    label: str  # untranslated
    choices: Callable[[Any], list[tuple[str, str]]] | None = None  # choices(store), run by a read op


class RecordDialog(QDialog):
    """A small form over a few fields, saved through a service function `save(store, values, row_id)`."""

    saved = Signal(str)

    def __init__(
        self,
        ctx,
        title: str,
        fields: list[Field],
        save: Callable,
        tables: tuple[str, ...],
        row: dict | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.fields, self._save, self.tables = ctx, fields, save, tables
        self.row_id = row["id"] if row else None
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.widgets: dict[str, QComboBox | QLineEdit] = {}
        for f in fields:
            widget: QComboBox | QLineEdit
            if f.choices:
                widget = QComboBox(self)
            else:
                widget = QLineEdit(self)
                if row and row.get(f.key) is not None:
                    widget.setText(str(row[f.key]))
            self.widgets[f.key] = widget
            form.addRow(_(f.label), widget)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.errors = FormErrors(self.error_label, self.widgets)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.keys = for_buttons(self, self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.resize(480, 120 + 36 * len(fields))
        choices = {f.key: f.choices for f in fields if f.choices}
        if choices:
            ReadOp(
                self.ctx, lambda store: {key: fn(store) for key, fn in choices.items()}, parent=self
            ).success(lambda filled: self._fill_choices(filled, row)).run()

    def _fill_choices(self, filled: dict[str, list[tuple[str, str]]], row: dict | None) -> None:
        for key, pairs in filled.items():
            widget = self.widgets[key]
            assert isinstance(widget, QComboBox)  # a field with choices
            fill_combo(widget, pairs, keep=False)
            if row and row.get(key) is not None:
                widget.setCurrentIndex(max(0, widget.findData(row[key])))

    def values(self) -> dict:
        return {
            key: (w.currentData() if isinstance(w, QComboBox) else w.text())
            for key, w in self.widgets.items()
        }

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        values, row_id = self.values(), self.row_id
        WriteOp(
            self.ctx, lambda store: self._save(store, values, row_id), tables=self.tables, parent=self
        ).success(self._on_saved).failure(self.errors.show).run()

    def _on_saved(self, result) -> None:
        self.saved.emit(result)
        self.accept()


def _table(parent: QWidget, model: LazyTableModel) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class CataloguePage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: RecordDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()

        self.points_box = QGroupBox(self)
        points_layout = QVBoxLayout(self.points_box)
        self.points_model = LazyTableModel(
            [
                Column(N_("Name"), aid.point_label),
                Column(N_("Address"), lambda r: r["address"] or ""),
                Column(N_("Opening hours"), lambda r: r["opening_hours"] or ""),
                Column(
                    N_("Contact"), lambda r: " ".join(p for p in (r["contact_name"], r["contact_phone"]) if p)
                ),
            ],
            ctx,
            lambda store, o, n: aid.list_aid_points(store, offset=o, limit=n),
            aid.count_aid_points,
            self,
        )
        self.points_view = _table(self, self.points_model)
        self.add_point_button, self.edit_point_button = QPushButton(self), QPushButton(self)
        points_layout.addWidget(self.points_view)
        points_layout.addLayout(_buttons(self.add_point_button, self.edit_point_button))
        top.addWidget(self.points_box, 1)

        self.rules_box = QGroupBox(self)
        rules_layout = QVBoxLayout(self.rules_box)
        programmes = Names("programmes")
        self.rules_model = LazyTableModel(
            [
                Column(N_("Programme"), lambda r: programmes.get("programmes", r["programme"])),
                Column(N_("Rule"), lambda r: aid.rule_text(r)),
                Column(N_("Source"), lambda r: _("central") if r["house_id"] is None else _("this house")),
            ],
            ctx,
            lambda store, o, n: aid.list_rules(store, offset=o, limit=n),
            aid.count_rules,
            self,
            names=programmes,
        )
        self.rules_view = _table(self, self.rules_model)
        self.add_rule_button = QPushButton(self)
        rules_layout.addWidget(self.rules_view)
        rules_layout.addLayout(_buttons(self.add_rule_button))
        top.addWidget(self.rules_box, 1)
        layout.addLayout(top, 2)

        self.items_box = QGroupBox(self)
        items_layout = QVBoxLayout(self.items_box)
        names = Names("units", "item_groups")
        self.items_model = LazyTableModel(
            [
                Column(N_("Name in Kazakh"), lambda r: r["name_kk"]),
                Column(N_("Name in Russian"), lambda r: r["name_ru"]),
                Column(N_("Unit"), lambda r: names.get("units", r["unit"])),
                Column(N_("Group"), lambda r: names.get("item_groups", r["item_group"])),
                Column(N_("Source"), lambda r: _("central") if r["house_id"] is None else _("this house")),
            ],
            ctx,
            lambda store, o, n: aid.list_items(store, offset=o, limit=n),
            aid.count_items,
            self,
            names=names,
        )
        self.items_view = _table(self, self.items_model)
        enable_sorting(self.items_view)
        self.add_item_button, self.edit_item_button = QPushButton(self), QPushButton(self)
        items_layout.addWidget(self.items_view)
        items_layout.addLayout(_buttons(self.add_item_button, self.edit_item_button))
        layout.addWidget(self.items_box, 3)

        self.add_point_button.clicked.connect(lambda: self._edit_point(None))
        self.edit_point_button.clicked.connect(
            lambda: self._edit_point(self._selected(self.points_view, self.points_model))
        )
        self.add_item_button.clicked.connect(lambda: self._edit_item(None))
        self.edit_item_button.clicked.connect(
            lambda: self._edit_item(self._selected(self.items_view, self.items_model))
        )
        self.add_rule_button.clicked.connect(self._on_add_rule_button_clicked)
        for model, view in (
            (self.points_model, self.points_view),
            (self.rules_model, self.rules_view),
            (self.items_model, self.items_view),
        ):
            model.loaded.connect(view.resizeColumnsToContents)

    def retranslate_ui(self) -> None:
        self.points_box.setTitle(_("Aid points"))
        self.rules_box.setTitle(_("Programme rules (double-aid guard)"))
        self.items_box.setTitle(_("Item catalogue"))
        for button, text in (
            (self.add_point_button, _("Add point…")),
            (self.edit_point_button, _("Edit…")),
            (self.add_rule_button, _("Add rule…")),
            (self.add_item_button, _("Add item…")),
            (self.edit_item_button, _("Edit…")),
        ):
            button.setText(text)
        for model in (self.points_model, self.rules_model, self.items_model):
            model.retranslate()

    def refresh(self) -> None:
        for model, view in (
            (self.points_model, self.points_view),
            (self.rules_model, self.rules_view),
            (self.items_model, self.items_view),
        ):
            model.reload()  # the columns are fitted once its rows are in

    @staticmethod
    def _selected(view: QTableView, model: LazyTableModel) -> dict | None:
        index = view.currentIndex()
        return model.row(index.row()) if index.isValid() else None

    def _open(self, dialog: RecordDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _id: self.refresh())
        dialog.open()

    def _edit_point(self, row: dict | None) -> None:
        if row is not None:  # a name kept only as `name` goes into the field of its language
            row = {**row, **dict(zip(("name_kk", "name_ru"), bilingual.form_names(row), strict=True))}
        fields = [
            Field("name_kk", N_("Name in Kazakh:")),
            Field("name_ru", N_("Name in Russian:")),
            Field("address", N_("Address:")),
            Field("opening_hours", N_("Opening hours:")),
            Field("contact_name", N_("Contact person:")),
            Field("contact_phone", N_("Contact phone:")),
        ]
        self._open(
            RecordDialog(self.ctx, _("Aid point"), fields, aid.save_aid_point, ("aid_points",), row, self)
        )

    def _edit_item(self, row: dict | None) -> None:
        if row is not None and row["house_id"] is None:
            return  # central items are changed centrally
        fields = [
            Field("name_kk", N_("Name in Kazakh:")),
            Field("name_ru", N_("Name in Russian:")),
            Field("unit", N_("Unit:"), lambda store: list(aid.reference_names(store, "units").items())),
            Field(
                "item_group",
                N_("Group:"),
                lambda store: list(aid.reference_names(store, "item_groups").items()),
            ),
        ]
        self._open(RecordDialog(self.ctx, _("Item"), fields, aid.save_item, ("aid_items",), row, self))

    def _on_add_rule_button_clicked(self) -> None:
        fields = [
            Field("programme", N_("Programme:"), programme_pairs),
            Field(
                "scope", N_("Applies:"), lambda _store: [(k, _(v)) for k, v in aid_rules.SCOPE_LABELS.items()]
            ),
            Field(
                "period",
                N_("Period:"),
                lambda _store: [(k, _(v).format(days="N")) for k, v in aid_rules.PERIOD_LABELS.items()],
            ),
            Field("period_days", N_("Number of days (for N days):")),
            Field("max_count", N_("Times per period:")),
        ]
        dialog = RecordDialog(
            self.ctx, _("Programme rule"), fields, aid.save_rule, ("programme_rules",), None, self
        )
        max_count = dialog.widgets["max_count"]
        assert isinstance(max_count, QLineEdit)  # a field without choices
        max_count.setText("1")
        self._open(dialog)


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
