"""Register aid, built for speed: find the recipient, pick the programme, type the items, Enter saves.

Keyboard path: type a name → Enter takes the first match → Enter on the programme → type an item → Enter →
quantity → Enter adds the line → Enter in the empty item field saves (Ctrl+Enter saves from anywhere).

Enter goes straight to the core's save: it finds what needs an override (aid already given in the period, more
than the point has in stock, a recipient outside the programme's ages) before writing anything, and its refusal
is shown beside the line or field it names while the override question opens. "Saved: receipt No. …" stays until
the next entry is started and follows a language switch; "Print receipt…" prints the entry just saved, or the one
selected in the latest entries, where a reversal reads as one ("Reversal of No. …", negative quantities, in red).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import aid, clock
from desktop.aid import AidEntry, OverrideNeeded
from desktop.errors import DostyqError
from desktop.i18n import N_, _
from ui.aid.common import Names, point_pairs, programme_pairs, qty, short_date
from ui.aid.double_aid_dialog import DoubleAidDialog
from ui.aid.lines_editor import LinesEditor
from ui.aid.reason_dialog import ReasonDialog
from ui.aid.receipt_dialog import ReceiptDialog
from ui.aid.recipient_dialog import RecipientDialog
from ui.aid.recipient_search import PersonSearch
from ui.ops import ReadOp, WriteOp
from ui.widgets.export_button import ExportButton
from ui.widgets.form_errors import FormErrors
from ui.widgets.form_keys import mark_action
from ui.widgets.inputs import date_of, fill_combo, setup_date_edit
from ui.widgets.lazy_table import Column, LazyTableModel

AID_TABLES = ("aid_given", "aid_lines")


AID_NAMES = ("programmes", "recipient_categories")

REVERSAL_COLOUR = QColor("#b03a2e")
REVERSAL_ROW = QColor("#fbeeee")
REVERSED_COLOUR = QColor("#8a8a8a")


def aid_columns(names: Names, *, with_recipient: bool = True) -> list[Column]:
    """The columns of a list of aid entries; `names` (of AID_NAMES) are read by the list's model."""
    columns = [
        Column(N_("Date"), lambda r: short_date(r["given_on"]), sort=lambda r: r["given_on"]),
        Column(N_("Receipt No."), receipt_cell),
    ]
    if with_recipient:
        columns.append(
            Column(
                N_("Recipient"),
                lambda r: (
                    aid.recipient_label_with(
                        {**r, "display_name": r["recipient_name"]}, names.of("recipient_categories")
                    )
                    if r["recipient_id"]
                    else ""
                ),
            )
        )
    columns += [
        Column(N_("Programme"), lambda r: names.get("programmes", r["programme"])),
        Column(N_("Items"), lambda r: r["items"] or ""),
        Column(N_("Aid point"), lambda r: aid.point_label(r, prefix="point_name")),
        Column(N_("Given by"), lambda r: r["given_by"] or ""),
        Column(N_("Note"), lambda r: entry_note(r)),
    ]
    return columns


def receipt_cell(row: dict) -> str:
    """The receipt number; a reversal names the receipt it corrects, so it never reads as aid given again."""
    if row.get("reverses_id"):
        return _("{number} — reversal of No. {original}").format(
            number=row["number"] or "", original=row.get("reverses_number") or "?"
        )
    return row["number"] or ""


def entry_colour(row: dict, _column: int) -> QColor | None:
    """A reversal in red, an entry that was reversed in grey (neither is aid given twice)."""
    if row.get("reverses_id"):
        return REVERSAL_COLOUR
    if row.get("reversed"):
        return REVERSED_COLOUR
    return None


def entry_background(row: dict) -> QColor | None:
    return REVERSAL_ROW if row.get("reverses_id") else None


def entry_font(row: dict) -> QFont | None:
    if row.get("reversed"):
        font = QFont()
        font.setStrikeOut(True)
        return font
    return None


