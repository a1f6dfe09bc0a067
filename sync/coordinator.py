"""The coordinator's side of the roll-up: fetch the submitted monthly summaries of the region's houses from the
server (`GET /v1/reports`) and sum them, with which houses of the region have not submitted yet; with a national
coordinator token, every region's (`GET /v1/reports/national`), summed by region and house.

A coordinator token only ever reads aggregates (the server refuses it everything else); the token is never logged.
The request goes through sync.transport's HttpTransport (same session, timeouts, gzip and error mapping as sync).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop.i18n import N_
from desktop.reports.national import NationalRollup, national_rollup
from desktop.reports.payload_check import payload_problem
from desktop.reports.rollup import Rollup, latest_versions, rollup
from sync import errors, protocol
from sync.protocol import ProtocolError
from sync.state import get_state
from sync.transport import (
    ATTEMPT_TIMEOUT,
    HttpTransport,
    Refused,
    TransportCancelled,
    TransportDown,
    TransportTimeout,
    refusal,
)

REPORTS_PATH = "/v1/reports"
NATIONAL_PATH = "/v1/reports/national"


class CoordinatorTokenMissing(errors.SyncError):
    template = N_("Enter the coordinator token the administrator gave you.")


class CoordinatorTokenRefused(errors.SyncError):
    template = N_(
        "The server did not accept this coordinator token. Check it, or ask the administrator for a new one."
    )


class CoordinatorTokenRevoked(errors.SyncError):
    template = N_("This coordinator token has been revoked by the administrator. Ask for a new one.")


class NotACoordinatorToken(errors.SyncError):
    template = N_(
        "This token belongs to a house PC, not to a regional coordinator. Ask the administrator for a "
        "coordinator token."
    )


@dataclass
class House:
    code: str
    name_kk: str
    name_ru: str
    region_code: str


@dataclass
class HouseStatus:
    house: House
    version: int | None = None  # None: not submitted
    submitted_at: str | None = None

    @property
    def submitted(self) -> bool:
        return self.version is not None


@dataclass
class RegionRollup:
    region_code: str
    month: str
    rows: list[dict]  # the submitted reports as fetched (every version)
    houses: list[HouseStatus] = field(default_factory=list)
    result: Rollup | None = None
    invalid: list[str] = field(default_factory=list)  # houses whose payload failed the summary schema

    @property
    def missing(self) -> list[str]:
        return [h.house.code for h in self.houses if not h.submitted]


# ---- local reference --------------------------------------------------------------------------------------------
def local_houses(conn: sqlite3.Connection) -> list[House]:
    """Every house of the local reference table (names and regions; it grows as the server adds houses)."""
    rows = conn.execute(
        "SELECT code, name_kk, name_ru, region_code FROM houses WHERE active = 1 ORDER BY sort, code"
    )
    return [House(r[0], r[1] or "", r[2] or "", r[3] or "") for r in rows]


def regions(conn: sqlite3.Connection) -> dict[str, dict]:
    """Region code → {"name_kk", "name_ru"} from the local reference."""
    rows = conn.execute("SELECT code, name_kk, name_ru FROM regions WHERE active = 1 ORDER BY sort, code")
    return {r[0]: {"name_kk": r[1] or "", "name_ru": r[2] or ""} for r in rows}


def own_region(conn: sqlite3.Connection, house_id: str | None) -> str | None:
    """The region of this PC's house, the natural default for its coordinator."""
    if not house_id:
        return None
    row = conn.execute("SELECT region_code FROM houses WHERE code = ?", (house_id,)).fetchone()
    return row[0] if row else None


@dataclass
class LocalReference:
    """What the roll-up tab reads from this PC's database before it asks the server."""

    houses: list[House]
    regions: dict[str, dict]
    own_region: str | None
    server_url: str = ""  # the server this PC syncs with: the roll-up asks the same one unless told otherwise


def local_reference(store) -> LocalReference:
    """The local houses, the regions' names, this PC's region and its sync server, read in one go (on the reader
    thread)."""
    return LocalReference(
        local_houses(store.conn),
        regions(store.conn),
        own_region(store.conn, store.house_id),
        get_state(store, "server_url") or "",
    )


