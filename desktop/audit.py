"""The audit viewer's core: who changed what, when, on which PC, with each field's old and new value.

The audit log is local to the PC: it holds the writes made here (a row that sync brought is in the audit of the
PC that wrote it), and only the administrator reads it (permission "audit"). A row write's entry keeps {field: [old, new]}; entries written before
the values were kept hold only the list of field names. An erasure blanks a person's values with `forget_values`,
keeping who, when and which fields.

Authors are stamps "<account id>@<device id>" (desktop/store.py Store.author); the names come from the synced
`accounts`, the PC labels from the synced `devices` (set in Settings, `set_pc_label`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from desktop import accounts, clock, formats, schema, text
from desktop.errors import ValidationError, field_label
from desktop.i18n import N_, _
from desktop.roles import requires
from desktop.store import Store, split_author
from desktop.table_labels import table_label

MAX_LABEL = 40


@dataclass(frozen=True)
class AuditFilter:
    account_id: str | None = None  # a person (an account)
    table: str | None = None
    row_id: str | None = None  # a record (with its table)
    date_from: dt.date | None = None  # Almaty dates, both ends included
    date_to: dt.date | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    values_kept: bool = True  # False for an entry that recorded only the field's name


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime  # aware, UTC
    account_id: str
    person: str  # the account's display name ("" for the PC's own writes)
    device_id: str
    pc: str  # the PC's label
    action: str
    table: str
    row_id: str
    record: str  # a short label of the record, when cheap
    changes: list[FieldChange] = field(default_factory=list)
    details: Any = None  # an entry that is not a row write (an export, a sign-in, an override)

    @property
    def who(self) -> str:
        """ "<person> · <PC>" as the lists show it."""
        return who_label(self.person, self.pc)


ACTIONS = {
    "insert": N_("Added"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
}
# Entries that are not row writes, by their action.
EVENTS = {
    "signed_in": N_("Signed in"),
    "sign_in_locked": N_("Sign-in locked"),
    "account_created": N_("Account created"),
    "account_saved": N_("Account changed"),
    "audit_export": N_("Audit exported"),
    "report_export": N_("Report exported"),
    "list_export": N_("List exported"),
    "letter_printed": N_("Letter printed"),
    "aid_override": N_("Aid rule overridden"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "conflict_resolved": N_("Sync conflict resolved"),
    "sync_rejected": N_("Refused by the server"),
    "sync_integrity_repair": N_("Sync repaired"),
    "backup_set_up": N_("Backups set up"),
    "backup_folder_changed": N_("Backup folder changed"),
    "backup_restored": N_("Backup restored"),
}


def who_label(person: str, pc: str) -> str:
    return " · ".join(p for p in (person, pc) if p) or "?"


def action_label(action: str) -> str:
    label = ACTIONS.get(action) or EVENTS.get(action)
    return _(label) if label else action.replace("_", " ")


# ---- the PC's label --------------------------------------------------------------------------------------------
def default_pc_label(device_id: str) -> str:
    return _("PC {code}").format(code=device_id[:4])


def pc_label(store: Store) -> str:
    """This PC's label (local meta 'pc_label'), or "PC 1a2b" by its device id."""
    return store.get_meta("pc_label") or default_pc_label(store.device_id)


@requires("settings")
def set_pc_label(store: Store, label: str) -> str:
    """Names this PC; the label is written to the synced `devices` too, so the house's other PCs show it."""
    label = text.normalize(label or "")
    if len(label) > MAX_LABEL:
        raise ValidationError("pc_label", N_("{field}: at most {n} characters."), n=MAX_LABEL)
    with store.transaction():
        store.set_meta("pc_label", label or None)
        shown = label or default_pc_label(store.device_id)
        if store.get("devices", store.device_id, include_deleted=True) is None:
            store.insert("devices", {"label": shown}, row_id=store.device_id)
        else:
            store.update("devices", store.device_id, {"label": shown})
    return shown


def pc_labels(store: Store) -> dict[str, str]:
    """Device id → label, for every PC of the house that named itself (this PC's own label first-hand)."""
    labels = {r["id"]: r["label"] for r in store.rows("SELECT id, label FROM devices WHERE deleted = 0")}
    labels[store.device_id] = pc_label(store)
    return labels


