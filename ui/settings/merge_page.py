"""Possible duplicates (the administrator's page in Sync & settings): pairs of records that may be one person, and
the merge of a pair after review — a choice per field, a preview of what moves, confirm. The rules, the moves and
the permission check are the core's (desktop/people_merge.py)."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop import people, people_merge
from desktop.errors import DostyqError, field_label
from desktop.i18n import _
from desktop.phone import format_phone
from ui.ops import ReadOp, WriteOp


def shown(field: str, person: dict) -> str:
    """A person's field as the merge shows it."""
    value = person.get(field)
    if not value:
        return "—"
    if field == "birth_date":
        return dt.date.fromisoformat(value).strftime(people.DATE_FORMAT)
    if field == "sex":
        return _(people.SEXES.get(value, value))
    if field == "phone":
        return format_phone(value)
    if field == "languages":
        codes = json.loads(value or "[]")
        return ", ".join(_(people.COMMON_LANGUAGES.get(c, c)) for c in codes) or "—"
    return str(value)


class MergeDialog(QDialog):
    """Two records side by side: the left one is kept (Swap changes which); a radio per field says whose value
    the kept record takes."""

    merged = Signal(str)  # the survivor's id

    def __init__(self, ctx, first: dict, second: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.survivor, self.other = first, second
        self.counts: dict[str, int] | None = None
        self.setModal(True)
        self.setMinimumWidth(880)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        layout.addLayout(self.grid)
        self.kept_header, self.other_header = QLabel(self), QLabel(self)
        for header in (self.kept_header, self.other_header):
            header.setStyleSheet("font-weight: bold;")
        self.grid.addWidget(self.kept_header, 0, 1)
        self.grid.addWidget(self.other_header, 0, 2)
        self.labels: dict[str, QLabel] = {}
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self.groups: list[QButtonGroup] = []
        for row, name in enumerate(people_merge.MERGE_FIELDS, start=1):
            label, kept, other = QLabel(self), QRadioButton(self), QRadioButton(self)
            group = QButtonGroup(self)
            group.addButton(kept)
            group.addButton(other)
            self.groups.append(group)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(kept, row, 1)
            self.grid.addWidget(other, row, 2)
            self.labels[name] = label
            self.choices[name] = (kept, other)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.swap_button = QPushButton(self)
        swap_row = QHBoxLayout()
        swap_row.addWidget(self.swap_button)
        swap_row.addStretch(1)
        layout.addLayout(swap_row)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("background: #eef3f8; padding: 8px;")
        layout.addWidget(self.preview)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a61b1b; font-weight: bold;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_merge_clicked)
        self.buttons.rejected.connect(self.reject)
        self.swap_button.clicked.connect(self._on_swap_clicked)
        self._fill()
        self.retranslate_ui()

    def chosen(self) -> dict[str, str]:
        return {
            name: ("other" if other.isChecked() else "survivor")
            for name, (_kept, other) in self.choices.items()
        }

    def _fill(self) -> None:
        for name, (kept, other) in self.choices.items():
            mine, theirs = self.survivor.get(name), self.other.get(name)
            kept.setText(shown(name, self.survivor))
            other.setText(shown(name, self.other))
            same = (mine or None) == (theirs or None)
            # An empty value on the kept record takes the other's by default.
            (other if not mine and theirs else kept).setChecked(True)
            kept.setEnabled(not same)
            other.setEnabled(not same)
        self.counts = None
        self.merge_button.setEnabled(False)
        survivor_id, other_id = self.survivor["id"], self.other["id"]
        ReadOp(
            self.ctx, lambda store: people_merge.merge_preview(store, survivor_id, other_id), parent=self
        ).success(self._on_preview_read).failure(self._show_error).latest("merge-preview").run()

    def _on_preview_read(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.merge_button.setEnabled(True)
        self._show_preview()

    def _show_preview(self) -> None:
        if self.counts is None:
            self.preview.setText(_("Counting what moves…"))
            return
        labels = {
            "aid": _("aid entries: {n}"),
            "shifts": _("shifts: {n}"),
            "memberships": _("group memberships: {n}"),
            "attendance": _("events attended: {n}"),
            "consents": _("consents: {n}"),
            "donations": _("donations: {n}"),
            "leaderships": _("groups and associations led: {n}"),
        }
        parts = [label.format(n=self.counts[key]) for key, label in labels.items() if self.counts.get(key)]
        self.preview.setText(
            _("Moves to the kept record: {what}. The other record is removed.").format(what="; ".join(parts))
            if parts
            else _("Nothing else is recorded for the other person. The other record is removed.")
        )
        # The preview arrives once the dialog is up: it grows to hold it instead of squeezing the rows.
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Merge two records"))
        self.heading.setText(_("One person, two records"))
        self.explanation.setText(
            _(
                "The record on the left is kept. For each field, choose the value it keeps; everything recorded "
                "for the other person (aid, shifts, groups, events, consents) moves to it. This cannot be undone."
            )
        )
        # The side on one line, the name on the next: a long name and patronymic fit the column.
        self.kept_header.setText("\n".join((_("Kept:"), people.full_name(self.survivor))))
        self.other_header.setText("\n".join((_("Merged into it:"), people.full_name(self.other))))
        for name, label in self.labels.items():
            label.setText(_(field_label(name)))
        self.swap_button.setText(_("Keep the other record instead"))
        self.merge_button.setText(_("Merge"))
        self._show_preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_swap_clicked(self) -> None:
        self.survivor, self.other = self.other, self.survivor
        self._fill()
        self.retranslate_ui()

    def _on_merge_clicked(self) -> None:
        self.error_label.hide()
        self.merge_button.setEnabled(False)
        survivor_id, other_id, chosen = self.survivor["id"], self.other["id"], self.chosen()
        WriteOp(
            self.ctx,
            lambda store: people_merge.merge_people(store, survivor_id, other_id, chosen),
            tables=people_merge.MERGE_TABLES,
            parent=self,
        ).success(self._on_merged).failure(self._show_error).run()

    def _on_merged(self, _moved) -> None:
        self.merged.emit(self.survivor["id"])
        self.accept()

    def _show_error(self, error: DostyqError) -> None:
        self.merge_button.setEnabled(self.counts is not None)
        self.error_label.setText(error.message)
        self.error_label.show()


class MergePage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: MergeDialog | None = None
        self.candidates_found: list[people_merge.Candidate] = []
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        buttons = QHBoxLayout()
        self.merge_button = QPushButton(self)
        self.refresh_button = QPushButton(self)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.candidates = QListWidget(self)
        self.candidates.setAlternatingRowColors(True)
        layout.addWidget(self.candidates, 1)
        self.empty = QLabel(self)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        self.candidates.itemActivated.connect(lambda _item: self._on_merge_clicked())
        ctx.data_changed.connect(self._on_data_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.intro.setText(
            _(
                "Records that may belong to one person: the same IIN, or the same or a similar name. Nothing is "
                "merged until you review a pair and confirm."
            )
        )
        self.merge_button.setText(_("Merge…"))
        self.refresh_button.setText(_("Look again"))
        self.empty.setText(_("No possible duplicates found."))
        self._show_candidates()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def refresh(self) -> None:
        ReadOp(self.ctx, people_merge.merge_candidates, parent=self).success(self._on_candidates_read).latest(
            "merge-candidates"
        ).run()

    def _on_data_changed(self, table: str) -> None:
        if table in ("", "people") and self.isVisible():
            self.refresh()

    def _on_candidates_read(self, found: list) -> None:
        self.candidates_found = found
        self._show_candidates()

    def _show_candidates(self) -> None:
        self.candidates.clear()
        for n, pair in enumerate(self.candidates_found):
            details = []
            for p in (pair.first, pair.second):
                extra = [
                    x for x in (shown("birth_date", p), p.get("iin") or "", p.get("locality") or "") if x
                ]
                extra = [x for x in extra if x != "—"]
                details.append(
                    f"{people.full_name(p)} ({', '.join(extra)})" if extra else people.full_name(p)
                )
            reason = _(people.DUPLICATE_REASONS[pair.reason])
            item = QListWidgetItem(f"{details[0]}  ·  {details[1]}\n    {reason}", self.candidates)
            item.setData(Qt.ItemDataRole.UserRole, n)
        self.empty.setVisible(not self.candidates_found)
        self.merge_button.setEnabled(bool(self.candidates_found))
        if self.candidates_found:
            self.candidates.setCurrentRow(0)

    def _on_merge_clicked(self) -> None:
        # The stubs leave out None, which Qt returns when no row is current.
        item: QListWidgetItem | None = self.candidates.currentItem()
        if item is None:
            return
        pair = self.candidates_found[item.data(Qt.ItemDataRole.UserRole)]
        self.open_merge(pair.first, pair.second)

    def open_merge(self, first: dict, second: dict) -> MergeDialog:
        self.dialog = MergeDialog(self.ctx, first, second, self)
        self.dialog.merged.connect(lambda _id: self.refresh())
        self.dialog.open()
        return self.dialog
