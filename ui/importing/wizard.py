"""The import wizard: file → sheet → header row → columns → dry run with the possible duplicates decided pair by
pair → the import (progress, cancel) → its counts, the XLSX report and undo. Every read and write runs in an op;
a refusal of the core is shown on the step that asked, and nothing is written before the import step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop import people
from desktop.errors import DostyqError, field_label
from desktop.i18n import N_, _
from desktop.importing import ImportFileError, commit, dry_run, undo, write_report
from desktop.importing.header import KIND_FIELDS, layout_at
from desktop.importing.plan import open_file
from ui.importing.steps import (
    DIFFERENT,
    DryRunStep,
    FileStep,
    HeaderStep,
    MappingStep,
    ResultStep,
    SheetStep,
)
from ui.ops import BackgroundOp, ReadOp, WriteOp
from ui.widgets.form_keys import FormKeys

FILE_STEP, SHEET_STEP, HEADER_STEP, MAPPING_STEP, DRY_RUN_STEP, RESULT_STEP = range(6)
WRITTEN_TABLES = {
    "volunteers": ("people", "volunteers", "people_distinct", "skills"),
    "recipients": ("people", "recipients", "households", "consents", "people_distinct"),
    "members": ("people", "creative_groups", "group_members", "consents", "people_distinct"),
    "events": ("events",),
    "items": ("aid_items",),
}
UNDONE_TABLES = tuple(dict.fromkeys(t for tables in WRITTEN_TABLES.values() for t in tables))
FILE_FILTER = N_("Spreadsheets (*.xlsx *.xls *.csv)")
REPORT_FILTER = N_("Excel workbook (*.xlsx)")
WARN_COLOR, REJECT_COLOR, HELD_COLOR = QColor("#fff4d6"), QColor("#fde2e2"), QColor("#e3ecfb")


class ImportWizard(QDialog):
    def __init__(self, ctx, kind: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.path = ""
        self.encoding: str | None = None  # a CSV file read as detected, unless the user says otherwise
        self.delimiter: str | None = None
        self.sheet: str | None = None
        self.rows: list[tuple[int, list[Any]]] = []
        self.sheet_names: list[str] = []
        self.headers: list[str] = []
        self.guessed: Any = None
        self.plan: Any = None
        self.result: Any = None
        self.pair_rows: list[int] = []
        self.resize(1180, 700)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget(self)
        self.file_step = FileStep(self.stack)
        self.sheet_step = SheetStep(self.stack)
        self.header_step = HeaderStep(self.stack)
        self.mapping_step = MappingStep(self.stack)
        self.dry_run_step = DryRunStep(self.stack)
        self.result_step = ResultStep(self.stack)
        for step in self.steps():
            self.stack.addWidget(step)
        layout.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        if kind is not None:
            self.file_step.kind_combo.setCurrentIndex(max(0, self.file_step.kind_combo.findData(kind)))
        self.file_step.browse.clicked.connect(self._on_browse_clicked)
        self.file_step.kind_combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.header_step.row_spin.valueChanged.connect(self._on_header_row_changed)
        self.header_step.encoding_combo.currentIndexChanged.connect(lambda _i: self._on_csv_choice_changed())
        self.header_step.delimiter_combo.currentIndexChanged.connect(lambda _i: self._on_csv_choice_changed())
        self.result_step.save_report.clicked.connect(self._on_save_report_clicked)
        self.result_step.undo.clicked.connect(self.undo_import)
        self.back_button.clicked.connect(self._on_back_clicked)
        self.next_button.clicked.connect(self._on_next_clicked)
        self.close_button.clicked.connect(self.close)
        # Ctrl+Enter (or Ctrl+S) goes on, as Next or Import does; closing part-way (Esc, Close) asks first.
        self.keys = FormKeys(
            self,
            self.next_button.click,
            can_save=lambda: self.next_button.isVisible() and self.next_button.isEnabled(),
            unsaved=lambda: FILE_STEP < self.stack.currentIndex() < RESULT_STEP,
        )
        self.retranslate_ui()
        self._update_buttons()

    # ---- shape -----------------------------------------------------------------------------------------------
    def steps(self):
        return (
            self.file_step,
            self.sheet_step,
            self.header_step,
            self.mapping_step,
            self.dry_run_step,
            self.result_step,
        )

    @property
    def kind(self) -> str:
        return self.file_step.kind_combo.currentData()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import a spreadsheet"))
        for step in self.steps():
            step.retranslate_ui()
        self.back_button.setText(_("Back"))
        self.close_button.setText(_("Close"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        self.back_button.setEnabled(FILE_STEP < step < RESULT_STEP)
        self.next_button.setVisible(step < RESULT_STEP)
        self.next_button.setText(_("Import") if step == DRY_RUN_STEP else _("Next"))
        self.next_button.setEnabled(step != FILE_STEP or bool(self.path))

    def _go(self, step: int) -> None:
        for page in self.steps():
            page.show_message("")
        self.stack.setCurrentIndex(step)
        self._update_buttons()

    def _busy(self, busy: bool) -> None:
        self.next_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy and FILE_STEP < self.stack.currentIndex() < RESULT_STEP)

    def _refused(self, step) -> Any:
        def show(error: DostyqError) -> None:
            step.show_message(error.message)
            self._update_buttons()

        return show

    # ---- the file and the sheet ------------------------------------------------------------------------------
    def _on_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Spreadsheet to import"), "", _(FILE_FILTER))
        if path:
            self.choose_file(path)

    def choose_file(self, path: str) -> None:
        self.path = path
        self.encoding = self.delimiter = None  # a new file: detected again
        self.file_step.path_edit.setText(path)
        self.file_step.show_message("")
        self._update_buttons()

    def _on_next_clicked(self) -> None:
        step = self.stack.currentIndex()
        if step == FILE_STEP:
            self.sheet = None
            self._read(self.file_step)
        elif step == SHEET_STEP:
            current = self.sheet_step.sheets.currentItem()
            self.sheet = current.text() if current else None
            self._read(self.sheet_step)
        elif step == HEADER_STEP:
            self._show_mapping()
        elif step == MAPPING_STEP:
            self._dry_run()
        elif step == DRY_RUN_STEP:
            self._commit()

    def _on_back_clicked(self) -> None:
        step = self.stack.currentIndex()
        back = step - 1
        if back == SHEET_STEP and len(self.sheet_names) < 2:
            back = FILE_STEP
        self._go(back)

    def _read(self, step) -> None:
        path, sheet, kind = self.path, self.sheet, self.kind
        encoding, delimiter = self.encoding, self.delimiter

        self._busy(True)
        ReadOp(
            self.ctx,
            lambda store: open_file(store, path, kind, sheet=sheet, encoding=encoding, delimiter=delimiter),
            parent=self,
        ).success(lambda answer: self._on_read(step, *answer)).failure(self._refused(step)).run()

    def _on_read(self, step, data, layout) -> None:
        self.rows, self.sheet_names, self.guessed = data.rows, data.sheet_names, layout
        if step is self.file_step and len(self.sheet_names) > 1:
            self.sheet_step.sheets.clear()
            self.sheet_step.sheets.addItems(self.sheet_names)
            self.sheet_step.sheets.setCurrentRow(max(0, self.sheet_names.index(data.name)))
            self._go(SHEET_STEP)
            return
        if layout is None:
            step.show_message(ImportFileError("no_header", name=Path(self.path).name).message)
            self._update_buttons()
            return
        self.header_step.show_csv(data.encoding, data.delimiter)
        self.header_step.show_message("")
        spin = self.header_step.row_spin
        spin.blockSignals(True)
        spin.setRange(self.rows[0][0], self.rows[min(len(self.rows), 30) - 1][0])
        spin.setValue(layout.header_row)
        spin.blockSignals(False)
        self.header_step.show_rows(self.rows, layout.header_row)
        self._go(HEADER_STEP)

    # ---- header and columns ----------------------------------------------------------------------------------
    def _on_csv_choice_changed(self) -> None:
        """The user says how the CSV file is written: it is read again so."""
        self.encoding = self.header_step.encoding_combo.currentData()
        self.delimiter = self.header_step.delimiter_combo.currentData()
        self._read(self.header_step)

    def _on_header_row_changed(self, value: int) -> None:
        self.header_step.show_rows(self.rows, value)

    def _show_mapping(self) -> None:
        header_row = self.header_step.row_spin.value()
        layout = self.guessed
        if layout is None or layout.header_row != header_row:
            layout = layout_at(self.rows, self.kind, header_row)
        self.headers = layout.headers
        self.mapping_step.show_columns(layout.headers, list(KIND_FIELDS[self.kind]), layout.mapping)
        self._go(MAPPING_STEP)

    # ---- the dry run -----------------------------------------------------------------------------------------
    def _dry_run(self) -> None:
        path, kind, sheet = self.path, self.kind, self.sheet
        header_row, mapping = self.header_step.row_spin.value(), self.mapping_step.mapping()
        encoding, delimiter = self.encoding, self.delimiter

        self._busy(True)
        ReadOp(
            self.ctx,
            lambda store, progress: dry_run(
                store,
                path,
                kind,
                sheet=sheet,
                header_row=header_row,
                mapping=mapping,
                encoding=encoding,
                delimiter=delimiter,
                progress=progress,
            ),
            parent=self,
        ).with_progress(N_("Checking the rows…")).success(self._on_dry_run).failure(
            self._refused(self.mapping_step)
        ).run()

    def _on_dry_run(self, plan) -> None:
        on_file = plan.on_file
        self.plan = plan
        step = self.dry_run_step
        c = plan.counts()
        step.counts.setText(
            _(
                "Rows: {rows}. Will be imported: {imported} (with warnings: {warnings}). Possible duplicates, "
                "waiting for your decision: {held}. Not imported: {rejected}. Totals rows left out: {totals}."
            ).format(
                rows=c["rows"],
                imported=c["import"],
                warnings=c["with_warnings"],
                held=c["held"],
                rejected=c["reject"],
                totals=c["totals_rows"],
            )
        )
        self._fill_rows(step.rows)
        pairs = []
        self.pair_rows = []
        names = {r.row: people.full_name(r.clean) for r in plan.rows if r.clean}
        for row in plan.rows:
            for what, other, why in row.duplicates if row.held else ():
                if what == "row":
                    text = _("row {row}: {name}").format(row=other, name=names.get(other, ""))
                else:
                    text = _("on file: {name}").format(name=on_file.get(other, ""))
                pairs.append((row.row, text, why))
                self.pair_rows.append(row.row)
        step.show_pairs(pairs)
        self._go(DRY_RUN_STEP)

    def _fill_rows(self, table, result=None) -> None:
        """Every row of the plan with its outcome: what a dry run would do, or (given `result`) what was done."""
        table.setRowCount(len(self.plan.rows))
        for line, row in enumerate(self.plan.rows):
            outcome, notes, color = self._outcome(row, result)
            name = people.full_name(row.clean) if row.clean else str(next(iter(row.form.values()), "") or "")
            details = " ".join(n.message for n in notes)
            for col, value in enumerate((str(row.row), name, outcome, details)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if color is not None:
                    item.setBackground(color)
                table.setItem(line, col, item)
        table.resizeColumnToContents(0)
        table.setColumnWidth(1, 220)
        table.resizeColumnToContents(2)
        table.setColumnWidth(2, min(table.columnWidth(2), 420))

    def _outcome(self, row, result=None) -> tuple[str, list, QColor | None]:
        failed = result.failed.get(row.row) if result is not None else None
        if row.status == "reject" or failed:
            return _("Not imported"), row.errors or failed or [], REJECT_COLOR
        if result is not None and row.row in result.held:
            return _("Held: may be a duplicate"), row.warnings, HELD_COLOR
        if result is None and row.held:
            return _("Possible duplicate: your decision"), row.warnings, HELD_COLOR
        if row.warnings:
            fields = ", ".join(dict.fromkeys(_(field_label(w.field)) for w in row.warnings))
            text = _("Imported with warnings: {fields}") if result else _("Import with warnings: {fields}")
            return text.format(fields=fields), row.warnings, WARN_COLOR
        return (_("Imported") if result else _("Import")), [], None

    def decisions(self) -> dict[int, str]:
        """A held row is imported only when every pair it is in is decided "different people"."""
        verdicts: dict[int, list[str]] = {}
        for row, combo in zip(self.pair_rows, self.dry_run_step.decision_combos, strict=True):
            verdicts.setdefault(row, []).append(combo.currentData())
        return {row: DIFFERENT for row, v in verdicts.items() if all(d == DIFFERENT for d in v)}

    # ---- the import, the report, undo ------------------------------------------------------------------------
    def _commit(self) -> None:
        plan, decisions = self.plan, self.decisions()

        self._busy(True)
        WriteOp(
            self.ctx,
            lambda store, progress: commit(store, plan, decisions=decisions, progress=progress),
            tables=WRITTEN_TABLES[plan.kind],
            parent=self,
        ).with_progress(N_("Importing the rows…")).success(self._on_committed).failure(
            self._refused(self.dry_run_step)
        ).run()

    def _on_committed(self, result) -> None:
        self.result = result
        failed = len(result.failed)
        rejected = sum(1 for r in self.plan.rows if r.status == "reject")
        self.result_step.counts.setText(
            _(
                "Imported: {imported} rows ({records} records written). Not imported: {rejected}. "
                "Left out as possible duplicates: {held}."
            ).format(
                imported=len(result.created),
                records=result.records,
                rejected=rejected + failed,
                held=len(result.held),
            )
        )
        self._fill_rows(self.result_step.rows, result)
        self.result_step.undo.setEnabled(True)
        self.result_step.notice.setText("")
        self._go(RESULT_STEP)

    def _on_save_report_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the import report"), "import_report.xlsx", _(REPORT_FILTER)
        )
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> None:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        plan, result = self.plan, self.result
        BackgroundOp(self.ctx, lambda: write_report(plan, result, path), parent=self).success(
            lambda saved: self.result_step.notice.setText(_("The report is saved: {path}").format(path=saved))
        ).failure(self._refused(self.result_step)).run()

    def undo_import(self) -> None:
        import_id = self.result.import_id
        self.result_step.undo.setEnabled(False)
        WriteOp(self.ctx, lambda store: undo(store, import_id), tables=UNDONE_TABLES, parent=self).success(
            lambda count: self.result_step.notice.setText(
                _("The import is undone: {count} records removed.").format(count=count)
            )
        ).failure(self._on_undo_refused).run()

    def _on_undo_refused(self, error: DostyqError) -> None:
        self.result_step.show_message(error.message)
        self.result_step.undo.setEnabled(True)
