"""The keyboard on a record form: typing starts in the first field, Ctrl+S and Ctrl+Enter save, and Esc (or closing
the window) on a form that was changed asks before the changes are thrown away; an unchanged form just closes.

`FormKeys(dialog, save=…)` (or `for_buttons(dialog, buttons)`) is all a dialog needs. The unchanged form is the one
the user first touches (a key, a click, the wheel), or the one `mark_clean()` is called on (after the record was read
onto it), so a form still being filled in by its reads is never taken for a changed one. The shortcuts' names come from Qt in the interface language.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from desktop.i18n import _


def save_keys() -> tuple[QKeySequence, ...]:
    """Ctrl+S (the platform's Save) and Ctrl+Enter on either Enter key (made once the application exists: a key
    sequence made at import, before it, crashes)."""
    return (
        QKeySequence(QKeySequence.StandardKey.Save),
        QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return),
        QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Enter),
    )


_USER_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}
_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QRadioButton)


def mark_action(widget: QAbstractButton | QLineEdit, action: str) -> None:
    """Marks the button that makes a new record ("new") or the search field ("search") of a section's page, for
    the main window's Ctrl+N and Ctrl+F (the one visible at the time is used; its tooltip names the key)."""
    widget.setProperty("dostyq_action", action)


def shortcut_text(key: QKeySequence | QKeySequence.StandardKey) -> str:
    """A key as the user reads it ("Ctrl+S"), in the interface language (Qt's own catalog names the keys)."""
    sequence = key if isinstance(key, QKeySequence) else QKeySequence(key)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def with_shortcut(text: str, key: QKeySequence | QKeySequence.StandardKey) -> str:
    """A tooltip that names its shortcut: "Save the record (Ctrl+S)"."""
    return _("{action} ({shortcut})").format(action=text, shortcut=shortcut_text(key))


def first_input(root: QWidget) -> QWidget | None:
    """The first field a user types into, in tab order (a tab bar or a button is passed over)."""
    widget = root.nextInFocusChain()
    seen: set[int] = set()
    while widget is not None and widget is not root and id(widget) not in seen:
        seen.add(id(widget))
        if (
            isinstance(widget, _INPUTS)
            and widget.isVisibleTo(root)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not (isinstance(widget, QLineEdit) and widget.isReadOnly())
        ):
            if isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
                widget = widget.parentWidget()  # a spin box's or editable combo's own line edit: the box
            return widget
        widget = widget.nextInFocusChain()
    return None


def form_state(root: QWidget) -> list:
    """What the user can change on the form, as plain values (two states compare equal when nothing changed)."""
    state: list = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit) and not isinstance(
            widget.parentWidget(), QAbstractSpinBox | QComboBox
        ):
            state.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QDateTimeEdit):
            state.append(widget.dateTime().toString(Qt.DateFormat.ISODate))
        elif isinstance(widget, QSpinBox):
            state.append(widget.value())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            cells = (widget.item(r, c) for r in range(widget.rowCount()) for c in range(widget.columnCount()))
            state.append([cell.text() if cell is not None else "" for cell in cells])
        elif isinstance(widget, QListWidget):
            state.append(
                [(widget.item(i).text(), widget.item(i).checkState()) for i in range(widget.count())]
            )
    return state


def _is_escape(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Escape
        and event.modifiers() == Qt.KeyboardModifier.NoModifier
    )


