"""A two-second cache of whole pages for visitors who are not logged in.

Pages shown to an anonymous visitor carry nothing personal (no form, no CSRF token, no flash),
so one rendering serves every anonymous visitor of that URL and language for a moment. Any write
handled by this process clears the cache at once (forum.app's middleware); other processes see
the write within the TTL. When an entry expires, one request renders it again while the others
keep getting the previous copy, so a burst of visitors never renders the same page at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import wraps
from time import monotonic

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from forum.auth import SESSION_COOKIE
from forum.i18n import current_locale
from forum.web import FLASH_COOKIE

TTL_SECONDS = 2.0
MAX_ENTRIES = 1024

_entries: OrderedDict[tuple[str, str, str], tuple[float, bytes]] = OrderedDict()
_rendering: set[tuple[str, str, str]] = set()

View = Callable[[Request], Awaitable[Response]]


def clear() -> None:
    _entries.clear()
    _rendering.clear()


def for_visitors(view: View) -> View:
    """Serve `view`'s 200 responses to anonymous visitors from the cache."""

    @wraps(view)
    async def cached(request: Request) -> Response:
        if SESSION_COOKIE in request.cookies or FLASH_COOKIE in request.cookies:
            return await view(request)
        key = (request.url.path, request.url.query, current_locale())
        hit = _entries.get(key)
        now = monotonic()
        if hit is not None and (hit[0] > now or key in _rendering):
            return HTMLResponse(hit[1])
        _rendering.add(key)
        try:
            response = await view(request)
        finally:
            _rendering.discard(key)
        if response.status_code == 200:
            _entries[key] = (monotonic() + TTL_SECONDS, bytes(response.body))
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return response

    return cached
