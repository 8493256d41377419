"""One-time links (a password reset, a change of e-mail address): a random token is mailed and
only its sha256 is kept; a link works once (`used_at`), until `expires_at`."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from forum.errors import ValidationFailed


def new_token() -> tuple[str, str]:
    """(the token to mail, the hash to keep)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def find_usable(
    model: Any, token: object, now: datetime, invalid: Callable[[], ValidationFailed]
) -> Any:
    """The row of `model` for this token while it can still be used; otherwise `invalid()`."""
    found = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        found = await model.get_or_none(
            token_hash=token_hash(token), used_at=None, expires_at__gt=now
        )
    if found is None:
        raise invalid()
    return found
