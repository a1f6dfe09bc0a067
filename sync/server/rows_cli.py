"""`dostyq-server rows list|show|tombstone`: rows the PCs cannot store and ops held for a missing row.

Messages follow DOSTYQ_LANG (kk or ru; English otherwise). `show` prints the one row asked for, to the
administrator; `list` prints only tables, ids, houses, seqs and reasons, never a value.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from desktop import i18n
from desktop.i18n import _
from sync.server.store import ServerStore, UnknownRow


def add_parser(sub) -> None:
    rows = sub.add_parser("rows", help="rows the PCs cannot store; held ops").add_subparsers(
        dest="action", required=True
    )
    lst = rows.add_parser("list", help="rows failing the schema check and held ops")
    lst.add_argument("--house")
    for name, text in (("show", "one row as stored, with the reason"), ("tombstone", "delete a bad row")):
        one = rows.add_parser(name, help=text)
        one.add_argument("table")
        one.add_argument("row_id")


def run(store: ServerStore, args: argparse.Namespace) -> int:
    lang = os.environ.get("DOSTYQ_LANG", "")
    if lang in i18n.LANGUAGES:
        i18n.set_language(lang)
    try:
        if args.action == "list":
            return _list(store, args.house)
        if args.action == "show":
            return _show(store, args.table, args.row_id)
        seq = store.tombstone(args.table, args.row_id)
    except UnknownRow:
        print(
            _("No row {table} {row_id} on this server.").format(table=args.table, row_id=args.row_id),
            file=sys.stderr,
        )
        return 1
    if seq is None:
        print(
            _("The ops held for {table} {row_id} were dropped.").format(table=args.table, row_id=args.row_id)
        )
    else:
        print(
            _("{table} {row_id} deleted (server seq {seq}): the PCs drop it at their next sync.").format(
                table=args.table, row_id=args.row_id, seq=seq
            )
        )
    return 0


def _list(store: ServerStore, house: str | None) -> int:
    bad, held = store.bad_rows(house), store.held(house)
    cannot, waiting = _("cannot be stored"), _("held")
    for row in bad:
        print("\t".join((cannot, row["table"], row["id"], row["house_id"], str(row["seq"]), row["reason"])))
    for op in held:
        since = _("waiting for the row since {when}").format(when=op["received_at"])
        print(
            "\t".join((waiting, op["table_name"], op["row_id"], op["house_id"], str(op["server_seq"]), since))
        )
    if not bad and not held:
        print(_("Every row passes the check and no op is held."))
    return 0


def _show(store: ServerStore, table: str, row_id: str) -> int:
    found = store.bad_row(table, row_id)
    row = found["row"]
    if row is not None:
        print(
            _("{table} {row_id}, house {house}, server seq {seq}").format(
                table=table, row_id=row_id, house=row["house_id"], seq=row["server_seq"]
            )
        )
        print(_("Reason: {reason}").format(reason=found["reason"] or _("passes the check")))
        print(_("Deleted: yes") if row["deleted"] else _("Deleted: no"))
        print(json.dumps(json.loads(row["data"]), ensure_ascii=False, indent=2, sort_keys=True))
    held = _("held")
    for op in found["held"]:
        print("\t".join((held, op["op_id"], op["received_at"], op["op"])))
    return 0
