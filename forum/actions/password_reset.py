"""Password reset (PRODUCT.md §1, Accounts): a one-time, expiring link sent by e-mail.

Invariants: the token is 32 random bytes and only its sha256 is kept (the mail's copy is blanked
once sent); asking gets the same answer whether or not an account matches, so nobody learns who
is a member; a token works once (the conditional update of `used_at` lets one of two concurrent
uses through) and only until it expires; using it sets the password, ends every session and API
token, and spends the member's other links. A member gets at most 3 links an hour, an address
may ask 5 times an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.accounts import do_set_password, password_value
from forum.actions.mail import Letter, enqueue, render
from forum.auth import Auth
from forum.clock import resolve
from forum.errors import NamesNothing, ValidationFailed
from forum.i18n import gettext as _
from forum.models import PasswordReset, User
from forum.onetime import find_usable, new_token
from forum.ratelimits import limit_password_reset
from forum.settings import get_settings

# Links sent to one member in an hour; more requests are answered the same but send nothing.
PER_MEMBER_PER_HOUR = 3
# Members one request may reach (an e-mail address may belong to several accounts).
MAX_ACCOUNTS = 5


async def check_request_reset(
    login: object, *, address: str = "", now: datetime | None = None
) -> int:
    """Mail a reset link to the account with this username, or to each with this e-mail address.
    The caller tells the asker the same whatever happened; returns how many links were written
    (for tests and logs only)."""
    errors = v.Errors()
    text = v.text(errors, "login", login, min_len=3, max_len=254, label=_("Username or e-mail"))
    errors.raise_if_any()
    await limit_password_reset(address)
    now = resolve(now)
    settings = get_settings()
    # A login longer than a username can be is an address only (the column refuses the value).
    by_name = Q(username_key=text.lower()) if v.USERNAME_RE.fullmatch(text) else Q(id=None)
    users = (
        await User.filter(by_name | Q(email__iexact=text))
        .exclude(email="")
        .exclude(email_confirmed_at=None)
        .order_by("id")
        .limit(MAX_ACCOUNTS)
    )
    written = 0
    for user in users:
        async with in_transaction():
            # The member's row lock makes concurrent requests count one after the other, and
            # orders this with a change of e-mail address: the link goes to the address the
            # row holds now, and not at all if it no longer matches what was asked for.
            locked = await User.filter(id=user.id).select_for_update().first()
            wanted = text.lower()
            if locked is None or not locked.email or locked.email_confirmed_at is None:
                continue
            if wanted not in (locked.username_key, locked.email.lower()):
                continue
            user = locked
            recent = await PasswordReset.filter(
                user_id=user.id, created_at__gt=now - timedelta(hours=1)
            ).count()
            if recent >= PER_MEMBER_PER_HOUR:
                continue
            token, hashed = new_token()
            reset = await PasswordReset.create(
                user_id=user.id,
                token_hash=hashed,
                created_at=now,
                expires_at=now + timedelta(minutes=settings.password_reset_minutes),
            )
            subject, body = render(
                "password_reset",
                user.locale,
                name=user.name,
                username=user.username,
                link=f"{settings.base_url}/password/reset/{token}",
                minutes=settings.password_reset_minutes,
            )
            letter = Letter(f"password_reset:{reset.id}", user.id, user.email, subject, body, True)
            await enqueue([letter], now=now)
            written += 1
    return written


def _invalid() -> ValidationFailed:
    return NamesNothing(
        {"token": _("This reset link is used, expired or wrong. Ask for a new one.")}
    )


async def find_usable_reset(token: object, *, now: datetime | None = None) -> PasswordReset:
    """The reset of this token while it can still be used; otherwise a 404 on `token`."""
    reset: PasswordReset = await find_usable(PasswordReset, token, resolve(now), _invalid)
    return reset


async def check_reset_password(
    auth: Auth, *, token: object, password: object, now: datetime | None = None
) -> User:
    """Set a new password with a reset link: once, before it expires."""
    now = resolve(now)
    errors = v.Errors()
    new_text = password_value(errors, "password", password)
    errors.raise_if_any()
    reset = await find_usable_reset(token, now=now)
    hashed = await auth.hash_password(new_text)
    async with in_transaction():
        # Only the first of two concurrent uses changes the row.
        used = await PasswordReset.filter(id=reset.id, used_at=None, expires_at__gt=now).update(
            used_at=now
        )
        if used != 1:
            raise _invalid()
        await do_set_password(reset.user_id, hashed, now=now)
    return await User.get(id=reset.user_id)
