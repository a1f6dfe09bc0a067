"""Messages shown beside the form field they are about, from the services' ValidationError(s). For one label
listing every message (the aid screens), see ui/widgets/form_errors.py; the person form has its own
(ui/widgets/person_form.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.errors import ValidationError, ValidationErrors

_STYLE = "color: #b00020;"


class FieldErrors:
    """Wraps each field's widget with a hidden error label below it; `show(exc)` fills the labels it names and
    returns the messages it had no field for."""

    def __init__(self):
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self._messages: dict[str, str] = {}

    def wrap(self, field: str, widget: QWidget | None = None, parent: QWidget | None = None) -> QWidget:
        box = QWidget(parent)
        # Take only the height the field (and its message) needs; spare room stays below the form.
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if widget is not None:
            layout.addWidget(widget)
        label = QLabel(box)
        label.setStyleSheet(_STYLE)
        label.setWordWrap(True)
        label.hide()
        layout.addWidget(label)
        self.labels[field] = label
        self.widgets[field] = widget or box
        return box

    def add_label(self, field: str, label: QLabel, widget: QWidget | None = None) -> None:
        """Uses an existing label (placed by the caller) for a field's message; several fields may share one."""
        label.setStyleSheet(_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.labels[field] = label
        self.widgets[field] = widget or label

    def clear(self) -> None:
        self._messages.clear()
        for label in self.labels.values():
            label.clear()
            label.hide()

    def show(self, exc: ValidationError | ValidationErrors) -> list[str]:
        self.clear()
        unplaced = []
        for err in exc.errors if isinstance(exc, ValidationErrors) else [exc]:
            label = self.labels.get(err.field)
            if label is None:
                unplaced.append(err.message)
                continue
            label.setText("\n".join(filter(None, [label.text(), err.message])))
            label.show()
            self._messages[err.field] = "\n".join(filter(None, [self._messages.get(err.field), err.message]))
        return unplaced

    def shown(self) -> dict[str, str]:
        """{field: message} of the messages on screen (for tests and for focusing the first bad field)."""
        return dict(self._messages)
