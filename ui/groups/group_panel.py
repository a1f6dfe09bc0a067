"""The selected creative group at a glance: its details, members and performances (the events it is linked to)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import events, groups
from desktop.formats import format_short_date
from desktop.i18n import _
from ui.ops import ReadOp


def read_panel(store, group_id: str | None) -> tuple[dict | None, bool]:
    """The group's overview (None if there is none) and whether any group is on record."""
    overview = groups.group_overview(store, group_id) if group_id else None
    return overview, overview is not None or groups.has_groups(store)


class GroupPanel(QWidget):
    event_activated = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.group_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.members_label = QLabel(self)
        self.members_table = self._table(4)
        self.performances_label = QLabel(self)
        self.performances_table = self._table(3)
        self.performances_table.cellActivated.connect(self._on_performances_table_cell_double_clicked)
        for widget in (self.heading, self.details, self.members_label):
            layout.addWidget(widget)
        layout.addWidget(self.members_table, 3)
        layout.addWidget(self.performances_label)
        layout.addWidget(self.performances_table, 2)
        layout.addStretch(0)

    def _table(self, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0 if columns == 4 else 1, QHeaderView.ResizeMode.Stretch)
        # Short columns (age; date) always fit their header and values.
        header.setSectionResizeMode(1 if columns == 4 else 0, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def show_group(self, group_id: str | None) -> None:
        self.group_id = group_id
        self.refresh()

    def refresh(self) -> None:
        group_id = self.group_id
        ReadOp(self.ctx, lambda store: read_panel(store, group_id), parent=self).latest("group").success(
            self._show
        ).run()

    def _show(self, read: tuple[dict | None, bool]) -> None:
        row, any_groups = read
        self.retranslate_ui()
        for widget in (
            self.members_label,
            self.members_table,
            self.performances_label,
            self.performances_table,
        ):
            widget.setVisible(row is not None)
        if row is None:
            self.members_table.setRowCount(0)
            self.performances_table.setRowCount(0)
            if any_groups:
                self.heading.setText(_("Choose a group in the list"))
                self.details.clear()
            else:
                self.heading.setText(_("No creative groups yet"))
                self.details.setText(
                    _(
                        "Add the house's ensembles, choirs and dance groups with «New group»: their members, "
                        "leader and honorary titles. Performances appear here once a group is linked to events."
                    )
                )
            return
        self.heading.setText(groups.group_label(row))
        ethnic, genre, association = row["ethnic_name"], row["genre_name"], row["association_name"]
        founded = groups._date(row["founded"])
        lines = [
            (_("Ethnic group"), ethnic),
            (_("Genre"), genre),
            (_("Leader"), row["leader_name"]),
            (_("Association"), association),
            (_("Founded"), format_short_date(founded) if founded else ""),
            (_("Honorary title"), row["honorary_title"] or ""),
            (_("Status"), _(dict(groups.GROUP_STATUSES).get(row["status"], row["status"]))),
        ]
        self.details.setText(
            "<br>".join(f"<b>{label}:</b> {_escape(value)}" for label, value in lines if value)
        )
        members = row["members"]
        self.members_label.setText(_("Members: {count}").format(count=len(members)))
        self.members_table.setRowCount(len(members))
        for r, m in enumerate(members):
            guardian = m["guardian_name"] or ""
            consent_on = groups._date(m["guardian_consent_on"])
            if guardian and consent_on:
                guardian += f" ({format_short_date(consent_on)})"
            for c, value in enumerate(
                (m["full_name"], "" if m["age"] is None else str(m["age"]), m["role"] or "", guardian)
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # a name cut to the column's width is whole in the tooltip
                self.members_table.setItem(r, c, item)
        shows = row["performances"]
        self.performances_label.setText(_("Performances: {count}").format(count=len(shows)))
        self.performances_table.setRowCount(len(shows))
        statuses = dict(events.STATUSES)
        for r, show in enumerate(shows):
            starts = events.to_local(show["starts_at"])
            assert starts is not None  # events.starts_at is NOT NULL
            item = QTableWidgetItem(format_short_date(starts.date()))
            item.setData(Qt.ItemDataRole.UserRole, show["id"])
            self.performances_table.setItem(r, 0, item)
            title = QTableWidgetItem(show["title"])
            title.setToolTip(show["title"])
            self.performances_table.setItem(r, 1, title)
            self.performances_table.setItem(r, 2, QTableWidgetItem(_(statuses.get(show["status"], ""))))
        self._fit(self.members_table, 0)
        self._fit(self.performances_table, 1)

    @staticmethod
    def _fit(table: QTableWidget, stretched: int, cap: int = 190) -> None:
        for column in range(table.columnCount()):
            if (
                column != stretched
                and table.horizontalHeader().sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive
            ):
                table.resizeColumnToContents(column)
                table.setColumnWidth(column, min(table.columnWidth(column), cap))

    def _on_performances_table_cell_double_clicked(self, row: int, _column: int) -> None:
        item = self.performances_table.item(row, 0)
        assert item is not None  # refresh() fills column 0 of every row
        self.event_activated.emit(item.data(Qt.ItemDataRole.UserRole))

    def retranslate_ui(self) -> None:
        self.members_table.setHorizontalHeaderLabels(
            [_("Name"), _("Age"), _("Role"), _("Guardian (consent)")]
        )
        self.performances_table.setHorizontalHeaderLabels([_("Date"), _("Event"), _("Status")])


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
