"""Who is signed in on this window: the sign-in at start, the lock (by the button, or after the idle time set in
Settings) and switching user without closing the app.

While the screen is locked the acting account is NOBODY, so even an op started before the lock is refused by the
core; the window's sections are covered until someone signs in again. Sync keeps running (it acts as the PC).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop import roles
from desktop.settings import idle_lock_minutes
from ui.dialogs.sign_in_dialog import SignInDialog

# Input that counts as someone at the keyboard.
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class Session(QObject):
    # The account now acting (roles.NOBODY while locked).
    changed = Signal(object)

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.window: QWidget | None = None
        self.dialog: SignInDialog | None = None
        self._last_name: str | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.lock)
        self._kiosk = False
        self.apply_idle_setting()
        ctx.session = self
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def actor(self) -> roles.Actor:
        return self.ctx.actor

    @property
    def locked(self) -> bool:
        return self.ctx.actor is roles.NOBODY

    def apply_idle_setting(self) -> None:
        self.idle.setInterval(idle_lock_minutes(self.ctx.settings) * 60_000)
        if not self.locked:
            self.idle.start()

    def kiosk_open(self, is_open: bool) -> None:
        """While the kiosk covers the screen it is the lock: no idle lock under it (volunteers keep checking in)."""
        self._kiosk = is_open
        if is_open:
            self.idle.stop()
        elif not self.locked:
            self.idle.start()

    def set_actor(self, actor: roles.Actor) -> None:
        self.ctx.actor = actor
        if actor is not roles.NOBODY:
            self._last_name = actor.display_name
            if not self._kiosk:
                self.idle.start()
        else:
            self.idle.stop()
        self.changed.emit(actor)

    def ask(self, *, first: bool = False, parent: QWidget | None = None) -> SignInDialog:
        """The sign-in dialog (made, shown, kept referenced); signing in there makes that account act."""
        dialog = SignInDialog(self.ctx, first=first, current=self._last_name, parent=parent or self.window)
        dialog.signed_in.connect(self.set_actor)
        self.dialog = dialog
        return dialog

    def lock(self) -> None:
        """Covers the window and asks for a sign-in (the same account, or another one: switching user)."""
        if self.locked and self.dialog is not None and self.dialog.isVisible():
            return
        self.set_actor(roles.NOBODY)
        if self.window is not None:
            dialog = self.ask()
            dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.locked and not self._kiosk:
            self.idle.start()
        return False
