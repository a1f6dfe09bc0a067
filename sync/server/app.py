"""The HTTP face of the central server (FastAPI). Bodies are gzip JSON; every refusal is a 4xx with
`{"error": <code>, "detail": <text>}` and changes nothing.

Bodies are read against a per-endpoint ceiling (on the wire and inflated), and decoded and validated in the
thread pool with protocol.decode_untrusted, so the event loop (and /health) keeps answering while a big or
purpose-made body is parsed. Enrolment and sync files, which need no token, are rate-limited per address.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from desktop.reports.files import FORMATS, SUFFIXES
from sync import protocol, sealed
from sync.protocol import PROTOCOL_VERSION, ProtocolError
from sync.server.files import apply_packet
from sync.server.identity import NATIONAL_ROLE
from sync.server.limits import ENROL_RATE, PACKET_RATE, Rate, RateLimiter
from sync.server.store import AuthError, EnrolError, ServerStore, default_url

T = TypeVar("T")

_STATUS = {
    "malformed": 400,
    "too_large": 413,
    "protocol_version": 426,
    "schema_version": 426,
    "replayed": 409,
    "bad_signature": 403,
    "unsupported_encoding": 415,
    "tampered": 400,
    "not_addressed": 400,
    "expired": 410,
    "no_keys": 403,
    "rate_limited": 429,
}

__all__ = ["app_from_env", "apply_packet", "create_app"]


MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # ASCII digits only
_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
}


def _error(status: int, code: str, detail: str = "", **extra: Any) -> JSONResponse:
    # A detail may quote the request (a field name, a version): at most 300 characters, and always UTF-8.
    detail = detail[:300].encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(
        {"error": code, "detail": detail, "protocol": PROTOCOL_VERSION, **extra}, status_code=status
    )


class RateLimited(Exception):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def _limit(limiter: RateLimiter | None, request: Request) -> None:
    if limiter is None:
        return
    wait = limiter.take(request.client.host if request.client else "")
    if wait:
        raise RateLimited(wait)


async def _read_body(request: Request, limit: int = protocol.MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError("too_large", f"body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError("too_large", f"body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_message(request: Request, limit: int, inflated_limit: int, parse: Callable[[Any], T]) -> T:
    """The body, read up to `limit` bytes, inflated up to `inflated_limit`, decoded and parsed in the thread pool."""
    encoding = request.headers.get("content-encoding", "").lower()
    if encoding not in ("", "identity", "gzip"):
        raise ProtocolError("unsupported_encoding", encoding)
    body = await _read_body(request, limit)
    return await run_in_threadpool(
        lambda: parse(protocol.decode_untrusted(body, gzipped=encoding == "gzip", limit=inflated_limit))
    )


def _enrol_request(message: Any) -> protocol.EnrolRequest:
    protocol.check_version(message)
    try:
        return protocol.EnrolRequest.model_validate(message)
    except ValidationError as exc:
        raise ProtocolError("malformed", str(exc.errors()[0]["msg"])) from None


def _keys_request(message: Any) -> protocol.KeysRequest:
    protocol.check_version(message)
    try:
        return protocol.KeysRequest.model_validate(message)
    except ValidationError as exc:
        raise ProtocolError("malformed", str(exc.errors()[0]["msg"])) from None


def _reply(request: Request, message: dict) -> Response:
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            protocol.encode(message), media_type="application/json", headers={"Content-Encoding": "gzip"}
        )
    return Response(protocol.dumps(message), media_type="application/json")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def create_app(
    store: ServerStore, *, enrol_rate: Rate | None = ENROL_RATE, packet_rate: Rate | None = PACKET_RATE
) -> FastAPI:
    """`enrol_rate`, `packet_rate`: per-address limits of /v1/enrol and /v1/packet (None: unlimited)."""
    app = FastAPI(title="Dostyq server", version=str(PROTOCOL_VERSION), docs_url=None, redoc_url=None)
    app.state.store = store
    enrol_limiter = RateLimiter(enrol_rate) if enrol_rate else None
    packet_limiter = RateLimiter(packet_rate) if packet_rate else None

    @app.exception_handler(RateLimited)
    async def _rate_limited(_request: Request, exc: RateLimited):
        response = _error(
            429,
            "rate_limited",
            f"too many requests from this address; retry in {exc.wait} s",
            retry_after=exc.wait,
        )
        response.headers["Retry-After"] = str(exc.wait)
        return response

    @app.exception_handler(ProtocolError)
    async def _protocol_error(_request: Request, exc: ProtocolError):
        return _error(_STATUS.get(exc.code, 400), exc.code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _bad_query(_request: Request, exc: RequestValidationError):
        # A missing or mistyped query parameter: the project's error body, not FastAPI's list of errors.
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(400, "malformed", f"{where}: {first.get('msg', '')}"[:300])

    @app.exception_handler(AuthError)
    async def _auth_error(_request: Request, exc: AuthError):
        return _error(exc.status, exc.code)

    @app.exception_handler(EnrolError)
    async def _enrol_error(_request: Request, exc: EnrolError):
        return _error(exc.status, exc.code)

    @app.get("/health")
    def health():
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "database": store.dialect}

    @app.post("/v1/sync")
    async def sync(request: Request):
        # Authenticate before reading the body: an unknown caller cannot make us inflate anything.
        who = await run_in_threadpool(store.authenticate, _bearer(request))
        req = await _read_message(
            request, protocol.MAX_BODY_BYTES, protocol.MAX_INFLATED_BYTES, protocol.parse_request
        )
        return _reply(request, await run_in_threadpool(store.sync, who, req))

    @app.post("/v1/enrol")
    async def enrol(request: Request):
        _limit(enrol_limiter, request)
        req = await _read_message(request, protocol.MAX_ENROL_BYTES, protocol.MAX_ENROL_BYTES, _enrol_request)
        token, token_id, house, server_keys = await run_in_threadpool(_enrol, store, req)
        return _reply(
            request,
            {
                "v": PROTOCOL_VERSION,
                "token": token,
                "token_id": token_id,
                "house_id": house,
                "server_time": store.now_ms(),
                **server_keys,
            },
        )

    @app.post("/v1/keys")
    async def keys(request: Request):
        """An enrolled PC's public sync-file keys (a PC enrolled before sync files had keys, or with new ones)."""
        who = await run_in_threadpool(store.authenticate, _bearer(request))
        if who.role != "device":
            raise AuthError("forbidden", 403)
        req = await _read_message(request, protocol.MAX_ENROL_BYTES, protocol.MAX_ENROL_BYTES, _keys_request)
        await run_in_threadpool(store.set_device_keys, who, req.sign_key, req.box_key)
        server = await run_in_threadpool(store.file_public_keys)
        return _reply(
            request,
            {
                "v": PROTOCOL_VERSION,
                "server_sign_key": server["sign_key"],
                "server_box_key": server["box_key"],
            },
        )

    @app.post("/v1/packet")
    async def packet(request: Request):
        """Sneakernet over HTTP: a sealed request file in, a sealed answer file out."""
        _limit(packet_limiter, request)
        body = await _read_body(request, protocol.MAX_FILE_BYTES)
        answer = await run_in_threadpool(apply_packet, store, body)
        return Response(answer, media_type="application/octet-stream")

    @app.get("/v1/reports")
    def reports(request: Request, month: str | None = None):
        who = store.authenticate(_bearer(request))
        if month is not None and not MONTH_RE.match(month):
            raise ProtocolError("malformed", "month=YYYY-MM")
        reports, invalid = store.region_reports(who, month)  # refuses anyone but a coordinator
        assert who.region_code is not None  # a coordinator has a region (region_reports checks)
        return {
            "v": PROTOCOL_VERSION,
            "region": who.region_code,
            "houses": store.region_house_rows(who.region_code),
            "reports": reports,
            "invalid": invalid,
        }

    @app.get("/v1/reports/rollup")
    def rollup(request: Request, month: str, format: str = "xlsx", lang: str = "kk"):
        """The coordinator's regional roll-up of one month as a file."""
        who = store.authenticate(_bearer(request))
        if who.role != "coordinator" or not who.region_code:
            raise AuthError("forbidden", 403)
        if not MONTH_RE.match(month) or format not in FORMATS or lang not in ("kk", "ru"):
            raise ProtocolError("malformed", "month=YYYY-MM, format=xlsx|pdf|csv|hxl, lang=kk|ru")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{who.region_code}_{month}_{lang}{SUFFIXES[format]}"
            result = store.export_region_rollup(who.region_code, month, format, path, lang)
            data = path.read_bytes()
        return Response(
            data,
            media_type=_MEDIA[format],
            headers={
                "Content-Disposition": f'attachment; filename="{path.name}"',
                "X-Dostyq-Houses-Missing": ",".join(result.missing),
                "X-Dostyq-Houses-Invalid": ",".join(result.invalid),
            },
        )

    @app.get("/v1/reports/national")
    def national(request: Request):
        """A national coordinator's view: every region, its houses and their submitted summaries (aggregates)."""
        who = store.authenticate(_bearer(request))
        if who.role != NATIONAL_ROLE:
            raise AuthError("forbidden", 403)
        query = _query(NationalQuery, request)
        reports, invalid = store.national_reports(who, query.month)
        return {
            "v": PROTOCOL_VERSION,
            "scope": "national",
            "regions": store.region_rows(),
            "houses": store.house_rows(),
            "reports": reports,
            "invalid": invalid,
        }

    @app.get("/v1/reports/national/rollup")
    def national_file(request: Request):
        """The national roll-up of one month as a file, by region and house."""
        who = store.authenticate(_bearer(request))
        if who.role != NATIONAL_ROLE:
            raise AuthError("forbidden", 403)
        query = _query(NationalFileQuery, request)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"KZ_{query.month}_{query.lang}{SUFFIXES[query.format]}"
            result = store.export_national_rollup(query.month, query.format, path, query.lang)
            data = path.read_bytes()
        return Response(
            data,
            media_type=_MEDIA[query.format],
            headers={
                "Content-Disposition": f'attachment; filename="{path.name}"',
                "X-Dostyq-Houses-Missing": ",".join(result.missing),
                "X-Dostyq-Houses-Invalid": ",".join(result.invalid),
            },
        )

    return app


