"""The house's accounts: who signs in, with which role (desktop/roles.py).

Accounts are a synced table, so every PC of the house signs in the same people; the server keeps them only under
that house. A password (eight characters or more) or, for a volunteer, a PIN of four to six digits is kept only as
an argon2id hash. Five wrong tries on a PC lock that login on that PC for LOCK_MINUTES. A wrong login and a wrong
password get the same message, so a try reveals nothing about which accounts exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop import clock, roles, text
from desktop.errors import DostyqError, ValidationError, ValidationErrors, register_field_labels
from desktop.i18n import N_
from desktop.roles import Actor, requires
from desktop.store import Store

MAX_TRIES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8
PIN_PATTERN = re.compile(r"\d{4,6}")
LOGIN_PATTERN = re.compile(r"[a-z0-9._-]{2,32}")

_HASHER = PasswordHasher()  # argon2id, the library's RFC 9106 profile

register_field_labels(
    {
        "login": N_("Login"),
        "display_name": N_("Name"),
        "role": N_("Role"),
        "secret": N_("Password or PIN"),
        "secret_again": N_("Repeat the password or PIN"),
    }
)


class SignInError(DostyqError):
    """A wrong login, password or PIN (how many tries are left), or a locked login (until when)."""

    def __init__(self, template: str, *, tries_left: int | None = None, until: dt.datetime | None = None):
        self.tries_left = tries_left
        self.until = until
        params: dict = {}
        if tries_left is not None:
            params["tries"] = tries_left
        if until is not None:
            params["time"] = until.astimezone(clock.TZ).strftime("%H:%M")
        super().__init__(template, **params)


WRONG = N_("The login or the password (PIN) is wrong. Tries left before the account is locked: {tries}.")
LOCKED = N_("Too many wrong tries: this account is locked on this PC until {time}.")


@dataclass
class AccountInput:
    login: str
    display_name: str
    role: str
    secret: str = ""  # empty when editing: the secret stays as it is
    secret_again: str = ""
    active: bool = True


def _secret_kind(role: str) -> str:
    return "pin" if role == roles.VOLUNTEER else "password"


def _check_secret(role: str, secret: str, again: str, required: bool) -> list[ValidationError]:
    if not secret and not required:
        return []
    errors = []
    if role == roles.VOLUNTEER:
        if not PIN_PATTERN.fullmatch(secret) and len(secret) < MIN_PASSWORD:
            errors.append(
                ValidationError(
                    "secret", N_("{field}: a PIN of 4 to 6 digits, or a password of 8 characters.")
                )
            )
    elif len(secret) < MIN_PASSWORD:
        errors.append(ValidationError("secret", N_("{field}: at least {n} characters."), n=MIN_PASSWORD))
    if secret != again:
        errors.append(ValidationError("secret_again", N_("{field}: the two entries differ.")))
    return errors


def _validate(store: Store, data: AccountInput, account_id: str | None) -> dict:
    errors: list[ValidationError] = []
    login = text.normalize(data.login).lower()
    if not LOGIN_PATTERN.fullmatch(login):
        errors.append(
            ValidationError(
                "login", N_("{field}: 2 to 32 Latin letters, digits, dots, dashes or underscores.")
            )
        )
    elif store.scalar(
        "SELECT 1 FROM accounts WHERE login = ? AND deleted = 0 AND id != ?", (login, account_id or "")
    ):
        errors.append(ValidationError("login", N_("{field}: another account already has this login.")))
    name = text.normalize(data.display_name)
    if not name:
        errors.append(ValidationError("display_name", N_("{field} is required.")))
    if data.role not in roles.ROLES:
        errors.append(ValidationError("role", N_("{field}: choose a value from the list.")))
    errors.extend(_check_secret(data.role, data.secret, data.secret_again, required=account_id is None))
    if errors:
        raise ValidationErrors(errors)
    values = {"login": login, "display_name": name, "role": data.role, "active": bool(data.active)}
    if data.secret:
        values["secret_kind"] = "pin" if PIN_PATTERN.fullmatch(data.secret) else "password"
        values["secret_hash"] = _HASHER.hash(data.secret)
    return values


def has_accounts(store: Store) -> bool:
    return bool(store.scalar("SELECT 1 FROM accounts WHERE deleted = 0 LIMIT 1"))


def create_first_administrator(store: Store, data: AccountInput) -> Actor:
    """The house administrator made at the first start, while the house has no account yet (nobody to ask)."""
    data.role = roles.ADMIN
    with store.transaction():
        if has_accounts(store):
            raise DostyqError(N_("The house already has an administrator: sign in instead."))
        values = _validate(store, data, None)
        account_id = store.insert("accounts", values)
        store.audit("account_created", "accounts", account_id, {"role": roles.ADMIN})
    return roles.actor_for(account_id, values["display_name"], roles.ADMIN)


@requires("accounts")
def save_account(store: Store, data: AccountInput, account_id: str | None = None, **_task) -> str:
    with store.transaction():
        values = _validate(store, data, account_id)
        if account_id is None:
            account_id = store.insert("accounts", values)
        else:
            if account_id == roles.actor_of(store).account_id and (
                values["role"] != roles.ADMIN or not values["active"]
            ):
                raise ValidationError(
                    "role", N_("You cannot take the administrator role from your own account.")
                )
            store.update("accounts", account_id, values)
        store.audit("account_saved", "accounts", account_id, {"role": values["role"]})
    return account_id


@requires("accounts")
def list_accounts(store: Store, *, offset: int = 0, limit: int | None = None) -> list[dict]:
    """Every account of the house, without its hash; a page of them with `offset` and `limit`."""
    return store.rows(
        "SELECT id, login, display_name, role, secret_kind, active FROM accounts WHERE deleted = 0 "
        "ORDER BY display_name COLLATE NOCASE, id LIMIT ? OFFSET ?",
        (-1 if limit is None else limit, offset),
    )


def sign_in_names(store: Store) -> list[tuple[str, str]]:
    """(login, display name) of the active accounts, for the sign-in screen's list."""
    return [
        (r["login"], r["display_name"])
        for r in store.rows(
            "SELECT login, display_name FROM accounts WHERE deleted = 0 AND active = 1 "
            "ORDER BY display_name COLLATE NOCASE"
        )
    ]