def author_label(store: Store, stamp: str | None, names: dict | None = None, pcs: dict | None = None) -> str:
    """ "<person> · <PC label>" for an author stamp (or a plain device id, as older rows have)."""
    account, device = split_author(stamp)
    names = names if names is not None else accounts.display_names(store)
    pcs = pcs if pcs is not None else pc_labels(store)
    person = names.get(account, account[:8]) if account else ""
    pc = (pcs.get(device) or default_pc_label(device)) if device else ""
    return who_label(person, pc)


# ---- reading -----------------------------------------------------------------------------------------------
def _utc_bound(day: dt.date) -> str:
    start = dt.datetime.combine(day, dt.time(), clock.TZ).astimezone(dt.UTC)
    return start.isoformat(timespec="milliseconds")


def _where(f: AuditFilter) -> tuple[str, list]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.account_id:
        clauses.append("(actor = ? OR actor LIKE ?)")
        params += [f.account_id, f"{f.account_id}@%"]
    if f.table:
        clauses.append("table_name = ?")
        params.append(f.table)
    if f.row_id:
        clauses.append("row_id = ?")
        params.append(f.row_id)
    if f.date_from:
        clauses.append("at >= ?")
        params.append(_utc_bound(f.date_from))
    if f.date_to:
        clauses.append("at < ?")
        params.append(_utc_bound(f.date_to + dt.timedelta(days=1)))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


