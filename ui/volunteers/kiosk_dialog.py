"""The check-in kiosk: full screen, large type, for volunteers with little training. A volunteer types their
name or short personal code, taps themselves, then "Arrived" or "Leaving"; the shift ledger does the rest."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop import clock, volunteers
from desktop.errors import DostyqError
from desktop.formats import format_date, format_hours, format_time
from desktop.i18n import _
from ui.dialogs.sign_in_dialog import SignInDialog
from ui.ops import ReadOp, WriteOp

# After each check-in or out the screen clears itself: the next person does not see the last one's name.
RESET_AFTER_MS = 5000
# Someone chose a name and walked away: clear it too.
IDLE_RESET_MS = 30000
STYLE = """
QDialog { background: #f4f7fa; }
QLabel#title { font-size: 34pt; font-weight: bold; color: #1f3b57; }
QLabel#clock { font-size: 18pt; color: #1f3b57; }
QLabel#prompt { font-size: 20pt; }
QLineEdit { font-size: 28pt; padding: 10px; }
QListWidget { font-size: 24pt; }
QListWidget::item { padding: 14px; }
QListWidget::item:selected { background: #2f6690; color: white; }
QLabel#chosen { font-size: 26pt; font-weight: bold; }
QLabel#hint { font-size: 18pt; color: #555; }
QPushButton#arrived { font-size: 30pt; padding: 28px; background: #2e7d32; color: white; border-radius: 12px; }
QPushButton#leaving { font-size: 30pt; padding: 28px; background: #ef6c00; color: white; border-radius: 12px; }
QPushButton#arrived:disabled, QPushButton#leaving:disabled { background: #b0bec5; }
QLabel#message { font-size: 24pt; font-weight: bold; color: #1f3b57; }
QPushButton#close { font-size: 12pt; padding: 6px 12px; }
"""


class KioskDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.volunteer_id: str | None = None
        self.exit_dialog: SignInDialog | None = None
        self.setObjectName("kiosk")
        self.setStyleSheet(STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 30, 60, 30)
        layout.setSpacing(18)
        top = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.clock = QLabel(self)
        self.clock.setObjectName("clock")
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("close")
        heading = QVBoxLayout()  # the clock under the title keeps the kiosk usable on a 1024-pixel screen
        heading.addWidget(self.title)
        heading.addWidget(self.clock)
        top.addLayout(heading, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.search = QLineEdit(self)
        layout.addWidget(self.search)
        self.matches = QListWidget(self)
        self.matches.setMaximumHeight(330)
        layout.addWidget(self.matches)
        self.hint = QLabel(self)  # why the list is empty while something is typed
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        layout.addWidget(self.hint)
        self.chosen = QLabel(self)
        self.chosen.setObjectName("chosen")
        self.chosen.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.chosen)
        buttons = QHBoxLayout()
        buttons.setSpacing(40)
        self.arrived_button = QPushButton(self)
        self.arrived_button.setObjectName("arrived")
        self.leaving_button = QPushButton(self)
        self.leaving_button.setObjectName("leaving")
        buttons.addWidget(self.arrived_button)
        buttons.addWidget(self.leaving_button)
        layout.addLayout(buttons)
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.search.textChanged.connect(self._on_search_text_changed)
        self.matches.itemClicked.connect(self._on_matches_item_clicked)
        self.matches.itemActivated.connect(self._on_matches_item_clicked)
        self.arrived_button.clicked.connect(self._on_arrived_button_clicked)
        self.leaving_button.clicked.connect(self._on_leaving_button_clicked)
        self.close_button.clicked.connect(self.ask_to_leave)
        self.reset_timer = QTimer(self)
        self.reset_timer.setSingleShot(True)
        self.reset_timer.timeout.connect(self.reset)
        self.clock_timer = QTimer(self)
        self.clock_timer.timeout.connect(self._tick)
        self.clock_timer.start(15000)
        self.retranslate_ui()
        self.reset()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Check-in kiosk"))
        self.title.setText(_("Volunteer check-in"))
        self.prompt.setText(_("Type your name or your personal code, then tap your name."))
        self.search.setPlaceholderText(_("Name or code"))
        self.arrived_button.setText(_("Arrived"))
        self.leaving_button.setText(_("Leaving"))
        self.close_button.setText(_("Close kiosk (staff)"))
        self._show_hint(self.search.text(), bool(self.matches.count()))
        self._tick()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def start(self) -> None:
        """Opens the kiosk over the whole screen. Until staff sign in to leave it, the PC shows only the kiosk (the
        screen does not lock for idleness meanwhile: the kiosk is that lock)."""
        if self.ctx.session is not None:
            self.ctx.session.kiosk_open(True)
        self.showFullScreen()
        self.search.setFocus()

    def ask_to_leave(self) -> None:
        """Leaving the kiosk (its button, Esc, closing the window) needs the sign-in of an account that may open
        the house's records; that account then acts on the staff screens."""
        dialog = SignInDialog(self.ctx, needs="records.read", parent=self)
        dialog.signed_in.connect(self._on_staff_signed_in)
        self.exit_dialog = dialog
        dialog.open()

    def _on_staff_signed_in(self, actor) -> None:
        if self.ctx.session is not None:
            self.ctx.session.kiosk_open(False)
            self.ctx.session.set_actor(actor)
        else:
            self.ctx.actor = actor
        super().accept()

    def reject(self) -> None:  # Esc
        self.ask_to_leave()

    def accept(self) -> None:
        self.ask_to_leave()

    def closeEvent(self, event) -> None:
        if self.result() != QDialog.DialogCode.Accepted:
            event.ignore()
            self.ask_to_leave()
            return
        super().closeEvent(event)

    def _tick(self) -> None:
        now = clock.now()
        self.clock.setText(f"{format_time(now)}  ·  {format_date(now.date(), 'long')}")

    def reset(self) -> None:
        self.volunteer_id = None
        self.search.clear()
        self.matches.clear()
        self.chosen.clear()
        self.message.clear()
        self.hint.hide()
        self._update_buttons()
        self.search.setFocus()

    def _update_buttons(self) -> None:
        for button in (self.arrived_button, self.leaving_button):
            button.setEnabled(self.volunteer_id is not None)

    def _on_search_text_changed(self, typed: str) -> None:
        self.reset_timer.stop()
        self.matches.clear()
        self.volunteer_id = None
        self.chosen.clear()
        self._update_buttons()
        ReadOp(self.ctx, lambda store: volunteers.kiosk_find(store, typed), parent=self).latest(
            "find"
        ).success(lambda found: self._on_found(typed, found)).run()

    def _on_found(self, typed: str, found: list[dict]) -> None:
        for row in found:
            item = QListWidgetItem(row["label"], self.matches)
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
        self._show_hint(typed, bool(found))
        if len(found) == 1 and typed.strip().isdigit():
            self.choose(found[0]["id"], found[0]["label"])
        self.reset_timer.start(IDLE_RESET_MS)

    def _show_hint(self, typed: str, found: bool) -> None:
        """With something typed and nobody listed, says why: a code is not whole yet, too few letters, or no
        volunteer goes by what was typed."""
        typed = typed.strip()
        if not typed or found:
            self.hint.hide()
            return
        if typed.isdigit():
            text = _("A personal code has {digits} digits.").format(digits=volunteers.KIOSK_CODE_DIGITS)
            if len(typed) == volunteers.KIOSK_CODE_DIGITS:
                text = _("No volunteer has this code. Check it or ask the staff.")
        elif len(typed.replace(" ", "")) < volunteers.KIOSK_MIN_LETTERS:
            text = _("Type at least {letters} letters of your name.").format(
                letters=volunteers.KIOSK_MIN_LETTERS
            )
        else:
            text = _("Nobody found for «{query}». Check the spelling or ask the staff.").format(
                query=" ".join(typed.split())[:40]
            )
        self.hint.setText(text)
        self.hint.show()

    def _on_matches_item_clicked(self, item: QListWidgetItem) -> None:
        self.choose(item.data(Qt.ItemDataRole.UserRole), item.text())

    def choose(self, volunteer_id: str, name: str) -> None:
        self.volunteer_id = volunteer_id
        self.chosen.setText(name)
        self.message.clear()
        self._update_buttons()
        self.reset_timer.start(IDLE_RESET_MS)

    def _on_arrived_button_clicked(self) -> None:
        if self.volunteer_id:
            self._act(volunteers.arrive)

    def _on_leaving_button_clicked(self) -> None:
        if self.volunteer_id:
            self._act(volunteers.leave)

    def _act(self, action) -> None:
        name = self.chosen.text()
        for button in (self.arrived_button, self.leaving_button):
            button.setEnabled(False)
        volunteer_id, now = self.volunteer_id, clock.now()
        WriteOp(
            self.ctx,
            lambda store: action(store, volunteer_id, now),
            tables=("volunteer_shifts",),
            parent=self,
        ).success(lambda result: self._on_done(result, name)).failure(self._on_failed).run()

    def _on_done(self, result: volunteers.KioskResult, name: str) -> None:
        if result.kind == "arrived":
            text = _("Welcome, {name}! Arrived at {time}.")
        elif result.kind == "already_in":
            text = _("{name}, you are already checked in since {time}.")
        elif result.kind == "left":
            text = _("Thank you, {name}! Today: {hours} h.")
        else:
            text = _("{name}, there is no check-in today to close. Please tell the staff.")
        shift = result.shift or {}
        when = dt.datetime.fromisoformat(shift["check_in"]) if shift.get("check_in") else clock.now()
        self.message.setText(
            text.format(name=name, time=format_time(when), hours=format_hours(result.minutes))
        )
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.matches.clear()
        self.volunteer_id = None
        self._update_buttons()
        self.reset_timer.start(RESET_AFTER_MS)

    def _on_failed(self, error: DostyqError) -> None:
        self.message.setText(error.message)
        self._update_buttons()
