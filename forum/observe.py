"""Every request seen: a request id (sent back as X-Request-Id, and on every log line written
while it is handled), one log line when it ends (a link's secret token shown as its route's
template), and its count and time in /metrics by route template. The log is text, or one JSON
object a line with PEERDESK_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.metrics import observe_request
from forum.settings import get_settings

log = logging.getLogger("peerdesk.requests")
request_id: ContextVar[str] = ContextVar("request_id", default="")
# A request id from a trusted proxy in front is kept when it looks like one.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# The methods a metric is labelled with; any other is "OTHER" (a label never takes what a
# client makes up).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# What a log record carries besides the message, as JSON keys.
_EXTRA = ("request_id", "method", "path", "route", "status", "duration_ms", "client")


class ObserveMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Logged here, with the request id, and answered here, with it: the server's own
            # error answer (outside this middleware) would carry neither.
            log.exception("unhandled error in %s %s", scope["method"], _shown_path(scope))
            if status:
                raise
            status = 500
            await PlainTextResponse("Internal Server Error", status_code=500)(
                scope, receive, send_with_id
            )
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            observe_request(route, method, status or 500, seconds)
            client = scope.get("client")
            path = _shown_path(scope)
            log.info(
                "%s %s %s %.1fms",
                method,
                path,
                status or 500,
                seconds * 1000,
                extra={
                    "method": method,
                    "path": path,
                    "route": route,
                    "status": status or 500,
                    "duration_ms": round(seconds * 1000, 1),
                    "client": client[0] if client else "",
                },
            )
            request_id.reset(token)


def _request_id(scope: Scope) -> str:
    """A new id, or the one the trusted proxy in front gave the request."""
    given = Headers(scope=scope).get("x-request-id", "")
    client = scope.get("client")
    trusted = client is not None and client[0] in get_settings().trusted_proxies
    return given if trusted and _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex


def _shown_path(scope: Scope) -> str:
    """The path, but a secret in it (a reset or confirmation link's token) as its template."""
    if "token" in scope.get("path_params", {}):
        return route_template(scope)
    return str(scope["path"])


def route_template(scope: Scope) -> str:
    """The matched route's path with its parameters unfilled ("/questions/{id:int}"): a label
    of few values, whatever the URLs asked for. "unmatched" for a 404 of the router."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    path = str(getattr(route, "path", "unmatched"))
    if isinstance(route, Mount):  # a mounted app without routes of its own (static files)
        return path
    mounted = str(scope.get("root_path", ""))[len(str(scope.get("app_root_path", ""))) :]
    return mounted + path


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: getattr(record, k) for k in _EXTRA if getattr(record, k, "") != ""})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    """The application's log on standard error, at INFO: text, or JSON lines. Called once per
    process that serves (run.py serve's, and each worker's)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "peerdesk", False)]
    handler.peerdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
