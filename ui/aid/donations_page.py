"""Donations received: the ledger list, a new donation, and corrections by reversal."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import aid
from desktop.errors import DostyqError
from desktop.formats import format_money
from desktop.i18n import N_, _
from ui.aid.common import short_date
from ui.aid.donation_dialog import DonationDialog
from ui.aid.reason_dialog import ReasonDialog
from ui.ops import WriteOp
from ui.widgets.export_button import ExportButton
from ui.widgets.form_keys import mark_action
from ui.widgets.lazy_table import Column, LazyTableModel, enable_sorting


def _note(row: dict) -> str:
    if row.get("reverses_id"):
        return _("Correction: {reason}").format(reason=row.get("reason") or "")
    if row.get("reversed"):
        return _("Reversed")
    return row.get("notes") or ""


class DonationsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: DonationDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.new_button = QPushButton(self)
        mark_action(self.new_button, "new")
        self.reverse_button = QPushButton(self)
        self.status_label = QLabel(self)
        top.addWidget(self.new_button)
        top.addWidget(self.reverse_button)
        top.addWidget(self.status_label, 1)
        layout.addLayout(top)
        self.export_button = ExportButton(ctx, "donations", parent=self)
        top.addWidget(self.export_button)
        self.model = LazyTableModel(
            [
                Column(N_("Date"), lambda r: short_date(r["received_on"]), sort=lambda r: r["received_on"]),
                Column(N_("Receipt No."), lambda r: r["number"]),
                Column(N_("Donor"), aid.donor_label),
                Column(N_("Items"), lambda r: r["items"] or ""),
                Column(
                    N_("Value"),
                    lambda r: format_money(r["value_kzt"]) if r["value_kzt"] is not None else "",
                    align_right=True,
                    sort=lambda r: r["value_kzt"] or 0,
                ),
                Column(N_("Aid point"), lambda r: aid.point_label(r, prefix="point_name")),
                Column(N_("Received by"), lambda r: r["received_by"] or ""),
                Column(N_("Note"), _note),
            ],
            ctx,
            lambda store, o, n: aid.list_donations(store, limit=n, offset=o),
            aid.count_donations,
            self,
        )
        self.view = QTableView(self)
        self.view.setModel(self.model)
        enable_sorting(self.view)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.export_button.model = self.model
        self.model.loaded.connect(self.view.resizeColumnsToContents)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.reverse_button.clicked.connect(self._on_reverse_button_clicked)

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New donation…"))
        self.reverse_button.setText(_("Reverse the selected donation…"))
        self.export_button.retranslate_ui()
        self.model.retranslate()

    def refresh(self) -> None:
        self.model.reload()  # the columns are fitted once its rows are in

    def _on_new_button_clicked(self) -> None:
        self.dialog = DonationDialog(self.ctx, self)
        self.dialog.saved.connect(self._on_dialog_saved)
        self.dialog.open()

    def _on_dialog_saved(self, result) -> None:
        self.status_label.setText(_("Saved: receipt No. {number}.").format(number=result.number))
        self.refresh()

    def _on_reverse_button_clicked(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row(index.row()) if index.isValid() else None
        if row is None:
            return
        self.reason_dialog = ReasonDialog(
            _("Reverse entry {number}").format(number=row["number"]),
            _(
                "A correction entry will take the items of donation {number} back out of stock. Why is it "
                "corrected?"
            ).format(number=row["number"]),
            self,
        )
        self.reason_dialog.accepted.connect(lambda: self._reverse(row["id"], self.reason_dialog.reason))
        self.reason_dialog.open()

    def _reverse(self, donation_id: str, reason: str) -> None:
        WriteOp(
            self.ctx,
            lambda store: aid.reverse_donation(store, donation_id, reason),
            tables=("donations", "donation_lines"),
            parent=self,
        ).success(self._on_reversed).failure(self._on_reverse_failed).run()

    def _on_reverse_failed(self, error: DostyqError) -> None:
        self.status_label.setText(error.message)
        self.status_label.setStyleSheet("color: #c0392b;")

    def _on_reversed(self, result) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(_("Correction saved: receipt No. {number}.").format(number=result.number))
        self.refresh()
