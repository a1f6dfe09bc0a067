"""Recipients: a searchable list, and the card of the chosen one — details, household, consent and aid history."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import aid, erasure
from desktop.aid import RecipientInput
from desktop.consent_form import save_consent_form
from desktop.i18n import N_, _
from ui.aid.common import Names, short_date
from ui.aid.reason_dialog import ReasonDialog
from ui.aid.recipient_dialog import RecipientDialog
from ui.aid.register_page import AID_NAMES, aid_columns, entry_background, entry_colour, entry_font
from ui.importing.wizard import ImportWizard
from ui.ops import ReadOp, WriteOp
from ui.widgets.empty_state import EmptyState
from ui.widgets.export_button import ExportButton
from ui.widgets.form_keys import mark_action
from ui.widgets.lazy_table import Column, LazyTableModel, enable_sorting
from ui.widgets.withdrawal import withdrawal_dialog

UNLINKS = N_(
    "The person keeps another consent in force: their details stay, but no longer linked to the aid records; the "
    "aid stays counted as an anonymous record."
)
WITHDRAWAL_TABLES = ("recipients", "consents", "people", "households", "volunteers", "group_members")


class RecipientCard(QWidget):
    """What is known about one recipient and every aid entry they received (corrections included)."""

    give_aid_requested = Signal(str)
    edit_requested = Signal(str)
    withdraw_requested = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.recipient_id: str | None = None
        self.card: dict | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.details = QFormLayout()
        self.detail_labels = {
            key: (QLabel(self), QLabel(self))
            for key in ("birth", "iin", "phone", "address", "categories", "household", "consent")
        }
        for name, value in self.detail_labels.values():
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details.addRow(name, value)
        layout.addLayout(self.details)
        self.give_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.form_kk = QPushButton(self)
        self.form_ru = QPushButton(self)
        self.withdraw_button = QPushButton(self)
        # Two short rows, so the card stays narrow enough for the list beside it.
        for row_buttons in (
            (self.give_button, self.edit_button, self.withdraw_button),
            (self.form_kk, self.form_ru),
        ):
            buttons = QHBoxLayout()
            for button in row_buttons:
                buttons.addWidget(button)
            buttons.addStretch(1)
            layout.addLayout(buttons)
        self.history_title = QLabel(self)
        self.history_title.setStyleSheet("font-weight: bold; margin-top: 6px;")
        layout.addWidget(self.history_title)
        names = Names(*AID_NAMES)
        self.history_model = LazyTableModel(
            aid_columns(names, with_recipient=False),
            ctx,
            parent=self,
            names=names,
            colour=entry_colour,
            background=entry_background,
            font=entry_font,
        )
        self.history_view = QTableView(self)
        self.history_view.setModel(self.history_model)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.history_view, 1)
        self.history_model.loaded.connect(self._on_history_loaded)
        self._fit_history = False
        self.give_button.clicked.connect(lambda: self.give_aid_requested.emit(self.recipient_id))
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.recipient_id))
        self.withdraw_button.clicked.connect(lambda: self.withdraw_requested.emit(self.recipient_id))
        self.form_kk.clicked.connect(lambda: self._print("kk"))
        self.form_ru.clicked.connect(lambda: self._print("ru"))
        self.show_recipient(None)

    def retranslate_ui(self) -> None:
        titles = {
            "birth": _("Birth date:"),
            "iin": _("IIN:"),
            "phone": _("Phone:"),
            "address": _("Address:"),
            "categories": _("Categories:"),
            "household": _("Household:"),
            "consent": _("Consent:"),
        }
        for key, (name, _value) in self.detail_labels.items():
            name.setText(titles[key])
        self.give_button.setText(_("Give aid"))
        self.edit_button.setText(_("Edit…"))
        self.form_kk.setText(_("Consent form (kk)"))
        self.form_ru.setText(_("Consent form (ru)"))
        self.withdraw_button.setText(_("Withdraw consent…"))
        self.history_title.setText(_("Aid received"))
        self.history_model.retranslate()
        self.show_recipient(self.recipient_id)

    def show_recipient(self, recipient_id: str | None) -> None:
        """Shows the card once it has been read (a recipient no longer there shows none)."""
        self.recipient_id = recipient_id
        if not recipient_id:
            ReadOp(self.ctx, lambda _store: None, parent=self).latest("card")  # drops a card on its way
            self._show_card(None)
            return
        ReadOp(
            self.ctx,
            lambda store: aid.recipient_card(store, recipient_id),  # None once the recipient has gone
            parent=self,
        ).success(lambda card: self._on_card_read(recipient_id, card)).latest("card").run()

    def _on_card_read(self, recipient_id: str, card: dict | None) -> None:
        if recipient_id == self.recipient_id:
            self._show_card(card)

    def _show_card(self, card: dict | None) -> None:
        self.card = card
        rid = self.recipient_id if card else None
        history = len(card["history"]) if card else 0
        self.history_model.set_source(
            lambda store, o, n: aid.list_aid(store, recipient_id=rid, limit=n, offset=o) if rid else [],
            lambda _store: history,
        )
        for button in (self.give_button, self.edit_button, self.form_kk, self.form_ru, self.withdraw_button):
            button.setEnabled(self.card is not None)
        if self.card is None:
            self.title.setText(_("Choose a recipient in the list."))
            for _name, value in self.detail_labels.values():
                value.clear()
            self._fit_history = False
            self.history_model.reload()
            return
        card, r = self.card, self.card["recipient"]
        named = bool(r["person_id"])
        self.withdraw_button.setEnabled(named)
        self.form_kk.setEnabled(named)
        self.form_ru.setEnabled(named)
        self.title.setText(card["label"] if named else _("Anonymous recipient"))
        values = {
            "birth": short_date(r["birth_date"])
            if named
            else _(aid.AGE_BAND_LABELS.get(r["age_band"] or "", ""))
            if r["age_band"]
            else "",
            "iin": r["iin"] or "",
            "phone": r["phone"] or "",
            "address": ", ".join(p for p in (r["locality"], r["address"]) if p),
            "categories": ", ".join(card["categories"]),
            "household": self._household_text(card["household"]),
            "consent": self._consent_text(card["consent"], named),
        }
        for key, (_name, value) in self.detail_labels.items():
            value.setText(values[key] or "—")
        state = card["consent"]["state"]
        self.detail_labels["consent"][1].setStyleSheet("" if state == "active" else "color: #a04000;")
        self._fit_history = True
        self.history_model.reload()  # the columns are fitted once its rows are in

    def _on_history_loaded(self) -> None:
        if self._fit_history:
            self.history_view.resizeColumnsToContents()

    def _household_text(self, household: dict | None) -> str:
        if not household or household["members_count"] is None:
            return ""
        text = _("{members} members").format(members=household["members_count"])
        if household["children_count"] is not None:
            text += ", " + _("{children} children").format(children=household["children_count"])
        return text

    def _consent_text(self, consent: dict, named: bool) -> str:
        row, state = consent["row"], consent["state"]
        if state == "active":
            return _("given {date} (form {version}), valid until {until}").format(
                date=short_date(row["given_on"]),
                version=row["form_version"] or "—",
                until=short_date(row["expires_on"]) or "—",
            )
        if state == "expired":
            return _("expired on {date}: ask the person to sign the form again").format(
                date=short_date(row["expires_on"])
            )
        if state == "withdrawn":
            return _("withdrawn on {date}").format(date=short_date(row["withdrawn_on"]))
        return _("no consent: an anonymous record") if not named else _("no consent recorded")

    def _print(self, lang: str) -> None:
        assert self.card is not None  # the print buttons are enabled only with a card shown
        r = self.card["recipient"]
        data = RecipientInput(
            surname=r["display_name"] or "",
            birth_date=r["birth_date"],
            iin=r["iin"] or "",
            phone=r["phone"] or "",
            locality=r["locality"] or "",
            address=r["address"] or "",
        )
        # Reads the house's name and writes the form's file (not the database): a read op.
        ReadOp(self.ctx, lambda store: save_consent_form(store, lang, data), parent=self).success(
            _open_file
        ).run()


class RecipientsPage(QWidget):
    give_aid_requested = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: RecipientDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        self._select_after: str | None = None  # a recipient to select once the list has been read
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(self)
        mark_action(self.new_button, "new")
        mark_action(self.search_edit, "search")
        self.anonymous_button = QPushButton(self)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.open_import)
        self.count_label = QLabel(self)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        top.addWidget(self.anonymous_button)
        top.addWidget(self.import_button)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        names = Names("recipient_categories")
        self.model = LazyTableModel(
            [
                Column(
                    N_("Recipient"), lambda r: aid.recipient_label_with(r, names.of("recipient_categories"))
                ),
                Column(
                    N_("Categories"),
                    lambda r: ", ".join(
                        names.get("recipient_categories", c) for c in json.loads(r["categories"] or "[]")
                    ),
                ),
                Column(
                    N_("Last aid"), lambda r: short_date(r["last_aid"]), sort=lambda r: r["last_aid"] or ""
                ),
                Column(N_("Entries"), lambda r: r["aid_count"], align_right=True),
            ],
            ctx,
            parent=self,
            names=names,
        )
        self.view = QTableView(splitter)
        self.view.setModel(self.model)
        enable_sorting(self.view)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.empty_state = EmptyState(self.view, self.search_edit.text)
        self.card_box = QGroupBox(splitter)
        box_layout = QVBoxLayout(self.card_box)
        self.card = RecipientCard(ctx, self.card_box)
        box_layout.addWidget(self.card)
        splitter.addWidget(self.view)
        splitter.addWidget(self.card_box)
        splitter.setSizes([440, 660])
        layout.addWidget(splitter, 1)
        self.search_edit.textChanged.connect(lambda _t: self._reload())
        self.model.loaded.connect(self._on_model_loaded)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.new_button.clicked.connect(lambda: self._open_dialog(consent=True))
        self.anonymous_button.clicked.connect(lambda: self._open_dialog(consent=False))
        self.card.give_aid_requested.connect(self.give_aid_requested)
        self.card.edit_requested.connect(lambda rid: self._open_dialog(recipient_id=rid))
        self.card.withdraw_requested.connect(self._on_card_withdraw_requested)
        self.export_button = ExportButton(ctx, "recipients", self.search_edit.text, self, self.model)
        top.addWidget(self.export_button)

    def apply_actor(self, actor) -> None:
        """Changing a recipient or withdrawing consent is the staff's; a volunteer finds and gives aid."""
        self.card.edit_button.setVisible(actor.can("records.write"))
        self.card.withdraw_button.setVisible(actor.can("records.write"))
        self.export_button.apply_actor(actor)
        self.import_button.setVisible(actor.can("records.write"))

    def open_import(self) -> ImportWizard:
        """The import wizard for aid recipients (the core checks the account)."""
        self.wizard = ImportWizard(self.ctx, "recipients", parent=self)
        self.wizard.finished.connect(lambda _result: self.model.reload())
        self.wizard.open()
        return self.wizard

    def retranslate_ui(self) -> None:
        self.search_edit.setPlaceholderText(_("Search recipients by name…"))
        self.new_button.setText(_("New recipient…"))
        self.anonymous_button.setText(_("Anonymous…"))
        self.import_button.setText(_("Import from a spreadsheet…"))
        self.card_box.setTitle(_("Recipient card"))
        self.export_button.retranslate_ui()
        self.model.retranslate()
        self.card.retranslate_ui()
        self._update_count()

    def refresh(self) -> None:
        self._reload()

    def _reload(self) -> None:
        typed = self.search_edit.text()
        self.model.set_source(
            lambda store, o, n: aid.list_recipients(store, typed, limit=n, offset=o),
            lambda store: aid.count_recipients(store, typed),
        )
        self.model.reload()  # the rest once its rows are in

    def _on_model_loaded(self) -> None:
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 300))
        self.view.setColumnWidth(1, min(self.view.columnWidth(1), 220))
        self._update_count()
        # The card shown stays (read again); one no longer there is cleared.
        self.card.show_recipient(self.card.recipient_id)
        if self._select_after is not None:
            recipient_id, self._select_after = self._select_after, None
            self.select(recipient_id)

    def _update_count(self) -> None:
        self.count_label.setText(_("{count} recipients").format(count=self.model.total))

    def select(self, recipient_id: str) -> None:
        for row, r in enumerate(self.model.rows):
            if r["id"] == recipient_id:
                self.view.selectRow(row)
                return
        self.card.show_recipient(recipient_id)

    def _on_view_current_row_changed(self, current, _previous) -> None:
        row = self.model.row(current.row())
        self.card.show_recipient(row["id"] if row else None)

    def _open_dialog(self, *, consent: bool = True, recipient_id: str | None = None) -> None:
        self.dialog = RecipientDialog(self.ctx, consent=consent, recipient_id=recipient_id, parent=self)
        self.dialog.saved.connect(self._on_dialog_saved)
        self.dialog.open()

    def _on_dialog_saved(self, recipient_id: str) -> None:
        self._select_after = recipient_id
        self._reload()

    def _on_card_withdraw_requested(self, recipient_id: str) -> None:
        ReadOp(
            self.ctx, lambda store: erasure.recipient_withdrawal_erases(store, recipient_id), parent=self
        ).success(lambda erases: self._ask_withdrawal(recipient_id, erases)).run()

    def _ask_withdrawal(self, recipient_id: str, erases: bool) -> None:
        self.reason_dialog = withdrawal_dialog(erases, self, keeps=UNLINKS)
        self.reason_dialog.accepted.connect(lambda: self._withdraw(recipient_id, self.reason_dialog.reason))
        self.reason_dialog.open()

    def _withdraw(self, recipient_id: str, note: str) -> None:
        WriteOp(
            self.ctx,
            lambda store: aid.withdraw_consent(store, recipient_id, note),
            tables=WITHDRAWAL_TABLES,
            parent=self,
        ).success(lambda _result: self._reload()).run()


def _open_file(path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
