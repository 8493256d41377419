"""HTML plumbing shared by every view: the viewer, rendering, flash messages, redirects."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote

from babel.dates import get_month_names
from babel.numbers import format_decimal
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from forum.actions.badges import badge_name
from forum.auth import CSRF_COOKIE, auth_of
from forum.errors import NotAuthenticated
from forum.i18n import DEFAULT_LOCALE, catalog, current_locale, gettext, ngettext, use_locale
from forum.models import User
from forum.permissions import is_admin, is_moderator
from forum.queries import UNREAD_COUNTED, count_unread_shown
from forum.settings import ROOT
from rewards import labels as payout_labels
from rewards.payout_queries import money_in
from rewards.permissions import can_manage_ledger, can_manage_payouts, can_read_kpis

FLASH_COOKIE = "pd_flash"
log = logging.getLogger("peerdesk.web")

templates = Jinja2Templates(directory=str(ROOT / "templates"))
# Templates are read once per process: no stat() of every template file on every render.
templates.env.auto_reload = False
# Every template is escaped, also the .txt macros a page imports (forum/_notification_text.txt),
# which select_autoescape would leave raw.
templates.env.autoescape = True
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


# A catalogue's message is trusted markup, as in Jinja's own newstyle gettext (S704 below).
@pass_context
def _template_gettext(context: Context, message: str, **variables: Any) -> str:
    """Jinja's newstyle `gettext` (escaped, then %-formatted with its variables), with a message
    that has no variables looked up once per language: a page calls it dozens of times, and it
    was a seventh of a member's question page."""
    autoescape = bool(context.eval_ctx.autoescape)
    if variables:
        text = gettext(message)
        return (Markup(text) if autoescape else text) % variables  # type: ignore[no-any-return]  # noqa: S704
    return _constant_message(current_locale(), message, autoescape)


@lru_cache(maxsize=4096)
def _constant_message(locale: str, message: str, autoescape: bool) -> str:
    text = catalog(locale).ugettext(message)
    return (Markup(text) if autoescape else text) % {}  # type: ignore[no-any-return]  # noqa: S704


templates.env.globals["gettext"] = _template_gettext


# List pages format dozens of times per request: the locale's words are looked up once.
@cache
def _month_names(locale: str) -> dict[int, str]:
    return dict(get_month_names("abbreviated", locale=locale))


def _when(value: datetime | None, zone: bool = True) -> str:
    """An absolute time in UTC, in the words of the current locale: "27 Nov 2026, 14:03 UTC"
    (without " UTC" for a message that names the zone itself)."""
    if not value:
        return ""
    value = value.astimezone(UTC)
    month = _month_names(current_locale())[value.month]
    return f"{value.day} {month} {value.year}, {value:%H:%M}" + (" UTC" if zone else "")


def _day(value: datetime | None) -> str:
    """A day in the words of the current locale: "27 Nov 2026"."""
    if not value:
        return ""
    value = value.astimezone(UTC)
    return f"{value.day} {_month_names(current_locale())[value.month]} {value.year}"


@cache
def _ago_text(locale: str, unit: str, n: int) -> str:
    if unit == "day":
        return ngettext("%(num)d day ago", "%(num)d days ago", n) % {"num": n}
    if unit == "hour":
        return ngettext("%(num)d hour ago", "%(num)d hours ago", n) % {"num": n}
    if unit == "minute":
        return ngettext("%(num)d minute ago", "%(num)d minutes ago", n) % {"num": n}
    return gettext("just now")