def display_names(store: Store) -> dict[str, str]:
    """Account id → display name, for the audit and Needs review (every PC of the house has the accounts)."""
    return {r["id"]: r["display_name"] for r in store.rows("SELECT id, display_name FROM accounts")}


def _failures(store: Store, login: str) -> tuple[int, dt.datetime | None]:
    row = store.one("SELECT failures, locked_until FROM sign_in_failures WHERE login = ?", (login,))
    if row is None:
        return 0, None
    until = dt.datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None
    return row["failures"], until


def _set_failures(store: Store, login: str, failures: int, until: dt.datetime | None) -> None:
    store.conn.execute(
        "INSERT INTO sign_in_failures (login, failures, locked_until) VALUES (?, ?, ?) "
        "ON CONFLICT(login) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        (login, failures, until.isoformat() if until else None),
    )


def sign_in(store: Store, login: str, secret: str, *, needs: str | None = None, **_task) -> Actor:
    """The account of `login` if `secret` is its password or PIN. A wrong try counts; the fifth locks. With
    `needs`, the account must also hold that permission (PermissionDenied otherwise, after a right password)."""
    login = text.normalize(login).lower()
    now = clock.now_utc()
    refusal: SignInError | None = None
    actor: Actor | None = None
    # The try is counted and committed before the refusal is raised (a raise inside the transaction would undo it).
    with store.transaction():
        failures, until = _failures(store, login)
        if until is not None and until > now:
            refusal = SignInError(LOCKED, until=until)
        else:
            if until is not None:  # the lock has passed: a fresh count
                failures = 0
            row = store.one(
                "SELECT id, display_name, role, secret_hash FROM accounts "
                "WHERE login = ? AND deleted = 0 AND active = 1",
                (login,),
            )
            if row is not None and row["secret_hash"]:
                ok = _verify(row["secret_hash"], secret)
            else:
                # The same work as a real check: the time taken does not tell a missing login from a wrong password.
                ok = _verify(_dummy_hash(), secret) and False
            if not ok:
                failures += 1
                if failures >= MAX_TRIES:
                    locked = now + dt.timedelta(minutes=LOCK_MINUTES)
                    _set_failures(store, login, 0, locked)
                    store.audit("sign_in_locked", "accounts", row["id"] if row else None)
                    refusal = SignInError(LOCKED, until=locked)
                else:
                    _set_failures(store, login, failures, None)
                    refusal = SignInError(WRONG, tries_left=MAX_TRIES - failures)
            else:
                assert row is not None
                _set_failures(store, login, 0, None)
                if _HASHER.check_needs_rehash(row["secret_hash"]):
                    store.update("accounts", row["id"], {"secret_hash": _HASHER.hash(secret)})
                actor = roles.actor_for(row["id"], row["display_name"], row["role"])
                previous, store.actor = store.actor, actor
                try:
                    store.audit("signed_in", "accounts", row["id"])
                finally:
                    store.actor = previous
    if refusal is not None:
        raise refusal
    assert actor is not None
    if needs is not None:
        roles.require(actor, needs)
    return actor


def _verify(secret_hash: str, secret: str) -> bool:
    try:
        return _HASHER.verify(secret_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash("not a secret of any account")
