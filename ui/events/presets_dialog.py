"""National holidays: pick a year; one click adds all of its holidays to the calendar as planned events (those
already there are left alone), or one holiday at a time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import clock, presets
from desktop.errors import DostyqError
from desktop.formats import format_date
from desktop.i18n import _, current_language, ngettext
from ui.ops import ReadOp, WriteOp


class PresetsDialog(QDialog):
    created = Signal(str)  # id of an event a preset made (once per event added)

    def __init__(self, ctx, year: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.resize(820, 560)
        self.rows: list[presets.YearRow] = []
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        self.year_label = QLabel(self)
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(year or clock.today().year)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.add_all_button = QPushButton(self)
        self.add_all_button.setDefault(True)
        self.add_all_button.clicked.connect(self.add_all)
        row.addWidget(self.year_label)
        row.addWidget(self.year)
        row.addStretch(1)
        row.addWidget(self.add_all_button)
        layout.addLayout(row)
        self.table = QTableWidget(0, 4, self)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons: dict[str, QPushButton] = {}  # code → the button of its (first) line
        self._row_buttons: list[QPushButton] = []
        self._message: Callable[[], str] = str  # the last message, said again in a new language
        self.retranslate_ui()

    def refresh(self) -> None:
        year = self.year.value()
        ReadOp(self.ctx, lambda store: presets.year_overview(store, year), parent=self).latest(
            "overview"
        ).success(self._show).run()

    def _show(self, rows: list[presets.YearRow]) -> None:
        # The same lines as before (a holiday added, a language switch) keep their buttons; a new year rebuilds.
        same_lines = [(r.code, r.first) for r in rows] == [(r.code, r.first) for r in self.rows]
        self.rows = rows
        ru = current_language() == "ru"
        if not same_lines:
            self.table.setRowCount(0)
            self.table.setRowCount(len(rows))
            self.buttons = {}
            self._row_buttons = []
            for row_no, row in enumerate(rows):
                button = QPushButton(self.table)
                button.clicked.connect(lambda _c=False, code=row.code: self.create_preset(code))
                self.table.setCellWidget(row_no, 3, button)
                self._row_buttons.append(button)
                self.buttons.setdefault(row.code, button)
        for row_no, row in enumerate(rows):
            if row.first is None or row.last is None:
                when = _("Date not known for this year")
            elif row.first == row.last:
                when = format_date(row.first, "long")
            else:
                when = f"{format_date(row.first, 'long')} – {format_date(row.last, 'long')}"
            self.table.setItem(row_no, 0, QTableWidgetItem(row.title_ru if ru else row.title_kk))
            self.table.setItem(row_no, 1, QTableWidgetItem(_(presets.CATEGORY_LABELS[row.category])))
            self.table.setItem(row_no, 2, QTableWidgetItem(when))
            button = self._row_buttons[row_no]
            button.setEnabled(not row.in_calendar and not row.unknown)
            button.setText(_("In the calendar") if row.in_calendar else _("Add to calendar"))
        missing = sum(1 for r in rows if not r.in_calendar and not r.unknown)
        self.add_all_button.setEnabled(missing > 0)

    def create_preset(self, code: str) -> None:
        self.buttons[code].setEnabled(False)
        year = self.year.value()
        WriteOp(
            self.ctx,
            lambda store: presets.create_preset_event(store, code, year),
            tables=("events",),
            parent=self,
        ).success(self._on_created).failure(self._on_failed).run()

    def add_all(self) -> None:
        """Every holiday of the year not yet in the calendar, in one write."""
        self.add_all_button.setEnabled(False)
        year = self.year.value()
        WriteOp(
            self.ctx, lambda store: presets.create_all_presets(store, year), tables=("events",), parent=self
        ).success(self._on_all_created).failure(self._on_failed).run()

    def _say(self, message: Callable[[], str]) -> None:
        self._message = message
        self.message.setText(message())

    def _on_created(self, event_id: str) -> None:
        self._say(lambda: _("Added as a planned event. Open it in the calendar to add details."))
        self.refresh()
        self.created.emit(event_id)

    def _on_all_created(self, result: dict) -> None:
        self._say(lambda: self._added_text(len(result["added"]), bool(result["unknown"])))
        self.refresh()
        for event_id in result["added"]:
            self.created.emit(event_id)

    @staticmethod
    def _added_text(added: int, unknown: bool) -> str:
        text = ngettext(
            "{count} holiday added to the calendar as a planned event.",
            "{count} holidays added to the calendar as planned events.",
            added,
        ).format(count=added)
        if not added:
            text = _("Every holiday of the year is already in the calendar.")
        if unknown:
            text += " " + _("Kurban ait is not added: its date is known for {first}–{last} only.").format(
                first=presets.KURBAN_AIT_YEARS[0], last=presets.KURBAN_AIT_YEARS[-1]
            )
        return text

    def _on_failed(self, error: DostyqError) -> None:
        self._say(lambda: error.message)
        self.refresh()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("National holidays"))
        self.intro.setText(
            _(
                "The public holidays of Kazakhstan and the national days the houses of friendship mark. Choose "
                "the year: one click adds all of them to the calendar as planned events with their Kazakh and "
                "Russian titles (those already there stay as they are), or add them one by one. Kurban ait "
                "moves every year: check its day against the announcement of the Spiritual Administration of "
                "Muslims of Kazakhstan."
            )
        )
        self.year_label.setText(_("Year:"))
        self.add_all_button.setText(_("Add all holidays of the year"))
        self.table.setHorizontalHeaderLabels([_("Holiday"), _("Kind"), _("Date"), ""])
        self.message.setText(self._message())
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
