"""Every request seen: a request id (sent back as X-Request-Id, and on every log line written
while it is handled), one log line when it ends (a link's secret token shown as its route's
template), and its count and time in /metrics by route template. The log is text, or one JSON
object a line with PEERDESK_LOG_FORMAT=json."""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import sys
import time
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
            _log_request(
                f"{method} {path} {status or 500} {seconds * 1000:.1f}ms",
                {
                    "request_id": rid,
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
    client = scope.get("client")
    if client is None or client[0] not in get_settings().trusted_proxies:
        return _new_id()
    given = Headers(scope=scope).get("x-request-id", "")
    return given if _GIVEN_ID.fullmatch(given) else _new_id()


_ids = itertools.count()
_id_prefix = [os.urandom(8).hex()]  # this process's random half (drawn again in a forked child)
os.register_at_fork(after_in_child=lambda: _id_prefix.__setitem__(0, os.urandom(8).hex()))


def _new_id() -> str:
    """32 hex digits, unique across processes and hosts: a random half drawn once per process,
    then a counter (a uuid4 per request costs more than the rest of a kept page's logging)."""
    return f"{_id_prefix[0]}{next(_ids):016x}"


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
        fields = {k: getattr(record, k) for k in _EXTRA if getattr(record, k, "") != ""}
        error = self.formatException(record.exc_info) if record.exc_info else None
        return _json_line(
            record.created, record.levelname, record.name, record.getMessage(), fields, error
        )


def _json_line(
    created: float,
    level: str,
    logger: str,
    message: str,
    fields: dict[str, Any],
    error: str | None = None,
) -> str:
    line: dict[str, Any] = {
        "time": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
        "level": level.lower(),
        "logger": logger,
        "message": message,
    }
    line.update({k: v for k, v in fields.items() if v != ""})
    if error:
        line["error"] = error
    return json.dumps(line, ensure_ascii=False)


# The handler configure_logging installed, while it is the only one a request's line reaches.
_ours: list[logging.StreamHandler[Any]] = []
_second = [-1, ""]  # the whole second last formatted, and its text (a time.strftime each)


def _log_request(message: str, fields: dict[str, Any]) -> None:
    """A request's line. Written by our handler's stream directly, in its format, when nothing
    else would see the record (a LogRecord and its formatting cost about a quarter of a kept
    visitor's page); else logged as any record is."""
    handler = _ours[0] if _ours else None
    parent = log.parent
    handlers = logging.root.handlers
    if (
        handler is None
        or handler.level > logging.INFO
        or len(handler.filters) != 1  # our _RequestIdFilter only
        or len(handlers) != 1
        or handlers[0] is not handler
        or log.handlers
        or log.filters
        or not log.propagate
        or (
            parent is not None
            and parent is not logging.root
            and (parent.handlers or not parent.propagate)
        )
        or not log.isEnabledFor(logging.INFO)
    ):
        log.info(message, extra=fields)
        return
    now = time.time()
    formatter = handler.formatter
    if isinstance(formatter, JsonFormatter):
        line = _json_line(now, "INFO", log.name, message, fields)
    else:
        line = f"{_asctime(now)} INFO {log.name} [{fields['request_id']}] {message}"
    handler.acquire()
    try:
        handler.stream.write(line + handler.terminator)
        handler.flush()
    except Exception:  # as logging does: a log that cannot be written never fails the request
        handler.handleError(logging.makeLogRecord({"name": log.name, "msg": message}))
    finally:
        handler.release()


def _asctime(now: float) -> str:
    """What the text format's %(asctime)s shows for `now` (logging.Formatter.formatTime)."""
    second = int(now)
    if _second[0] != second:
        _second[:] = [second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))]
    return f"{_second[1]},{int((now - second) * 1000):03d}"


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
    _ours[:] = [handler]
