"""Validation errors shown on a form: the named fields' widgets marked in red and every message in one label
beside them (the aid screens). For a message under each field, see ui/widgets/field_errors.py."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from desktop.errors import DostyqError, ValidationErrors

ERROR_STYLE = "border: 2px solid #c0392b; border-radius: 3px;"


class FieldErrors:
    """Marks the widgets of the fields a ValidationError names and lists the messages in one label beside them."""

    def __init__(self, label: QLabel, widgets: Mapping[str, QWidget]):
        self.label = label
        self.widgets = widgets
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #c0392b;")
        self.label.hide()

    def clear(self) -> None:
        for widget in set(self.widgets.values()):
            widget.setStyleSheet("")
            widget.setToolTip("")
        self.label.clear()
        self.label.hide()

    def show(self, error: DostyqError) -> None:
        self.clear()
        errors = error.errors if isinstance(error, ValidationErrors) else [error]
        for err in errors:
            widget = self.widgets.get(getattr(err, "field", ""))
            if widget is not None:
                widget.setStyleSheet(ERROR_STYLE)
                widget.setToolTip(err.message)
        self.label.setText("\n".join(e.message for e in errors))
        self.label.show()
        first = next(
            (
                self.widgets.get(getattr(e, "field", ""))
                for e in errors
                if self.widgets.get(getattr(e, "field", ""))
            ),
            None,
        )
        if first is not None:
            first.setFocus()


def first_row(error: DostyqError) -> int | None:
    """The first list row an error names (a line of aid or of a donation), to select it."""
    errors = error.errors if isinstance(error, ValidationErrors) else [error]
    rows = (getattr(e, "row", None) for e in errors)
    return next((row for row in rows if row is not None), None)
