"""Retention (the administrator's page in Sync & settings): how many years without activity before a person is due
for erasure, the people due now, and "Erase selected" after a confirmation. The rule, its activities and the
erasure are the core's (desktop/erasure.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import erasure, people
from desktop.errors import DostyqError
from desktop.formats import format_short_date
from desktop.i18n import N_, _, ngettext
from ui.ops import ReadOp, WriteOp
from ui.widgets.lazy_table import Column, LazyTableModel, record_view

ERASURE_TABLES = ("people", "volunteers", "recipients", "households", "group_members", "consents")


def _day(value: str | None) -> str:
    return format_short_date(dt.date.fromisoformat(value[:10])) if value else ""


COLUMNS = [
    Column(N_("Name"), people.full_name),
    Column(N_("Born"), lambda r: _day(r.get("birth_date"))),
    Column(N_("Last activity"), lambda r: _day(r.get("last_activity"))),
]


class RetentionPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.confirm: QMessageBox | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        self.years_label = QLabel(self)
        self.years_spin = QSpinBox(self)
        self.years_spin.setRange(*erasure.RETENTION_RANGE)
        self.years_spin.setValue(erasure.RETENTION_DEFAULT)
        self.years_spin.editingFinished.connect(self._on_years_spin_edited)
        row.addWidget(self.years_label)
        row.addWidget(self.years_spin)
        row.addStretch(1)
        self.erase_button = QPushButton(self)
        self.erase_button.clicked.connect(self._on_erase_button_clicked)
        row.addWidget(self.erase_button)
        layout.addLayout(row)
        self.model = LazyTableModel(
            COLUMNS,
            ctx,
            fetch=lambda store, offset, limit: erasure.due_for_erasure(store, offset=offset, limit=limit),
        )
        self.view = record_view(self.model, self, several=True)
        layout.addWidget(self.view, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.model.loaded.connect(self._on_model_loaded)
        ctx.data_changed.connect(self._on_data_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "People with no activity for the years below are due for erasure: no aid, no volunteer shift, no "
                "event attended, no consent given, no donation and no group membership or leadership in that time "
                "(being registered counts as activity). Erasure removes their name, IIN, phone, address and notes "
                "on every PC and on the server; what they were counted in stays counted, anonymously."
            )
        )
        self.years_label.setText(_("Years without activity"))
        self.erase_button.setText(_("Erase selected…"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def refresh(self) -> None:
        ReadOp(self.ctx, erasure.retention_years, parent=self).success(self.years_spin.setValue).run()
        self.model.reload()

    def _on_model_loaded(self) -> None:
        self.view.resizeColumnsToContents()
        count = self.model.rowCount()
        self.message.setText(
            ngettext(
                "{count} person is due for erasure.", "{count} people are due for erasure.", count
            ).format(count=count)
        )

    def _on_data_changed(self, table: str) -> None:
        if table in ("", "meta", *ERASURE_TABLES) and self.isVisible() and self.ctx.actor.can("people.erase"):
            self.refresh()

    def _on_years_spin_edited(self) -> None:
        years = self.years_spin.value()
        WriteOp(
            self.ctx, lambda store: erasure.set_retention_years(store, years), tables=("meta",), parent=self
        ).success(lambda _r: self.model.reload()).failure(self._show_error).run()

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [r["id"] for r in (self.model.row(i) for i in rows) if r is not None]

    def _on_erase_button_clicked(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.setText(_("Select the people to erase in the list."))
            return
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Erase personal data"),
            ngettext(
                "Erase the personal data of {count} person?",
                "Erase the personal data of {count} people?",
                len(ids),
            ).format(count=len(ids))
            + "\n\n"
            + _(
                "Name, IIN, phone, e-mail, address, locality, notes, emergency contact and guardian's name are "
                "erased on every PC and on the server. The aid given, volunteer hours, group membership and "
                "attendance stay counted as an anonymous person (sex and age only). This cannot be undone."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm.button(QMessageBox.StandardButton.Yes).setText(_("Erase"))
        self.confirm.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
        self.confirm.accepted.connect(lambda: self._erase(ids))
        self.confirm.open()

    def _erase(self, ids: list[str]) -> None:
        WriteOp(
            self.ctx, lambda store: erasure.erase_people(store, ids), tables=ERASURE_TABLES, parent=self
        ).success(self._on_erased).failure(self._show_error).run()

    def _on_erased(self, count: int) -> None:
        self.model.reload()
        self.message.setText(
            ngettext("{count} person erased.", "{count} people erased.", count).format(count=count)
        )

    def _show_error(self, error: DostyqError) -> None:
        self.message.setText(error.message)
