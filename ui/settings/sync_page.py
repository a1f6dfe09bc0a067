"""The Sync page: connect this PC to the server (URL + enrolment code), sync now with progress and cancel, sync
files for PCs without a link, and the "Needs review" list of conflicts. Widgets only talk to the SyncController
and read through read ops; the work runs in tasks."""

from __future__ import annotations

import datetime as dt
import platform

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import formats, pc_state
from desktop.errors import field_label, register_field_labels
from desktop.i18n import N_, _, ngettext
from sync import conflicts as sync_conflicts
from sync import session
from ui.ops import ReadOp
from ui.sync_controller import sync_controller
from ui.tasks import Task
from ui.widgets.progress_dialog import TaskProgressDialog

FILE_FILTER = N_("Dostyq sync files (*.dostyq)")

# Names for the fields a conflict most often concerns; forms may register their own labels first.
_CONFLICT_FIELD_LABELS = {
    "surname": N_("Surname"),
    "name": N_("Name"),
    "patronymic": N_("Patronymic"),
    "birth_date": N_("Birth date"),
    "sex": N_("Sex"),
    "iin": N_("IIN"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "locality": N_("Locality"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "status": N_("Status"),
    "title_kk": N_("Title (Kazakh)"),
    "title_ru": N_("Title (Russian)"),
    "starts_at": N_("Starts"),
    "ends_at": N_("Ends"),
    "place": N_("Place"),
    "kind": N_("Kind"),
    "categories": N_("Categories"),
    "skills": N_("Skills"),
    "leader_id": N_("Leader"),
}
register_field_labels({k: v for k, v in _CONFLICT_FIELD_LABELS.items() if field_label(k) == k})


def stamp_time(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(stamp.split("-", 1)[0]) / 1000, dt.UTC)
    except (ValueError, AttributeError):
        return None


def show_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{_(field_label(k))}: {show_value(v)}" for k, v in value.items())
    return str(value)


# Why a row from the server could not be applied (sync.op_schema reasons, before the colon).
_UNAPPLIED_REASONS = {
    "null": N_("a required field is empty: {field}"),
    "missing": N_("a required field is missing: {field}"),
    "integer": N_("a number too large to store: {field}"),
    "type": N_("a value of the wrong kind: {field}"),
    "too_long": N_("a text too long to store: {field}"),
    "text": N_("a text with characters that cannot be stored: {field}"),
    "field": N_("a field this version does not know: {field}"),
    "house": N_("the record belongs to another house"),
    "store": N_("the database on this PC refused the record"),
}


def unapplied_reason(reason) -> str:
    kind, _sep, name = str(reason).partition(":")
    template = _UNAPPLIED_REASONS.get(kind)
    if template is None:
        return _("the record is malformed")
    return _(template).format(field=_(field_label(name)) if name else "")


def upload_question(check: pc_state.EnrolmentCheck) -> str:
    """The question before a PC that already holds records connects: how many, of what, and what happens."""
    names = {
        "people": lambda n: ngettext("{count} person", "{count} people", n),
        "events": lambda n: ngettext("{count} event or group record", "{count} event or group records", n),
        "aid": lambda n: ngettext("{count} aid or donation record", "{count} aid or donation records", n),
        "volunteers": lambda n: ngettext("{count} volunteer record", "{count} volunteer records", n),
        "other": lambda n: ngettext("{count} other record", "{count} other records", n),
    }
    parts = [names[kind](n).format(count=n) for kind, n in check.counts.items() if n and kind in names]
    head = ngettext(
        "This PC already holds {count} record that no server has yet: {parts}.",
        "This PC already holds {count} records that no server has yet: {parts}.",
        check.total,
    ).format(count=check.total, parts=", ".join(parts))
    return (
        head
        + "\n\n"
        + _(
            "If you connect, they are uploaded to the house on the server, and every PC of the house receives "
            "them. Upload them and connect?"
        )
    )


class SyncPage(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sync = sync_controller(ctx)
        self._conflicts: list[sync_conflicts.Conflict] = []
        self.upload_question: QMessageBox | None = None  # open while it asks whether this PC's records upload
        layout = QVBoxLayout(self)

        self.server_box = QGroupBox(self)
        server_layout = QVBoxLayout(self.server_box)
        self.stack = QStackedWidget(self.server_box)
        server_layout.addWidget(self.stack)

        # Not enrolled yet: URL + code.
        self.enrol_page = QWidget(self.stack)
        enrol_layout = QVBoxLayout(self.enrol_page)
        self.enrol_intro = QLabel(self.enrol_page)
        self.enrol_intro.setWordWrap(True)
        enrol_layout.addWidget(self.enrol_intro)
        form = QFormLayout()
        self.url_label = QLabel(self.enrol_page)
        self.url_edit = QLineEdit(self.enrol_page)
        self.url_edit.setPlaceholderText("https://sync.example.kz")
        self.code_label = QLabel(self.enrol_page)
        self.code_edit = QLineEdit(self.enrol_page)
        self.code_edit.setPlaceholderText("ABCD-EFGH-JKLM")
        form.addRow(self.url_label, self.url_edit)
        form.addRow(self.code_label, self.code_edit)
        enrol_layout.addLayout(form)
        self.connect_button = QPushButton(self.enrol_page)
        self.connect_button.clicked.connect(self._on_connect_clicked)
        # While connecting: stops the attempt at once (the request's socket is shut down; nothing is set up).
        self.cancel_connect_button = QPushButton(self.enrol_page)
        self.cancel_connect_button.clicked.connect(self._on_cancel_connect_button_clicked)
        self.cancel_connect_button.hide()
        connect_row = QHBoxLayout()
        connect_row.addWidget(self.connect_button)
        connect_row.addWidget(self.cancel_connect_button)
        connect_row.addStretch(1)
        enrol_layout.addLayout(connect_row)
        self.enrol_file_button = QPushButton(self.enrol_page)
        self.enrol_file_button.clicked.connect(self._on_enrol_file_clicked)
        enrol_layout.addWidget(self.enrol_file_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(self.enrol_page)

        # Enrolled: status and actions.
        self.status_page = QWidget(self.stack)
        status_layout = QVBoxLayout(self.status_page)
        sform = QFormLayout()
        self.server_caption = QLabel(self.status_page)
        self.server_value = QLabel(self.status_page)
        self.server_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.house_caption = QLabel(self.status_page)
        self.house_value = QLabel(self.status_page)
        self.state_caption = QLabel(self.status_page)
        self.state_value = QLabel(self.status_page)
        self.last_caption = QLabel(self.status_page)
        self.last_value = QLabel(self.status_page)
        self.pending_caption = QLabel(self.status_page)
        self.pending_value = QLabel(self.status_page)
        for caption, value in (
            (self.server_caption, self.server_value),
            (self.house_caption, self.house_value),
            (self.state_caption, self.state_value),
            (self.last_caption, self.last_value),
            (self.pending_caption, self.pending_value),
        ):
            sform.addRow(caption, value)
        status_layout.addLayout(sform)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(self.status_page)
        self.sync_button.clicked.connect(self._on_sync_clicked)
        self.save_button = QPushButton(self.status_page)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.load_button = QPushButton(self.status_page)
        self.load_button.clicked.connect(self._on_load_clicked)
        for b in (self.sync_button, self.save_button, self.load_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        status_layout.addLayout(buttons)
        self.stack.addWidget(self.status_page)

        self.message = QLabel(self.server_box)
        self.message.setWordWrap(True)
        server_layout.addWidget(self.message)
        layout.addWidget(self.server_box)

        # Needs review.
        self.review_box = QGroupBox(self)
        review_layout = QVBoxLayout(self.review_box)
        self.review_intro = QLabel(self.review_box)
        self.review_intro.setWordWrap(True)
        review_layout.addWidget(self.review_intro)
        self.table = QTableWidget(0, 5, self.review_box)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        review_layout.addWidget(self.table, 1)
        rbuttons = QHBoxLayout()
        self.keep_button = QPushButton(self.review_box)
        self.keep_button.clicked.connect(lambda: self._on_resolve_clicked(sync_conflicts.KEPT))
        self.other_button = QPushButton(self.review_box)
        self.other_button.clicked.connect(lambda: self._on_resolve_clicked(sync_conflicts.OTHER))
        rbuttons.addWidget(self.keep_button)
        rbuttons.addWidget(self.other_button)
        rbuttons.addStretch(1)
        review_layout.addLayout(rbuttons)
        layout.addWidget(self.review_box, 1)

        self._message_source: tuple[str, dict] | None = None
        self._enrol_task: Task | None = None  # the connection attempt under way
        self._enrol_cancelled = False
        self.sync.state_changed.connect(self.refresh)
        ctx.data_changed.connect(self._on_data_changed)

    # ---- texts ---------------------------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.server_box.setTitle(_("Central server"))
        self.enrol_intro.setText(
            _(
                "Everything you record is kept on this PC. To send it to the central server and receive the other "
                "PCs' work, enter the server address and the enrolment code from the administrator."
            )
        )
        self.url_label.setText(_("Server address:"))
        self.code_label.setText(_("Enrolment code:"))
        self.connect_button.setText(_("Connect"))
        self.cancel_connect_button.setText(_("Cancel"))
        self.enrol_file_button.setText(_("No internet here? Load an enrolment file…"))
        self.server_caption.setText(_("Server:"))
        self.house_caption.setText(_("House:"))
        self.state_caption.setText(_("Connection:"))
        self.last_caption.setText(_("Last sync:"))
        self.pending_caption.setText(_("Waiting to be sent:"))
        self.sync_button.setText(_("Sync now"))
        self.save_button.setText(_("Save sync file…"))
        self.load_button.setText(_("Load sync file…"))
        self.review_box.setTitle(_("Needs review"))
        self.table.setHorizontalHeaderLabels(
            [_("Record"), _("Field"), _("Current value"), _("Other value"), _("Other value from")]
        )
        self.keep_button.setText(_("Keep the current value"))
        self.other_button.setText(_("Use the other value"))
        self.refresh()

    def refresh(self) -> None:
        enrolled, awaiting = self.sync.enrolled, self.sync.awaiting_file
        self.stack.setCurrentWidget(self.status_page if enrolled or awaiting else self.enrol_page)
        if awaiting:
            self.server_value.setText(self.sync.server_url or _("by sync files"))
            self.state_value.setText(_("waiting for the first answer file"))
            self.last_value.setText(_("never"))
            self.sync_button.setEnabled(False)
        if enrolled:
            self.server_value.setText(self.sync.server_url or _("by sync files"))
            running = self.sync.running is not None
            if running:
                state = _("syncing…")
            elif self.sync.online is None:
                state = _("not checked yet")
            else:
                state = _("online") if self.sync.online else _("offline")
            self.state_value.setText(state)
            last = self.sync.last_sync_at
            self.last_value.setText(formats.format_short_datetime(last) if last else _("never"))
            self.sync_button.setEnabled(not running)
        if self._message_source:
            template, params = self._message_source
            self.message.setText(_(template).format(**params))
        else:
            self.message.setText(self.sync.last_error_text())

        ReadOp(self.ctx, session.page_state, parent=self).success(self._on_state_read).latest("state").run()

    def _on_state_read(self, answer: tuple[str, str, int, list[sync_conflicts.Conflict]]) -> None:
        _house, house_name, pending, conflicts = answer
        self.house_value.setText(house_name)
        self.pending_value.setText(
            ngettext("{count} change", "{count} changes", pending).format(count=pending)
        )
        self._fill_conflicts(conflicts)

    def _fill_conflicts(self, conflicts: list[sync_conflicts.Conflict]) -> None:
        self._conflicts = conflicts
        n = len(self._conflicts)
        self.review_intro.setText(
            ngettext(
                "{count} change made on two PCs at once needs a decision: keep one of the values.",
                "{count} changes made on two PCs at once need a decision: keep one of the values.",
                n,
            ).format(count=n)
            if n
            else _("Nothing to review: no change has clashed with another PC's.")
        )
        if any(c.is_unapplied for c in self._conflicts):
            self.review_intro.setText(
                self.review_intro.text()
                + " "
                + _(
                    "Some records from the server could not be applied on this PC; everything else syncs. "
                    "The administrator can correct them on the server."
                )
            )
        self.table.setRowCount(n)
        for r, c in enumerate(self._conflicts):
            if c.is_unapplied:
                # A row from the server this PC could not store: the reason, nothing to choose between.
                field = _("Could not be applied")
                kept, other = unapplied_reason(c.kept_value), ""
            elif c.is_delete:
                field = _("Deleted on one PC, edited on another")
                kept, other = _("deleted"), show_value(c.other_value)
            else:
                field = _(field_label(c.field))
                kept, other = show_value(c.kept_value), show_value(c.other_value)
            when = stamp_time(c.other_hlc)
            source = _("{who}, {when}").format(
                who=c.other_who or "?", when=formats.format_short_datetime(when) if when else "?"
            )
            for col, text in enumerate((c.row_label, field, kept, other, source)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = bool(self.table.selectionModel().selectedRows()) if self.table.selectionModel() else False
        self.keep_button.setEnabled(has)
        self.other_button.setEnabled(has)
        if self._conflicts and has:
            c = self._conflicts[self.table.currentRow()]
            if c.is_unapplied:
                self.keep_button.setText(_("Dismiss"))
                self.other_button.setText(_("Use the other value"))
                self.other_button.setEnabled(False)
                return
            if c.is_delete:
                self.keep_button.setText(_("Keep it deleted"))
                self.other_button.setText(_("Restore with the edit"))
                return
        self.keep_button.setText(_("Keep the current value"))
        self.other_button.setText(_("Use the other value"))

    def _say(self, template: str | None, **params) -> None:
        self._message_source = (template, params) if template else None
        self.refresh()

    def _on_data_changed(self, _table: str) -> None:
        if self.isVisible():
            self.refresh()

    # ---- actions -------------------------------------------------------------------------------------------
    def _on_connect_clicked(self) -> None:
        url, code = self.url_edit.text().strip(), self.code_edit.text().strip()
        if not url or not code:
            self._say(N_("Enter both the server address and the enrolment code."))
            return
        self.connect_button.setEnabled(False)

        def checked(check: pc_state.EnrolmentCheck) -> None:
            # A demo database goes straight on: the enrolment refuses it, and says why, before anything is sent.
            if check.demo or check.total == 0:
                self._enrol(url, code)
            else:
                self._ask_upload(url, code, check)

        ReadOp(self.ctx, pc_state.enrolment_check, parent=self).success(checked).failure(
            self._on_check_failed
        ).run()

    def _on_check_failed(self, error) -> None:
        self.connect_button.setEnabled(True)
        self._message_source = None
        self.message.setText(error.message)

    def _ask_upload(self, url: str, code: str, check: pc_state.EnrolmentCheck) -> None:
        """As on a first sync elsewhere: this PC's records go to the server only if the user says so."""
        box = QMessageBox(
            QMessageBox.Icon.Question, _("Connect to the server"), upload_question(check), parent=self
        )
        upload = box.addButton(_("Upload and connect"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(upload)

        def answered(_result: int) -> None:
            self.upload_question = None
            if box.clickedButton() is upload:
                self._enrol(url, code)
            else:
                self.connect_button.setEnabled(True)
                self._say(N_("Not connected. The records stay on this PC only."))

        box.finished.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.upload_question = box
        box.open()

    def _enrol(self, url: str, code: str) -> None:
        self._say(N_("Connecting to {url}…"), url=url)
        self._enrol_cancelled = False

        def done(_house):
            self._connecting(None)
            self.code_edit.clear()
            self._say(N_("Connected. This PC now syncs with the server."))

        def failed(message):
            self._connecting(None)
            if self._enrol_cancelled:
                self._say(N_("Not connected: the attempt was cancelled. Nothing is set up yet."))
                return
            self._message_source = None
            self.message.setText(message)

        self._connecting(self.sync.enrol(url, code, platform.node(), on_done=done, on_error=failed))

    def _connecting(self, task: Task | None) -> None:
        """The form while an attempt runs: Cancel instead of Connect, the address and code kept as typed."""
        self._enrol_task = task
        busy = task is not None
        self.connect_button.setEnabled(not busy)
        self.cancel_connect_button.setVisible(busy)
        self.cancel_connect_button.setEnabled(busy)
        self.url_edit.setReadOnly(busy)
        self.code_edit.setReadOnly(busy)
        self.enrol_file_button.setEnabled(not busy)

    def _on_cancel_connect_button_clicked(self) -> None:
        if self._enrol_task is not None:
            self._enrol_cancelled = True
            self.cancel_connect_button.setEnabled(False)
            self._enrol_task.cancel()

    def _on_enrol_file_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Load enrolment file"), "", _(FILE_FILTER))
        if not path:
            return

        def done(house):
            self._say(
                N_(
                    "This PC now belongs to house {house}. Save a sync file and take it to the administrator; "
                    "loading the answer file completes the connection."
                ),
                house=house,
            )

        self.sync.enrol_file(path, on_done=done, on_error=self.message.setText)

    def _on_sync_clicked(self) -> None:
        self._message_source = None

        def done(result):
            if result.rejected:
                # Never silently: the refused changes are in the audit log with the server's reason.
                self._say(
                    N_(
                        "Synced: {sent} sent, {received} received. The server refused {rejected} of the "
                        "changes; they are listed in the audit log."
                    ),
                    sent=result.sent,
                    received=result.received,
                    rejected=len(result.rejected),
                )
            else:
                self._say(
                    N_("Synced: {sent} sent, {received} received."),
                    sent=result.sent,
                    received=result.received,
                )

        def failed(_message):
            self._say(None)

        task = self.sync.sync_now(on_done=done, on_error=failed)
        if task is not None:
            self.progress = TaskProgressDialog(task, N_("Syncing with the server…"), self)
        self.refresh()

    def _on_save_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save sync file"), "dostyq-sync.dostyq", _(FILE_FILTER)
        )
        if not path:
            return
        self.sync.save_file(
            path,
            on_done=lambda n: self._say(
                N_(
                    "Saved {count} changes to {path}. Take the file to a connected PC or send it to the "
                    "administrator."
                ),
                count=n,
                path=path,
            ),
            on_error=self.message.setText,
        )

    def _on_load_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Load sync file"), "", _(FILE_FILTER))
        if not path:
            return
        self.sync.load_file(
            path,
            on_done=lambda result: self._say(
                N_("Sync file loaded: {received} changes received."), received=result.received
            ),
            on_error=self.message.setText,
        )

    def _on_resolve_clicked(self, choice: str) -> None:
        row = self.table.currentRow()
        if not (0 <= row < len(self._conflicts)):
            return
        self.sync.resolve(self._conflicts[row].id, choice, on_done=self.refresh)

    def show_review(self) -> None:
        self.refresh()
        self.table.setFocus()
