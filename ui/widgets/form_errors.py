"""Validation errors on a form, the one way every screen shows them.

`FormErrors` takes a refusal (a `ValidationError`, `ValidationErrors`, or any `DostyqError`) and shows each message,
translated when shown, beside the widget of the field it names: on the field's own line (`wrap`), or on a label the
caller placed (`add`: a line under a grid, or the form-level label). The field's widget is marked with one style (a
red border, the message as its tooltip); an error in a table row also selects that row (`rows=`). Messages for no
field of the form go to the form-level label. `show` moves focus to the first bad field, `clear` takes everything
away before a retry, and `retranslate` shows the same errors again in the language of the moment.

`FieldMessage` is one field's line under its editor; the person form uses it directly for its as-you-type messages
and warnings."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QTableView, QVBoxLayout, QWidget

from desktop.errors import DostyqError, ValidationError, ValidationErrors

ERROR_STYLE = "color: #b00020;"  # an error message
_MARK = "#{name} {{ border: 2px solid #b00020; border-radius: 3px; }}"  # the widget of a bad field
_MARKED_NAME = "marked_field"


class _Marks:
    """Widgets marked as bad, with what they looked like before (their style sheet, tooltip and object name)."""

    def __init__(self):
        self._saved: dict[QWidget, tuple[str, str, str]] = {}

    def mark(self, widget: QWidget, message: str) -> None:
        if widget not in self._saved:
            self._saved[widget] = (widget.styleSheet(), widget.toolTip(), widget.objectName())
            if not widget.objectName():
                widget.setObjectName(_MARKED_NAME)
            # Scoped to the widget by its name, so the border does not spread to the widgets inside it.
            widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            widget.setStyleSheet(_MARK.format(name=widget.objectName()))
            widget.setToolTip(message)
        else:
            widget.setToolTip("\n".join(filter(None, [widget.toolTip(), message])))

    def clear(self) -> None:
        for widget, (style, tooltip, name) in self._saved.items():
            widget.setStyleSheet(style)
            widget.setToolTip(tooltip)
            widget.setObjectName(name)
        self._saved.clear()


def _error_label(label: QLabel) -> QLabel:
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class FieldMessage:
    """An editor with a message line under it; an error message (ERROR_STYLE) also marks the editor."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None):
        self.editor = editor
        self.box = QWidget(parent)
        # Take only the height the field (and its message) needs; spare room stays below the form.
        self.box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.label = _error_label(QLabel(self.box))
        layout.addWidget(self.label)
        self._marks = _Marks()

    def show(self, message: str, style: str = ERROR_STYLE) -> None:
        """Shows `message` (nothing when empty) in `style`; another style (a warning) does not mark the editor."""
        self._marks.clear()
        self.label.setText(message)
        self.label.setStyleSheet(style)
        self.label.setVisible(bool(message))
        if message and style == ERROR_STYLE:
            self._marks.mark(self.editor, message)

    def clear(self) -> None:
        self.show("", ERROR_STYLE)

    @property
    def message(self) -> str:
        return self.label.text() if not self.label.isHidden() else ""


