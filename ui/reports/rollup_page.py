"""The coordinator's roll-up: fetch the submitted monthly summaries of the region's houses from the server, see which
houses have not submitted, preview the sum, and export it in the four formats. With a national coordinator token
the roll-up is every region's: a table of each region (its subtotal) above its houses and the national total, the
national sum below it (or a region's or house's, picked in the table), and exports with the region level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import DostyqError
from desktop.formats import format_month, format_short_date
from desktop.i18n import LANGUAGE_NAMES, N_, _
from desktop.periods import parse_month
from desktop.reports.files import DEFAULT_DELIMITER, FORMATS, default_file_name, record_export
from desktop.reports.summary import recent_months
from sync import coordinator
from sync.coordinator import HouseStatus, LocalReference, NationalFetch, RegionRollup
from ui.ops import BackgroundOp, ReadOp, WriteOp
from ui.reports.figures_model import ui_lang
from ui.reports.national_model import NationalModel
from ui.reports.summary_view import SummaryView
from ui.tasks import Task

_FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)", "hxl": "HXL (*.csv)"}
_FOLDER_KEY = "reports_folder"
URL_KEY = "coordinator_server_url"
TOKEN_KEY = "coordinator_token"
SCOPE_KEY = "coordinator_scope"  # "national" once a national token has fetched: asked first next time
_SUBMITTED, _MISSING = QColor("#2e7d32"), QColor("#b35c00")


class HousesModel(QAbstractTableModel):
    """The region's houses with their submission status (a region has a few dozen houses at most). Not a record
    list of the local store (ui/widgets/lazy_table.py): a small part of the server's roll-up answer, shown whole."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[HouseStatus] = []
        self.headers = ["", ""]

    def set_rows(self, rows: list[HouseStatus]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        self.headers = [_("House"), _("Report")]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return house_name(row) if index.column() == 0 else status_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 0:
                return row.house.code
            return status_text(row)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            return _SUBMITTED if row.submitted else _MISSING
        return None


def house_name(row: HouseStatus) -> str:
    name = row.house.name_ru if ui_lang() == "ru" else row.house.name_kk
    return name or row.house.name_kk or row.house.name_ru or row.house.code


def status_text(row: HouseStatus) -> str:
    if not row.submitted:
        return _("Not submitted yet")
    date = (row.submitted_at or "")[:10]
    try:
        date = format_short_date(dt.date.fromisoformat(date))
    except ValueError:
        pass  # shown as sent
    return _("Submitted: version {version}, {date}").format(version=row.version, date=date)


class RollupPage(QWidget):
    scope_changed = Signal()  # a fetch found the token regional or national (the tab's name follows)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.fetched: RegionRollup | NationalFetch | None = None
        self._fetch_task: Task | None = (
            None  # the task of the fetch under way (reading, then asking the server)
        )
        self._fetch_job = 0  # counts fetches and cancels: an answer of an older one is dropped
        self._export_job: tuple | None = None
        self._message: tuple[str, Callable[[], str]] = (
            "",
            str,
        )  # (kind, text maker): re-made on a language switch
        self.region_code = ctx.settings.extra.get("coordinator_region") or ""  # else this PC's, once read
        self._regions: dict[str, dict] = {}  # read once (and at each fetch): retranslation never reads
        outer = QVBoxLayout(self)

        server = QHBoxLayout()
        self.url_label = QLabel(self)
        self.url_edit = QLineEdit(self)
        # The address last used for the roll-up, else this PC's own server (filled in when the reference is read).
        self.url_edit.setText(ctx.settings.extra.get(URL_KEY) or ctx.settings.server_url or self._sync_url())
        self.token_label = QLabel(self)
        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setText(ctx.settings.extra.get(TOKEN_KEY) or "")
        self.token_edit.returnPressed.connect(self._on_token_edit_return_pressed)
        server.addWidget(self.url_label)
        server.addWidget(self.url_edit, 2)
        server.addWidget(self.token_label)
        server.addWidget(self.token_edit, 2)
        outer.addLayout(server)

        bar = QHBoxLayout()
        self.region_label = QLabel(self)
        self.region_label.setStyleSheet("font-weight: bold;")
        self.month_label = QLabel(self)
        self.month_combo = QComboBox(self)
        for month in recent_months(clock.today()):
            self.month_combo.addItem("", month)
        self.fetch_button = QPushButton(self)
        self.fetch_button.setStyleSheet("QPushButton { font-weight: bold; padding: 4px 14px; }")
        self.fetch_button.clicked.connect(self._on_fetch_button_clicked)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.cancel_button.hide()
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        bar.addWidget(self.region_label)
        bar.addSpacing(16)
        bar.addWidget(self.month_label)
        bar.addWidget(self.month_combo)
        bar.addWidget(self.fetch_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress)
        bar.addStretch(1)
        outer.addLayout(bar)

        exports = QHBoxLayout()
        self.counts_label = QLabel(self)
        # Long sentences here ("enter the server and the coordinator token…"): wrap, never widen the window.
        self.counts_label.setWordWrap(True)
        self.lang_label = QLabel(self)
        self.lang_combo = QComboBox(self)
        for code in ("kk", "ru", "both"):
            self.lang_combo.addItem("", code)
        self.lang_combo.setCurrentIndex(self.lang_combo.findData(ui_lang()))
        self.semicolon_check = QCheckBox(self)
        self.semicolon_check.setChecked(DEFAULT_DELIMITER == ";")
        exports.addWidget(self.counts_label, 1)
        exports.addWidget(self.lang_label)
        exports.addWidget(self.lang_combo)
        exports.addWidget(self.semicolon_check)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in FORMATS:
            button = QPushButton(fmt.upper(), self)
            button.setProperty("report_format", fmt)
            button.clicked.connect(self._on_export_button_clicked)
            self.export_buttons[fmt] = button
            exports.addWidget(button)
        outer.addLayout(exports)

        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.message_label)

        # The houses above, the summary below at full width (its indicator names need the room).
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.houses_model = HousesModel(self)
        self.houses_table = QTableView(splitter)
        self.houses_table.setModel(self.houses_model)
        self.houses_table.verticalHeader().setVisible(False)
        self.houses_table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.houses_table.setWordWrap(True)
        header = self.houses_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.houses_table.verticalHeader().setDefaultSectionSize(22)
        # With a national token: regions and houses with their figures; a click shows that line's sum below.
        self.national_model = NationalModel(self)
        self.national_table = QTableView(splitter)
        self.national_table.setModel(self.national_model)
        self.national_table.verticalHeader().setVisible(False)
        self.national_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.national_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.national_table.verticalHeader().setDefaultSectionSize(22)
        self.national_table.clicked.connect(self._on_national_table_clicked)
        self.national_table.hide()
        self.view = SummaryView(splitter)
        splitter.addWidget(self.houses_table)
        splitter.addWidget(self.national_table)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([130, 520])
        outer.addWidget(splitter, 1)
        self._set_busy(False)
        ReadOp(ctx, coordinator.local_reference, parent=self).success(self._on_reference_read).run()

    def _on_reference_read(self, reference: LocalReference) -> None:
        if not self._regions:  # a fetch may have read them meanwhile
            self._regions = reference.regions
        self.region_code = self.region_code or reference.own_region or ""
        if not self.url_edit.text().strip() and reference.server_url:
            self.url_edit.setText(
                reference.server_url
            )  # the PC's own server; the coordinator may type another
        self._show_region()

    def _sync_url(self) -> str:
        sync = getattr(self.ctx, "sync", None)
        return getattr(sync, "server_url", "") or ""

    # ---- texts ---------------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.url_label.setText(_("Server:"))
        self.url_edit.setPlaceholderText("https://sync.example.kz")
        self.token_label.setText(_("Coordinator token:"))
        self.token_edit.setPlaceholderText(_("given by the server administrator"))
        self.token_edit.setToolTip(_("The token is kept in this PC's settings and never written to the logs"))
        self.month_label.setText(_("Month:"))
        for i in range(self.month_combo.count()):
            self.month_combo.setItemText(i, format_month(parse_month(self.month_combo.itemData(i))))
        self.fetch_button.setText(_("Fetch from the server"))
        self.fetch_button.setToolTip(_("Downloads the summaries the region's houses submitted for the month"))
        self.cancel_button.setText(_("Cancel"))
        self.lang_label.setText(_("Language of the file:"))
        self.lang_combo.setItemText(0, LANGUAGE_NAMES["kk"])
        self.lang_combo.setItemText(1, LANGUAGE_NAMES["ru"])
        self.lang_combo.setItemText(2, _("Both, side by side"))
        self.semicolon_check.setText(_("CSV with “;”"))
        self.semicolon_check.setToolTip(_("Excel on Kazakh and Russian Windows expects “;” between columns"))
        for fmt, button in self.export_buttons.items():
            if self.national:
                button.setToolTip(_("Save the national roll-up as {format}").format(format=fmt.upper()))
            else:
                button.setToolTip(_("Save the regional roll-up as {format}").format(format=fmt.upper()))
        self.houses_model.retranslate()
        self.national_model.retranslate()
        if self.national:
            # Figures as wide as their (wrapped) headings; names up to 360 px, the rest scrolls sideways.
            self.national_table.resizeColumnsToContents()
            self.national_table.setColumnWidth(0, min(self.national_table.columnWidth(0), 360))
        self.houses_table.resizeRowsToContents()
        self.view.retranslate_ui()
        self._show_region()
        self.message_label.setText(self._message[1]())

    @property
    def national(self) -> bool:
        return isinstance(self.fetched, NationalFetch)

    @property
    def shows_national(self) -> bool:
        """National once fetched with a national token; before any fetch, what the token was last time."""
        if self.fetched is not None:
            return self.national
        return self.ctx.settings.extra.get(SCOPE_KEY) == "national"

    def _show_region(self) -> None:
        fetched = self.fetched
        if isinstance(fetched, NationalFetch):
            result = fetched.result
            self.region_label.setText(_("All regions of Kazakhstan"))
            self.counts_label.setText(
                _("{month}: {submitted} of {total} houses in {regions} regions submitted").format(
                    month=format_month(parse_month(fetched.month)),
                    submitted=len(result.total.submitted),
                    total=result.lines[-1].expected,
                    regions=len(result.regions),
                )
            )
            return
        names = self._regions.get(self.region_code)
        if names:
            name = names["name_ru"] if ui_lang() == "ru" else names["name_kk"]
        else:
            name = self.region_code or _("the token's region")
        self.region_label.setText(_("Region: {region}").format(region=name))
        if fetched is None:
            self.counts_label.setText(_("Enter the server and the coordinator token, then fetch the month."))
            return
        submitted = sum(1 for h in fetched.houses if h.submitted)
        self.counts_label.setText(
            _("{month}: {submitted} of {total} houses submitted").format(
                month=format_month(parse_month(fetched.month)), submitted=submitted, total=len(fetched.houses)
            )
        )

    # ---- fetching --------------------------------------------------------------------------------------------
    @property
    def month(self) -> str:
        return self.month_combo.currentData()

    def refresh(self) -> None:
        """Nothing to load by itself: fetching asks the server, so it waits for the button."""

    def _on_token_edit_return_pressed(self) -> None:
        self.fetch()

    def _on_fetch_button_clicked(self) -> None:
        self.fetch()

    def fetch(self) -> None:
        url, token, month = self.url_edit.text().strip(), self.token_edit.text().strip(), self.month
        national_first = self.ctx.settings.extra.get(SCOPE_KEY) == "national"
        self._fetch_job += 1
        job = self._fetch_job
        self._set_busy(True, cancellable=True)
        self.progress.setRange(0, 2)
        self.progress.setValue(0)
        self.progress.show()
        self._say("", lambda: _("Fetching the region's reports…"))

        def ask_server(reference: LocalReference) -> None:
            # The local houses and regions are read first (reader thread); the request waits on the general pool.
            if job != self._fetch_job:
                return  # cancelled meanwhile
            self._regions = names = reference.regions
            region = self.region_code or None
            server = url or reference.server_url
            self._fetch_task = (
                BackgroundOp(
                    self.ctx,
                    lambda progress, cancel: coordinator.fetch_any_rollup(
                        server,
                        token,
                        month,
                        region,
                        reference.houses,
                        names,
                        progress,
                        cancel,
                        national_first=national_first,
                    ),
                    parent=self,
                )
                .cancellable()
                .progressed(self._on_progress)
                .success(lambda fetched: self._on_fetch_done(job, fetched))
                .failure(lambda error: self._on_fetch_failed(job, error))
                .run()
            )

        self._fetch_task = (
            ReadOp(self.ctx, coordinator.local_reference, parent=self)
            .success(ask_server)
            .failure(lambda error: self._on_fetch_failed(job, error))
            .run()
        )

    def _on_cancel_button_clicked(self) -> None:
        if self._fetch_task is not None:
            self._fetch_task.cancel()
            self._fetch_task = None
        self._fetch_job += 1  # a late answer of the cancelled fetch is dropped
        self._finish()
        self._say("", lambda: _("Cancelled."))

    def _on_fetch_done(self, job: int, fetched: RegionRollup | NationalFetch) -> None:
        if job != self._fetch_job:
            return
        self._fetch_task = None
        if isinstance(fetched, NationalFetch):
            self._on_national_fetched(fetched)
            return
        assert fetched.result is not None  # region_rollup always sums what it fetched
        self.fetched = fetched
        self.region_code = fetched.region_code or self.region_code
        # Remembered for next time on this PC (the settings file is private to the user; nothing goes to the log).
        extra = self.ctx.settings.extra
        extra[URL_KEY] = self.url_edit.text().strip()
        extra[TOKEN_KEY] = self.token_edit.text().strip()
        extra["coordinator_region"] = self.region_code
        extra[SCOPE_KEY] = "region"
        self._save_settings()
        if not self.houses_table.isVisibleTo(self):
            self.national_table.hide()
            self.national_model.set_rollup(None)
            self.houses_table.show()
            self.splitter.setSizes([130, 0, 520])
        self.houses_model.set_rows(fetched.houses)
        self.houses_table.resizeRowsToContents()
        self.view.set_summary(fetched.result.summary)
        self._finish()
        if fetched.missing:
            self._say(
                "warn",
                lambda: (
                    _("Fetched. Not submitted yet: {houses}").format(
                        houses="; ".join(house_name(h) for h in fetched.houses if not h.submitted)
                    )
                    + (
                        " "
                        + _("Left out, not a valid summary: {houses}").format(
                            houses="; ".join(fetched.invalid)
                        )
                        if fetched.invalid
                        else ""
                    )
                ),
            )
        else:
            self._say("ok", lambda: _("Fetched. Every house of the region has submitted."))
        self._show_region()
        self.retranslate_ui()
        self.scope_changed.emit()

    def _on_national_fetched(self, fetched: NationalFetch) -> None:
        self.fetched = fetched
        extra = self.ctx.settings.extra
        extra[URL_KEY] = self.url_edit.text().strip()
        extra[TOKEN_KEY] = self.token_edit.text().strip()
        extra[SCOPE_KEY] = "national"
        self._save_settings()
        self.houses_table.hide()
        self.houses_model.set_rows([])
        self.national_model.set_rollup(fetched.result)
        self.national_table.show()
        self.splitter.setSizes([0, 300, 360])
        self.view.set_summary(fetched.result.summary)
        self._finish()
        missing, invalid = len(fetched.missing), fetched.invalid
        if missing or invalid:
            self._say(
                "warn",
                lambda: (
                    _("Fetched. Houses that have not submitted yet: {count} (see the table).").format(
                        count=missing
                    )
                    + (
                        " " + _("Left out, not a valid summary: {houses}").format(houses="; ".join(invalid))
                        if invalid
                        else ""
                    )
                ),
            )
        else:
            self._say("ok", lambda: _("Fetched. Every house of every region has submitted."))
        self.retranslate_ui()
        self.scope_changed.emit()

    def _on_national_table_clicked(self, index) -> None:
        """Shows the sum of the clicked line (a house, a region or the country) below the table."""
        if not index.isValid():
            return
        line = self.national_model.line(index.row())
        if line.summary is not None:
            self.view.set_summary(line.summary)

    def _on_fetch_failed(self, job: int, error: DostyqError) -> None:
        if job != self._fetch_job:
            return
        self._fetch_task = None
        self._finish()
        self._say("error", error.message)

    def _on_progress(self, done: int, _total: int) -> None:
        self.progress.setValue(done)

    def _save_settings(self) -> None:
        try:
            self.ctx.settings.save()
        except OSError:
            pass  # kept in memory for this session; the settings page reports a folder it cannot write

    # ---- export ----------------------------------------------------------------------------------------------
    def _on_export_button_clicked(self) -> None:
        self.ask_and_export(self.sender().property("report_format"))

    def ask_and_export(self, fmt: str) -> None:
        if self.fetched is None:
            return
        assert self.fetched.result is not None  # region_rollup always sums what it fetched
        lang = self.lang_combo.currentData()
        folder = Path(self.ctx.settings.extra.get(_FOLDER_KEY) or Path.home())
        suggested = folder / default_file_name(self.fetched.result.summary, fmt, lang)
        title = _("Save the national roll-up") if self.national else _("Save the regional roll-up")
        path, _filter = QFileDialog.getSaveFileName(self, title, str(suggested), _FILTERS[fmt])
        if path:
            self.start_export(fmt, path)

    def start_export(self, fmt: str, path: str) -> None:
        # Export is offered once a roll-up is fetched, and region_rollup always sums what it fetched.
        assert self.fetched is not None and self.fetched.result is not None
        lang = self.lang_combo.currentData()
        delimiter = ";" if self.semicolon_check.isChecked() else ","
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.show()
        self._set_busy(True)
        self._say("", lambda: _("Saving {file}…").format(file=Path(path).name))
        self._export_job = (self.fetched.result.summary, fmt, lang)
        fetched = self.fetched
        if isinstance(fetched, NationalFetch):
            national = fetched
            work = lambda progress: coordinator.export_national_in_worker(
                national, fmt, path, lang, delimiter, progress
            )
            what = N_("Saving the national roll-up…")
        else:
            regional = fetched
            work = lambda progress: coordinator.export_in_worker(
                regional, fmt, path, lang, delimiter, progress
            )
            what = N_("Saving the regional roll-up…")
        BackgroundOp(self.ctx, work, parent=self).with_progress(what).progressed(self._on_progress).success(
            self._on_export_done
        ).failure(self._on_export_failed).run()

    def _on_export_done(self, target) -> None:
        self._finish()
        self._say("ok", lambda: _("Saved: {path}").format(path=target))
        self.ctx.settings.extra[_FOLDER_KEY] = str(Path(target).parent)
        if self._export_job:
            summary, fmt, lang = self._export_job
            # An audit entry only: no view shows it, so nothing is announced.
            WriteOp(
                self.ctx, lambda store: record_export(store, summary, fmt, str(target), lang), tables=None
            ).run()

    def _on_export_failed(self, error: DostyqError) -> None:
        self._finish()
        self._say("error", error.message)

    # ---- state -----------------------------------------------------------------------------------------------
    def _finish(self) -> None:
        self.progress.hide()
        self._set_busy(False)

    def _set_busy(self, busy: bool, cancellable: bool = False) -> None:
        self.fetch_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy and cancellable)
        for button in self.export_buttons.values():
            button.setEnabled(not busy and self.fetched is not None)

    def _say(self, kind: str, text: Callable[[], str] | str) -> None:
        """Shows a message; given as a callable it is re-made in the new language on a switch (a server's or a
        task's message arrives already translated and stays as it is)."""
        self._message = (kind, text if callable(text) else (lambda: text))
        colour = {"error": "#b00020", "warn": "#b35c00", "ok": "#2e7d32"}.get(kind, "")
        self.message_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.message_label.setText(self._message[1]())
