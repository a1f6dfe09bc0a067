"""The "Export…" button of a list: asks where to save (XLSX or CSV by the chosen filter or the file's suffix) and
writes the list with the screen's current filter and sort through list_export.export_list, as a write op (the
export leaves an audit entry) with progress; a translated message says where the file went or why it did not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

from desktop import list_export
from desktop.formats import format_number
from desktop.i18n import N_, _, ngettext
from ui.ops import DostyqError, WriteOp
from ui.widgets.lazy_table import LazyTableModel

_FOLDER_KEY = "list_export_folder"


class ExportButton(QPushButton):
    """`query()` gives the list's current filter and sort as list_export.LISTS[kind] takes it; `model`, for a list
    sorted in memory by a header click, gives that sort."""

    def __init__(
        self,
        ctx,
        kind: str,
        query: Callable[[], Any] = lambda: None,
        parent: QWidget | None = None,
        model: LazyTableModel | None = None,
        label: str = N_("Export…"),
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.query = query
        self.model = model
        self.label = label
        self.message_box: QMessageBox | None = None
        self.clicked.connect(self.ask_and_export)
        self.retranslate_ui()

    def apply_actor(self, actor) -> None:
        """Hidden for a role that may not export (the core refuses it anyway)."""
        self.setVisible(actor.can("exports"))

    def retranslate_ui(self) -> None:
        self.setText(_(self.label))
        self.setToolTip(_("Save this list as it is shown (filter and sort) to Excel or CSV"))

    def _filters(self) -> tuple[str, str, str]:
        return (
            _("Excel workbook (*.xlsx)"),
            _("CSV for Excel, semicolons (*.csv)"),
            _("CSV, commas (*.csv)"),
        )

    def ask_and_export(self) -> None:
        xlsx, csv, csv_commas = self._filters()
        title = _(list_export.LISTS[self.kind].title)
        folder = Path(self.ctx.settings.extra.get(_FOLDER_KEY) or Path.home())
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Export the list"), str(folder / f"{title}.xlsx"), f"{xlsx};;{csv};;{csv_commas}"
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + (".csv" if chosen in (csv, csv_commas) else ".xlsx"))
        self.start_export(str(target), "," if chosen == csv_commas else list_export.DEFAULT_DELIMITER)

    def start_export(self, path: str, delimiter: str = list_export.DEFAULT_DELIMITER) -> None:
        """Writes the list to `path` (XLSX or CSV by its suffix; a CSV with `delimiter` between columns)."""
        kind, query = self.kind, self.query()
        sort = self.model.memory_sort if self.model is not None else None
        self.setEnabled(False)
        WriteOp(
            self.ctx,
            lambda store, progress: list_export.export_list(
                store, kind, path, query, sort=sort, delimiter=delimiter, progress=progress
            ),
            tables=None,
            parent=self,
        ).with_progress(N_("Exporting the list…")).success(lambda rows: self._on_done(path, rows)).failure(
            self._on_failed
        ).finished(lambda: self.setEnabled(True)).run()

    def _on_done(self, path: str, rows: int) -> None:
        self.ctx.settings.extra[_FOLDER_KEY] = str(Path(path).parent)
        text = ngettext("Saved {count} row to {path}", "Saved {count} rows to {path}", rows)
        self._say(QMessageBox.Icon.Information, text.format(count=format_number(rows), path=path))

    def _on_failed(self, error: DostyqError) -> None:
        self._say(QMessageBox.Icon.Warning, error.message)

    def _say(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(
            icon, QApplication.applicationName(), text, QMessageBox.StandardButton.Ok, self.window()
        )
        box.setModal(False)
        self.message_box = box
        box.open()
