"""`dostyq-server`: run the central server and administer houses, devices and packets.

    dostyq-server serve [--host 127.0.0.1] [--port 8765] [--data DIR]
                        [--enrol-per-minute 10] [--enrol-burst 5] [--packet-per-minute 60] [--packet-burst 20]
    dostyq-server house add CODE --region KZ-71 --name-kk "…" --name-ru "…"
    dostyq-server house list
    dostyq-server device code HOUSE [--hours 48]
    dostyq-server device list [HOUSE]
    dostyq-server device revoke TOKEN_ID
    dostyq-server coordinator add REGION [--label TEXT]
    dostyq-server coordinator add --national [--label TEXT]
    dostyq-server packet apply FILE [--out ANSWER]
    dostyq-server enrol-file HOUSE [--hours H] [--url URL] [--out FILE]
    dostyq-server report --region KZ-71 --month 2026-10 [--format xlsx|pdf|csv|hxl] [--lang kk|ru] [--out FILE]
    dostyq-server report --national [--month 2026-10] [--format xlsx|pdf|csv|hxl] [--lang kk|ru] [--out FILE]
    dostyq-server restored          (after restoring a backup)
    dostyq-server rows list [--house HOUSE] | rows show TABLE ROW_ID | rows tombstone TABLE ROW_ID
    dostyq-server purge [--house HOUSE]       (serve also purges at start and every --purge-hours)
    dostyq-server backup FOLDER [--keep 14]
    dostyq-server restore FILE                (into an empty database; then every PC re-sends what it lacks)

The database is DOSTYQ_DATABASE_URL (e.g. postgresql+psycopg://user:pass@host/db) or, by default, SQLite in the
data folder (--data, DOSTYQ_DATA_DIR, or ./data).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop import i18n
from desktop.i18n import _
from sync.server import files_cli, national_cli, rows_cli, upkeep_cli
from sync.server.backups import BackupError
from sync.server.limits import ENROL_RATE, PACKET_RATE, Rate
from sync.server.store import ServerStore, default_url


def _url(args) -> str:
    return os.environ.get("DOSTYQ_DATABASE_URL") or default_url(
        args.data or os.environ.get("DOSTYQ_DATA_DIR") or Path.cwd() / "data"
    )


def _store(args) -> ServerStore:
    return ServerStore(_url(args))


def _rate(per_minute: float, burst: int) -> Rate | None:
    """A per-address limit from the serve options; 0 a minute turns it off."""
    return Rate(per_minute, burst) if per_minute > 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dostyq-server", description="Dostyq central sync server")
    parser.add_argument("--data", help="data folder for the default SQLite database")
    sub = parser.add_subparsers(dest="cmd", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--data", dest="data_serve")
    serve.add_argument(
        "--purge-hours",
        type=float,
        default=24,
        help="purge tombstones at start and then every this many hours (0: never; see `purge`)",
    )
    limits = (
        ("enrol", ENROL_RATE, "enrolment attempts"),
        ("packet", PACKET_RATE, "sync files posted"),
    )
    for name, rate, what in limits:
        serve.add_argument(
            f"--{name}-per-minute",
            type=float,
            default=rate.per_minute,
            help=f"{what} a minute from one address (0: no limit)",
        )
        serve.add_argument(
            f"--{name}-burst", type=int, default=rate.burst, help=f"{what} at once from one address"
        )

    house = sub.add_parser("house").add_subparsers(dest="action", required=True)
    add = house.add_parser("add", help="register a house of friendship")
    add.add_argument("code")
    add.add_argument("--region", required=True, help="ISO 3166-2:KZ code, e.g. KZ-71")
    add.add_argument("--name-kk", required=True)
    add.add_argument("--name-ru", required=True)
    add.add_argument("--address")
    house.add_parser("list")

    device = sub.add_parser("device").add_subparsers(dest="action", required=True)
    enrol = device.add_parser("code", help="a one-time enrolment code for a PC of HOUSE")
    enrol.add_argument("house")
    enrol.add_argument("--hours", type=float, default=48)
    lst = device.add_parser("list")
    lst.add_argument("house", nargs="?")
    revoke = device.add_parser("revoke", help="cut off a lost PC (or a coordinator token)")
    revoke.add_argument("token_id")

    coord = sub.add_parser("coordinator").add_subparsers(dest="action", required=True)
    cadd = coord.add_parser(
        "add", help="a token for a regional (REGION) or national (--national) coordinator (summaries only)"
    )
    cadd.add_argument("region", nargs="?")
    cadd.add_argument(
        "--national", action="store_true", help="every region's summaries, no region of its own"
    )
    cadd.add_argument("--label", default="")

    report = sub.add_parser(
        "report", help="the regional (--region) or national (--national) roll-up of one month's summaries"
    )
    scope = report.add_mutually_exclusive_group(required=True)
    scope.add_argument("--region")
    scope.add_argument("--national", action="store_true", help="every region, by region and house")
    report.add_argument("--month", help="YYYY-MM (--national: the last full month by default)")
    report.add_argument("--format", default="xlsx", choices=("xlsx", "pdf", "csv", "hxl"))
    report.add_argument("--lang", default="kk", choices=("kk", "ru", "both"))
    report.add_argument("--out")

    sub.add_parser(
        "restored", help="after restoring a backup: every PC re-fetches and re-sends what it holds"
    )

    rows_cli.add_parser(sub)
    upkeep_cli.add_parsers(sub)

    packet = sub.add_parser("packet").add_subparsers(dest="action", required=True)
    papply = packet.add_parser("apply", help="apply a sync file from a house and write the answer file")
    papply.add_argument("file")
    papply.add_argument("--out")

    efile = sub.add_parser(
        "enrol-file", help="an enrolment file for a PC of HOUSE that has never been online (one use)"
    )
    efile.add_argument("house")
    efile.add_argument("--hours", type=float, default=24 * 7)
    efile.add_argument("--url", default="", help="the server address the PC uses once it is online")
    efile.add_argument("--out")

    args = parser.parse_args(argv)
    # What the administrator reads follows DOSTYQ_LANG (kk or ru; English otherwise), as `rows` does.
    lang = os.environ.get("DOSTYQ_LANG", "")
    if lang in i18n.LANGUAGES:
        i18n.set_language(lang)
    if args.cmd == "serve":
        import uvicorn

        from sync.server.app import create_app

        args.data = args.data_serve or args.data
        if args.enrol_burst < 1 or args.packet_burst < 1:
            parser.error("a burst is at least 1")
        enrol_rate = _rate(args.enrol_per_minute, args.enrol_burst)
        packet_rate = _rate(args.packet_per_minute, args.packet_burst)
        store = _store(args)
        print(f"Dostyq server on http://{args.host}:{args.port} ({store.dialect})", flush=True)
        if args.purge_hours > 0:
            from sync.server.horizon import PurgeTimer

            PurgeTimer(store, args.purge_hours).start()
        uvicorn.run(
            create_app(store, enrol_rate=enrol_rate, packet_rate=packet_rate),
            host=args.host,
            port=args.port,
            server_header=False,
            date_header=False,
            log_level="info",
        )
        store.close()  # writes the devices' positions still held in memory
        return 0

    if args.cmd in ("backup", "restore"):
        # No store is opened first: it would make the tables in a database a restore must find empty.
        try:
            run = upkeep_cli.backup if args.cmd == "backup" else upkeep_cli.restore
            return run(_url(args), args)
        except BackupError as exc:
            print(_("error: {detail}").format(detail=exc), file=sys.stderr)
            return 2
    store = _store(args)
    try:
        if args.cmd == "house" and args.action == "add":
            store.add_house(args.code, args.name_kk, args.name_ru, args.region, args.address)
            print(_("house {code} registered").format(code=args.code))
        elif args.cmd == "house" and args.action == "list":
            for row in store.rows("houses"):
                d = row["data"]
                print(f"{row['id']}\t{d.get('region_code') or ''}\t{d.get('name_kk')}\t{d.get('name_ru')}")
        elif args.cmd == "device" and args.action == "code":
            code = store.new_enrol_code(args.house, args.hours)
            print(
                _("enrolment code for {house}: {code} (one use, expires in {hours} h)").format(
                    house=args.house, code=code, hours=f"{args.hours:g}"
                )
            )
        elif args.cmd == "device" and args.action == "list":
            for d in store.list_devices(args.house):
                state = _("revoked {at}").format(at=d["revoked_at"]) if d["revoked_at"] else _("active")
                print(
                    f"{d['id']}\t{d['role']}\t{d['house_id'] or d['region_code'] or ''}\t{d['device_id'] or ''}\t"
                    f"{d['label'] or ''}\t{_('last seen {at}').format(at=d['last_seen_at'] or _('never'))}\t{state}"
                )
        elif args.cmd == "device" and args.action == "revoke":
            if not store.revoke(args.token_id):
                print(_("no active token {token_id}").format(token_id=args.token_id), file=sys.stderr)
                return 1
            print(_("token {token_id} revoked").format(token_id=args.token_id))
        elif args.cmd == "coordinator" and args.action == "add" and args.national:
            if args.region:
                parser.error("a national coordinator token has no region")
            token, token_id = store.add_national_coordinator(args.label)
            print(
                _("national coordinator token {token_id}, every region (shown once, keep it safe):").format(
                    token_id=token_id
                )
            )
            print(token)
        elif args.cmd == "coordinator" and args.action == "add":
            if not args.region:
                parser.error("coordinator add: REGION or --national")
            token, token_id = store.add_coordinator(args.region, args.label)
            print(
                _("coordinator token {token_id} for {region} (shown once, keep it safe):").format(
                    token_id=token_id, region=args.region
                )
            )
            print(token)
        elif args.cmd == "report" and args.national:
            return national_cli.report(store, args.month, args.format, args.lang, args.out)
        elif args.cmd == "report":
            if not args.month:
                parser.error("report --region: --month YYYY-MM")
            from desktop.reports.files import SUFFIXES

            out = Path(args.out or f"{args.region}_{args.month}_{args.lang}{SUFFIXES[args.format]}")
            result = store.export_region_rollup(args.region, args.month, args.format, out, args.lang)
            print(
                _("{file}: houses that submitted: {count}").format(file=out, count=len(result.submitted))
                + (
                    "; " + _("not yet: {houses}").format(houses=", ".join(result.missing))
                    if result.missing
                    else ""
                )
                + (
                    "; "
                    + _("left out, not a valid summary: {houses}").format(houses=", ".join(result.invalid))
                    if result.invalid
                    else ""
                )
            )
        elif args.cmd == "restored":
            print(
                _("new history epoch {epoch}: PCs will fetch everything again and re-send their rows").format(
                    epoch=store.new_epoch()
                )
            )
        elif args.cmd == "rows":
            return rows_cli.run(store, args)
        elif args.cmd == "purge":
            return upkeep_cli.purge(store, args)
        elif args.cmd == "packet" and args.action == "apply":
            return files_cli.apply_file(store, args.file, args.out)
        elif args.cmd == "enrol-file":
            return files_cli.write_enrol_file(store, args.house, args.hours, args.url, args.out)
    except ValueError as exc:
        print(_("error: {detail}").format(detail=exc), file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
