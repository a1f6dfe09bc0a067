"""What each synced table is called on screen (the audit, its export, the review of sync problems)."""

from __future__ import annotations

from desktop.i18n import N_, _

TABLE_LABELS = {
    "people": N_("People"),
    "people_distinct": N_("Not duplicates"),
    "skills": N_("Volunteer skills"),
    "volunteers": N_("Volunteers"),
    "volunteer_shifts": N_("Volunteer shifts"),
    "events": N_("Events"),
    "event_associations": N_("Event associations"),
    "event_groups": N_("Event groups"),
    "event_volunteers": N_("Event volunteers"),
    "event_attendance": N_("Event attendance"),
    "event_attendees": N_("Named attendees"),
    "associations": N_("Ethnocultural associations"),
    "creative_groups": N_("Creative groups"),
    "group_members": N_("Group members"),
    "aid_points": N_("Aid points"),
    "aid_items": N_("Aid items"),
    "donations": N_("Donations"),
    "donation_lines": N_("Donation lines"),
    "households": N_("Households"),
    "recipients": N_("Aid recipients"),
    "aid_given": N_("Aid given"),
    "aid_lines": N_("Aid lines"),
    "stock_adjustments": N_("Stock adjustments"),
    "programme_rules": N_("Programme rules"),
    "consents": N_("Consents"),
    "accounts": N_("Accounts"),
    "devices": N_("PCs"),
    "monthly_reports": N_("Monthly summaries"),
}


def table_label(table: str) -> str:
    """The table's name in the interface language; a table this version does not know keeps its own name."""
    label = TABLE_LABELS.get(table)
    return _(label) if label else table
