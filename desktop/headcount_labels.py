"""The groups of people a headcount or a summary counts, named one way everywhere: the event form, the monthly
summary (app, XLSX, PDF, CSV, HXL) and the messages about a headcount. One term per language: балалар / дети
(under 18), егде жастағылар / пожилые (60 and over)."""

from __future__ import annotations

from desktop.i18n import N_

# A field's name (messages, the import's columns) and a form's label.
CHILDREN = N_("Children (under 18)")
ELDERLY = N_("Elderly people (60 and over)")
CHILDREN_FIELD = N_("Children (under 18):")
ELDERLY_FIELD = N_("Elderly people (60 and over):")
# A line under a total in the summary ("of whom …").
CHILDREN_ROW = N_("children (under 18)")
ELDERLY_ROW = N_("elderly people (60 and over)")
# A column heading of a breakdown table.
CHILDREN_COLUMN = N_("children")
ELDERLY_COLUMN = N_("elderly")
# A box of the event sign-in sheet (desktop/events_sheet.py), counted on paper.
DISABILITIES = N_("People with disabilities")
