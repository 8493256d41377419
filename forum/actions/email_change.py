"""Changing the e-mail address: asked for with the password, done by a one-time link mailed to
the new address, so that a typo cannot cut a member off and nobody can point Peerdesk's mail at
someone else's address. Once confirmed, the old address gets a notice (whatever the member's mail
choice) and reset links mailed to it stop working."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.accounts import confirm_current_password, email_value
from forum.actions.mail import Letter, enqueue, render
from forum.auth import Auth
from forum.clock import resolve
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.models import EmailChange, PasswordReset, User
from forum.onetime import find_usable, new_token
from forum.settings import get_settings

LINK_HOURS = 24


async def check_request_email_change(
    auth: Auth,
    user: User,
    *,
    current: object,
    email: object,
    address: str = "",
    now: datetime | None = None,
) -> bool:
    """Mail a confirmation link to the new address; False when it is the present one already.
    A new request ends the member's earlier ones."""
    errors = v.Errors()
    email_text = email_value(errors, "email", email)
    errors.raise_if_any()
    await confirm_current_password(auth, user, current, address)
    if email_text.lower() == user.email.lower():
        return False
    now = resolve(now)
    token, hashed = new_token()
    async with in_transaction():
        await User.filter(id=user.id).select_for_update().only("id").first()
        await EmailChange.filter(user_id=user.id, used_at=None).update(used_at=now)
        change = await EmailChange.create(
            user_id=user.id,
            new_email=email_text,
            token_hash=hashed,
            created_at=now,
            expires_at=now + timedelta(hours=LINK_HOURS),
        )
        subject, body = render(
            "email_confirm", user.locale, name=user.name, username=user.username,
            link=f"{get_settings().base_url}/account/email/confirm/{token}", hours=LINK_HOURS,
        )  # fmt: skip
        letter = Letter(f"email_change:{change.id}", user.id, email_text, subject, body, True)
        await enqueue([letter], now=now)
    return True


async def pending_email_change(user_id: int, *, now: datetime | None = None) -> EmailChange | None:
    """The member's change waiting for its link, if it can still be confirmed."""
    return (
        await EmailChange.filter(user_id=user_id, used_at=None, expires_at__gt=resolve(now))
        .order_by("-id")
        .first()
    )


async def check_cancel_email_change(user: User, *, now: datetime | None = None) -> bool:
    """End the member's pending change, so its link stops working; False when there was none."""
    now = resolve(now)
    ended = await EmailChange.filter(user_id=user.id, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    return ended > 0


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        {"token": _("This confirmation link is used, expired or wrong. Ask for a new one.")}
    )


async def find_usable_email_change(token: object, *, now: datetime | None = None) -> EmailChange:
    """The change of this token while it can still be used; otherwise a 400 on `token`."""
    change: EmailChange = await find_usable(EmailChange, token, resolve(now), _invalid)
    return change


async def check_confirm_email_change(token: object, *, now: datetime | None = None) -> User:
    """Set the new address from a confirmation link: once, before it expires."""
    now = resolve(now)
    change = await find_usable_email_change(token, now=now)
    async with in_transaction():
        # The member's row lock orders this with a reset request for the same member.
        user = await User.filter(id=change.user_id).select_for_update().first()
        # Only the first of two concurrent uses changes the row.
        used = await EmailChange.filter(id=change.id, used_at=None, expires_at__gt=now).update(
            used_at=now
        )
        if user is None or used != 1:
            raise _invalid()
        old = user.email
        await User.filter(id=user.id).update(email=change.new_email)
        await PasswordReset.filter(user_id=user.id, used_at=None).update(used_at=now)
        if old and old.lower() != change.new_email.lower():
            subject, body = render(
                "email_changed", user.locale, name=user.name, username=user.username,
                new_address=change.new_email,
            )  # fmt: skip
            notice = Letter(f"email_changed:{change.id}", user.id, old, subject, body)
            await enqueue([notice], now=now)
    await user.refresh_from_db()
    return user
