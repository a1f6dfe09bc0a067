"""`dostyq-server purge|backup|restore`: keeping the server's database small and safe.

    dostyq-server purge [--house HOUSE]            tombstones every device has seen (sync/server/horizon.py)
    dostyq-server backup FOLDER [--keep 14]        a backup into FOLDER; only the newest KEEP are kept
    dostyq-server restore FILE                     a backup into the (empty) configured database, then `restored`

Messages follow DOSTYQ_LANG (kk or ru; English otherwise); an expected failure is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import sys

from desktop.i18n import _
from sync.server import backups


def add_parsers(sub) -> None:
    purge = sub.add_parser("purge", help="remove tombstones every enrolled device has already seen")
    purge.add_argument("--house", help="only this house")
    backup = sub.add_parser(
        "backup", help="back the database up into FOLDER, keeping the newest KEEP backups"
    )
    backup.add_argument("folder")
    backup.add_argument(
        "--keep", type=int, default=backups.KEEP, help=f"backups kept (default {backups.KEEP})"
    )
    restore = sub.add_parser(
        "restore", help="restore a backup into the empty configured database; PCs then re-send what it lacks"
    )
    restore.add_argument("file")


def purge(store, args: argparse.Namespace) -> int:
    for done in store.purge(args.house):
        line = _(
            "{house}: {tombstones} tombstones and {ops} applied ops removed (horizon {horizon} of {top})"
        ).format(
            house=done.house,
            tombstones=done.tombstones,
            ops=done.applied_ops,
            horizon=done.horizon,
            top=done.top,
        )
        if done.held_by:
            line += "; " + _("held back by device {token_id} (sync it, or revoke it if it is gone)").format(
                token_id=done.held_by
            )
        print(line)
    return 0


def backup(url: str, args: argparse.Namespace) -> int:
    made = backups.backup(url, args.folder, args.keep)
    print(_("backup written: {file}").format(file=made.path))
    for old in made.removed:
        print(_("old backup removed: {file}").format(file=old))
    return 0


def restore(url: str, args: argparse.Namespace) -> int:
    from sync.server.store import ServerStore

    backups.restore(url, args.file)
    try:
        store = ServerStore(url, seed=False)
    except RuntimeError as exc:  # a backup of a newer server
        print(_("error: {detail}").format(detail=exc), file=sys.stderr)
        return 2
    try:
        epoch = store.new_epoch()
    finally:
        store.close()
    print(_("{file} restored").format(file=args.file))
    print(
        _("new history epoch {epoch}: PCs will fetch everything again and re-send their rows").format(
            epoch=epoch
        )
    )
    return 0
