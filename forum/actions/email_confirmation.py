"""Confirming an e-mail address: a one-time link mailed to it, valid for a day. A new member's
address is confirmed this way, and so is a new address (forum/actions/email_change.py); the
link works only for the member logged in. Until their address is confirmed, Peerdesk mails a
member nothing but this link: no notifications and no password reset links, so that a mistyped
address cannot hand the account to a stranger."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from forum.actions.mail import Letter, enqueue, render
from forum.clock import resolve
from forum.models import EmailChange, User
from forum.onetime import new_token
from forum.ratelimits import limit_member
from forum.settings import get_settings

LINK_HOURS = 24


async def do_mail_confirmation_link(
    user: User, email: str, *, template: str, kind: str, now: datetime
) -> None:
    """In the caller's transaction, holding the member's row lock: mail a link to `email`
    (`kind` names the mail: email_change or email_confirm). A link for the present address ends
    the earlier ones for it; a change to another address ends every earlier link."""
    earlier = EmailChange.filter(user_id=user.id, used_at=None)
    if email.lower() == user.email.lower():
        earlier = earlier.filter(new_email__iexact=email)
    await earlier.update(used_at=now)
    token, hashed = new_token()
    change = await EmailChange.create(
        user_id=user.id,
        new_email=email,
        token_hash=hashed,
        created_at=now,
        expires_at=now + timedelta(hours=LINK_HOURS),
    )
    subject, body = render(
        template, user.locale, name=user.name, username=user.username,
        link=f"{get_settings().base_url}/account/email/confirm/{token}", hours=LINK_HOURS,
    )  # fmt: skip
    await enqueue([Letter(f"{kind}:{change.id}", user.id, email, subject, body, True)], now=now)


async def do_welcome(user: User, *, now: datetime) -> None:
    """In the caller's transaction: mail the member the link that confirms their address."""
    await do_mail_confirmation_link(
        user, user.email, template="email_welcome", kind="email_confirm", now=now
    )


async def check_resend_confirmation(user: User, *, now: datetime | None = None) -> bool:
    """Mail the member a new link for their present address; False when it is confirmed already.
    At most 3 an hour."""
    fresh = await User.get(id=user.id)
    if fresh.email_confirmed_at is not None:
        return False
    await limit_member("confirmation_mail", fresh, "email")
    async with in_transaction():
        locked = await User.filter(id=user.id).select_for_update().first()
        if locked is None or locked.email_confirmed_at is not None:
            return False
        await do_welcome(locked, now=resolve(now))
    return True
