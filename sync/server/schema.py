"""The server's tables on SQLAlchemy Core: one schema for SQLite (the default, no set-up) and PostgreSQL.

Synced rows of every table live in one `records` table as JSON, keyed by (table_name, id), with per-field stamps and
per-field server seqs. Reference rows (regions, houses…) and central catalogue rows have house_id '' and reach every
device. The `counters` row holds the last `server_seq` given out.
"""

from __future__ import annotations

import sqlalchemy as sa

md = sa.MetaData()

records = sa.Table(
    "records",
    md,
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("deleted", sa.Integer, nullable=False, default=0),
    sa.Column("hlc", sa.String(100), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON {field: value}
    sa.Column("field_hlc", sa.Text, nullable=False),  # JSON {field: stamp}
    sa.Column("field_seq", sa.Text, nullable=False),  # JSON {field: server_seq of the write}
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(100)),
    sa.Index("ix_records_house_seq", "house_id", "server_seq"),
    sa.Index("ix_records_seq", "server_seq"),
)

applied_ops = sa.Table(
    "applied_ops",
    md,
    sa.Column("op_id", sa.String(80), primary_key=True),
    sa.Column("device_pk", sa.String(40), nullable=False),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("result", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.String(100)),  # the stamp as stored (after clamping)
    sa.Column("orig_hlc", sa.String(100)),
    sa.Column("applied_at", sa.String(40), nullable=False),
    sa.Index("ix_applied_device_seq", "device_pk", "server_seq"),
)

counters = sa.Table(
    "counters",
    md,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

devices = sa.Table(
    "devices",
    md,
    sa.Column("id", sa.String(40), primary_key=True),  # token id, public
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),  # device, coordinator
    sa.Column("house_id", sa.String(80)),
    sa.Column("region_code", sa.String(20)),
    sa.Column("device_id", sa.String(80)),  # the PC's store device id, bound at enrolment
    sa.Column("label", sa.String(200)),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40)),
    sa.Column("last_seen_at", sa.String(40)),
    # The newest stamp stored for this device's ops (after clamping): clamped stamps keep the device's own order.
    sa.Column("last_hlc", sa.String(100)),
)

enrol_codes = sa.Table(
    "enrol_codes",
    md,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("used_at", sa.String(40)),
    sa.Column("used_by", sa.String(40)),
)

# The public keys of a device's sync files (Ed25519 to check its request files, X25519 to write its answers). Only
# public keys: a copy of this database cannot sign a PC's file. `sealed_token` is the device token sealed to the PC
# when it was enrolled by file, so a repeat of its first file can still hand it over; only that PC can open it.
device_keys = sa.Table(
    "device_keys",
    md,
    sa.Column("token_id", sa.String(40), primary_key=True),
    sa.Column("sign_key", sa.String(64), nullable=False),
    sa.Column("box_key", sa.String(64), nullable=False),
    sa.Column("set_at", sa.String(40), nullable=False),
    sa.Column("sealed_token", sa.Text),
)

seen_requests = sa.Table(
    "seen_requests",
    md,
    sa.Column("request_id", sa.String(80), primary_key=True),
    sa.Column("device_pk", sa.String(40), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

server_meta = sa.Table(
    "server_meta",
    md,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
)
# server_meta also holds the server's own sync-file key pair (file_sign_key, file_box_key: private keys, base64),
# made on first use. They live in the database, so the database backup carries them; without them no PC can read
# an answer file or have a request file read (docs/SYNC.md).

# An update or delete of a row the server does not have yet (its insert is still on the way, e.g. re-sent after a
# restore): kept here, never as a partial row, and merged in arrival order once the row's insert arrives.
held_ops = sa.Table(
    "held_ops",
    md,
    sa.Column("op_id", sa.String(80), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_id", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),  # arrival order
    sa.Column(
        "op", sa.Text, nullable=False
    ),  # JSON of the op as accepted (stamp clamped, author the token's)
    sa.Column("cursor", sa.BigInteger, nullable=False),  # what its author had seen
    sa.Column("received_at", sa.String(40), nullable=False),
    sa.Index("ix_held_row", "house_id", "table_name", "row_id"),
)

# Where each device of a house stands in the history: the cursor (or, when it is behind it, the `known` seq its
# pending ops were written against) it last sent, in the epoch it sent it in. A house's purge horizon is the lowest
# of its enrolled, not revoked devices' (sync/server/horizon.py); a device with no row of this epoch counts as 0.
device_cursors = sa.Table(
    "device_cursors",
    md,
    sa.Column("token_id", sa.String(40), primary_key=True),
    sa.Column("epoch", sa.String(40), nullable=False),
    sa.Column("cursor", sa.BigInteger, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

# One line per purge of a house: its horizon then. Applied ops are forgotten only below a horizon at least
# SEEN_REQUESTS_DAYS old, so a request file (at most 28 days old) can never carry an op the server no longer knows.
purge_runs = sa.Table(
    "purge_runs",
    md,
    sa.Column("house_id", sa.String(80), primary_key=True),
    sa.Column("at", sa.String(40), primary_key=True),
    sa.Column("epoch", sa.String(40), nullable=False),
    sa.Column("horizon", sa.BigInteger, nullable=False),
    sa.Column("tombstones", sa.Integer, nullable=False),
    sa.Column("applied_ops", sa.Integer, nullable=False),
)

# What a purge removed: a row's id and the stamp and seq of its delete, so a device behind the purge (a PC restored
# from an old backup of its own) is told to drop the row, and an older write or re-sent copy of it never brings it
# back. No values; kept PURGED_KEEP_DAYS (longer than a PC keeps its backups).
purged_rows = sa.Table(
    "purged_rows",
    md,
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("house_id", sa.String(80), nullable=False),
    sa.Column("server_seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.String(100), nullable=False),
    sa.Column("purged_at", sa.String(40), nullable=False),
    sa.Index("ix_purged_house_seq", "house_id", "server_seq"),
)

SERVER_SCHEMA = 1  # bump with a migration when these tables change
CENTRAL = ""  # house_id of rows every device receives
