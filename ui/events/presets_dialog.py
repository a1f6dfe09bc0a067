"""National holidays: pick a year, and one click on a holiday puts it in the calendar as a planned event."""

from __future__ import annotations

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
from desktop.i18n import _, current_language
from ui.ops import ReadOp, WriteOp


def presets_in_calendar(store, year: int) -> set[str]:
    """The codes of the holidays that already have their event in `year`."""
    return {p.code for p in presets.PRESETS if presets.existing_preset_event(store, p.code, year) is not None}


class PresetsDialog(QDialog):
    created = Signal(str)  # id of the event a preset made

    def __init__(self, ctx, year: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.resize(780, 440)
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
        row.addWidget(self.year_label)
        row.addWidget(self.year)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = QTableWidget(len(presets.PRESETS), 3, self)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons: dict[str, QPushButton] = {}
        for row_no, preset in enumerate(presets.PRESETS):
            button = QPushButton(self.table)
            button.clicked.connect(lambda _c=False, code=preset.code: self.create_preset(code))
            self.buttons[preset.code] = button
            self.table.setCellWidget(row_no, 2, button)
        self.retranslate_ui()

    def refresh(self) -> None:
        year = self.year.value()
        ru = current_language() == "ru"
        for row_no, preset in enumerate(presets.PRESETS):
            first, last = preset.dates(year)
            when = (
                format_date(first, "long")
                if first == last
                else f"{format_date(first, 'long')} – {format_date(last, 'long')}"
            )
            self.table.setItem(row_no, 0, QTableWidgetItem(preset.title_ru if ru else preset.title_kk))
            self.table.setItem(row_no, 1, QTableWidgetItem(when))
        ReadOp(self.ctx, lambda store: presets_in_calendar(store, year), parent=self).latest(
            "existing"
        ).success(self._show_existing).run()

    def _show_existing(self, existing: set[str]) -> None:
        for preset in presets.PRESETS:
            exists = preset.code in existing
            button = self.buttons[preset.code]
            button.setEnabled(not exists)
            button.setText(_("In the calendar") if exists else _("Add to calendar"))

    def create_preset(self, code: str) -> None:
        self.buttons[code].setEnabled(False)
        year = self.year.value()
        WriteOp(
            self.ctx,
            lambda store: presets.create_preset_event(store, code, year),
            tables=("events",),
            parent=self,
        ).success(self._on_created).failure(self._on_failed).run()

    def _on_created(self, event_id: str) -> None:
        self.message.setText(_("Added as a planned event. Open it in the calendar to add details."))
        self.refresh()
        self.created.emit(event_id)

    def _on_failed(self, error: DostyqError) -> None:
        self.message.setText(error.message)
        self.refresh()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("National holidays"))
        self.intro.setText(
            _(
                "The holidays the houses of friendship observe. Choose the year; one click adds the holiday to the "
                "calendar as a planned event with its Kazakh and Russian titles."
            )
        )
        self.year_label.setText(_("Year:"))
        self.table.setHorizontalHeaderLabels([_("Holiday"), _("Date"), ""])
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
