"""Errors the user sees. Messages are translated when shown (`str(err)` or `err.message`), not when raised."""

from __future__ import annotations

from typing import ClassVar

from desktop.i18n import N_, _


class DostyqError(Exception):
    """Base: `template` is an untranslated message with {named} fields, filled at display time."""

    template = N_("Something went wrong.")

    def __init__(self, template: str | None = None, **params):
        self.template = template or self.template
        self.params = params
        super().__init__(self.template)

    @property
    def message(self) -> str:
        return _(self.template).format(**{k: _display(v) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message


def _display(value):
    # A parameter may itself be an untranslated label (a field name marked with N_): translate it too.
    return _(value) if isinstance(value, str) else value


class ValidationError(DostyqError):
    """Bad input in one field (or one row of a list). `field` names the form field; `row` the list row if any."""

    template = N_("{field}: the value is not valid.")

    def __init__(self, field: str, template: str | None = None, row: int | None = None, **params):
        self.field = field
        self.row = row
        params.setdefault("field", field_label(field))
        super().__init__(template, **params)


class ValidationErrors(DostyqError):
    """Several field errors found at once, so a form can mark every bad field in one go."""

    template = N_("Please correct the marked fields.")

    def __init__(self, errors: list[ValidationError]):
        self.errors = errors
        super().__init__()

    @property
    def message(self) -> str:
        return "\n".join(e.message for e in self.errors)


class LedgerError(DostyqError):
    template = N_("Ledger entries cannot be changed or deleted; record a correction (reversal) instead.")


class StoreOpenError(DostyqError):
    """The database file cannot be used. `kind` tells which case; nothing has been written to the file."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "not_sqlite": N_(
            "The file {path} is not a Dostyq database (it is not an SQLite file). It was not changed."
        ),
        "read_only": N_("The database {path} is read-only. Dostyq needs to write to it and to its folder."),
        "locked": N_("The database {path} is already open in another running Dostyq. Close it there first."),
        "too_new": N_(
            "The database {path} was made by a newer version of Dostyq (schema {found}, this version knows {known}). "
            "Update Dostyq; the file was not changed."
        ),
        "corrupt": N_("The database {path} is damaged and cannot be opened: {detail}"),
    }

    def __init__(self, kind: str, **params):
        self.kind = kind
        super().__init__(self.MESSAGES[kind], **params)


# Field labels shown in messages; forms use the same labels. Kept here so core validators can name fields.
FIELD_LABELS: dict[str, str] = {}


def register_field_labels(labels: dict[str, str]) -> None:
    FIELD_LABELS.update(labels)


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)