@requires("audit")
def list_entries(
    store: Store, filter: AuditFilter | None = None, limit: int = 200, offset: int = 0
) -> list[AuditEntry]:
    """The audit's entries, newest first, that match `filter`."""
    where, params = _where(filter or AuditFilter())
    rows = store.rows(
        f"SELECT seq, at, actor, action, table_name, row_id, details FROM audit_log{where} "
        "ORDER BY seq DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    names, pcs = accounts.display_names(store), pc_labels(store)
    labels: dict[tuple[str, str], str] = {}
    out = []
    for r in rows:
        account, device = split_author(r["actor"])
        table, row_id = r["table_name"] or "", r["row_id"] or ""
        if table and row_id and (table, row_id) not in labels:
            labels[table, row_id] = _record_label(store, table, row_id)
        changes, details = _changes(r["action"], r["details"])
        out.append(
            AuditEntry(
                id=r["seq"],
                at=dt.datetime.fromisoformat(r["at"]),
                account_id=account,
                person=names.get(account, account[:8]) if account else "",
                device_id=device,
                pc=(pcs.get(device) or default_pc_label(device)) if device else "",
                action=r["action"],
                table=table,
                row_id=row_id,
                record=labels.get((table, row_id), ""),
                changes=changes,
                details=details,
            )
        )
    return out


@requires("audit")
def count_entries(store: Store, filter: AuditFilter | None = None) -> int:
    where, params = _where(filter or AuditFilter())
    return store.scalar(f"SELECT count(*) FROM audit_log{where}", params)


@requires("audit")
def people(store: Store) -> list[tuple[str, str]]:
    """(account id, name) of every account, for the filter by person."""
    return [
        (r["id"], r["display_name"])
        for r in store.rows("SELECT id, display_name FROM accounts ORDER BY display_name")
    ]


@requires("audit")
def tables(store: Store) -> list[str]:
    """The tables the audit has entries for, for the filter by table."""
    return [
        r["table_name"]
        for r in store.rows(
            "SELECT DISTINCT table_name FROM audit_log WHERE table_name IS NOT NULL ORDER BY table_name"
        )
    ]


@requires("audit")
def filter_choices(store: Store) -> tuple[list[tuple[str, str]], list[str]]:
    """The audit filter's people and tables, read together."""
    return people(store), tables(store)


def _changes(action: str, details: str | None) -> tuple[list[FieldChange], Any]:
    loaded = _load(details)
    if action not in ACTIONS:
        return [], loaded
    if isinstance(loaded, dict):
        return [
            FieldChange(f, *(v if isinstance(v, list) and len(v) == 2 else (None, v)))
            for f, v in loaded.items()
        ], None
    if isinstance(loaded, list):  # an entry from before the values were kept: names only
        return [FieldChange(str(f), None, None, values_kept=False) for f in loaded], None
    return [], loaded


def _load(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def _record_label(store: Store, table: str, row_id: str) -> str:
    spec = schema.SYNCED_TABLES.get(table)
    if spec is None:
        return ""
    row = store.get(table, row_id, include_deleted=True)
    if row is None:
        return ""
    parts = list(dict.fromkeys(str(row[f]) for f in spec.search if row.get(f)))  # a name once
    if not parts:
        parts = [
            str(row[f]) for f in ("display_name", "label", "title", "name", "number", "month") if row.get(f)
        ]
    return " ".join(parts[:3])


def show_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes_text(entry: AuditEntry) -> str:
    """The entry's changes on lines "Field: old → new" (names only for an entry that kept no values)."""
    lines = []
    for c in entry.changes:
        name = _(field_label(c.field))
        if not c.values_kept:
            lines.append(name)
        elif entry.action == "insert":
            lines.append(f"{name}: {show_value(c.new)}")
        else:
            lines.append(f"{name}: {show_value(c.old)} → {show_value(c.new)}")
    if entry.details is not None and not entry.changes:
        lines.append(show_value(entry.details))
    return "\n".join(lines)


# ---- export --------------------------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    N_("When"),
    N_("Person"),
    N_("PC"),
    N_("Action"),
    N_("Table"),
    N_("Record"),
    N_("Field"),
    N_("Old value"),
    N_("New value"),
)


@requires("audit")
def export_xlsx(store: Store, filter: AuditFilter | None = None, path: str = "", progress=None) -> int:
    """Writes the matching entries to an XLSX file, one line per changed field, headers in the current language;
    records the export in the audit. Returns how many entries were written."""
    from desktop.spreadsheet import workbook

    if not path:
        raise ValidationError("path", N_("{field} is required."))
    total = count_entries(store, filter)
    book = workbook(path)
    try:
        sheet = book.add_worksheet(_("Audit"))
        bold = book.add_format({"bold": True})
        for col, title in enumerate(EXPORT_COLUMNS):
            sheet.write(0, col, _(title), bold)
        widths = [18, 22, 14, 12, 16, 28, 18, 28, 28]
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        line, done, page = 1, 0, 500
        while True:
            entries = list_entries(store, filter, page, done)
            for e in entries:
                when = formats.format_short_datetime(e.at)
                head = [
                    when,
                    e.person,
                    e.pc,
                    action_label(e.action),
                    table_label(e.table) if e.table else "",
                    e.record,
                ]
                rows = [
                    [
                        _(field_label(c.field)),
                        show_value(c.old) if c.values_kept else "",
                        show_value(c.new) if c.values_kept else "",
                    ]
                    for c in e.changes
                ] or [["", "", show_value(e.details) if e.details is not None else ""]]
                for tail in rows:
                    for col, value in enumerate(head + tail):
                        sheet.write_string(line, col, value)
                    line += 1
            done += len(entries)
            if progress is not None:
                progress(done, total)
            if len(entries) < page:
                break
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
    with store.transaction():
        store.audit("audit_export", None, None, {"file": str(path), "entries": done})
    return done


@requires("people.erase")
def forget_values(store: Store, table: str, row_id: str) -> int:
    """Blanks the old and new values in the audit entries of one row (an erased person): who, when and which
    fields stay. Returns how many entries were changed."""
    return forget_row_values(store, table, row_id)


def forget_row_values(store: Store, table: str, row_id: str) -> int:
    """forget_values for a declared operation that erases (desktop/erasure.py), which made its own check."""
    changed = 0
    with store.transaction():
        for r in store.rows(
            "SELECT seq, action, details FROM audit_log WHERE table_name = ? AND row_id = ?", (table, row_id)
        ):
            loaded = _load(r["details"])
            if loaded is None or isinstance(loaded, list):  # nothing, or field names only
                continue
            blank: Any = None
            if isinstance(loaded, dict):
                row_write = r["action"] in ACTIONS
                blank = {f: [None, None] if row_write else None for f in loaded}
            store.conn.execute(
                "UPDATE audit_log SET details = ? WHERE seq = ?",
                (None if blank is None else json.dumps(blank, ensure_ascii=False), r["seq"]),
            )
            changed += 1
    return changed
