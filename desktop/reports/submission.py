"""Submitting a month to the region: a versioned `monthly_reports` row, queued by the outbox until sync.

A resubmission is a new version that says what changed since the previous one (a JSON diff of this month's
figures). `months_awaiting_submission` feeds the month-end reminder in the status bar.
"""

from __future__ import annotations

import datetime as dt
import json

from desktop import clock
from desktop.errors import DostyqError
from desktop.formats import format_month
from desktop.i18n import N_, _, ngettext
from desktop.periods import last_full_month, month_key, parse_month, shift_month
from desktop.reports.payload_check import payload_problem
from desktop.reports.summary import MonthlySummary, build_summary
from desktop.roles import requires


class ReportNotSubmittable(DostyqError):
    """The server would refuse this summary (desktop.reports.payload_check), so it is not queued."""

    template = N_(
        "The report cannot be submitted: its figures do not follow the summary format ({reason}). "
        "Tell the administrator."
    )
    personal = N_(
        "The report cannot be submitted: a name in it (of the house, a programme, a category, an event kind "
        "or an item) holds a number that looks like an IIN or a phone number. Correct the name and submit again."
    )


# How far back the reminder looks for months never submitted.
REMINDER_MONTHS = 12


def report_versions(store, month: str) -> list[dict]:
    """Every version submitted for `month` by this house, newest first."""
    return store.rows(
        "SELECT * FROM monthly_reports WHERE deleted = 0 AND month = ? ORDER BY version DESC", (month,)
    )


def latest_report(store, month: str) -> dict | None:
    versions = report_versions(store, month)
    return versions[0] if versions else None


def flatten(figures: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in figures.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def figure_changes(old: dict, new: dict) -> dict[str, list]:
    """{"aid.people": [old, new], …} for every figure that differs (a missing figure counts as 0)."""
    a, b = flatten(old), flatten(new)
    return {k: [a.get(k, 0), b.get(k, 0)] for k in sorted(set(a) | set(b)) if a.get(k, 0) != b.get(k, 0)}


@requires("reports.submit")
def submit_month(
    store,
    month: str,
    *,
    summary: MonthlySummary | None = None,
    today: dt.date | None = None,
    progress=None,
    cancel=None,
) -> dict:
    """Submits `month` (builds its summary unless given one). Returns the stored row plus `unchanged`: True when
    the figures equal the last submitted version (then nothing new is written)."""
    summary = summary or build_summary(store, month, today=today)
    payload = summary.to_payload()
    problem = payload_problem(payload, house=store.house_id or payload["org"].get("code", ""), month=month)
    if problem == "personal":
        raise ReportNotSubmittable(ReportNotSubmittable.personal)
    if problem:
        raise ReportNotSubmittable(reason=problem)
    with store.transaction():
        last = latest_report(store, month)
        changes = None
        if last is not None:
            previous = json.loads(last["payload"] or "{}").get("current", {})
            changes = figure_changes(previous, payload["current"])
            if not changes and last["status"] == "submitted":
                return {**last, "unchanged": True}
        row_id = store.insert(
            "monthly_reports",
            {
                "month": month,
                "version": (last["version"] + 1) if last else 1,
                "status": "submitted",
                "payload": payload,
                "changes": {"since_version": last["version"], "figures": changes} if last else None,
                "submitted_at": clock.now().isoformat(timespec="seconds"),
            },
        )
        row = store.get("monthly_reports", row_id)
    return {**row, "unchanged": False}


def months_awaiting_submission(store, today: dt.date | None = None) -> list[str]:
    """Full months (oldest first, at most a year back) with activity recorded but no report submitted."""
    today = today or clock.today()
    last = last_full_month(today)
    # Each read walks its date index from the oldest row, so this stays instant on a busy database.
    firsts = [
        store.scalar(
            f"SELECT substr({column}, 1, 7) FROM {table} WHERE deleted = 0 ORDER BY {column} LIMIT 1"
        )
        for table, column in (
            ("events", "starts_at"),
            ("aid_given", "given_on"),
            ("donations", "received_on"),
            ("volunteer_shifts", "check_in"),
        )
    ]
    first_activity = min((f for f in firsts if f), default=None)
    if not first_activity:
        return []
    start = max(first_activity, shift_month(last, -(REMINDER_MONTHS - 1)))
    submitted = {
        r["month"]
        for r in store.rows(
            "SELECT DISTINCT month FROM monthly_reports WHERE deleted = 0 AND status = 'submitted' AND month >= ?",
            (start,),
        )
    }
    months, month = [], start
    while month <= last:
        if month not in submitted:
            months.append(month)
        month = shift_month(month, 1)
    return months


def submission_reminder(store, today: dt.date | None = None) -> str | None:
    """The status bar's month-end reminder, or None when every month is submitted (or the acting account does not
    open the reports: a volunteer at the aid desk has nothing to submit)."""
    if not store.actor.can("reports"):
        return None
    return reminder_text(months_awaiting_submission(store, today))


def reminder_text(months: list[str]) -> str | None:
    """The reminder for months_awaiting_submission's answer, in the interface language."""
    if not months:
        return None
    if len(months) == 1:
        return _("The report for {month} is not submitted yet").format(
            month=format_month(parse_month(months[0]))
        )
    return ngettext(
        "{count} monthly report is not submitted yet",
        "{count} monthly reports are not submitted yet",
        len(months),
    ).format(count=len(months))


def this_month(today: dt.date | None = None) -> str:
    return month_key(today or clock.today())