# ---- server --------------------------------------------------------------------------------------------------
def fetch_region_reports(
    url: str, token: str, month: str | None = None, *, transport: HttpTransport | None = None
) -> list[dict]:
    """The submitted reports of the coordinator's region (of `month`, or all months): plain rows with house_id,
    month, version, submitted_at and payload (a dict). Raises a translated SyncError when it cannot."""
    return fetch_region(url, token, month, transport=transport)[0]


def fetch_region(
    url: str,
    token: str,
    month: str | None = None,
    *,
    transport: HttpTransport | None = None,
    cancel: threading.Event | None = None,
) -> tuple[list[dict], list[House], str | None]:
    """The region's submitted reports, every house the server has registered in the region (so a house this PC
    has never heard of still shows as not submitted), and the region's code. The coordinator waits for it: short
    timeouts (transport.ATTEMPT_TIMEOUT), and setting `cancel` stops the request at once (AttemptCancelled)."""
    answer = _get(url, token, REPORTS_PATH, month, transport=transport, cancel=cancel)
    reports = answer.get("reports")
    if not isinstance(reports, list):
        raise errors.ServerRefused(code="malformed_answer")
    return (
        [_plain_row(r) for r in reports if isinstance(r, dict)],
        _houses(answer),
        answer.get("region") or None,
    )


def _houses(answer: dict) -> list[House]:
    return [
        House(
            h["code"],
            h.get("name_kk") or h["code"],
            h.get("name_ru") or h["code"],
            h.get("region_code") or "",
        )
        for h in answer.get("houses") or []
        if isinstance(h, dict) and isinstance(h.get("code"), str) and h.get("code")
    ]


def _get(
    url: str,
    token: str,
    path: str,
    month: str | None,
    *,
    transport: HttpTransport | None = None,
    cancel: threading.Event | None = None,
) -> dict:
    """One GET of the coordinator's API: the decoded answer, or a translated SyncError."""
    token = (token or "").strip()
    if not token:
        raise CoordinatorTokenMissing()
    own = transport is None
    transport = transport or HttpTransport(url, token, timeout=ATTEMPT_TIMEOUT)
    answer: Any = {}
    try:
        params = {"month": month} if month else None
        if cancel is None:
            resp = transport.send("GET", path, params=params)
        else:
            resp = transport.send("GET", path, params=params, cancel=cancel)
        answer = protocol.decode(resp.content, gzipped=False)
        protocol.check_version(answer)
    except TransportCancelled:
        raise errors.AttemptCancelled() from None
    except TransportTimeout as exc:
        if exc.connecting:
            raise errors.ServerNotReached(url=transport.url) from None
        raise errors.ServerSilent(url=transport.url, seconds=round(exc.seconds)) from None
    except TransportDown:
        raise errors.ServerNotReached(url=transport.url) from None
    except Refused as exc:
        raise _coordinator_refusal(exc, transport.url) from None
    except ProtocolError as exc:
        if exc.code == "protocol_version":
            raise errors.ProtocolMismatch(
                server=answer.get("v", "?") if isinstance(answer, dict) else "?",
                client=protocol.PROTOCOL_VERSION,
            ) from None
        raise errors.ServerRefused(code="malformed_answer") from None
    finally:
        if own:
            transport.close()
    if not isinstance(answer, dict):
        raise errors.ServerRefused(code="malformed_answer")
    return answer


def _plain_row(row: dict) -> dict:
    payload = row.get("payload")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = {}
    version = row.get("version")
    return {
        "house_id": row.get("house_id") or "",
        "month": row.get("month") or "",
        "version": version if isinstance(version, int) and not isinstance(version, bool) else 0,
        "status": row.get("status") or "submitted",
        "submitted_at": row.get("submitted_at") or "",
        "payload": payload if isinstance(payload, dict) else {},
    }


def _coordinator_refusal(exc: Refused, url: str) -> errors.SyncError:
    if exc.code == "unauthorized" or exc.status == 401:
        return CoordinatorTokenRefused()
    if exc.code == "revoked":
        return CoordinatorTokenRevoked()
    if exc.code == "forbidden":
        return NotACoordinatorToken()
    return refusal(exc, url)


