"""What the dialogs that write a PDF (the volunteer letter, the aid receipt, the event sign-in sheet) share: the
language choice, the file chooser, and the "Saved: …" line that opens the file in the system's viewer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QWidget

from desktop.i18n import _, current_language


def fill_languages(combo: QComboBox) -> None:
    """Қазақша, Русский, or both side by side (again after a language switch, keeping the choice); at first the
    interface language."""
    current = combo.currentData() or current_language()
    combo.clear()
    for code, title in (("kk", "Қазақша"), ("ru", "Русский"), ("both", _("Both, side by side"))):
        combo.addItem(title, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))


def ask_path(parent: QWidget, title: str, name: str) -> str:
    """The PDF file to write, suggested as `name`.pdf in the home folder ("" when the user cancels)."""
    suggested = str(Path.home() / f"{name.replace('/', '-')}.pdf")
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, "PDF (*.pdf)")
    return path


def show_saved(label: QLabel, path: str | Path, open_it: bool) -> Path:
    """Says where the PDF went and, if `open_it`, opens it in the system's viewer."""
    label.setStyleSheet("color: #2e7d32;")
    label.setText(_("Saved: {path}").format(path=path))
    label.show()
    if open_it:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return Path(path)