def entry_note(row: dict) -> str:
    if row.get("reverses_id"):
        return _("Reversal of No. {original}: {reason}").format(
            original=row.get("reverses_number") or "?", reason=row.get("reason") or ""
        )
    if row.get("reversed"):
        if row.get("reversed_by_number"):
            return _("Reversed by No. {number}").format(number=row["reversed_by_number"])
        return _("Reversed")
    if row.get("override_reason"):
        return _("Override: {reason}").format(reason=row["override_reason"])
    return ""


class RegisterAidPage(QWidget):
    saved = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.recipient_id: str | None = None
        self._saving = False  # a save (or its double-aid question) is under way
        self.double_aid_dialog: DoubleAidDialog | None = None
        self.recipient_dialog: RecipientDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self._choices_restored = False
        # What the status line says, kept so it is written again in another language: (kind, values) or None.
        self._status: tuple[str, dict] | None = None
        self.last_saved: tuple[str, str] | None = None  # (id, receipt number) of the entry saved last

        layout = QVBoxLayout(self)
        self.form_box = QGroupBox(self)
        grid = QGridLayout(self.form_box)
        self.point_label, self.point_combo = QLabel(self), QComboBox(self)
        self.date_label, self.date_edit = QLabel(self), QDateEdit(self)
        self.given_by_label, self.given_by_edit = QLabel(self), QLineEdit(self)
        self.given_by_edit.setText(ctx.settings.extra.get("aid_given_by", ""))
        top = QHBoxLayout()
        for label, widget, stretch in (
            (self.point_label, self.point_combo, 2),
            (self.date_label, self.date_edit, 0),
            (self.given_by_label, self.given_by_edit, 1),
        ):
            top.addWidget(label)
            top.addWidget(widget, stretch)
        grid.addLayout(top, 0, 0, 1, 3)

        self.recipient_title = QLabel(self)
        self.search = PersonSearch(
            ctx, lambda store, q: aid.search_recipients(store, q, limit=8), parent=self
        )
        mark_action(self.search.edit, "search")
        self.new_recipient_button = QPushButton(self)
        self.anonymous_button = QPushButton(self)
        grid.addWidget(self.recipient_title, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.search, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_recipient_button)
        buttons.addWidget(self.anonymous_button)
        grid.addLayout(buttons, 1, 2, Qt.AlignmentFlag.AlignTop)
        self.recipient_label = QLabel(self)
        self.recipient_label.setObjectName("recipient_label")
        self.recipient_label.setWordWrap(True)
        grid.addWidget(self.recipient_label, 2, 1, 1, 2)

        self.programme_title, self.programme_combo = QLabel(self), QComboBox(self)
        self.programme_combo.installEventFilter(self)
        self.rule_label = QLabel(self)
        self.rule_label.setWordWrap(True)
        grid.addWidget(self.programme_title, 3, 0)
        grid.addWidget(self.programme_combo, 3, 1)
        grid.addWidget(self.rule_label, 4, 1, 1, 2)

        self.items_title = QLabel(self)
        self.lines = LinesEditor(ctx, parent=self)
        self.lines.table.setMaximumHeight(150)
        grid.addWidget(self.items_title, 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.lines, 5, 1, 1, 2)

        self.error_label = QLabel(self)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.setDefault(False)
        self.print_button = QPushButton(self)  # the receipt of the entry just saved
        self.print_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.save_button)
        grid.addWidget(self.error_label, 6, 1, 1, 2)
        grid.addLayout(bottom, 7, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        layout.addWidget(self.form_box)

        self.recent_box = QGroupBox(self)
        recent_layout = QVBoxLayout(self.recent_box)
        names = Names(*AID_NAMES)
        self.recent_model = LazyTableModel(
            aid_columns(names),
            ctx,
            lambda store, o, n: aid.list_aid(store, limit=n, offset=o),
            aid.count_aid,
            self,
            names=names,
            colour=entry_colour,
            background=entry_background,
            font=entry_font,
        )
        self.recent_view = QTableView(self)
        self.recent_view.setModel(self.recent_model)
        self.recent_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent_view.verticalHeader().setVisible(False)
        self.recent_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.recent_view.horizontalHeader().setStretchLastSection(True)
        self.recent_view.setSortingEnabled(False)
        self.recent_model.loaded.connect(self.recent_view.resizeColumnsToContents)
        self.reverse_button = QPushButton(self)
        self.print_selected_button = QPushButton(self)  # the receipt of the entry selected in the list
        self.print_selected_button.setEnabled(False)
        self.export_button = ExportButton(ctx, "aid", parent=self, model=self.recent_model)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(self.print_selected_button)
        row.addWidget(self.reverse_button)
        recent_layout.addWidget(self.recent_view)
        recent_layout.addLayout(row)
        layout.addWidget(self.recent_box, 1)

        self.errors = FormErrors(
            self.error_label,
            {
                "aid_point_id": self.point_combo,
                "given_on": self.date_edit,
                "recipient_id": self.search.edit,
                "programme": self.programme_combo,
                "lines": self.lines.item_edit,
                "item_id": self.lines.table,
                "quantity": self.lines.table,
                "override_reason": self.programme_combo,
            },
        )

        self.search.chosen.connect(self._on_search_chosen)
        self.new_recipient_button.clicked.connect(self._on_new_recipient_button_clicked)
        self.anonymous_button.clicked.connect(self._on_anonymous_button_clicked)
        self.programme_combo.currentIndexChanged.connect(self._on_programme_combo_changed)
        self.date_edit.dateChanged.connect(lambda _d: self._update_rule_hint())
        self.lines.submit_requested.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.reverse_button.clicked.connect(self._on_reverse_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.print_selected_button.clicked.connect(self._on_print_selected_button_clicked)
        self.recent_view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.print_selected_button.setEnabled(current.isValid())
        )
        self.recent_model.modelReset.connect(lambda: self.print_selected_button.setEnabled(False))
        # Any edit of the form starts the next entry: the last save's status line goes.
        self.search.edit.textEdited.connect(self._on_form_edited)
        self.given_by_edit.textEdited.connect(self._on_form_edited)
        self.point_combo.activated.connect(self._on_form_edited)
        self.programme_combo.activated.connect(self._on_form_edited)
        self.date_edit.dateChanged.connect(self._on_form_edited)
        self.lines.item_edit.textEdited.connect(self._on_form_edited)
        self.lines.quantity_edit.textEdited.connect(self._on_form_edited)
        self.lines.lines_changed.connect(self._on_form_edited)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            # PySide6 takes a signal as a constructor keyword; the stubs list only the properties.
            QShortcut(QKeySequence(keys), self, activated=self.save)  # type: ignore[call-overload]
        setup_date_edit(self.date_edit, clock.today())
        self.setTabOrder(self.search.edit, self.programme_combo)
        self.setTabOrder(self.programme_combo, self.lines.item_edit)
        self.setTabOrder(self.lines.item_edit, self.lines.quantity_edit)
        self.setTabOrder(self.lines.quantity_edit, self.lines.add_button)
        self.setTabOrder(self.lines.add_button, self.save_button)

    # ---- texts -------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.form_box.setTitle(_("Register aid"))
        self.point_label.setText(_("Aid point:"))
        self.date_label.setText(_("Date:"))
        self.given_by_label.setText(_("Given by:"))
        self.given_by_edit.setPlaceholderText(_("Your name"))
        self.recipient_title.setText(_("Recipient:"))
        self.search.set_placeholder(_("Type a name, IIN or phone…"))
        self.new_recipient_button.setText(_("New recipient…"))
        self.anonymous_button.setText(_("Anonymous…"))
        self.export_button.retranslate_ui()
        self.programme_title.setText(_("Programme:"))
        self.items_title.setText(_("Items:"))
        self.save_button.setText(_("Save (Enter)"))
        self.save_button.setToolTip(_("Enter in the empty item field or Ctrl+Enter saves."))
        self.recent_box.setTitle(_("Latest entries"))
        self.reverse_button.setText(_("Reverse the selected entry…"))
        self.print_button.setText(_("Print receipt…"))
        self.print_button.setToolTip(_("The receipt of the entry just saved, to sign"))
        self.print_selected_button.setText(_("Print receipt…"))
        self.print_selected_button.setToolTip(_("The receipt of the entry selected in the list"))
        setup_date_edit(self.date_edit)
        self.lines.retranslate_ui()
        self.recent_model.retranslate()
        self.refresh_choices()
        self._show_recipient()
        self.errors.retranslate()
        self._show_status()

    def refresh_choices(self) -> None:
        ReadOp(self.ctx, lambda store: (point_pairs(store), programme_pairs(store)), parent=self).success(
            self._on_choices_read
        ).latest("choices").run()

    def _on_choices_read(self, choices) -> None:
        points, programmes = choices
        extra = self.ctx.settings.extra
        fill_combo(self.point_combo, points)
        fill_combo(self.programme_combo, programmes)
        if not self._choices_restored:
            # The point and programme of the last entry on this PC: usually the same for the whole day.
            self._choices_restored = True
            for combo, key in ((self.point_combo, "aid_point"), (self.programme_combo, "aid_programme")):
                index = combo.findData(extra.get(key))
                if index >= 0:
                    combo.setCurrentIndex(index)
        self._update_rule_hint()

    def refresh(self) -> None:
        self.refresh_choices()
        self.recent_model.reload()  # the columns are fitted once its rows are in

    # ---- recipient ----------------------------------------------------------------------------------------
    def set_recipient(self, recipient_id: str | None) -> None:
        if (
            recipient_id
        ):  # someone is chosen (found, registered, or sent from the recipients page): a new entry
            self._on_form_edited()
        self.recipient_id = recipient_id
        self._show_recipient()
        self._update_rule_hint()

    def _on_search_chosen(self, recipient_id: str) -> None:
        self.set_recipient(recipient_id)
        self.programme_combo.setFocus()

    def _show_recipient(self) -> None:
        if not self.recipient_id:
            self.recipient_label.setText(_("No recipient chosen yet."))
            self.recipient_label.setStyleSheet("color: #666;")
            return
        recipient_id = self.recipient_id
        ReadOp(
            self.ctx,
            lambda store: (aid.recipient_card(store, recipient_id), aid.programme_names(store)),
            parent=self,
        ).success(lambda result: self._on_recipient_read(recipient_id, *result)).latest("recipient").run()

    def _on_recipient_read(self, recipient_id: str, card: dict | None, programmes: dict[str, str]) -> None:
        if recipient_id != self.recipient_id:
            return  # another recipient was chosen meanwhile
        if card is None:
            self.recipient_id = None
            return self._show_recipient()
        parts = [f"<b>{card['label']}</b>"]
        if card["recipient"]["birth_date"]:
            parts.append(short_date(card["recipient"]["birth_date"]))
        if card["categories"] and card["recipient"]["person_id"]:
            parts.append(", ".join(card["categories"]))
        effective = [h for h in card["history"] if not h["reverses_id"] and not h["reversed"]]
        if effective:
            last = effective[0]
            parts.append(
                _("last aid {date}: {programme}").format(
                    date=short_date(last["given_on"]),
                    programme=programmes.get(last["programme"], last["programme"]),
                )
            )
        self.recipient_label.setText(" · ".join(parts))
        self.recipient_label.setStyleSheet("")

    def _on_new_recipient_button_clicked(self) -> None:
        self._open_recipient_dialog(consent=True)

    def _on_anonymous_button_clicked(self) -> None:
        self._open_recipient_dialog(consent=False)

    def _open_recipient_dialog(self, consent: bool) -> None:
        self.recipient_dialog = RecipientDialog(self.ctx, consent=consent, parent=self)
        self.recipient_dialog.saved.connect(self._on_recipient_dialog_saved)
        self.recipient_dialog.open()

    def _on_recipient_dialog_saved(self, recipient_id: str) -> None:
        self.set_recipient(recipient_id)
        self.programme_combo.setFocus()

    # ---- programme and the rule hint -----------------------------------------------------------------------
    def _on_programme_combo_changed(self, _index: int) -> None:
        self._update_rule_hint()

    def _update_rule_hint(self) -> None:
        programme = self.programme_combo.currentData()
        if not programme:
            ReadOp(self.ctx, lambda _store: None, parent=self).latest("rule")  # drops a hint on its way
            self.rule_label.clear()
            return
        recipient_id, day = self.recipient_id, date_of(self.date_edit)

        def read(store):
            rules = aid.programme_rules(store, programme)
            breaches = (
                aid.check_double_aid(store, programme, recipient_id, day) if recipient_id and rules else []
            )
            return rules, breaches

        ReadOp(self.ctx, read, parent=self).success(lambda result: self._show_rule_hint(*result)).latest(
            "rule"
        ).run()

    def _show_rule_hint(self, rules, breaches) -> None:
        text = (
            "; ".join(aid.rule_text(r) for r in rules) if rules else _("No repeat limit for this programme.")
        )
        ages = aid.age_range(self.programme_combo.currentData())
        if ages is not None:
            text += " " + _("For ages {youngest}–{oldest} on the day of the entry.").format(
                youngest=ages[0] if ages[0] is not None else "", oldest=ages[1] if ages[1] is not None else ""
            )
        style = "color: #555;"
        if breaches:
            earlier = breaches[0].earlier[-1]
            text = _("Already received in this period: {date}, {point}, given by {who}.").format(
                date=short_date(earlier.given_on.isoformat()),
                point=earlier.aid_point,
                who=earlier.given_by or "—",
            )
            style = "color: #a04000; font-weight: bold;"
        self.rule_label.setText(text)
        self.rule_label.setStyleSheet(style)

    def eventFilter(self, obj, event) -> bool:
        if (
            obj is self.programme_combo
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.lines.item_edit.setFocus()
            return True
        return super().eventFilter(obj, event)

    # ---- saving ------------------------------------------------------------------------------------------------
    def current_entry(self) -> AidEntry:
        return AidEntry(
            date_of(self.date_edit),
            self.point_combo.currentData(),
            self.programme_combo.currentData(),
            self.recipient_id,
            self.lines.entry_lines(),
            self.given_by_edit.text(),
        )

    def save(self) -> None:
        # A second Enter while the first save (or its override question) is under way must not save again.
        if self._saving:
            return
        self._saving = True
        entry = self.current_entry()
        self.errors.clear()
        # Straight to the core: it finds what needs an override before anything is written (OverrideNeeded).
        self._write(entry, None)

    def _open_double_aid_dialog(self, entry: AidEntry, error: OverrideNeeded) -> None:
        self.double_aid_dialog = DoubleAidDialog(error, self, allowed=self.ctx.actor.can("aid.override"))
        self.double_aid_dialog.accepted.connect(lambda: self._write(entry, self.double_aid_dialog.reason))
        self.double_aid_dialog.rejected.connect(self._on_save_abandoned)
        self.double_aid_dialog.open()

    def _on_save_abandoned(self) -> None:
        # The override was cancelled: nothing was saved, and the line of the save before says nothing now.
        self._saving = False
        self._set_status(None)

    def _write(self, entry: AidEntry, reason: str | None) -> None:
        self.save_button.setEnabled(False)
        WriteOp(
            self.ctx,
            lambda store: aid.save_aid(store, entry, override_reason=reason),
            tables=AID_TABLES,
            parent=self,
        ).success(lambda result: self._on_saved(entry, result)).failure(
            lambda error: self._on_save_failed(entry, error, reason)
        ).run()

    def _on_save_failed(self, entry: AidEntry, error: DostyqError, reason: str | None) -> None:
        self.save_button.setEnabled(True)
        self.errors.show(error, focus=not isinstance(error, OverrideNeeded))
        if isinstance(error, OverrideNeeded) and not reason:
            # Shown beside its line or field, and the override question comes next (still this save).
            self._set_status(None)
            self._open_double_aid_dialog(entry, error)
            return
        self._saving = False

    def _on_saved(self, entry: AidEntry, result) -> None:
        # "Saved" first, and the form ready for the next person; the section reads the latest entries again once
        # this callback is done (AidSection._on_data_changed), and this PC's choices are written after that.
        self.save_button.setEnabled(True)
        self._saving = False
        self.errors.clear()  # what the override answered is no longer marked
        self.lines.clear()
        self.set_recipient(None)
        self.last_saved = (result.id, result.number)
        self.print_button.setEnabled(True)
        self._set_status(("saved", {"number": result.number, "negative": result.negative_items}))
        self.search.edit.setFocus()
        self.ctx.settings.extra.update(
            aid_given_by=self.given_by_edit.text().strip(),
            aid_point=entry.aid_point_id,
            aid_programme=entry.programme,
        )
        QTimer.singleShot(0, self, self.ctx.settings.save)
        self.saved.emit(result.id)

    # ---- the status line -----------------------------------------------------------------------------------------
    def _set_status(self, status: tuple[str, dict] | None) -> None:
        self._status = status
        self._show_status()

    def _on_form_edited(self, *_args) -> None:
        if self._status is not None and not self._saving:
            self._set_status(None)

    def _show_status(self) -> None:
        """Writes the status line in the interface language from what it says (`_status`)."""
        if self._status is None:
            self.status_label.clear()
            self.status_label.setStyleSheet("")
            return
        kind, values = self._status
        if kind == "saved":
            message = _("Saved: receipt No. {number}.").format(number=values["number"])
            style = "color: #1e7b34; font-weight: bold;"
            if values["negative"]:
                units = ", ".join(
                    f"{aid.item_label(names)}: {qty(value)}" for names, value in values["negative"]
                )
                message += " " + _(
                    "Warning: stock at this point is now below zero ({items}). Check the donations or "
                    "record a stock-take."
                ).format(items=units)
                style = "color: #a04000; font-weight: bold;"
        elif kind == "reversed":
            message = _("Correction saved: receipt No. {number}.").format(number=values["number"])
            style = "color: #1e7b34;"
        else:  # a refusal of the core, kept as the error so it is translated again
            message = values["error"].message
            style = "color: #c0392b;"
        self.status_label.setText(message)
        self.status_label.setStyleSheet(style)

    # ---- receipts ------------------------------------------------------------------------------------------------
    def _on_print_button_clicked(self) -> None:
        if self.last_saved is not None:
            self.open_receipt(*self.last_saved)

    def _on_print_selected_button_clicked(self) -> None:
        index = self.recent_view.currentIndex()
        row = self.recent_model.row(index.row()) if index.isValid() else None
        if row is not None:
            self.open_receipt(row["id"], row["number"])

    def open_receipt(self, aid_id: str, number: str) -> None:
        self.receipt_dialog = ReceiptDialog(self.ctx, aid_id, number, self)
        self.receipt_dialog.open()

    # ---- corrections -------------------------------------------------------------------------------------------
    def _on_reverse_button_clicked(self) -> None:
        index = self.recent_view.currentIndex()
        row = self.recent_model.row(index.row()) if index.isValid() else None
        if row is None:
            return
        self.reason_dialog = ReasonDialog(
            _("Reverse entry {number}").format(number=row["number"]),
            _("A correction entry will give back the items of entry {number}. Why is it corrected?").format(
                number=row["number"]
            ),
            self,
        )
        self.reason_dialog.accepted.connect(lambda: self._reverse(row["id"], self.reason_dialog.reason))
        self.reason_dialog.open()

    def _reverse(self, aid_id: str, reason: str) -> None:
        WriteOp(
            self.ctx, lambda store: aid.reverse_aid(store, aid_id, reason), tables=AID_TABLES, parent=self
        ).success(self._on_reversed).failure(self._on_reverse_failed).run()

    def _on_reverse_failed(self, error: DostyqError) -> None:
        self._set_status(("error", {"error": error}))

    def _on_reversed(self, result) -> None:
        self._set_status(("reversed", {"number": result.number}))  # the section reads the list again
