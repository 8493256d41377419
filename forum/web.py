"""HTML plumbing shared by every view: the viewer, rendering, flash messages, redirects."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from forum.auth import CSRF_COOKIE, auth_of
from forum.errors import NotAuthenticated
from forum.models import User
from forum.permissions import is_moderator
from forum.settings import ROOT

FLASH_COOKIE = "pd_flash"

templates = Jinja2Templates(directory=str(ROOT / "templates"))


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def _ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return ""
    seconds = int(((now or datetime.now(value.tzinfo)) - value).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


templates.env.filters["when"] = _when
templates.env.filters["ago"] = _ago


async def viewer(request: Request) -> User | None:
    """The logged-in user of this HTML request, loaded once per request."""
    if "viewer" not in request.state._state:
        request.state.viewer = await auth_of(request).session_user(request)
    user: User | None = request.state.viewer
    return user


async def require_viewer(request: Request) -> User:
    user = await viewer(request)
    if user is None:
        raise NotAuthenticated("Log in to do that.")
    return user


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(auth_of(request).settings.secret_key, salt="peerdesk.flash")


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
        "user": user,
        "is_moderator": is_moderator(user),
        "csrf_token": csrf_token(request),
        "flash": flash,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if raw:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect(
    request: Request, url: str, *, message: str | None = None, kind: str = "success"
) -> RedirectResponse:
    """POST -> redirect -> GET, optionally carrying a one-time message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        value = _flash_serializer(request).dumps({"kind": kind, "text": message})
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