class FormErrors:
    """The errors of one form. Register each field with `wrap` or `add`, and the form-level label (at creation or
    with `set_form_label`); then `show(error)` after a refusal and `clear()` before the next try."""

    def __init__(self, form_label: QLabel | None = None, fields: Mapping[str, QWidget] | None = None):
        """`fields`: {field: widget} added at once (see `add`), their messages on the form-level label."""
        self.form_label: QLabel | None = None
        self.labels: dict[str, QLabel] = {}  # the label each field's message goes to
        self.widgets: dict[str, QWidget] = {}  # the widget marked and focused for each field
        self.rows: dict[str, QTableView] = {}  # the table whose row an error of the field names
        self._lines: dict[str, FieldMessage] = {}
        self._marks = _Marks()
        self._shown: dict[str, str] = {}
        self._error: DostyqError | None = None
        self.unplaced: list[str] = []
        if form_label is not None:
            self.set_form_label(form_label)
        for field, widget in (fields or {}).items():
            self.add(field, widget)

    # ---- the fields ---------------------------------------------------------------------------------------
    def set_form_label(self, label: QLabel) -> None:
        """The label for messages that name no field of this form (and for fields `add`ed without a label)."""
        self.form_label = _error_label(label)

    def wrap(self, field: str, widget: QWidget, parent: QWidget | None = None) -> QWidget:
        """Puts a message line under `widget` for `field`; returns the box to place in the layout instead."""
        line = FieldMessage(widget, parent)
        self._lines[field] = line
        self.labels[field] = line.label
        self.widgets[field] = widget
        return line.box

    def add(
        self,
        field: str,
        widget: QWidget,
        label: QLabel | None = None,
        rows: QTableView | None = None,
    ) -> None:
        """A field whose message goes to `label`, which the caller placed and several fields may share, or, without
        one, to the form-level label. `rows`: the table in which an error's `row` is selected (the widget itself
        when it is a table)."""
        if label is not None:
            self.labels[field] = _error_label(label)
        self.widgets[field] = widget
        rows = rows if rows is not None else widget if isinstance(widget, QTableView) else None
        if rows is not None:
            self.rows[field] = rows

    @property
    def error(self) -> DostyqError | None:
        """The error shown now (None when the form shows none)."""
        return self._error

    # ---- showing ------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self._error = None
        self.unplaced = []
        self._shown.clear()
        self._marks.clear()
        for line in self._lines.values():
            line.clear()
        for label in {*self.labels.values(), *([self.form_label] if self.form_label else [])}:
            label.clear()
            label.hide()

    def show(self, error: DostyqError, focus: bool = True) -> None:
        """Shows every message of `error` where it belongs (see the module's docstring). The messages that name no
        field of this form are also kept in `unplaced`."""
        self.clear()
        self._error = error
        errors: list[DostyqError] = list(error.errors) if isinstance(error, ValidationErrors) else [error]
        first: QWidget | None = None
        selected: set[QTableView] = set()  # a table shows the first of its bad rows selected
        for err in errors:
            field = err.field if isinstance(err, ValidationError) else ""
            message = err.message
            widget = self.widgets.get(field)
            if widget is None:
                self.unplaced.append(message)
                self._append(self.form_label, message)
                continue
            self._shown[field] = "\n".join(filter(None, [self._shown.get(field), message]))
            # An error about a row of a table marks and selects that row; otherwise the field's widget is marked.
            row_view = self._select_row(field, getattr(err, "row", None), selected)
            line = self._lines.get(field)
            if line is not None:
                line.show(self._shown[field])
            else:
                self._append(self.labels.get(field, self.form_label), message)
            if row_view is not None or line is None:
                self._marks.mark(row_view or widget, message)
            first = first or row_view or widget
        if focus and first is not None:
            first.setFocus()

    def _select_row(self, field: str, row: int | None, selected: set[QTableView]) -> QWidget | None:
        view = self.rows.get(field)
        model = view.model() if view is not None else None
        if view is None or model is None or row is None or not 0 <= row < model.rowCount():
            return None
        if view not in selected:
            view.selectRow(row)
            selected.add(view)
        return view

    @staticmethod
    def _append(label: QLabel | None, message: str) -> None:
        if label is not None:
            label.setStyleSheet(ERROR_STYLE)
            label.setText("\n".join(filter(None, [label.text(), message])))
            label.show()

    def retranslate(self) -> None:
        """Shows the errors on screen again, in the current language (messages are translated when shown)."""
        if self._error is not None:
            self.show(self._error, focus=False)

    def shown(self) -> dict[str, str]:
        """{field: message} of the fields' messages on screen."""
        return dict(self._shown)

    def message_of(self, field: str) -> str:
        return self._shown.get(field, "")
