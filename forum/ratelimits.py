"""Flood control (PRODUCT.md §1): how often a member may post, give kudos, fail to log in or
register or ask for password reset links, counted in moving windows by the `limits` library.

The counts live in `PEERDESK_RATE_LIMIT_STORAGE`: in this process's memory by default, or in
Redis (`redis://host:6379/0`) so that every process of a deployment shares them. Staff and admins
are exempt; `PEERDESK_RATE_LIMITS=0` turns it all off.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as redis
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.models import User
from forum.permissions import is_moderator
from forum.settings import Settings, get_settings

log = logging.getLogger(__name__)


def rules(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Rule name -> the windows that all must have room (the PEERDESK_RATE_* settings)."""
    return {
        "post": settings.rate_posts,
        "kudos": settings.rate_kudos,
        "login_failure": settings.rate_login_failures,
        "register": settings.rate_registrations,
        "password_reset": settings.rate_password_resets,
        "confirmation_mail": settings.rate_confirmation_mails,
    }


class RateLimited(ValidationFailed):
    """Too many in the window: a 429 (with Retry-After in the API), or the form shown again with
    the message on `field`."""

    status = 429
    code = "rate_limited"

    def __init__(self, field: str, message: str, retry_after: int) -> None:
        super().__init__({field: message})
        self.retry_after = retry_after


@dataclass
class FloodControl:
    storage: Storage
    limiter: MovingWindowRateLimiter
    rules: dict[str, list[RateLimitItem]] = field(default_factory=dict)
    pool: redis.ConnectionPool | None = None

    async def check(self, rule: str, key: tuple[str, ...]) -> int | None:
        """Seconds until `key` may act again under `rule`; None when it may act now."""
        for item in self.rules[rule]:
            if not await self.limiter.test(item, rule, *key):
                reset, _ = await self.limiter.get_window_stats(item, rule, *key)
                return max(1, math.ceil(reset - time.time()))
        return None

    async def hit(self, rule: str, key: tuple[str, ...]) -> int | None:
        """Count one, unless a window is full: then the seconds to wait, and nothing counted."""
        wait = await self.check(rule, key)
        if wait is None:
            for item in self.rules[rule]:
                await self.limiter.hit(item, rule, *key)
        return wait


def storage_uri(setting: str) -> str:
    """The async `limits` storage for a setting such as memory:// or redis://host:6379/0."""
    return setting if setting.startswith("async+") else f"async+{setting}"


_current: list[tuple[Settings, FloodControl]] = []


def _build(settings: Settings) -> FloodControl:
    options: dict[str, Any] = {}
    pool = None
    if settings.rate_limit_storage.startswith("redis"):
        # Our own pool, so that close_flood_control() can close its connections.
        pool = redis.ConnectionPool.from_url(settings.rate_limit_storage)
        options = {"implementation": "redispy", "connection_pool": pool, "wrap_exceptions": True}
    storage = storage_from_string(storage_uri(settings.rate_limit_storage), **options)
    assert isinstance(storage, Storage)
    windows = {name: [parse(w) for w in given] for name, given in rules(settings).items()}
    return FloodControl(storage, MovingWindowRateLimiter(storage), windows, pool)


async def _control(settings: Settings) -> FloodControl:
    """One for the active settings (one per app), so each app, and each test, counts afresh."""
    if _current and _current[0][0] is settings:
        return _current[0][1]
    await close_flood_control()
    _current.append((settings, _build(settings)))
    return _current[0][1]


async def close_flood_control() -> None:
    """At shutdown: close the Redis connections, if any."""
    while _current:
        _, control = _current.pop()
        if control.pool is not None:
            await control.pool.aclose()


def _wait_message(seconds: int) -> str:
    return _("Too many in a short time: try again in %(seconds)s seconds.") % {"seconds": seconds}


async def _enforce(rule: str, key: tuple[str, ...], field_name: str, *, count: bool) -> None:
    settings = get_settings()
    if not settings.rate_limits:
        return
    control = await _control(settings)
    try:
        wait = await (control.hit(rule, key) if count else control.check(rule, key))
    except StorageError:
        # Flood control must not take the site down with its storage: let the request through.
        log.warning("flood control storage unavailable; %s not limited", rule, exc_info=True)
        return
    if wait is not None:
        raise RateLimited(field_name, _wait_message(wait), wait)


async def limit_member(rule: str, user: User, field_name: str) -> None:
    """Count one post or kudos of `user` (staff and admins are exempt)."""
    if not is_moderator(user):
        await _enforce(rule, (str(user.id),), field_name, count=True)


async def limit_registration(address: str) -> None:
    """Count one sign-up from `address` (the command line passes none and is not limited)."""
    if address:
        await _enforce("register", (address,), "username", count=True)


async def limit_password_reset(address: str) -> None:
    """Count one request for a reset link from `address`."""
    if address:
        await _enforce("password_reset", (address,), "login", count=True)


async def check_login_failures(username_key: str, address: str, field: str = "password") -> None:
    """Refuse a login attempt for this account and address once too many have failed."""
    await _enforce("login_failure", (username_key, address), field, count=False)


async def count_login_failure(username_key: str, address: str) -> None:
    settings = get_settings()
    if settings.rate_limits and username_key:
        try:
            await (await _control(settings)).hit("login_failure", (username_key, address))
        except StorageError:
            log.warning("flood control storage unavailable; failure not counted", exc_info=True)
