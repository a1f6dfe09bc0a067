"""The event list: the shared lazy table model (ui/widgets/lazy_table.py) over desktop.events.list_events, sorted
by the service, with the kinds' names read with each reload and each kind's colour beside its name."""

from __future__ import annotations

from desktop import events
from desktop.events import EventFilter
from desktop.formats import format_number, format_short_date
from desktop.i18n import N_, _
from ui.events.kind_colors import kind_color
from ui.widgets.lazy_table import Column, Count, Fetch, LazyTableModel

PAGE = 100
STATUS_LABELS = dict(events.STATUSES)


def _when(row: dict) -> str:
    starts = events.to_local(row["starts_at"])
    assert starts is not None  # events.starts_at is NOT NULL
    ends = events.to_local(row["ends_at"])
    shown = f"{format_short_date(starts.date())} {starts:%H:%M}"
    if ends and ends.date() != starts.date():
        shown += f" – {format_short_date(ends.date())}"
    return shown


class _KindNames:
    """The kinds' names in the current language, read with each reload (RowNames)."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def read(self, store) -> dict[str, str]:
        return events.kind_names(store)

    def set(self, names: dict[str, str]) -> None:
        self.names = names


class EventsModel(LazyTableModel):
    PAGE = PAGE

    def __init__(self, ctx, parent=None):
        kinds = _KindNames()
        columns = [
            Column(N_("Date"), _when, order_by="starts_at"),
            Column(N_("Title"), events.localized_title, order_by="title"),
            Column(
                N_("Kind"),
                lambda r: kinds.names.get(r["kind"], r["kind"]),
                order_by="kind",
                decoration=lambda r: kind_color(r["kind"]),
            ),
            Column(N_("Place"), lambda r: r["place"] or "", order_by="place"),
            Column(N_("Status"), lambda r: _(STATUS_LABELS.get(r["status"], r["status"])), order_by="status"),
            Column(
                N_("Attendance"),
                lambda r: "" if r["attendance"] is None else format_number(r["attendance"]),
                align_right=True,
                order_by="attendance",
            ),
        ]
        super().__init__(columns, ctx, parent=parent, names=kinds, order=("starts_at", True))
        self.filter = EventFilter()

    def set_filter(self, f: EventFilter) -> None:
        self.filter = f
        self.reload()

    def source(self) -> tuple[Fetch, Count | None]:
        assert self.order is not None  # the service sorts this list
        f, (sort, descending) = self.filter, self.order
        return (
            lambda store, offset, limit: events.list_events(
                store, f, sort=sort, descending=descending, limit=limit, offset=offset
            ),
            lambda store: events.count_events(store, f),
        )

    def event_id(self, row: int) -> str:
        return self.rows[row]["id"]
