"""Why a file cannot be imported at all. Each case names what to do; nothing has been written."""

from __future__ import annotations

from typing import ClassVar

from desktop.errors import DostyqError
from desktop.i18n import N_

MAX_BYTES = 50 * 1024 * 1024


class ImportFileError(DostyqError):
    """The file as a whole cannot be read. `kind` tells which case."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "missing": N_("The file {name} was not found."),
        "too_big": N_(
            "The file {name} is larger than 50 MB. Split it into smaller files and import them one by one."
        ),
        "protected": N_(
            "The file {name} is protected by a password. Open it in Excel, remove the password, save it and try again."
        ),
        "corrupt": N_("The file {name} is damaged or is not a spreadsheet; it cannot be read."),
        "empty": N_("The file {name} holds no rows to import."),
        "no_sheet": N_("The workbook {name} has no sheet named {sheet}."),
        "no_header": N_(
            "No header row was recognised in {name}: the first rows hold none of the expected column names (for example «ФИО» or «Аты-жөні»)."
        ),
        "no_name_column": N_(
            "The file {name} has no column with the person's name (ФИО / Аты-жөні, or surname and name)."
        ),
    }

    def __init__(self, kind: str, **params):
        self.kind = kind
        super().__init__(self.MESSAGES[kind], **params)


class ImportCancelled(DostyqError):
    template = N_("The import was cancelled; nothing was written.")


class UndoRefused(DostyqError):
    """An import whose records are now used by others (a shift, aid given, an edit) is not undone."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "unknown": N_("This import is not on record on this PC; it cannot be undone here."),
        "undone": N_("This import was undone already."),
        "referred": N_(
            "This import cannot be undone: {count} of its records are used by records made since (for example a shift or aid given). Change those records first."
        ),
    }

    def __init__(self, kind: str, **params):
        self.kind = kind
        super().__init__(self.MESSAGES[kind], **params)
