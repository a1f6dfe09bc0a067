"""Backups of the server's database into a folder with rotation, and a restore into an empty database.

PostgreSQL: `pg_dump --format=custom` of the server's database (the connection comes from DOSTYQ_DATABASE_URL and goes
to pg_dump through PG* variables, never on its command line); restored with `pg_restore` in one transaction. SQLite:
SQLite's online backup API, safe while the server runs. A backup is written under a temporary name and renamed when
complete, so a cut never leaves a half file that rotation would count. After a restore the server starts a new
history epoch (`restored`): every PC fetches everything again and re-sends what it holds, so what the server
acknowledged after the backup was taken comes back from the PCs.

pg_dump and pg_restore are taken from DOSTYQ_PG_BIN (a folder), else PATH, else the newest
/usr/lib/postgresql/*/bin (Debian's postgresql-client).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from desktop import clock
from desktop.i18n import _

KEEP = 14
PREFIX = "dostyq-server-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
_NAME_RE = re.compile(r"^dostyq-server-(\d{8}-\d{6})(?:-(\d+))?\.(sqlite3|dump)$")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"
_PG_LIB = Path("/usr/lib/postgresql")


class BackupError(ValueError):
    """An expected failure (bad folder, not an empty database, a tool missing): the message says what to do."""


@dataclass(frozen=True)
class Made:
    path: Path
    removed: list[Path]


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in SUFFIXES:
        raise BackupError(_("backups support SQLite and PostgreSQL databases, not {kind}").format(kind=name))
    return name


# ---- backup ------------------------------------------------------------------------------------------------------
def backup(url: str, folder: str | Path, keep: int = KEEP) -> Made:
    """A backup of the database at `url` in `folder`, then only the newest `keep` backups there are kept."""
    if keep < 1:
        raise BackupError(_("--keep must be at least 1"))
    kind = backend(url)
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, SUFFIXES[kind])
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
    except OSError as exc:
        raise BackupError(
            _("cannot write backups to {folder}: {reason}").format(folder=folder, reason=exc.strerror or exc)
        ) from None
    try:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _pg_dump(make_url(url), partial)
        os.replace(partial, target)
    except OSError as exc:
        raise BackupError(
            _("cannot write backups to {folder}: {reason}").format(folder=folder, reason=exc.strerror or exc)
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return Made(target, rotate(folder, keep))


def backups(folder: str | Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    found = []
    for path in Path(folder).iterdir():
        m = _NAME_RE.match(path.name)
        if m and path.is_file():
            found.append(((m.group(1), int(m.group(2) or 0)), path))
    return [path for _key, path in sorted(found)]


def rotate(folder: str | Path, keep: int) -> list[Path]:
    """Removes all but the newest `keep` backups of `folder`; returns what it removed."""
    old = backups(folder)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _free_name(folder: Path, suffix: str) -> Path:
    stamp = clock.now_utc().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{PREFIX}{stamp}{suffix}"
    n = 0
    while path.exists():
        n += 1
        path = folder / f"{PREFIX}{stamp}-{n}{suffix}"
    return path


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(_("the server's SQLite database has no file to back up"))
    return Path(database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(_("no database at {path}").format(path=source))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("the backup of {path} failed its check").format(path=source))
    finally:
        dst.close()
        src.close()


def _pg_dump(url: URL, target: Path) -> None:
    _run_pg("pg_dump", ["--format=custom", "--no-password", f"--file={target}"], url)


# ---- restore -----------------------------------------------------------------------------------------------------
def restore(url: str, file: str | Path) -> None:
    """Restores the backup `file` into the empty database at `url` (a file, or a PostgreSQL database, with no
    tables). The caller then starts a new history epoch (ServerStore.new_epoch)."""
    kind = backend(url)
    path = Path(file).expanduser()
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise BackupError(
            _("cannot read {file}: {reason}").format(file=path, reason=exc.strerror or exc)
        ) from None
    made_by = "sqlite" if head == _SQLITE_MAGIC else "postgresql" if head.startswith(_PG_MAGIC) else None
    if made_by is None:
        raise BackupError(_("{file} is not a backup of the server").format(file=path))
    if made_by != kind:
        raise BackupError(
            _("{file} is a {made} backup; the server's database is {kind}").format(
                file=path, made=_KIND_NAMES[made_by], kind=_KIND_NAMES[kind]
            )
        )
    if kind == "sqlite":
        _sqlite_restore(path, _sqlite_path(url))
    else:
        _pg_restore(url, path)


_KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _sqlite_restore(source: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            has_meta = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'server_meta'"
            ).fetchone()
        finally:
            src.close()
    except sqlite3.DatabaseError:
        has_meta = None
    if not has_meta:
        raise BackupError(_("{file} is not a backup of the server").format(file=source))
    if target.exists() and target.stat().st_size > 0:
        dst = sqlite3.connect(target)
        try:
            tables = dst.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError:
            tables = 1
        finally:
            dst.close()
        if tables:
            raise BackupError(
                _("the database {target} is not empty: restore into a new, empty database").format(
                    target=target
                )
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(
            _("cannot restore into {target}: {reason}").format(target=target, reason=exc)
        ) from None


def _pg_restore(url: str, source: Path) -> None:
    parsed = make_url(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                )
            ).scalar_one()
    except sa.exc.OperationalError as exc:
        raise BackupError(
            _("cannot connect to the database {database}: {reason}").format(
                database=parsed.database, reason=str(exc.orig).strip().splitlines()[0]
            )
        ) from None
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            _("the database {target} is not empty: restore into a new, empty database").format(
                target=parsed.database
            )
        )
    _run_pg(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={parsed.database}",
            str(source),
        ],
        parsed,
    )


# ---- PostgreSQL tools --------------------------------------------------------------------------------------------
def pg_tool(name: str) -> str:
    folder = os.environ.get("DOSTYQ_PG_BIN")
    if folder and (Path(folder) / name).is_file():
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        _PG_LIB.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    raise BackupError(
        _(
            "{tool} not found: install PostgreSQL's client tools (Debian: apt install postgresql-client)"
        ).format(tool=name)
    )


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "PGSERVICE"):
        env.pop(key, None)
    pairs = {
        "PGHOST": url.host or url.query.get("host"),
        "PGPORT": str(url.port) if url.port else url.query.get("port"),
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    for key, value in pairs.items():
        if isinstance(value, tuple):
            value = value[0]
        if value:
            env[key] = str(value)
    return env


def _run_pg(tool: str, args: list[str], url: URL) -> None:
    command = [pg_tool(tool), *args]
    try:
        res = subprocess.run(command, env=_pg_env(url), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(_("{tool} could not run: {reason}").format(tool=tool, reason=exc)) from None
    if res.returncode != 0:
        lines = [line for line in res.stderr.strip().splitlines() if line.strip()]
        raise BackupError(
            _("{tool} failed: {reason}").format(tool=tool, reason=lines[-1] if lines else res.returncode)
        )
