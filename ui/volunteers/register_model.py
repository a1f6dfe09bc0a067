"""The volunteer register: the shared lazy table model (ui/widgets/lazy_table.py) over volunteers.register_page,
sorted by the service, counted up to the register's cap while a search is typed."""

from __future__ import annotations

import dataclasses
import json

from desktop import people, volunteers
from desktop.formats import format_hours
from desktop.i18n import N_, _
from desktop.phone import format_phone
from ui.widgets.lazy_table import Column, Count, Fetch, LazyTableModel

PAGE = 100


class VolunteerRegisterModel(LazyTableModel):
    """`set_query` starts over with a new search or filter; a header click sorts by the service (`self.order`)."""

    PAGE = PAGE

    def __init__(self, ctx, parent=None):
        columns = [
            Column(N_("Name"), people.full_name, order_by="name"),
            Column(
                N_("Status"),
                lambda r: _(volunteers.STATUSES.get(r["status"], r["status"])),
                order_by="status",
            ),
            Column(
                N_("Hours this month"),
                lambda r: format_hours(r["month_minutes"] or 0),
                True,
                order_by="hours",
            ),
            Column(
                N_("Languages"), lambda r: ", ".join(json.loads(r["languages"] or "[]")), order_by="languages"
            ),
            Column(N_("Phone"), lambda r: format_phone(r["phone"]), order_by="phone"),
            Column(N_("Kiosk code"), lambda r: r["kiosk_code"] or "", True),
        ]
        query = volunteers.RegisterQuery()
        super().__init__(columns, ctx, parent=parent, order=(query.sort, query.descending))
        self.query = query

    def set_query(self, query: volunteers.RegisterQuery) -> None:
        """Starts over with a new search, filter or sort; only the first page is read now."""
        self.query = query
        self.order = (query.sort, query.descending)
        self.reload()

    def source(self) -> tuple[Fetch, Count | None]:
        assert self.order is not None  # the service sorts the register
        sort, descending = self.order
        query = self.query = dataclasses.replace(self.query, sort=sort, descending=descending)
        return (
            lambda store, offset, limit: volunteers.register_page(store, query, offset, limit),
            lambda store: volunteers.register_count(store, query),
        )

    def volunteer_id(self, row: int) -> str | None:
        return self.row_id(row)