# ---- the roll-up --------------------------------------------------------------------------------------------
def region_rollup(
    rows: list[dict],
    month: str,
    region_code: str | None,
    houses: Iterable[House],
    names_of_regions: dict[str, dict] | None = None,
) -> RegionRollup:
    """The month's roll-up of `rows` with the status of every house of the region. The region is the one of the
    submitting houses when the rows tell (the token decides what the server shows), else `region_code`."""
    houses = list(houses)
    by_code = {h.code: h for h in houses}
    rows = [r for r in rows if r.get("month") == month]
    # A payload that is not a plain summary of the house that sent it is left out (an older server let it in).
    invalid = sorted(
        {r["house_id"] for r in rows if payload_problem(r["payload"], house=r["house_id"], month=month)}
    )
    rows = [r for r in rows if r["house_id"] not in invalid]
    seen_regions = {by_code[r["house_id"]].region_code for r in rows if r["house_id"] in by_code}
    seen_regions |= {
        r["payload"].get("org", {}).get("region_code") for r in rows if r["house_id"] not in by_code
    }
    seen_regions.discard(None)
    seen_regions.discard("")
    if len(seen_regions) == 1:
        region_code = seen_regions.pop()
    region_code = region_code or ""
    newest: dict[str, dict] = {}
    for row in rows:
        if row["house_id"] not in newest or row["version"] > newest[row["house_id"]]["version"]:
            newest[row["house_id"]] = row
    expected = [h for h in houses if h.region_code == region_code]
    for code in sorted(
        set(newest) - {h.code for h in expected}
    ):  # a house the local reference does not know yet
        org = newest[code]["payload"].get("org") or {}
        expected.append(House(code, org.get("name_kk") or code, org.get("name_ru") or code, region_code))
    statuses = [
        HouseStatus(h, newest[h.code]["version"], newest[h.code]["submitted_at"])
        if h.code in newest
        else HouseStatus(h)
        for h in expected
    ]
    result = rollup(
        latest_versions(rows),
        month,
        expected_houses=[h.code for h in expected],
        org=region_org(region_code, (names_of_regions or {}).get(region_code)),
    )
    result.invalid = invalid
    return RegionRollup(region_code, month, rows, statuses, result, invalid)


def region_org(region_code: str, names: dict | None = None) -> dict:
    """The roll-up's heading: the region, with its kk/ru names when the reference has them."""
    names = names or {}
    return {
        "code": region_code,
        "name_kk": names.get("name_kk", ""),
        "name_ru": names.get("name_ru", ""),
        "region_code": region_code,
    }


def fetch_region_rollup(
    url: str,
    token: str,
    month: str,
    region_code: str | None,
    houses: list[House],
    names_of_regions: dict[str, dict] | None = None,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
) -> RegionRollup:
    """For the task runner: fetch, then sum. `names_of_regions` maps region codes to {"name_kk", "name_ru"}."""
    if progress:
        progress(0, 2)
    rows, server_houses, server_region = fetch_region(url, token, month, cancel=cancel)
    if progress:
        progress(1, 2)
    # The server's list of the region's houses is the authority; the local reference fills in the others.
    known = {h.code: h for h in houses}
    known.update({h.code: h for h in server_houses})
    result = region_rollup(rows, month, server_region or region_code, list(known.values()), names_of_regions)
    if progress:
        progress(2, 2)
    return result


def export_in_worker(
    fetched: RegionRollup,
    fmt: str,
    path: str,
    lang: str,
    delimiter: str = ",",
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
):
    """Writes the roll-up of the fetched rows to a file (for the task runner). The renderers are imported here, on
    the worker thread. Raises ReportWriteError (a message for the user) when the file cannot be written."""
    from desktop.reports.export import export_rollup

    assert fetched.result is not None  # region_rollup always sums what it fetched
    if progress:
        progress(0, 1)
    export_rollup(
        fetched.rows,
        fetched.month,
        fmt,
        path,
        lang=lang,
        expected_houses=[h.house.code for h in fetched.houses],
        org=fetched.result.summary.org,
        delimiter=delimiter,
    )
    if progress:
        progress(1, 1)
    return path


# ---- the national roll-up ---------------------------------------------------------------------------------------
@dataclass
class NationalFetch:
    """What a national coordinator token fetched for a month, summed by region and house."""

    month: str
    rows: list[dict]  # the submitted reports as fetched (every version)
    houses: list[House]
    regions: dict[str, dict]  # code → {"name_kk", "name_ru"}
    result: NationalRollup
    invalid: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return self.result.missing


