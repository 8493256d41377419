"""A two-second cache of whole pages for visitors who are not logged in, and of the parts of a
page that every viewer sees alike (`shared`).

Pages shown to an anonymous visitor carry nothing personal (no form, no CSRF token, no flash),
so one rendering serves every anonymous visitor of that URL and language for a moment. Any write
handled by this process clears the cache at once (forum.app's middleware); other processes see
the write within the TTL, except to its writer, whose next requests bypass both caches for a
moment wherever they land (WROTE_COOKIE). When an entry expires, one request renders it again
while the others keep getting the previous copy, so a burst of visitors never renders the same
page at once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from functools import wraps
from time import monotonic
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

from forum.auth import SESSION_COOKIE
from forum.i18n import current_locale
from forum.web import FLASH_COOKIE, state_badges, templates, viewer

TTL_SECONDS = 2.0
MAX_ENTRIES = 1024
# Read your writes in every process: for a moment after a member's write, whichever process
# serves them renders their shared parts afresh (other processes' copies may predate the write).
WROTE_COOKIE = "pd_wrote"
_WROTE = f"{WROTE_COOKIE}=1; Max-Age=3; Path=/; HttpOnly; SameSite=Lax"

Key = tuple[str, bytes, str]  # path, query string, language
# A kept page: until when, its body, and the route that rendered it (for the request's metrics).
_entries: OrderedDict[Key, tuple[float, bytes, Any]] = OrderedDict()
_rendering: set[Key] = set()
# A request carrying any of these sees a page of its own, never a kept one.
BYPASS_COOKIES = (SESSION_COOKIE, FLASH_COOKIE, WROTE_COOKIE)
_shared: dict[tuple[Any, ...], tuple[float, Any]] = {}
# A value being computed, the generation and moment it was started in: who misses the same key
# meanwhile awaits that computation instead of starting one more.
_computing: dict[tuple[Any, ...], tuple[int, float, asyncio.Future[Any]]] = {}
# Bumped by clear(): what was computed before a write finished is not stored after it.
_generation = [0]

View = Callable[[Request], Awaitable[Response]]


def wrote_header(secure: bool) -> tuple[bytes, bytes]:
    return b"set-cookie", (_WROTE + ("; Secure" if secure else "")).encode()


def clear() -> None:
    _entries.clear()
    _rendering.clear()
    _shared.clear()
    _computing.clear()
    _generation[0] += 1


async def shared(
    request: Request, key: tuple[Any, ...], compute: Callable[[], Awaitable[Any]]
) -> Any:
    """`compute()`'s value, kept as long as a visitor's page: for what every viewer of a page
    sees alike (the related questions), so that members do not pay for it on every view. Just
    after a write of theirs (WROTE_COOKIE) a member gets it computed afresh. Requests that miss
    the same key at once share one computation: when a kept value expires under load, the
    database computes it again once, not once per request in flight."""
    hit = _shared.get(key)
    now = monotonic()
    fresh = WROTE_COOKIE in request.cookies
    if hit is not None and hit[0] > now and not fresh:
        _expires_by(request, hit[0])
        return hit[1]
    running = _computing.get(key)
    if running is not None and running[0] == _generation[0] and not fresh:
        _expires_by(request, running[1] + TTL_SECONDS)
        return await asyncio.shield(running[2])
    # A task of its own, which keeps its value when done: a request that goes away (its client
    # hung up) takes neither the computation nor its keeping with it.
    task = asyncio.ensure_future(compute())
    _computing[key] = (_generation[0], now, task)
    task.add_done_callback(lambda done: _computed(key, done))
    value = await asyncio.shield(task)
    _expires_by(request, now + TTL_SECONDS)
    return value


def _computed(key: tuple[Any, ...], task: asyncio.Future[Any]) -> None:
    """Keep a finished computation's value, unless a write cleared the cache meanwhile."""
    running = _computing.get(key)
    if running is None or running[2] is not task:
        if not task.cancelled():
            task.exception()  # retrieved, should nobody be left waiting for it
        return
    del _computing[key]
    generation, started, _task = running
    if task.cancelled() or task.exception() is not None or generation != _generation[0]:
        return
    if len(_shared) >= MAX_ENTRIES:
        now = monotonic()
        for stale in [k for k, (until, _value) in _shared.items() if until <= now]:
            del _shared[stale]
        if len(_shared) >= MAX_ENTRIES:
            _shared.clear()
    _shared[key] = (started + TTL_SECONDS, task.result())


def _expires_by(request: Request, moment: float) -> None:
    """A visitor's page that embeds a kept value is kept no longer than that value."""
    request.state.expires = min(moment, getattr(request.state, "expires", moment))


async def shared_part(
    request: Request, name: str, context: Callable[[], Awaitable[dict[str, Any]]]
) -> Markup:
    """The template `name`, a page's main part, rendered once for every viewer of this URL in
    this language (and kept as `shared` keeps it): members get the list a visitor gets, and only
    the page around it is theirs. So `name` shows nothing of the viewer's own (no user, no CSRF
    token). `context` is awaited only when the part is rendered."""
    await viewer(request)  # a member's own language is known once the member is
    locale = current_locale()

    async def build() -> Markup:
        values = {"request": request, "locale": locale, "state_badges": state_badges(locale)}
        return Markup(templates.get_template(name).render(values | await context()))  # noqa: S704

    key = ("part", name, request.url.path, request.url.query, locale)
    return await shared(request, key, build)


def _key(scope: Scope, locale: str) -> Key:
    return scope["path"], scope["query_string"], locale


def _kept(key: Key) -> tuple[float, bytes, Any] | None:
    """The page kept under `key` while it is fresh, or while another request renders it anew."""
    hit = _entries.get(key)
    if hit is not None and (hit[0] > monotonic() or key in _rendering):
        return hit
    return None


def kept_for_visitor(scope: Scope, cookies: Mapping[str, str], locale: str) -> bytes | None:
    """The kept page that answers this request, for the middleware to send before any routing:
    a GET without a body from a visitor who is not logged in. The route that rendered the page
    goes into the scope, as the router would have put it."""
    if scope["method"] != "GET" or any(c in cookies for c in BYPASS_COOKIES):
        return None
    hit = _kept(_key(scope, locale))
    if hit is None:
        return None
    scope["route"] = hit[2]
    return hit[1]


def for_visitors(view: View) -> View:
    """Serve `view`'s 200 responses to anonymous visitors from the cache (the middleware answers
    most hits before routing: kept_for_visitor)."""

    @wraps(view)
    async def cached(request: Request) -> Response:
        if any(c in request.cookies for c in BYPASS_COOKIES):
            return await view(request)
        key = _key(request.scope, current_locale())
        hit = _kept(key)
        if hit is not None:
            return HTMLResponse(hit[1])
        _rendering.add(key)
        generation = _generation[0]
        try:
            response = await view(request)
        finally:
            _rendering.discard(key)
        if response.status_code == 200 and generation == _generation[0]:
            expires = getattr(request.state, "expires", monotonic() + TTL_SECONDS)
            until = min(expires, monotonic() + TTL_SECONDS)
            _entries[key] = (until, bytes(response.body), request.scope.get("route"))
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return response

    return cached
