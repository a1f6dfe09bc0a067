"""The data model: every table of docs/DESIGN.md §3, declared once and shared by the store, sync and the server.

Synced tables carry the sync columns (SYNC_COLUMNS) plus their own fields. Reference tables are central data that
flows server → devices only. Local tables never leave the PC. Derived search columns are local to each device.
Migrations are forward-only and numbered; `PRAGMA user_version` holds the number of the last one applied.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from desktop import bilingual, schema_indexes, schema_search

# Columns every synced row has. `hlc` is the newest field stamp; `field_hlc` maps each field to its stamp (JSON).
SYNC_COLUMNS = {
    "id": "TEXT PRIMARY KEY",
    "house_id": "TEXT",
    "hlc": "TEXT NOT NULL",
    "field_hlc": "TEXT NOT NULL DEFAULT '{}'",
    "deleted": "INTEGER NOT NULL DEFAULT 0",
    "created_at": "TEXT NOT NULL",
    "updated_at": "TEXT NOT NULL",
    "updated_by": "TEXT",
}

# Columns the store derives on each device; never synced, never in field_hlc.
SEARCH_COLUMNS = {"name_fold": "TEXT", "name_loose": "TEXT", "name_sort": "TEXT"}


@dataclass(frozen=True)
class Table:
    name: str
    fields: dict[str, str]
    # Append-only ledger: rows are never edited; a correction is a new row that reverses the original.
    ledger: bool = False
    # Fields whose text feeds the derived search columns (in this order).
    search: tuple[str, ...] = ()
    # Extra text (digits of IIN, phone…) that FTS should also match.
    search_extra: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = field(default=())
    # Of a ledger: the columns naming a person's record, which a merge of two people may move to the survivor
    # (desktop.people_merge); nothing else of a ledger row ever changes.
    links: tuple[str, ...] = ()


_LEDGER_FIELDS = {"reverses_id": "TEXT", "reason": "TEXT"}

SYNCED_TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "people",
            {
                "surname": "TEXT NOT NULL DEFAULT ''",
                "name": "TEXT NOT NULL DEFAULT ''",
                "patronymic": "TEXT NOT NULL DEFAULT ''",
                "birth_date": "TEXT",  # YYYY-MM-DD
                "sex": "TEXT NOT NULL DEFAULT ''",  # 'f', 'm' or ''
                "iin": "TEXT",
                "phone": "TEXT",  # E.164
                "phone_country": "TEXT",  # ISO 3166 alpha-2 of the phone number
                "email": "TEXT",
                "languages": "TEXT NOT NULL DEFAULT '[]'",  # JSON list of language codes
                "locality": "TEXT",
                "address": "TEXT",
                "notes": "TEXT",
                "erased_on": "TEXT",  # YYYY-MM-DD: personal data erased (desktop/erasure.py); never undone
                "merged_into": "TEXT",  # set on a tombstoned person merged into another (desktop.people_merge)
            },
            search=("surname", "name", "patronymic"),
            search_extra=("iin", "phone"),
            indexes=(("iin",), ("phone",), ("birth_date",)),
        ),
        # Two people the staff said are different, so the duplicate warning does not ask again.
        Table(
            "people_distinct",
            {"person_a": "TEXT NOT NULL", "person_b": "TEXT NOT NULL"},
            indexes=(("person_a", "person_b"),),
        ),
        Table("skills", {"name_kk": "TEXT NOT NULL DEFAULT ''", "name_ru": "TEXT NOT NULL DEFAULT ''"}),
        Table(
            "volunteers",
            {
                "person_id": "TEXT NOT NULL",
                "status": "TEXT NOT NULL DEFAULT 'active'",  # active, paused, left
                "since": "TEXT",
                "skills": "TEXT NOT NULL DEFAULT '[]'",  # JSON list of skill ids
                "activities": "TEXT",
                "emergency_contact": "TEXT",
                "kiosk_code": "TEXT",  # short personal code for the check-in kiosk
                "notes": "TEXT",
                "erased_on": "TEXT",
            },
            indexes=(("person_id",), ("kiosk_code",)),
        ),
        Table(
            "volunteer_shifts",
            {
                "volunteer_id": "TEXT NOT NULL",
                "check_in": "TEXT NOT NULL",  # ISO datetime with offset
                "check_out": "TEXT",
                "minutes": "INTEGER",  # signed: a reversal carries the negative of what it reverses
                "activity": "TEXT",
                "event_id": "TEXT",
                "recorded_by": "TEXT",
                **_LEDGER_FIELDS,
            },
            ledger=True,
            indexes=(("volunteer_id", "check_in"), ("event_id",)),
            links=("volunteer_id",),
        ),
        Table(
            "events",
            {
                "title_kk": "TEXT NOT NULL DEFAULT ''",
                "title_ru": "TEXT NOT NULL DEFAULT ''",
                "kind": "TEXT NOT NULL DEFAULT 'other'",
                "starts_at": "TEXT NOT NULL",  # ISO datetime, Asia/Almaty offset
                "ends_at": "TEXT",
                "place": "TEXT",
                "status": "TEXT NOT NULL DEFAULT 'planned'",  # planned, held, cancelled
                "attendance_mode": "TEXT NOT NULL DEFAULT 'headcount'",  # headcount or named
                "organised_by_house": "INTEGER NOT NULL DEFAULT 1",
                "preset": "TEXT",
                "notes": "TEXT",
            },
            search=("title_kk", "title_ru"),
            indexes=(("starts_at",), ("status",)),
        ),
        Table(
            "event_associations",
            {"event_id": "TEXT NOT NULL", "association_id": "TEXT NOT NULL"},
            indexes=(("event_id",), ("association_id",)),
        ),
        Table(
            "event_groups",
            {"event_id": "TEXT NOT NULL", "group_id": "TEXT NOT NULL"},
            indexes=(("event_id",), ("group_id",)),
        ),
        Table(
            "event_volunteers",
            {
                "event_id": "TEXT NOT NULL",
                "volunteer_id": "TEXT NOT NULL",
                "minutes": "INTEGER NOT NULL DEFAULT 0",
                "role": "TEXT",
            },
            indexes=(("event_id",), ("volunteer_id",)),
        ),
        Table(
            "event_attendance",
            {
                "event_id": "TEXT NOT NULL",
                "total": "INTEGER NOT NULL DEFAULT 0",
                "women": "INTEGER NOT NULL DEFAULT 0",
                "men": "INTEGER NOT NULL DEFAULT 0",
                "children": "INTEGER NOT NULL DEFAULT 0",  # under 18
                "elderly": "INTEGER NOT NULL DEFAULT 0",  # 60 and over
            },
            indexes=(("event_id",),),
        ),
        Table(
            "event_attendees",
            {"event_id": "TEXT NOT NULL", "person_id": "TEXT NOT NULL"},
            indexes=(("event_id",), ("person_id",)),
        ),
        Table(
            "associations",
            {
                "name": "TEXT NOT NULL DEFAULT ''",
                "ethnic_group": "TEXT",
                "leader_id": "TEXT",
                "phone": "TEXT",
                "email": "TEXT",
                "address": "TEXT",
                "notes": "TEXT",
            },
            search=("name",),
        ),
        Table(
            "creative_groups",
            {
                "name": "TEXT NOT NULL DEFAULT ''",  # desktop.bilingual: the name PCs before migration 7 show
                "name_kk": "TEXT NOT NULL DEFAULT ''",
                "name_ru": "TEXT NOT NULL DEFAULT ''",
                "ethnic_group": "TEXT",
                "genre": "TEXT",
                "leader_id": "TEXT",
                "association_id": "TEXT",
                "founded": "TEXT",
                "honorary_title": "TEXT",
                "status": "TEXT NOT NULL DEFAULT 'active'",
                "notes": "TEXT",
            },
            search=bilingual.SEARCH,
        ),
        Table(
            "group_members",
            {
                "group_id": "TEXT NOT NULL",
                "person_id": "TEXT NOT NULL",
                "role": "TEXT",
                "joined": "TEXT",
                "left_on": "TEXT",
                "guardian_name": "TEXT",
                "guardian_consent_on": "TEXT",
                "erased_on": "TEXT",
            },
            indexes=(("group_id",), ("person_id",)),
        ),
        Table(
            "aid_points",
            {
                "name": "TEXT NOT NULL DEFAULT ''",  # desktop.bilingual: the name PCs before migration 7 show
                "name_kk": "TEXT NOT NULL DEFAULT ''",
                "name_ru": "TEXT NOT NULL DEFAULT ''",
                "address": "TEXT",
                "opening_hours": "TEXT",
                "contact_name": "TEXT",
                "contact_phone": "TEXT",
                "active": "INTEGER NOT NULL DEFAULT 1",
            },
            search=bilingual.SEARCH,
        ),
        Table(
            "aid_items",
            {
                "name_kk": "TEXT NOT NULL DEFAULT ''",
                "name_ru": "TEXT NOT NULL DEFAULT ''",
                "unit": "TEXT NOT NULL DEFAULT 'pcs'",  # pcs, kg, l, set, pack
                "item_group": "TEXT NOT NULL DEFAULT 'other'",
                "active": "INTEGER NOT NULL DEFAULT 1",
            },
            search=("name_kk", "name_ru"),
        ),
        Table(
            "donations",
            {
                "number": "TEXT",  # receipt number with the device prefix
                "received_on": "TEXT NOT NULL",  # YYYY-MM-DD
                "aid_point_id": "TEXT",
                "donor_kind": "TEXT NOT NULL DEFAULT 'anonymous'",  # person, organisation, anonymous
                "donor_person_id": "TEXT",
                "donor_org_name": "TEXT",
                "donor_bin": "TEXT",
                "received_by": "TEXT",
                "notes": "TEXT",
                **_LEDGER_FIELDS,
            },
            ledger=True,
            indexes=(("received_on",),),
            links=("donor_person_id",),
        ),
        Table(
            "donation_lines",
            {
                "donation_id": "TEXT NOT NULL",
                "item_id": "TEXT NOT NULL",
                "quantity": "REAL NOT NULL",
                "value_kzt": "REAL",
            },
            ledger=True,
            indexes=(("donation_id",), ("item_id",)),
        ),
        Table(
            "households",
            {
                "head_person_id": "TEXT",
                "locality": "TEXT",
                "address": "TEXT",
                "members_count": "INTEGER",
                "children_count": "INTEGER",
                "notes": "TEXT",
                "erased_on": "TEXT",
            },
        ),
        Table(
            "recipients",
            {
                "person_id": "TEXT",  # empty for an anonymous recipient (no consent)
                "household_id": "TEXT",
                "categories": "TEXT NOT NULL DEFAULT '[]'",  # JSON list of recipient_categories codes
                "locality": "TEXT",
                "sex": "TEXT NOT NULL DEFAULT ''",
                "age_band": "TEXT",  # child, adult, elderly
                "anonymous": "INTEGER NOT NULL DEFAULT 0",
                "notes": "TEXT",
                "erased_on": "TEXT",
            },
            indexes=(("person_id",), ("household_id",)),
        ),
        Table(
            "aid_given",
            {
                "number": "TEXT",
                "given_on": "TEXT NOT NULL",  # YYYY-MM-DD
                "aid_point_id": "TEXT",
                "programme": "TEXT NOT NULL",
                "recipient_id": "TEXT",
                "household_id": "TEXT",
                "given_by": "TEXT",
                "override_reason": "TEXT",
                **_LEDGER_FIELDS,
            },
            ledger=True,
            indexes=(("recipient_id", "programme", "given_on"), ("household_id", "programme"), ("given_on",)),
            links=("recipient_id", "household_id"),
        ),
        Table(
            "aid_lines",
            {"aid_id": "TEXT NOT NULL", "item_id": "TEXT NOT NULL", "quantity": "REAL NOT NULL"},
            ledger=True,
            indexes=(("aid_id",), ("item_id",)),
        ),
        Table(
            "stock_adjustments",
            {
                "adjusted_on": "TEXT NOT NULL",
                "aid_point_id": "TEXT",
                "item_id": "TEXT NOT NULL",
                "quantity": "REAL NOT NULL",
                "adjusted_by": "TEXT",
                **_LEDGER_FIELDS,
            },
            ledger=True,
            indexes=(("item_id",),),
        ),
        Table(
            "programme_rules",
            {
                "programme": "TEXT NOT NULL",
                "scope": "TEXT NOT NULL DEFAULT 'person'",  # person, household
                "period": "TEXT NOT NULL DEFAULT 'month'",  # month, school_year, year, days
                "period_days": "INTEGER",
                "max_count": "INTEGER NOT NULL DEFAULT 1",
                "active": "INTEGER NOT NULL DEFAULT 1",
            },
            indexes=(("programme",),),
        ),
        Table(
            "consents",
            {
                "person_id": "TEXT NOT NULL",
                "purpose": "TEXT NOT NULL DEFAULT 'processing'",
                "form_version": "TEXT",
                "given_on": "TEXT",
                "expires_on": "TEXT",
                "withdrawn_on": "TEXT",
                "by_guardian": "INTEGER NOT NULL DEFAULT 0",
                "guardian_name": "TEXT",
                "erased_on": "TEXT",
            },
            indexes=(("person_id",),),
        ),
        Table(
            "accounts",
            {
                "login": "TEXT NOT NULL DEFAULT ''",
                "display_name": "TEXT NOT NULL DEFAULT ''",
                "role": "TEXT NOT NULL DEFAULT 'volunteer'",  # administrator, coordinator, staff, volunteer
                "secret_kind": "TEXT NOT NULL DEFAULT 'password'",  # password, pin
                "secret_hash": "TEXT",  # argon2id; synced inside the house only
                "active": "INTEGER NOT NULL DEFAULT 1",
            },
            indexes=(("login",),),
        ),
        # The house's PCs by device id, with the label the administrator gave each one in Settings, so the
        # audit and Needs review on every PC name the PC a change came from.
        Table("devices", {"label": "TEXT NOT NULL DEFAULT ''"}),
        Table(
            "monthly_reports",
            {
                "month": "TEXT NOT NULL",  # YYYY-MM
                "version": "INTEGER NOT NULL DEFAULT 1",
                "status": "TEXT NOT NULL DEFAULT 'draft'",  # draft, submitted
                "payload": "TEXT NOT NULL DEFAULT '{}'",  # the aggregate summary (JSON), no personal data
                "changes": "TEXT",  # what changed since the previous version (JSON)
                "submitted_at": "TEXT",
            },
            indexes=(("month",),),
        ),
    ]
}

# Erasure (desktop/erasure.py): each table's personal fields and the blank each becomes; a row with `erased_on` keeps
# them blank whatever arrives from another PC (sync/merge.py `keep_erased`). Sex and birth date stay on `people` (the
# summary counts by them), and so do the rows: ledgers and counts still point at them.
ERASED_NAME = "—"
PERSONAL_FIELDS: dict[str, dict[str, object]] = {
    "people": {
        "surname": ERASED_NAME,
        "name": "",
        "patronymic": "",
        "iin": None,
        "phone": None,
        "phone_country": None,
        "email": None,
        "languages": "[]",
        "locality": None,
        "address": None,
        "notes": None,
    },
    "volunteers": {"activities": None, "emergency_contact": None, "kiosk_code": None, "notes": None},
    "recipients": {"locality": None, "notes": None},
    "households": {"locality": None, "address": None, "notes": None},
    "group_members": {"guardian_name": None},
    "consents": {"guardian_name": None},
}


# Central reference data (server → devices only). `code` is the key; names in both languages.
_REF = {
    "code": "TEXT PRIMARY KEY",
    "name_kk": "TEXT NOT NULL",
    "name_ru": "TEXT NOT NULL",
    "sort": "INTEGER NOT NULL DEFAULT 0",
    "active": "INTEGER NOT NULL DEFAULT 1",
    "hlc": "TEXT NOT NULL DEFAULT ''",
}
REFERENCE_TABLES: dict[str, dict[str, str]] = {
    "regions": dict(_REF),
    "houses": {**_REF, "region_code": "TEXT", "address": "TEXT"},
    "programmes": dict(_REF),
    "recipient_categories": dict(_REF),
    "ethnic_groups": dict(_REF),
    "genres": dict(_REF),
    "event_kinds": dict(_REF),
    "item_groups": dict(_REF),
    "units": dict(_REF),
}

LOCAL_TABLES: dict[str, dict[str, str]] = {
    # One entry per synced write, in commit order; removed once the server acknowledged it.
    "outbox": {
        "seq": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "op_id": "TEXT NOT NULL UNIQUE",
        "table_name": "TEXT NOT NULL",
        "row_id": "TEXT NOT NULL",
        "kind": "TEXT NOT NULL",  # insert, update, delete
        "fields": "TEXT NOT NULL",  # JSON {field: value}
        "hlc": "TEXT NOT NULL",
        "created_at": "TEXT NOT NULL",
        # (added by migration 4) "author": who wrote it, "<account id>@<device id>" (Store.author)
    },
    "sync_state": {"key": "TEXT PRIMARY KEY", "value": "TEXT"},
    "meta": {"key": "TEXT PRIMARY KEY", "value": "TEXT"},
    # A field that changed on this PC and elsewhere, or an edit against a delete: a person decides.
    "conflicts": {
        "id": "TEXT PRIMARY KEY",
        "table_name": "TEXT NOT NULL",
        "row_id": "TEXT NOT NULL",
        "field": "TEXT NOT NULL",
        "kept_value": "TEXT",  # JSON of the value now in the row
        "kept_hlc": "TEXT",
        "other_value": "TEXT",  # JSON of the value that lost the merge
        "other_hlc": "TEXT",
        "other_by": "TEXT",
        "detected_at": "TEXT NOT NULL",
        "resolved_at": "TEXT",
        "resolution": "TEXT",  # kept, other
    },
    # Wrong sign-in tries on this PC, by login: five lock the account for a while.
    "sign_in_failures": {
        "login": "TEXT PRIMARY KEY",
        "failures": "INTEGER NOT NULL DEFAULT 0",
        "locked_until": "TEXT",  # UTC ISO
    },
    # Append-only: who did what to which record (including exports and overrides).
    "audit_log": {
        "seq": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "at": "TEXT NOT NULL",
        "actor": "TEXT",
        "action": "TEXT NOT NULL",
        "table_name": "TEXT",
        "row_id": "TEXT",
        "details": "TEXT",
    },
}


def _create_table(conn: sqlite3.Connection, name: str, columns: dict[str, str]) -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    conn.execute(f'CREATE TABLE "{name}" ({cols})')


# Tables later migrations add: the first leaves them out, so each migration makes what it made when it shipped.
_ADDED_BY = {"accounts": 2, "sign_in_failures": 2, "devices": 4}
# Columns later migrations add to tables that already existed: (table, column) → the migration.
_COLUMNS_ADDED_BY = {(table, "erased_on"): 3 for table in PERSONAL_FIELDS}
_COLUMNS_ADDED_BY[("people", "merged_into")] = 5


def _create_synced(conn: sqlite3.Connection, table: Table) -> None:
    columns = dict(SYNC_COLUMNS)
    columns.update({f: t for f, t in table.fields.items() if (table.name, f) not in _COLUMNS_ADDED_BY})
    if table.search:
        columns.update(SEARCH_COLUMNS)
        columns["search_text"] = "TEXT"
    _create_table(conn, table.name, columns)
    conn.execute(f'CREATE INDEX "idx_{table.name}_hlc" ON "{table.name}" (hlc)')
    for cols in table.indexes:
        conn.execute(
            f'CREATE INDEX "idx_{table.name}_{"_".join(cols)}" ON "{table.name}" ({", ".join(cols)})'
        )
    if table.search:
        for col in SEARCH_COLUMNS:
            conn.execute(f'CREATE INDEX "idx_{table.name}_{col}" ON "{table.name}" ({col})')
        schema_search.create_fts(conn, table.name)


# The first version's unused accounts table (the second migration drops it).
_USERS_V1 = {"id": "TEXT PRIMARY KEY", "login": "TEXT NOT NULL UNIQUE", "display_name": "TEXT", "role": "TEXT NOT NULL", "password_hash": "TEXT", "created_at": "TEXT NOT NULL"}  # fmt: skip


def _migration_1(conn: sqlite3.Connection) -> None:
    for table in SYNCED_TABLES.values():
        if table.name not in _ADDED_BY:
            _create_synced(conn, table)
    for name, columns in REFERENCE_TABLES.items():
        _create_table(conn, name, columns)
    for name, columns in LOCAL_TABLES.items():
        if name not in _ADDED_BY:
            _create_table(conn, name, columns)
    _create_table(conn, "users", _USERS_V1)
    conn.execute("CREATE INDEX idx_conflicts_open ON conflicts (resolved_at)")


def _migration_2(conn: sqlite3.Connection) -> None:
    """Accounts, synced inside the house, and this PC's count of wrong sign-in tries. The unused `users` table of
    the first version goes."""
    _create_synced(conn, SYNCED_TABLES["accounts"])
    _create_table(conn, "sign_in_failures", LOCAL_TABLES["sign_in_failures"])
    conn.execute("DROP TABLE IF EXISTS users")


def _migration_3_erasure(conn: sqlite3.Connection) -> None:
    """Erasure of a person's personal data: `erased_on` on people and on the rows that carry their personal
    fields (desktop/erasure.py)."""
    for (table, column), number in _COLUMNS_ADDED_BY.items():
        if number == 3:
            conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {SYNCED_TABLES[table].fields[column]}')


def _migration_4_audit(conn: sqlite3.Connection) -> None:
    """The PCs' labels (synced `devices`), the author of each unsent write (so it reaches the other PCs), and an
    index of the audit by record."""
    _create_synced(conn, SYNCED_TABLES["devices"])
    conn.execute("ALTER TABLE outbox ADD COLUMN author TEXT")
    # The audit's record filter and an erasure's blanking read one row's entries.
    conn.execute("CREATE INDEX idx_audit_log_row ON audit_log (table_name, row_id)")


def _migration_5_people_merged_into(conn: sqlite3.Connection) -> None:
    """`people.merged_into`: the survivor a merged (tombstoned) person became, so rows that still name them
    (from a PC that had not seen the merge) are moved on (desktop.people_merge)."""
    conn.execute("ALTER TABLE people ADD COLUMN merged_into TEXT")
    conn.execute("CREATE INDEX idx_people_merged_into ON people (merged_into)")


# Append new migrations here; never edit one that has shipped.
MIGRATIONS = [
    _migration_1,
    _migration_2,
    _migration_3_erasure,
    _migration_4_audit,
    _migration_5_people_merged_into,
    schema_search.migration_6_infix,
    bilingual.migration_7_bilingual_names,
    schema_indexes.migration_8_summary_indexes,
]
SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS_ADDED_BY.update(
    dict.fromkeys(bilingual.ADDED_COLUMNS, MIGRATIONS.index(bilingual.migration_7_bilingual_names) + 1)
)


def fts_table(table: str) -> str:
    return schema_search.fts_name(table)


def synced_columns(table: str) -> list[str]:
    """The columns of a synced table that travel in sync (everything but the local search columns)."""
    return list(SYNC_COLUMNS) + list(SYNCED_TABLES[table].fields)
