"""The humanitarian aid point: aid points, the item catalogue, donations received, recipients with consent, aid
given with the double-aid guard, reversals and stock on hand.

Donations, aid given and stock adjustments are ledgers: an entry and all its lines are written in one transaction
(all or nothing), never edited; a correction is a reversal entry that references the original and carries the
negated quantities, so every sum over a ledger is simply a sum.

One module per job: `catalogue` (aid points, items, programmes and their rules), `ledger` (aid given, entry lines,
receipt numbers, reversals), `guard` (the double-aid guard) with the pure arithmetic in `rules`, `eligibility` (the ages a programme
serves), `override` (what an entry needs an override for, and its reason), `receipt` (the printed act), `donations`,
`stock` (stock on hand, stock-takes) and `recipients` (recipients, households, consent, search, the card). The
names below are the package's interface: `from desktop import aid; aid.save_aid(...)`.
"""

from __future__ import annotations

from desktop.aid._common import parse_date
from desktop.aid.catalogue import (
    count_aid_points,
    count_items,
    count_rules,
    get_item,
    item_label,
    list_aid_points,
    list_items,
    list_rules,
    point_label,
    programme_names,
    programme_rules,
    rule_text,
    save_aid_point,
    save_item,
    save_rule,
    search_items,
    unit_names,
)
from desktop.aid.donations import (
    DONOR_KIND_LABELS,
    DONOR_KINDS,
    DonationEntry,
    count_donations,
    donor_label,
    list_donations,
    reverse_donation,
    save_donation,
)
from desktop.aid.eligibility import PROGRAMME_AGES, Ineligible, age_range, check_age
from desktop.aid.guard import DoubleAidError, check_double_aid
from desktop.aid.ledger import (
    AidEntry,
    Line,
    SaveResult,
    count_aid,
    list_aid,
    parse_quantity,
    reverse_aid,
    save_aid,
)
from desktop.aid.override import REASON_MIN_CHARS, OverrideNeeded, Shortage, check_reason
from desktop.aid.recipients import (
    AGE_BAND_LABELS,
    CONSENT_FORM_VERSION,
    CONSENT_PURPOSE,
    CONSENT_YEARS,
    RECIPIENT_PERSON_FIELDS,
    SEX_LABELS,
    RecipientInput,
    category_names,
    consent_status,
    count_recipients,
    list_recipients,
    recipient_card,
    recipient_label,
    recipient_label_with,
    reference_names,
    save_recipient,
    search_people,
    search_recipients,
    withdraw_consent,
)
from desktop.aid.rules import Breach, EarlierAid, Rule
from desktop.aid.stock import StockRow, record_stock_take, stock_of, stock_on_hand
from desktop.periods import ADULT_AGE, AGE_BANDS, ELDERLY_AGE, age_band

__all__ = [
    "ADULT_AGE",
    "AGE_BANDS",
    "AGE_BAND_LABELS",
    "CONSENT_FORM_VERSION",
    "CONSENT_PURPOSE",
    "CONSENT_YEARS",
    "DONOR_KINDS",
    "DONOR_KIND_LABELS",
    "ELDERLY_AGE",
    "PROGRAMME_AGES",
    "REASON_MIN_CHARS",
    "RECIPIENT_PERSON_FIELDS",
    "SEX_LABELS",
    "AidEntry",
    "Breach",
    "DonationEntry",
    "DoubleAidError",
    "EarlierAid",
    "Ineligible",
    "Line",
    "OverrideNeeded",
    "RecipientInput",
    "Rule",
    "SaveResult",
    "Shortage",
    "StockRow",
    "age_band",
    "age_range",
    "category_names",
    "check_age",
    "check_double_aid",
    "check_reason",
    "consent_status",
    "count_aid",
    "count_aid_points",
    "count_donations",
    "count_items",
    "count_recipients",
    "count_rules",
    "donor_label",
    "get_item",
    "item_label",
    "list_aid",
    "list_aid_points",
    "list_donations",
    "list_items",
    "list_recipients",
    "list_rules",
    "parse_date",
    "parse_quantity",
    "point_label",
    "programme_names",
    "programme_rules",
    "recipient_card",
    "recipient_label",
    "recipient_label_with",
    "record_stock_take",
    "reference_names",
    "reverse_aid",
    "reverse_donation",
    "rule_text",
    "save_aid",
    "save_aid_point",
    "save_donation",
    "save_item",
    "save_recipient",
    "save_rule",
    "search_items",
    "search_people",
    "search_recipients",
    "stock_of",
    "stock_on_hand",
    "unit_names",
    "withdraw_consent",
]
