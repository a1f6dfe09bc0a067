"""`dostyq-server packet apply` and `dostyq-server enrol-file`: sync files at the administrator's desk. Every
refusal is one translated line on stderr and exit code 2; nothing is written for a refused file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop.i18n import _
from sync import protocol
from sync.protocol import ProtocolError
from sync.server.files import apply_packet
from sync.server.store import AuthError, EnrolError, ServerStore

_MB = 1024 * 1024


def _refusal(code: str, detail: str = "") -> str:
    """The administrator's message for a refused file (codes of ProtocolError, AuthError and EnrolError)."""
    if code == "unauthorized":
        return _("The PC that made this file is not enrolled on this server; the file is refused.")
    if code == "revoked":
        return _("The PC that made this file has been revoked; the file is refused.")
    if code == "bad_signature":
        return _("The file is not signed by the PC it names; it is refused (it may be forged).")
    if code == "tampered":
        return _("The file was changed or damaged on the way; it is refused. Ask the house for a new file.")
    if code == "expired":
        return _(
            "The file is older than {days} days, or dated ahead of the server's clock; it is refused. Ask the "
            "house to make a new one."
        ).format(days=protocol.FILE_MAX_AGE_DAYS)
    if code == "no_keys":
        return _(
            "The PC that made this file has no sync-file keys on this server yet: it must sync over the "
            "internet once, or be enrolled with an enrolment file."
        )
    if code == "too_large":
        return _("The file is larger than {limit} MB; it is refused.").format(
            limit=protocol.MAX_FILE_BYTES // _MB
        )
    if code in ("code_invalid", "code_used", "code_expired"):
        return _(
            "The enrolment code in this file is not valid, already used or expired; make a new enrolment file."
        )
    if code == "device_mismatch":
        return _("The file names another PC than the one it was enrolled for; it is refused.")
    return _("This is not a Dostyq request file for this server ({detail}).").format(detail=detail or code)


def apply_file(store: ServerStore, path: str, out: str | None) -> int:
    target = Path(out or Path(path).with_suffix(".answer.dostyq"))
    try:
        size = os.stat(path).st_size
        if size > protocol.MAX_FILE_BYTES:
            raise ProtocolError("too_large")
        data = Path(path).read_bytes()
    except OSError as exc:
        print(
            _("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc), file=sys.stderr
        )
        return 2
    except ProtocolError as exc:
        print(_refusal(exc.code, exc.detail), file=sys.stderr)
        return 2
    try:
        answer = apply_packet(store, data)
    except ProtocolError as exc:
        print(_refusal(exc.code, exc.detail), file=sys.stderr)
        return 2
    except (AuthError, EnrolError) as exc:
        print(_refusal(exc.code), file=sys.stderr)
        return 2
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(answer)
    tmp.replace(target)
    print(
        _("Answer file written to {path}. Take it back to the house and load it there.").format(path=target)
    )
    return 0


def write_enrol_file(store: ServerStore, house: str, hours: float, url: str, out: str | None) -> int:
    target = Path(out or f"{house}.enrol.dostyq")
    data = store.new_enrol_file(
        house, hours, url
    )  # an unknown house raises ValueError (the CLI's error line)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    print(
        _(
            "Enrolment file for {house} written to {path} (one use, expires in {hours} h). It holds a one-time "
            "code: hand it over as you would a password."
        ).format(house=house, path=target, hours=f"{hours:g}")
    )
    return 0