class FormKeys(QObject):
    def __init__(
        self,
        dialog: QDialog,
        save: Callable[[], None],
        *,
        can_save: Callable[[], bool] = lambda: True,
        first: Callable[[], QWidget | None] | None = None,
        unsaved: Callable[[], bool] | None = None,
    ):
        """`unsaved`: whether closing now loses work, when the form's fields do not tell (a wizard part-way);
        `lambda: False` for a dialog that keeps nothing (Esc then just closes it)."""
        super().__init__(dialog)
        self.dialog = dialog
        self._save = save
        self._can_save = can_save
        self._first = first
        self._unsaved = unsaved
        self._discarded = False  # the user chose to lose the changes: nothing to ask any more
        self._clean: list | None = None
        self._shown = False
        self.confirm: QMessageBox | None = None
        self.tooltip_button: Callable[[], QAbstractButton | None] | None = None
        self.shortcuts = []
        for key in save_keys():
            shortcut = QShortcut(key, dialog)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._on_save_shortcut_activated)
            self.shortcuts.append(shortcut)
        dialog.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # ---- state ---------------------------------------------------------------------------------------------
    def mark_clean(self) -> None:
        """The form as it is now is the unchanged one (call once the record is on the form)."""
        self._clean = form_state(self.dialog)

    def label_save(self) -> None:
        """Names Ctrl+S in the save button's tooltip (again after a language change)."""
        if not shiboken6.isValid(self.dialog):
            return
        button = self.tooltip_button() if self.tooltip_button else None
        if button is not None and shiboken6.isValid(button):
            button.setToolTip(with_shortcut(button.text().replace("&", ""), QKeySequence.StandardKey.Save))

    def changed(self) -> bool:
        if self._discarded:
            return False
        if self._unsaved is not None:
            return self._unsaved()
        return self._clean is not None and form_state(self.dialog) != self._clean

    def focus_first(self) -> None:
        if not shiboken6.isValid(self.dialog):
            return
        widget = self._first() if self._first else None
        widget = widget or first_input(self.dialog)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.TabFocusReason)

    # ---- keys ----------------------------------------------------------------------------------------------
    def _on_save_shortcut_activated(self) -> None:
        if self._can_save():
            self._save()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.dialog:
            if kind == QEvent.Type.Show:
                self._discarded = False  # shown again: a new round of changes
            if kind == QEvent.Type.Show and not self._shown:
                self._shown = True
                QTimer.singleShot(0, self.focus_first)
            elif kind == QEvent.Type.Close and self.dialog.isVisible() and self.changed():
                event.ignore()
                self.ask_discard()
                return True
            if kind == QEvent.Type.LanguageChange:
                QTimer.singleShot(0, self.label_save)  # after the dialog's own retranslation
            return False
        if kind not in _USER_INPUT or not isinstance(watched, QWidget) or watched.window() is not self.dialog:
            return False
        if self._clean is None:
            # The form as the user first touches it is the unchanged one (whatever was read onto it before).
            self.mark_clean()
        if kind == QEvent.Type.KeyPress and _is_escape(event) and self.changed():
            self.ask_discard()
            return True
        return False

    def ask_discard(self) -> QMessageBox:
        """Asks whether to throw the changes away (the dialog closes only if so); shown without blocking."""
        if self.confirm is not None and self.confirm.isVisible():
            return self.confirm
        box = QMessageBox(self.dialog)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Unsaved changes"))
        box.setText(_("The form was changed. Close it and lose the changes?"))
        box.setStandardButtons(QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Discard).setText(_("Discard changes"))
        box.button(QMessageBox.StandardButton.Cancel).setText(_("Keep editing"))
        box.finished.connect(self._on_confirm_finished)
        self.confirm = box
        box.open()
        return box

    def _on_confirm_finished(self, _result: int) -> None:
        box = self.confirm
        if box is not None and box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
            self._discarded, self._clean = True, None
            self.dialog.reject()


def for_buttons(
    dialog: QDialog, buttons: QDialogButtonBox, *, unsaved: Callable[[], bool] | None = None
) -> FormKeys:
    """The keys of a dialog whose Save (or OK) button of `buttons` saves: the shortcuts click it while it is
    enabled, and its tooltip names Ctrl+S. `unsaved`: as for FormKeys."""

    def target() -> QAbstractButton | None:
        if not shiboken6.isValid(buttons):
            return None
        return buttons.button(QDialogButtonBox.StandardButton.Save) or buttons.button(
            QDialogButtonBox.StandardButton.Ok
        )

    def can_save() -> bool:
        button = target()
        return button is not None and button.isEnabled() and buttons.isEnabled() and button.isVisible()

    def save() -> None:
        button = target()
        if button is not None:
            button.click()

    keys = FormKeys(dialog, save, can_save=can_save, unsaved=unsaved)
    keys.tooltip_button = target
    keys.label_save()
    return keys
