"""The confirmation of a withdrawal of consent: what will be erased and what stays counted, and how the withdrawal
was received (the note kept in the audit)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.i18n import N_, _
from ui.aid.reason_dialog import ReasonDialog

ERASES = N_(
    "This is the person's last consent: their personal data will be erased on every PC and on the server — name, "
    "IIN, phone, e-mail, address, locality, notes, emergency contact and guardian's name. The aid given, "
    "volunteer hours, group membership and attendance stay counted as an anonymous person (sex and age only). "
    "This cannot be undone."
)
KEEPS = N_(
    "The person keeps another consent in force, so their details stay; only this consent is withdrawn."
)
HOW = N_("Note how the withdrawal was received (e.g. written application of 12.10.2026):")


def withdrawal_dialog(erases: bool, parent: QWidget | None = None, keeps: str = KEEPS) -> ReasonDialog:
    """A ReasonDialog (OK only once the note is typed) that says what the withdrawal does."""
    dialog = ReasonDialog(_("Withdraw consent"), f"{_(ERASES if erases else keeps)}\n\n{_(HOW)}", parent)
    dialog.resize(520, 220)
    return dialog
