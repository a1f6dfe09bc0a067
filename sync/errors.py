"""What the user is told when sync cannot go on. Templates are English, translated when shown; local work is never
touched by any of these."""

from __future__ import annotations

from desktop.errors import DostyqError
from desktop.i18n import N_


class SyncError(DostyqError):
    template = N_("Sync failed: {detail}")


class ServerUnreachable(SyncError):
    """Retried later with backoff; the PC keeps working offline."""

    template = N_("The server {url} cannot be reached. Your work is saved on this PC and will sync later.")


class FirstConnectionFailed(ServerUnreachable):
    """Connecting this PC the first time: nothing is set up, so nothing will sync later by itself."""

    template = N_(
        "Could not connect to the server {url}. Nothing is set up yet: check the address and the enrolment "
        "code, then try again."
    )


class FirstConnectionSilent(FirstConnectionFailed):
    template = N_(
        "The server {url} did not answer within {seconds} s. Nothing is set up yet: check the address, then "
        "try again."
    )


class ServerNotReached(ServerUnreachable):
    """A request a person waits for (the regional roll-up): they try again themselves."""

    template = N_("Could not connect to the server {url}. Check the address and the network, then try again.")


class ServerSilent(ServerNotReached):
    template = N_(
        "The server {url} did not answer within {seconds} s. Check the address, or try again later."
    )


class AttemptCancelled(SyncError):
    template = N_("Cancelled. Nothing was changed.")


class BadServerUrl(SyncError):
    template = N_("“{url}” is not a valid server address. It should look like https://sync.example.kz")


class EnrolCodeInvalid(SyncError):
    template = N_("The enrolment code is not valid. Check it, or ask the administrator for a new one.")


class EnrolCodeUsed(SyncError):
    template = N_("This enrolment code was already used. Ask the administrator for a new one.")


class EnrolCodeExpired(SyncError):
    template = N_("This enrolment code has expired. Ask the administrator for a new one.")


class ProtocolMismatch(SyncError):
    template = N_(
        "The server speaks sync version {server} and this program version {client}. "
        "Update Dostyq (or ask the administrator to update the server)."
    )


class DeviceRevoked(SyncError):
    template = N_(
        "This PC has been cut off from the server by the administrator. "
        "Your work is still here; ask the administrator to enrol this PC again."
    )


class NotEnrolled(SyncError):
    template = N_(
        "This PC is not connected to a server yet. Enter the server address and an enrolment code "
        "in Settings."
    )


class TooManyRequests(SyncError):
    """The server's per-address limit (enrolment attempts, sync files) is reached for now."""

    template = N_("Too many attempts from this address. Wait {seconds} s and try again.")


class ServerRefused(SyncError):
    template = N_("The server refused the request ({code}).")


class BadPacket(SyncError):
    template = N_("This file is not a sync answer for this PC ({detail}).")


class FileTooLarge(BadPacket):
    template = N_("This file is {size_mb} MB; a sync file is at most {limit_mb} MB. It was not read.")


class NoFileKeys(SyncError):
    template = N_(
        "This PC has no keys for sync files yet. Sync it once over the internet (or load an enrolment file from "
        "the administrator), then make the sync file again."
    )


class AlreadyEnrolled(SyncError):
    template = N_("This PC is already connected to a server; an enrolment file is for a PC that is not.")