class NationalQuery(BaseModel):
    """The query of GET /v1/reports/national: an optional month."""

    model_config = ConfigDict(extra="forbid")
    month: str | None = Field(default=None, pattern=MONTH_PATTERN)

    @field_validator("month")
    @classmethod
    def _month(cls, month):
        return _plausible_month(month)


class NationalFileQuery(BaseModel):
    """The query of GET /v1/reports/national/rollup."""

    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=MONTH_PATTERN)
    format: Literal["xlsx", "pdf", "csv", "hxl"] = "xlsx"
    lang: Literal["kk", "ru", "both"] = "kk"

    @field_validator("month")
    @classmethod
    def _month(cls, month):
        return _plausible_month(month)


def _plausible_month(month: str | None) -> str | None:
    """A month the summaries can have (the roll-up reaches a year back from it)."""
    if month is not None and not 2000 <= int(month[:4]) <= 2100:
        raise ValueError("month: a year from 2000 to 2100")
    return month


Q = TypeVar("Q", bound=BaseModel)


def _query(model: type[Q], request: Request) -> Q:
    """The query string checked against `model` (after the token, so an unknown caller learns nothing): a
    parameter given twice, unknown, missing or malformed is a 400 `malformed` naming it."""
    params = request.query_params
    repeated = sorted({k for k in params if len(params.getlist(k)) > 1})
    if repeated:
        raise ProtocolError("malformed", f"{repeated[0]}: given more than once")
    try:
        return model.model_validate(dict(params))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ProtocolError("malformed", f"{where}: {first.get('msg', '')}") from None


def _enrol(store: ServerStore, req: protocol.EnrolRequest) -> tuple[str, str, str, dict]:
    """Enrolment over the link; with the PC's public keys, they are stored with its token and the server's come
    back."""
    if not (req.sign_key and req.box_key):
        return (*store.enrol(req.code, req.device_id, req.label), {})
    sign_key, box_key = sealed.check_public(req.sign_key), sealed.check_public(req.box_key)
    server = store.file_public_keys()

    def keep(conn, _token: str, token_id: str) -> None:
        store._insert_keys(conn, token_id, sign_key, box_key, None)

    token, token_id, house = store.enrol(req.code, req.device_id, req.label, on_token=keep)
    return (
        token,
        token_id,
        house,
        {"server_sign_key": server["sign_key"], "server_box_key": server["box_key"]},
    )


def app_from_env() -> FastAPI:
    """For `uvicorn sync.server.app:app_from_env --factory`: DOSTYQ_DATABASE_URL, else SQLite in DOSTYQ_DATA_DIR."""
    url = os.environ.get("DOSTYQ_DATABASE_URL") or default_url(
        os.environ.get("DOSTYQ_DATA_DIR", Path.cwd() / "data")
    )
    return create_app(ServerStore(url))