def fetch_national(
    url: str,
    token: str,
    month: str | None = None,
    *,
    transport: HttpTransport | None = None,
    cancel: threading.Event | None = None,
) -> tuple[list[dict], list[House], dict[str, dict], list[str]]:
    """Every region's submitted reports (of `month`, or every month), every registered house, the regions' names
    and the houses the server left out as invalid. Only a national coordinator token is answered
    (NotACoordinatorToken otherwise)."""
    answer = _get(url, token, NATIONAL_PATH, month, transport=transport, cancel=cancel)
    reports = answer.get("reports")
    if not isinstance(reports, list):
        raise errors.ServerRefused(code="malformed_answer")
    names = {
        r["code"]: {"name_kk": r.get("name_kk") or "", "name_ru": r.get("name_ru") or ""}
        for r in answer.get("regions") or []
        if isinstance(r, dict) and isinstance(r.get("code"), str)
    }
    invalid = [h for h in answer.get("invalid") or [] if isinstance(h, str)]
    return [_plain_row(r) for r in reports if isinstance(r, dict)], _houses(answer), names, invalid


def national_from_rows(
    rows: list[dict],
    month: str,
    houses: Iterable[House],
    names_of_regions: dict[str, dict],
    invalid: Iterable[str] = (),
) -> NationalFetch:
    """The month's national roll-up of fetched rows; a payload that is not a plain summary of the house that sent
    it is left out, and its house listed as invalid (as in region_rollup)."""
    houses = list(houses)
    rows = [r for r in rows if r.get("month") == month]
    bad = {r["house_id"] for r in rows if payload_problem(r["payload"], house=r["house_id"], month=month)}
    rows = [r for r in rows if r["house_id"] not in bad]
    left_out = sorted(bad | set(invalid))
    result = national_rollup(
        rows,
        month,
        [dataclasses.asdict(h) for h in houses],
        names_of_regions,
        left_out,
    )
    return NationalFetch(month, rows, houses, names_of_regions, result, left_out)


def fetch_national_rollup(
    url: str,
    token: str,
    month: str,
    houses: list[House],
    names_of_regions: dict[str, dict] | None = None,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
) -> NationalFetch:
    """For the task runner: fetch every region, then sum by region and house."""
    if progress:
        progress(0, 2)
    rows, server_houses, server_regions, invalid = fetch_national(url, token, month, cancel=cancel)
    if progress:
        progress(1, 2)
    known = {h.code: h for h in houses}
    known.update({h.code: h for h in server_houses})
    names = dict(names_of_regions or {})
    names.update({code: n for code, n in server_regions.items() if n.get("name_kk") or n.get("name_ru")})
    result = national_from_rows(rows, month, list(known.values()), names, invalid)
    if progress:
        progress(2, 2)
    return result


def fetch_any_rollup(
    url: str,
    token: str,
    month: str,
    region_code: str | None,
    houses: list[House],
    names_of_regions: dict[str, dict] | None = None,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    *,
    national_first: bool = False,
) -> RegionRollup | NationalFetch:
    """The roll-up the token may read: a region's for a regional coordinator token, every region's for a national
    one. The scope the token had last time (`national_first`) is asked first; the other is asked only when the
    server refuses the first one to this token."""

    def national() -> NationalFetch:
        return fetch_national_rollup(url, token, month, houses, names_of_regions, progress, cancel)

    def regional() -> RegionRollup:
        return fetch_region_rollup(url, token, month, region_code, houses, names_of_regions, progress, cancel)

    if national_first:
        try:
            return national()
        except (NotACoordinatorToken, errors.BadServerUrl):  # a regional token, or a server without it
            return regional()
    try:
        return regional()
    except NotACoordinatorToken:
        return national()


def export_national_in_worker(
    fetched: NationalFetch,
    fmt: str,
    path: str,
    lang: str,
    delimiter: str = ",",
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
):
    """Writes the national roll-up, with its region level, to a file (for the task runner)."""
    from desktop.reports.export import export_national

    if progress:
        progress(0, 1)
    export_national(fetched.result, fmt, path, lang, delimiter)
    if progress:
        progress(1, 1)
    return path
