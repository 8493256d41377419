"""The application factory: routes, middleware, error handlers and the lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.exceptions import DoesNotExist, IntegrityError, ValidationError

from forum import pagecache
from forum.api import acceptance as api_acceptance
from forum.api import accounts as api_accounts
from forum.api import answers as api_answers
from forum.api import boards as api_boards
from forum.api import data_rights as api_data_rights
from forum.api import email_change as api_email_change
from forum.api import escalations as api_escalations
from forum.api import flags as api_flags
from forum.api import follows as api_follows
from forum.api import kudos as api_kudos
from forum.api import leaderboard as api_leaderboard
from forum.api import mail as api_mail
from forum.api import members as api_members
from forum.api import moderation as api_moderation
from forum.api import notifications as api_notifications
from forum.api import openapi as api_openapi
from forum.api import password_reset as api_password_reset
from forum.api import questions as api_questions
from forum.api import search as api_search
from forum.api import users as api_users
from forum.api import webhooks as api_webhooks
from forum.auth import CSRF_COOKIE, LOCALE_COOKIE, Auth
from forum.errors import Conflict, ForumError, NotAuthenticated, NotFound
from forum.i18n import DEFAULT_LOCALE, LOCALES, negotiate, use_locale
from forum.i18n import gettext as _
from forum.observe import ObserveMiddleware, configure_logging
from forum.ratelimits import close_flood_control
from forum.scheduler import start_scheduler
from forum.schema import prepare_database
from forum.settings import (
    ROOT,
    Settings,
    configure,
    ensure_database_dir,
    load_settings,
    tortoise_config,
)
from forum.validation import bad_query_parameter
from forum.views import (
    acceptance,
    accounts,
    answers,
    boards,
    data_rights,
    email_change,
    escalations,
    flags,
    follows,
    kudos,
    leaderboard,
    mail,
    members,
    moderation,
    notifications,
    operations,
    password_reset,
    profile,
    questions,
    search,
    webhooks,
)
from forum.web import error_page, login_url, redirect, render, safe_next
from rewards.api import appeals as api_appeals
from rewards.api import kpis as api_kpis
from rewards.api import ledger as api_ledger
from rewards.api import payouts as api_payouts
from rewards.api import points as api_points
from rewards.api import statements as api_statements
from rewards.views import appeals, kpis, ledger, payouts, points, reports

log = logging.getLogger("peerdesk")

API_PREFIX = "/api/v1"
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


HTML = (b"content-type", b"text/html; charset=utf-8")
# A year, subdomains included: sent only over https (RFC 6797 §7.2 forbids it over http).
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityMiddleware:
    """Security headers on every response, a CSRF cookie for every browser that lacks one, and
    the request body limit: a declared length over it is answered 413 before any handler runs;
    a longer body than declared fails the handler's read with 413."""

    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth
        self.max_body = auth.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise HTTPException(413)
            return message

        new_token: str | None = None
        kept: bytes | None = None
        headers_in = Headers(scope=scope)
        # Every request starts in English (the API stays there); a page request then speaks the
        # language chosen with the footer's buttons, else the browser's, until
        # forum.web.viewer() knows the member's own choice.
        use_locale(DEFAULT_LOCALE)
        if not scope["path"].startswith(API_PREFIX):
            cookies = Request(scope).cookies
            chosen = cookies.get(LOCALE_COOKIE, "")
            locale = (
                chosen if chosen in LOCALES else negotiate(headers_in.get("accept-language", ""))
            )
            use_locale(locale)
            if "content-length" not in headers_in and "transfer-encoding" not in headers_in:
                kept = pagecache.kept_for_visitor(scope, cookies, locale)
            cookie = cookies.get(CSRF_COOKIE)
            # A kept page holds no form: the first page that does sets the cookie its form needs.
            if kept is None and not self.auth.csrf_token_valid(cookie):
                new_token = self.auth.new_csrf_token()
                scope.setdefault("state", {})["csrf_token"] = new_token

        writes = scope["method"] not in ("GET", "HEAD", "OPTIONS")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state = scope.get("state", {})
                headers = list(message.get("headers", []))
                if writes and message["status"] < 400 and not state.get("visitors_see_no_change"):
                    pagecache.clear()  # visitors see this process's writes at once
                    if not scope["path"].startswith(API_PREFIX):
                        # and the writer, in any process
                        headers.append(pagecache.wrote_header(scope.get("scheme") == "https"))
                headers.extend(SECURITY_HEADERS)
                if scope.get("scheme") == "https":  # browsers then never try plain http again
                    headers.append(HSTS)
                if new_token:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append(
                        (
                            b"set-cookie",
                            (
                                f"{CSRF_COOKIE}={new_token}; Path=/; HttpOnly; SameSite=Lax{secure}"
                            ).encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        if kept is not None:  # a visitor's page kept by forum.pagecache: no routing, no view
            length = (b"content-length", str(len(kept)).encode())
            start = {"type": "http.response.start", "status": 200, "headers": [length, HTML]}
            await send_with_headers(start)
            await send_with_headers({"type": "http.response.body", "body": kept})
            return
        # Refusals go out through send_with_headers too: security headers and a new CSRF cookie.
        declared = headers_in.get("content-length", "")
        if declared.isascii() and declared.isdecimal() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send_with_headers)
            return
        bad = bad_query_parameter(Request(scope).query_params.multi_items())
        if bad is not None:
            await self._bad_query(scope, receive, send_with_headers, bad)
            return
        await self.app(scope, receive_limited, send_with_headers)

    async def _bad_query(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        def message() -> str:
            return _(
                "The query parameter %(name)s is too long or holds characters that are not allowed."
            ) % {"name": repr(name)}

        await _refuse(scope, receive, send, 400, "bad_query_parameter", message)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        def message() -> str:  # the API's words, or a page's in the viewer's language
            return BODY_TOO_LARGE if _is_api_scope(scope) else _page_message(413)

        await _refuse(scope, receive, send, 413, "body_too_large", message)


async def _refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    code: str,
    message: Callable[[], str],
) -> None:
    """Answer before any handler runs: the API's error body, or an error page."""
    if _is_api_scope(scope):
        response: Response = api_error(status, code, message())
    else:
        response = await error_page(Request(scope, receive), status, message)
    await response(scope, receive, send)


def _is_api(request: Request) -> bool:
    return _is_api_scope(request.scope)


def _is_api_scope(scope: Scope) -> bool:
    return str(scope["path"]).startswith(API_PREFIX)


def api_error(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> Response:
    """API.md's error body; `fields` names each offending field with its message."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return JSONResponse({"error": error}, status_code=status, headers=headers)


async def handle_forum_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ForumError)
    if _is_api(request):
        wait = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(wait)} if wait else None
        fields = getattr(exc, "errors", None) or ({exc.field: exc.message} if exc.field else None)
        return api_error(exc.status, exc.code, exc.message, headers, fields)
    if isinstance(exc, NotAuthenticated):
        return redirect(request, login_url(request), message=exc.message, kind="info")
    back = request.headers.get("referer", "")
    back_path = "/" + back.split("/", 3)[3] if back.count("/") >= 3 else ""
    if isinstance(exc, NotFound) or request.method == "GET" or not safe_next(back_path, ""):
        return await render(
            request,
            "error.html",
            {"status": exc.status, "message": exc.message},
            status_code=exc.status,
        )
    return redirect(request, back_path, message=exc.message, kind="error")


_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


BODY_TOO_LARGE = "The request body is too large."


def _page_message(status: int) -> str:
    """What a person is told on an error page, in their language."""
    if status == 404:
        return _("There is no page at this address.")
    if status == 405:
        return _("This address does not take that kind of request.")
    if status == 413:
        return _("What you sent is too large: a post may be up to 20,000 characters.")
    return _("Your browser sent something we could not read. Go back and try again.")


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _is_api(request) and exc.status_code == 405:
        return _api_method_not_allowed(request)
    if _is_api(request):
        message = exc.detail if isinstance(exc.detail, str) else "Request refused."
        if exc.status_code == 413:
            message = BODY_TOO_LARGE
        return api_error(
            exc.status_code,
            _HTTP_CODES.get(exc.status_code, "http_error"),
            message,
            headers=exc.headers,
        )
    # A page, never bare text, whatever the method: the API above is for programs.
    response = await error_page(request, exc.status_code, lambda: _page_message(exc.status_code))
    response.headers.update(exc.headers or {})  # a 405's Allow
    return response


async def handle_db_error(request: Request, exc: Exception) -> Response:
    """A constraint the actions did not anticipate: a conflict, never a 500."""
    log.warning("database refused a write: %s", exc)
    if isinstance(exc, DoesNotExist):
        return await handle_forum_error(request, NotFound(_("Not found.")))
    if isinstance(exc, ValidationError):
        # Tortoise's text names a column and echoes the input: say what the user can act on.
        return await handle_forum_error(request, ForumError(_("A value is too long or invalid.")))
    return await handle_forum_error(
        request, Conflict(_("That change conflicts with another one; reload and try again."))
    )


async def healthz(request: Request) -> Response:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:  # any failure to reach the database is "not ok"
        log.exception("health check failed")
        return JSONResponse({"ok": False}, status_code=503)
    return JSONResponse({"ok": True})


def api_routes() -> list[Any]:
    return [
        *api_accounts.routes,
        *api_password_reset.routes,
        *api_email_change.routes,
        *api_users.routes,
        *api_data_rights.routes,
        *api_members.routes,
        *api_leaderboard.routes,
        *api_boards.routes,
        *api_questions.routes,
        *api_answers.routes,
        *api_kudos.routes,
        *api_follows.routes,
        *api_acceptance.routes,
        *api_escalations.routes,
        *api_webhooks.routes,
        *api_mail.routes,
        *api_flags.routes,
        *api_moderation.routes,
        *api_search.routes,
        *api_notifications.routes,
        *api_points.routes,
        *api_appeals.routes,
        *api_ledger.routes,
        *api_payouts.routes,
        *api_kpis.routes,
        *api_statements.routes,
        *api_openapi.routes,
    ]


def html_routes() -> list[Any]:
    return [
        *boards.routes,
        *questions.routes,
        *answers.routes,
        *kudos.routes,
        *follows.routes,
        *acceptance.routes,
        *escalations.routes,
        *webhooks.routes,
        *mail.routes,
        *flags.routes,
        *moderation.routes,
        *search.routes,
        *notifications.routes,
        *operations.routes,
        *accounts.routes,
        *password_reset.routes,
        *email_change.routes,
        *profile.routes,
        *data_rights.routes,
        *members.routes,
        *leaderboard.routes,
        *points.routes,
        *ledger.routes,
        *payouts.routes,
        *appeals.routes,
        *reports.routes,
        *kpis.routes,
    ]


def api_methods(path: str) -> list[str]:
    """Every method the API takes at `path` (the whole path: "/me\n" is not "/me")."""
    return sorted(
        {
            method
            for route in api_routes()
            if isinstance(route, Route) and route.path_regex.fullmatch(path)
            for method in route.methods or ()
        }
    )


def _api_method_not_allowed(request: Request) -> Response:
    """A path's methods, all of them: OPTIONS is answered 204 with them in Allow, any other
    method it does not take 405 (one route of the path would name only its own)."""
    # The scope's path: the URL's drops a newline or a tab (urllib does), "/me\n" is not "/me".
    path = str(request.scope["path"])
    allowed = api_methods(path.removeprefix(API_PREFIX))
    if not allowed:
        return api_error(404, "not_found", f"No endpoint {request.method} {path}.")
    headers = {"Allow": ", ".join([*allowed, "OPTIONS"])}
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=headers)
    return api_error(
        405,
        "method_not_allowed",
        f"{request.method} is not allowed here; use {', '.join(allowed)}.",
        headers=headers,
    )


async def api_not_found(request: Request) -> Response:
    """The API's catch-all: 405 (or OPTIONS' 204) when the path exists with other methods,
    else 404."""
    return _api_method_not_allowed(request)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; without `settings` (as uvicorn calls it, in each worker) it reads them from the
    environment and sets up the log."""
    if settings is None:
        settings = load_settings()
        configure_logging(settings.log_format)
    configure(settings)
    auth = Auth(settings)
    config = tortoise_config(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ensure_database_dir(config)
        orm = RegisterTortoise(app, config=config)
        try:
            await orm.__aenter__()
            await prepare_database(config)
            pagecache.clear()
        except BaseException:
            await orm.close_orm()
            raise
        scheduler = start_scheduler() if settings.scheduler else None
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await close_flood_control()
            await orm.close_orm()

    routes = [
        Route("/healthz", healthz),
        Mount(
            API_PREFIX,
            routes=[
                *api_routes(),
                Route(
                    "/{path:path}",
                    api_not_found,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                ),
            ],
        ),
        Mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static"),
        *html_routes(),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(ObserveMiddleware), Middleware(SecurityMiddleware, auth=auth)],
        exception_handlers={
            ForumError: handle_forum_error,
            HTTPException: handle_http_error,
            IntegrityError: handle_db_error,
            DoesNotExist: handle_db_error,
            ValidationError: handle_db_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.auth = auth
    return app
