"""The audit (the administrator's page in Sync & settings): who changed what, when and on which PC, filtered by
person, record, table and dates, each entry's old → new values beside the list, and an XLSX export. The reads and
the permission check are the core's (desktop/audit.py)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import audit, clock, formats
from desktop.audit import AuditEntry, AuditFilter
from desktop.errors import DostyqError, field_label
from desktop.i18n import N_, _
from desktop.table_labels import table_label
from ui.ops import ReadOp, WriteOp
from ui.widgets.inputs import date_of, fill_combo, setup_date_edit
from ui.widgets.lazy_table import Column, LazyTableModel, record_view


def _fields(entry: AuditEntry) -> str:
    return ", ".join(_(field_label(c.field)) for c in entry.changes)


COLUMNS = [
    Column(N_("When"), lambda e: formats.format_short_datetime(e.at), sort=lambda e: e.id),
    Column(N_("Who"), lambda e: e.who),
    Column(N_("Action"), lambda e: audit.action_label(e.action)),
    Column(N_("Table"), lambda e: table_label(e.table) if e.table else ""),
    Column(N_("Record"), lambda e: e.record or e.row_id),
    Column(N_("Fields"), _fields),
]


class AuditPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record: tuple[str, str] | None = None  # the record the list is narrowed to
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        filters = QHBoxLayout()
        self.person_label, self.person_combo = QLabel(self), QComboBox(self)
        self.table_label, self.table_combo = QLabel(self), QComboBox(self)
        self.from_check, self.from_edit = QCheckBox(self), QDateEdit(self)
        self.to_check, self.to_edit = QCheckBox(self), QDateEdit(self)
        today = clock.today()
        setup_date_edit(self.from_edit, today - dt.timedelta(days=30))
        setup_date_edit(self.to_edit, today)
        for widget in (
            self.person_label,
            self.person_combo,
            self.table_label,
            self.table_combo,
            self.from_check,
            self.from_edit,
            self.to_check,
            self.to_edit,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        self.record_label = QLabel(self)
        self.record_button = QPushButton(self)
        self.all_records_button = QPushButton(self)
        self.export_button = QPushButton(self)
        actions.addWidget(self.record_button)
        actions.addWidget(self.all_records_button)
        actions.addWidget(self.record_label, 1)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)

        self.model = LazyTableModel(COLUMNS, ctx, source=self._source)
        self.view = record_view(self.model, self)
        for column, width in enumerate((130, 220, 110, 120, 160)):
            self.view.setColumnWidth(column, width)
        for combo in (self.person_combo, self.table_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(140)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.person_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.table_combo.currentIndexChanged.connect(lambda _i: self._on_table_changed())
        for check in (self.from_check, self.to_check):
            check.toggled.connect(lambda _on: self.reload())
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _d: self._on_date_changed())
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_details())
        self.model.modelReset.connect(self._show_details)
        self.model.loaded.connect(self._on_loaded)
        self.record_button.clicked.connect(self._on_record_clicked)
        self.all_records_button.clicked.connect(self._on_all_records_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        ctx.data_changed.connect(self._on_data_changed)
        self.retranslate_ui()

    def _on_data_changed(self, _table: str) -> None:
        if self.isVisible() and self.ctx.actor.can("audit"):
            self.reload()

    # ---- the filter ---------------------------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        table, row_id = self.record if self.record else (self.table_combo.currentData(), None)
        return AuditFilter(
            account_id=self.person_combo.currentData(),
            table=table,
            row_id=row_id,
            date_from=date_of(self.from_edit) if self.from_check.isChecked() else None,
            date_to=date_of(self.to_edit) if self.to_check.isChecked() else None,
        )

    def _source(self):
        f = self.current_filter()
        return (
            lambda store, offset, limit: audit.list_entries(store, f, limit, offset),
            lambda store: audit.count_entries(store, f),
        )

    def refresh(self) -> None:
        ReadOp(self.ctx, audit.filter_choices, parent=self).success(self._on_choices_read).latest(
            "choices"
        ).run()
        self.reload()

    def _on_choices_read(self, answer: tuple[list[tuple[str, str]], list[str]]) -> None:
        people, tables = answer
        fill_combo(self.person_combo, people, empty=_("Everyone"))
        fill_combo(self.table_combo, [(t, table_label(t)) for t in tables], empty=_("All tables"))

    def reload(self) -> None:
        self._show_record()
        self.model.reload()

    def _on_table_changed(self) -> None:
        self.record = None
        self.reload()

    def _on_date_changed(self) -> None:
        if self.from_check.isChecked() or self.to_check.isChecked():
            self.reload()

    def _on_record_clicked(self) -> None:
        entry = self.selected()
        if entry is not None and entry.table and entry.row_id:
            self.record = (entry.table, entry.row_id)
            self.reload()

    def _on_all_records_clicked(self) -> None:
        self.record = None
        self.reload()

    def _show_record(self) -> None:
        self.all_records_button.setEnabled(self.record is not None)
        self.record_label.setText(
            _("Only the record {record}").format(record=" ".join(self.record)) if self.record else ""
        )

    def _on_loaded(self) -> None:
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectRow(0)
        self._show_details()

    # ---- details ------------------------------------------------------------------------------------------
    def selected(self) -> AuditEntry | None:
        index = self.view.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _show_details(self) -> None:
        entry = self.selected()
        self.record_button.setEnabled(bool(entry and entry.row_id))
        if entry is None:
            self.details.setPlainText("")
            return
        head = [
            formats.format_datetime(entry.at),
            entry.who,
            " ".join(
                p
                for p in (
                    audit.action_label(entry.action),
                    table_label(entry.table) if entry.table else "",
                    entry.record,
                )
                if p
            ),
            "",
        ]
        self.details.setPlainText("\n".join(head) + audit.changes_text(entry))

    # ---- export -------------------------------------------------------------------------------------------
    def _on_export_clicked(self) -> None:
        name = f"dostyq-audit-{clock.today().isoformat()}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(self, _("Export the audit"), name, _("Excel (*.xlsx)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        f = self.current_filter()
        self.message.setText("")
        WriteOp(
            self.ctx,
            lambda store, progress: audit.export_xlsx(store, f, path, progress),
            tables=None,
            parent=self,
        ).with_progress(N_("Exporting the audit…")).success(
            lambda count: self.message.setText(
                _("Entries saved: {count}. File: {path}").format(count=count, path=path)
            )
        ).failure(self._on_failed).run()

    def _on_failed(self, error: DostyqError) -> None:
        self.message.setText(error.message)

    # ---- language -----------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "Every change made on this PC: who made it, when, and each field's old and new value. Only the "
                "administrator sees this page."
            )
        )
        self.person_label.setText(_("Person:"))
        self.table_label.setText(_("Table:"))
        self.from_check.setText(_("From"))
        self.to_check.setText(_("To"))
        for edit in (self.from_edit, self.to_edit):
            kept = edit.date()
            setup_date_edit(edit)
            edit.setDate(kept)
        self.record_button.setText(_("Only this record"))
        self.all_records_button.setText(_("All records"))
        self.export_button.setText(_("Export XLSX…"))
        if self.person_combo.count():
            self.person_combo.setItemText(0, _("Everyone"))
            self.table_combo.setItemText(0, _("All tables"))
        self._show_record()
        self.model.retranslate()
        self._show_details()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
