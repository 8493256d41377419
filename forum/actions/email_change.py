"""Changing the e-mail address: asked for with the password, done by a one-time link mailed to
the new address, so that a typo cannot cut a member off and nobody can point Peerdesk's mail at
someone else's address; the link works for the member logged in only. Once confirmed, a confirmed
old address gets a notice (whatever the member's mail choice) and every link mailed before stops
working."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.accounts import confirm_current_password, email_value
from forum.actions.email_confirmation import do_mail_confirmation_link
from forum.actions.mail import Letter, enqueue, render
from forum.auth import Auth
from forum.clock import resolve
from forum.errors import NamesNothing, ValidationFailed
from forum.i18n import gettext as _
from forum.models import EmailChange, PasswordReset, User
from forum.onetime import find_usable
from forum.permissions import can_use_address_link, require


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
    async with in_transaction():
        await User.filter(id=user.id).select_for_update().only("id").first()
        await do_mail_confirmation_link(
            user, email_text, template="email_confirm", kind="email_change", now=now
        )
    return True


async def pending_email_change(user: User, *, now: datetime | None = None) -> EmailChange | None:
    """The member's change to another address waiting for its link, if it can still be
    confirmed (not the link that confirms their present address)."""
    pending = EmailChange.filter(user_id=user.id, used_at=None, expires_at__gt=resolve(now))
    change: EmailChange | None = (
        await pending.exclude(new_email__iexact=user.email).order_by("-id").first()
    )
    return change


async def check_cancel_email_change(user: User, *, now: datetime | None = None) -> bool:
    """End the member's pending change, so its link stops working; False when there was none.
    (The link that confirms the present address stays.)"""
    now = resolve(now)
    pending = EmailChange.filter(user_id=user.id, used_at=None, expires_at__gt=now)
    ended = await pending.exclude(new_email__iexact=user.email).update(used_at=now)
    return ended > 0


def _invalid() -> ValidationFailed:
    return NamesNothing(
        {"token": _("This confirmation link is used, expired or wrong. Ask for a new one.")}
    )


async def find_usable_email_change(token: object, *, now: datetime | None = None) -> EmailChange:
    """The change of this token while it can still be used; otherwise a 404 on `token`."""
    change: EmailChange = await find_usable(EmailChange, token, resolve(now), _invalid)
    return change


async def find_link_for(
    token: object, acting_user: User, *, now: datetime | None = None
) -> tuple[EmailChange, bool]:
    """The usable link of this token, if it is `acting_user`'s (a 404 on `token` otherwise, a 403
    for another member's), and whether it moves them to another address (False: it confirms
    their present one)."""
    change = await find_usable_email_change(token, now=now)
    require(
        can_use_address_link(acting_user, change.user_id),
        _("This link is for another account: log in as its owner to use it."),
    )
    return change, change.new_email.lower() != acting_user.email.lower()


async def check_confirm_email_change(
    token: object, *, acting_user: User, now: datetime | None = None
) -> User:
    """Set (or confirm) the address of a confirmation link: once, before it expires, and only
    by the member it is for. The link proves the address is theirs who opened it, the login that
    the account is: a stranger who gets a mistyped address's link cannot take the account."""
    now = resolve(now)
    change, _moves = await find_link_for(token, acting_user, now=now)
    async with in_transaction():
        # The member's row lock orders this with a reset request for the same member.
        user = await User.filter(id=change.user_id).select_for_update().first()
        # Only the first of two concurrent uses changes the row.
        used = await EmailChange.filter(id=change.id, used_at=None, expires_at__gt=now).update(
            used_at=now
        )
        if user is None or used != 1:
            raise _invalid()
        if user.email.lower() != change.new_email.lower():
            await do_move_address(user, change.new_email, f"email_changed:{change.id}", now=now)
        else:
            await User.filter(id=user.id).update(email_confirmed_at=now)
    await user.refresh_from_db()
    return user


async def do_move_address(user: User, email: str, notice_key: str, *, now: datetime) -> None:
    """In the caller's transaction, holding the member's locked row: set a new address,
    confirmed. Every link mailed before (reset links, other address links) stops working, and
    the old address hears of it if it was the member's for sure."""
    await User.filter(id=user.id).update(email=email, email_confirmed_at=now)
    await PasswordReset.filter(user_id=user.id, used_at=None).update(used_at=now)
    await EmailChange.filter(user_id=user.id, used_at=None).update(used_at=now)
    if user.email and user.email_confirmed_at is not None:
        subject, body = render(
            "email_changed", user.locale, name=user.name, username=user.username,
            new_address=email,
        )  # fmt: skip
        await enqueue([Letter(notice_key, user.id, user.email, subject, body)], now=now)
