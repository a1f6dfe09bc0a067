"""The monthly report: pick a month (the last full one by default), preview it, export it, submit it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import DostyqError
from desktop.formats import format_month, format_short_date
from desktop.i18n import LANGUAGE_NAMES, N_, _, ngettext
from desktop.periods import parse_month
from desktop.reports.files import (
    DEFAULT_DELIMITER,
    FORMATS,
    default_file_name,
    export_in_worker,
    record_export,
)
from desktop.reports.submission import latest_report, submit_month
from desktop.reports.summary import MonthlySummary, build_summary, recent_months
from ui.ops import BackgroundOp, ReadOp, WriteOp
from ui.reports.figures_model import ui_lang
from ui.reports.summary_view import SummaryView

_FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)", "hxl": "HXL (*.csv)"}
_FOLDER_KEY = "reports_folder"


class ReportPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.summary: MonthlySummary | None = None
        self._last_report: dict | None = None  # the newest submitted version of the shown month
        self._export_job: tuple | None = None  # (summary, format, language) of the export under way
        self._stale = True
        outer = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.month_label = QLabel(self)
        self.month_combo = QComboBox(self)
        for month in recent_months(clock.today()):
            self.month_combo.addItem("", month)
        self.month_combo.currentIndexChanged.connect(self._on_month_combo_current_index_changed)
        self.lang_label = QLabel(self)
        self.lang_combo = QComboBox(self)
        for code in ("kk", "ru", "both"):
            self.lang_combo.addItem("", code)
        self.lang_combo.setCurrentIndex(self.lang_combo.findData(ui_lang()))  # the interface language first
        self.semicolon_check = QCheckBox(self)
        self.semicolon_check.setChecked(DEFAULT_DELIMITER == ";")
        bar.addWidget(self.month_label)
        bar.addWidget(self.month_combo)
        bar.addSpacing(16)
        bar.addWidget(self.lang_label)
        bar.addWidget(self.lang_combo)
        bar.addWidget(self.semicolon_check)
        bar.addStretch(1)
        outer.addLayout(bar)
        # Exports and Submit on a row of their own: with the Russian labels one row would not fit a 1366 px screen.
        bar = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in FORMATS:
            button = QPushButton(fmt.upper(), self)
            button.setProperty("report_format", fmt)
            button.clicked.connect(self._on_export_button_clicked)
            self.export_buttons[fmt] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.submit_button = QPushButton(self)
        self.submit_button.setStyleSheet("QPushButton { font-weight: bold; padding: 4px 14px; }")
        self.submit_button.clicked.connect(self._on_submit_button_clicked)
        bar.addWidget(self.submit_button)
        outer.addLayout(bar)

        status = QHBoxLayout()
        self.submission_label = QLabel(self)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        status.addWidget(self.submission_label)
        status.addSpacing(16)
        status.addWidget(self.message_label, 1)
        status.addWidget(self.progress)
        outer.addLayout(status)

        self.view = SummaryView(self)
        outer.addWidget(self.view, 1)
        ctx.data_changed.connect(self._on_ctx_data_changed)

    # ---- texts ---------------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.month_label.setText(_("Month:"))
        for i in range(self.month_combo.count()):
            self.month_combo.setItemText(i, format_month(parse_month(self.month_combo.itemData(i))))
        self.lang_label.setText(_("Language of the file:"))
        self.lang_combo.setItemText(0, LANGUAGE_NAMES["kk"])
        self.lang_combo.setItemText(1, LANGUAGE_NAMES["ru"])
        self.lang_combo.setItemText(2, _("Both, side by side"))
        self.semicolon_check.setText(_("CSV with “;”"))
        self.semicolon_check.setToolTip(_("Excel on Kazakh and Russian Windows expects “;” between columns"))
        for fmt, button in self.export_buttons.items():
            button.setToolTip(_("Save the report as {format}").format(format=fmt.upper()))
        self.submit_button.setText(_("Submit to the region"))
        self.submit_button.setToolTip(
            _("The summary is sent with the next sync; a resubmission becomes a new version")
        )
        self.view.retranslate_ui()
        self._show_submission_state()

    # ---- loading ---------------------------------------------------------------------------------------------
    @property
    def month(self) -> str:
        return self.month_combo.currentData()

    def set_month(self, month: str) -> None:
        index = self.month_combo.findData(month)
        if index >= 0:
            self.month_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        if self._stale:
            self.load()

    def load(self) -> None:
        self._stale = False
        self._set_busy(True)
        self.message_label.setText(_("Counting the figures…"))
        month = self.month

        def read(store) -> tuple[MonthlySummary, dict | None]:
            # The figures and the month's newest submitted version, read together.
            return build_summary(store, month), latest_report(store, month)

        ReadOp(self.ctx, read, parent=self).success(self._on_summary_ready).failure(
            self._on_task_failed
        ).latest("summary").run()

    def _on_summary_ready(self, answer: tuple[MonthlySummary, dict | None]) -> None:
        summary, last_report = answer
        if summary.month != self.month:
            return  # the user picked another month meanwhile
        self.summary = summary
        self.view.set_summary(summary)
        self._set_busy(False)
        self.message_label.setText("")
        self._last_report = last_report
        self._show_submission_state()

    def _on_month_combo_current_index_changed(self, _index: int) -> None:
        self.load()

    def _on_ctx_data_changed(self, table: str) -> None:
        if table != "monthly_reports":
            self._stale = True

    def _set_busy(self, busy: bool) -> None:
        for button in [*self.export_buttons.values(), self.submit_button]:
            button.setEnabled(not busy and self.summary is not None)

    def _show_submission_state(self) -> None:
        last = self._last_report
        if self.summary is None:
            self.submission_label.setText("")
        elif last is None:
            self.submission_label.setText(_("Not submitted yet"))
            self.submission_label.setStyleSheet("color: #b35c00;")
        else:
            self.submission_label.setText(
                _("Submitted: version {version}, {date}").format(
                    version=last["version"],
                    date=format_short_date(dt.date.fromisoformat(last["submitted_at"][:10]))
                    if last["submitted_at"]
                    else "",
                )
            )
            self.submission_label.setStyleSheet("color: #2e7d32;")
        # Never squeezed by the message beside it: the state is read whole.
        self.submission_label.setMinimumWidth(self.submission_label.sizeHint().width())

    # ---- export ----------------------------------------------------------------------------------------------
    def _on_export_button_clicked(self) -> None:
        self.ask_and_export(self.sender().property("report_format"))

    def ask_and_export(self, fmt: str) -> None:
        if self.summary is None:
            return
        lang = self.lang_combo.currentData()
        folder = Path(self.ctx.settings.extra.get(_FOLDER_KEY) or Path.home())
        suggested = folder / default_file_name(self.summary, fmt, lang)
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the report"), str(suggested), _FILTERS[fmt])
        if path:
            self.start_export(fmt, path)

    def start_export(self, fmt: str, path: str) -> None:
        lang = self.lang_combo.currentData()
        delimiter = ";" if self.semicolon_check.isChecked() else ","
        summary = self.summary
        assert summary is not None  # the export buttons are enabled once a summary is shown
        self.progress.setRange(0, 2)
        self.progress.setValue(0)
        self.progress.show()
        self._set_busy(True)
        self.message_label.setStyleSheet("")
        self.message_label.setText(_("Saving {file}…").format(file=Path(path).name))

        self._export_job = (summary, fmt, lang)
        BackgroundOp(
            self.ctx,
            lambda progress: export_in_worker(summary, fmt, path, lang, delimiter, progress),
            parent=self,
        ).with_progress(N_("Saving the report…")).progressed(self._on_export_progress).success(
            self._on_export_done
        ).failure(self._on_task_failed).run()

    def _on_export_progress(self, done: int, _total: int) -> None:
        self.progress.setValue(done)

    def _on_export_done(self, target) -> None:
        self.progress.hide()
        self._set_busy(False)
        self.message_label.setText(_("Saved: {path}").format(path=target))
        self.ctx.settings.extra[_FOLDER_KEY] = str(Path(target).parent)
        if self._export_job:
            summary, fmt, lang = self._export_job
            # An audit entry only: no view shows it, so nothing is announced.
            WriteOp(
                self.ctx, lambda store: record_export(store, summary, fmt, str(target), lang), tables=None
            ).run()

    def _on_task_failed(self, error: DostyqError) -> None:
        self.progress.hide()
        self._set_busy(False)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(error.message)

    # ---- submit ----------------------------------------------------------------------------------------------
    def _on_submit_button_clicked(self) -> None:
        if self.summary is None:
            return
        self._set_busy(True)
        self.message_label.setStyleSheet("")
        month, summary = self.month, self.summary

        def submit(store) -> tuple[dict, dict | None]:
            row = submit_month(store, month, summary=summary)
            return row, latest_report(store, month)

        WriteOp(self.ctx, submit, tables=("monthly_reports",), parent=self).success(
            self._on_submitted
        ).failure(self._on_task_failed).run()

    def _on_submitted(self, answer: tuple[dict, dict | None]) -> None:
        row, last_report = answer  # the newest version of the submitted month, read after the submission
        self._set_busy(False)
        if row.get("unchanged"):
            text = _("Nothing changed since version {version}; it is already submitted.")
        elif row["version"] > 1:
            count = len(json.loads(row["changes"] or "{}").get("figures") or {})
            changes = ngettext("{count} figure changed", "{count} figures changed", count).format(count=count)
            text = _("Submitted as version {version} ({changes}). It is sent with the next sync.").format(
                version=row["version"], changes=changes
            )
        else:
            text = _("Submitted as version {version}. It is sent with the next sync.")
        self.message_label.setText(text.format(version=row["version"]))
        if self.summary is not None and self.summary.month == row["month"]:
            self._last_report = last_report
        self._show_submission_state()