def _ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return ""
    seconds = int(((now or datetime.now(value.tzinfo)) - value).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return _ago_text(current_locale(), unit, seconds // size)
    return _ago_text(current_locale(), "now", 0)


@cache
def state_badges(locale: str) -> dict[str, str]:
    """The state badges of question lists, translated once per locale."""
    return {
        "unanswered": gettext("Unanswered"),
        "answered": gettext("Answered"),
        "solved": "✓ " + gettext("Solved"),
        "locked": gettext("Locked"),
    }


def _localized(item: Any, field: str) -> str:
    """`item`'s `field` in the current locale: its `<field>_nl` on a Dutch page when an admin
    gave one (a board's name and description), else the English."""
    locale = current_locale()
    own = f"{field}_{locale}"
    read = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    text: str = (read(own) if locale != DEFAULT_LOCALE else None) or read(field) or ""
    return text


def _decimal(value: float, digits: int = 0) -> str:
    """A figure as the locale writes it: 1.5 in English, 1,5 in Dutch."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    text: str = format_decimal(value, format=pattern, locale=current_locale())
    return text


templates.env.filters["localized"] = _localized
templates.env.filters["decimal"] = _decimal
templates.env.filters["when"] = _when
templates.env.filters["day"] = _day
templates.env.filters["ago"] = _ago
templates.env.globals["payout_labels"] = payout_labels
templates.env.globals["badge_name"] = badge_name
templates.env.globals["unread_counted"] = UNREAD_COUNTED
templates.env.filters["money_in"] = money_in  # an amount and its currency, as the locale writes it


async def viewer(request: Request) -> User | None:
    """The logged-in user of this HTML request, loaded once per request."""
    if "viewer" not in request.state._state:
        found = await auth_of(request).session_user(request)
        user, request.state.unread = found or (None, None)
        request.state.viewer = user
        if user is not None:
            # The middleware chose the browser's language; a member's own choice overrides it.
            use_locale(user.locale)
    viewer_user: User | None = request.state.viewer
    return viewer_user


async def require_viewer(request: Request) -> User:
    user = await viewer(request)
    if user is None:
        raise NotAuthenticated(gettext("Log in to do that."))
    return user


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return auth_of(request).flashes


# A flash cookie holds no time or nonce: the same message always signs to the same value.
@lru_cache(maxsize=256)
def _signed_flash(serializer: URLSafeSerializer, kind: str, text: str) -> str:
    value: str = serializer.dumps({"kind": kind, "text": text})
    return value


def csrf_token(request: Request) -> str:
    token: str | None = getattr(request.state, "csrf_token", None)
    return token or request.cookies.get(CSRF_COOKIE, "")


async def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    user = await viewer(request)
    flash: dict[str, str] | None = None
    raw = request.cookies.get(FLASH_COOKIE)
    if raw:
        try:
            flash = _flash_serializer(request).loads(raw)
        except BadSignature:
            flash = None
    ctx = {
        "locale": current_locale(),
        "state_badges": state_badges(current_locale()),
        "user": user,
        "is_moderator": is_moderator(user),
        "is_admin": is_admin(user),
        "can_manage_ledger": can_manage_ledger(user),
        "can_manage_payouts": can_manage_payouts(user),
        "can_read_kpis": can_read_kpis(user),
        "unread_notifications": await _unread(request, user),
        "csrf_token": csrf_token(request),
        "flash": flash,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if raw:
        response.delete_cookie(FLASH_COOKIE)
    return response


async def _unread(request: Request, user: User | None) -> int:
    """The viewer's unread notifications: as read with the viewer for a GET, which writes
    nothing; counted after a write, which may have changed them."""
    if user is None:
        return 0
    if request.state.unread is not None:
        return int(request.state.unread)
    return await count_unread_shown(user)


async def error_page(request: Request, status: int, message: Callable[[], str]) -> Response:
    """An error page in the viewer's language; one without the database (no viewer, no unread
    count) when reading it fails, so that an error never becomes a 500. `message` is called
    once the viewer's language is known."""
    context: dict[str, Any] = {"status": status}
    try:
        await viewer(request)
        return await render(request, "error.html", context | {"message": message()}, status)
    except Exception:  # the page about an error must not fail: the database may be the error
        log.exception("error page without the viewer")
    bare = {
        "locale": current_locale(),
        "csrf_token": csrf_token(request),
        "message": message(),
        **context,
    }
    return templates.TemplateResponse(request, "error.html", bare, status_code=status)


def download(text: str, filename: str, media_type: str = "text/csv") -> Response:
    """A file the browser saves rather than shows."""
    return Response(
        text,
        media_type=f"{media_type}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def redirect(
    request: Request, url: str, *, message: str | None = None, kind: str = "success"
) -> RedirectResponse:
    """POST -> redirect -> GET, optionally carrying a one-time message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        value = _signed_flash(_flash_serializer(request), kind, message)
        response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax", max_age=60)
    return response


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target)}"
