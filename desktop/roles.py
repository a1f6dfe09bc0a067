"""Who may do what: the four roles of a house, their permissions, and the check every core operation makes.

A core operation is declared with `@requires(permission)`: before its body runs it checks the acting account of
the store it is given (`store.actor`). The ops layer (ui/ops.py) sets that actor to the signed-in account for every
op, or to NOBODY when no one is signed in, so a hidden button is never the only guard. A Store opened by a script,
the demo builder or a test acts as SYSTEM (it holds the database file already).

Personal data a role may not see (IIN, phone, address) is masked by `mask_person` in the core's read functions, so
lists, searches, printouts and exports made by that role never carry it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from desktop.errors import DostyqError
from desktop.i18n import N_

ADMIN = "administrator"
STAFF = "staff"
COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"
ROLES = (ADMIN, COORDINATOR, STAFF, VOLUNTEER)
ROLE_LABELS = {
    ADMIN: N_("Administrator"),
    COORDINATOR: N_("Coordinator"),
    STAFF: N_("Staff"),
    VOLUNTEER: N_("Volunteer"),
}

# Each permission with what it allows, as the refusal message names it.
PERMISSIONS: dict[str, str] = {
    "kiosk": N_("use the volunteer check-in kiosk"),
    "aid.give": N_("register aid given"),
    "aid.override": N_("give aid despite a warning (an override with a reason)"),
    "recipients.find": N_("find a recipient"),
    "people.view": N_("see people's IIN, phone and address"),
    "records.read": N_("open the house's records"),
    "records.write": N_("change the house's records"),
    "exports": N_("export or print records"),
    "reports": N_("open the reports"),
    "reports.submit": N_("submit the monthly summary"),
    "rollup": N_("open the regional roll-up"),
    "settings": N_("change this PC's settings"),
    "accounts": N_("manage accounts"),
    "backups": N_("make or restore backups"),
    "server": N_("set up the connection to the server"),
    "audit": N_("open the audit log"),
    "people.erase": N_("erase or merge people's records"),
}

_STAFF = {
    "kiosk",
    "aid.give",
    "aid.override",
    "recipients.find",
    "people.view",
    "records.read",
    "records.write",
    "exports",
    "reports",
}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    VOLUNTEER: frozenset({"kiosk", "aid.give", "recipients.find"}),
    STAFF: frozenset(_STAFF),
    COORDINATOR: frozenset(_STAFF | {"reports.submit", "rollup"}),
    ADMIN: frozenset(PERMISSIONS),
}


@dataclass(frozen=True)
class Actor:
    """The account acting: stamped on every write (updated_by, the audit) and checked by every operation."""

    account_id: str
    display_name: str
    role: str
    permissions: frozenset[str] = field(default=frozenset())

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def stamp(self) -> str:
        """What a write records as its author (the account; its name is looked up from the synced accounts)."""
        return self.account_id


def actor_for(account_id: str, display_name: str, role: str) -> Actor:
    if role not in ROLE_PERMISSIONS:
        raise ValueError(role)
    return Actor(account_id, display_name, role, ROLE_PERMISSIONS[role])


# Scripts, the demo builder and tests: everything. Only the ops layer acts as an account.
SYSTEM = Actor("", "", "system", frozenset(PERMISSIONS))
# The app before anyone signs in, or while the screen is locked: nothing.
NOBODY = Actor("", "", "nobody", frozenset())


class PermissionDenied(DostyqError):
    template = N_("Your account may not {what}. Ask the house administrator.")

    def __init__(self, permission: str):
        self.permission = permission
        super().__init__(self.template, what=PERMISSIONS.get(permission, permission))


def require(actor: Actor | None, permission: str) -> None:
    if permission not in PERMISSIONS:
        raise ValueError(permission)
    if not (actor or SYSTEM).can(permission):
        raise PermissionDenied(permission)


# Every operation declared with @requires, by qualified name: the role matrix test walks it.
OPERATIONS: dict[str, tuple[Callable[..., Any], str]] = {}

P = ParamSpec("P")
R = TypeVar("R")


def requires(permission: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declares a core operation: its first argument is the store, whose actor must hold `permission`."""
    if permission not in PERMISSIONS:
        raise ValueError(permission)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            store = args[0] if args else kwargs.get("store")
            require(getattr(store, "actor", None), permission)
            return fn(*args, **kwargs)

        checked.permission = permission  # type: ignore[attr-defined]
        OPERATIONS[f"{fn.__module__}.{fn.__qualname__}"] = (checked, permission)
        return checked

    return decorate


def actor_of(store: Any) -> Actor:
    return getattr(store, "actor", None) or SYSTEM


# ---- masking ---------------------------------------------------------------------------------------------
PERSONAL_DIGITS = ("iin", "phone", "emergency_contact")
PERSONAL_TEXT = ("address",)


def mask_digits(value: str | None, keep: int = 4) -> str | None:
    """'+77011234567' → '•••••••4567': only the last `keep` digits stay."""
    if not value:
        return value
    text = str(value)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    hidden = set(digits[:-keep]) if len(digits) > keep else set(digits)
    return "".join("•" if i in hidden else ch for i, ch in enumerate(text))


def mask_person(actor: Actor | None, row: dict) -> dict:
    """The row as `actor` may see it: without people.view, IIN and phone keep only their last four digits and the
    address is left out. The row is changed in place and returned."""
    if (actor or SYSTEM).can("people.view"):
        return row
    for key in PERSONAL_DIGITS:
        if key in row:
            row[key] = mask_digits(row[key])
    for key in PERSONAL_TEXT:
        if row.get(key):
            row[key] = "•••"
    return row


def mask_rows(store: Any, rows: list[dict]) -> list[dict]:
    actor = actor_of(store)
    return rows if actor.can("people.view") else [mask_person(actor, r) for r in rows]
