"""The right to erasure: a member's account becomes a pseudonym that holds no personal data.

Asked for by the member (with their password) or done by an admin on their page. Afterwards:
- the account is `deleted-<id>`: no e-mail address, display name, payout or sign-up address,
  password or language of its own; its sessions and API tokens end, pending address changes and
  reset links are gone, and it cannot log in or be unsuspended (it is kept suspended);
- the mails sent to it keep no address, subject or text, and what was still waiting is not sent;
- its posts stay under the pseudonym, or are removed as staff would remove them (their choice);
- the ledger and paid payout lines stay (finance must keep them), linked to the pseudonym only;
  every unpaid line is forfeited back to the pool with the reason below, and what is left of the
  balance goes back to the pool too: nothing is ever paid to an erased account;
- an audit row says who erased it and how.

Posts are removed first, one by one (a run that stops halfway is finished by the next); the
account then changes in one transaction, once: erasing twice is a conflict.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum.actions.accounts import confirm_current_password
from forum.actions.moderation import audit, do_moderate_post
from forum.auth import Auth
from forum.clock import resolve
from forum.errors import Conflict, ValidationFailed
from forum.i18n import gettext as _
from forum.models import (
    Answer,
    ApiToken,
    DeliveryState,
    EmailChange,
    Mail,
    PasswordReset,
    Question,
    QuestionFollow,
    User,
    Visibility,
)
from forum.permissions import can_erase_account, require
from rewards.actions.payout_lines import forfeit_for_erasure
from rewards.actions.transfers import lock_ledger, member_account, post_transfer
from rewards.models import TransferKind

REASON = "Account erased at the member's request"
POSTS = ("keep", "remove")
_UNUSABLE_PASSWORD = "!erased"  # no password hashes to this


async def check_erase_account(
    auth: Auth,
    member: User,
    *,
    posts: Any,
    password: Any = None,
    acting_user: User,
    address: str = "",
    now: datetime | None = None,
) -> User:
    """The member confirms with their password; an admin erasing a member's account does not."""
    require(
        can_erase_account(acting_user, member),
        _("Only the member or an admin can erase this account, and only a member's."),
    )
    if posts not in POSTS:
        raise ValidationFailed({"posts": _("Choose whether your posts stay or go.")})
    if acting_user.id == member.id:
        await confirm_current_password(auth, member, password, address)
    return await do_erase_account(
        member, remove_posts=posts == "remove", acting_user=acting_user, now=now
    )


async def do_erase_account(
    member: User, *, remove_posts: bool, acting_user: User, now: datetime | None = None
) -> User:
    now = resolve(now)
    if remove_posts:
        await _remove_posts(member, acting_user=acting_user, now=now)
    await member_account(member)  # before the ledger's lock (see open_accounts)
    async with in_transaction():
        erased = await User.filter(id=member.id, erased_at=None).update(
            username=f"deleted-{member.id}",
            # "~" is in no username: the pseudonym never takes a real member's name.
            username_key=f"~deleted-{member.id}",
            email="",
            display_name="",
            password_hash=_UNUSABLE_PASSWORD,
            payout_address="",
            signup_address="",
            email_notifications=False,
            email_confirmed_at=None,
            session_version=F("session_version") + 1,
            suspended_at=member.suspended_at or now,
            suspended_reason=REASON,
            erased_at=now,
        )
        if erased != 1:
            raise Conflict(_("This account is erased already."))
        await ApiToken.filter(user_id=member.id).delete()
        await EmailChange.filter(user_id=member.id).delete()
        await PasswordReset.filter(user_id=member.id).delete()
        await Mail.filter(user_id=member.id, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error=REASON, lease_token=None, lease_until=None
        )
        await Mail.filter(user_id=member.id).update(to_address="", subject="", body="")
        await QuestionFollow.filter(user_id=member.id).update(following=False, updated_at=now)
        await forfeit_for_erasure(member, reason=REASON, acting_user=acting_user, now=now)
        await _return_balance(member, acting_user=acting_user, now=now)
        how = "posts removed" if remove_posts else "posts kept"
        await audit(acting_user, "erase", member.id, f"{REASON}: {how}", now)
    await member.refresh_from_db()
    return member


async def _remove_posts(member: User, *, acting_user: User, now: datetime) -> None:
    shown = (Visibility.VISIBLE, Visibility.HIDDEN)
    posts: list[Question | Answer] = [
        *await Answer.filter(author_id=member.id, visibility__in=shown).order_by("id"),
        *await Question.filter(author_id=member.id, visibility__in=shown).order_by("id"),
    ]
    for post in posts:
        try:
            await do_moderate_post(post, "remove", note=REASON, acting_user=acting_user, now=now)
        except Conflict:  # removed a moment ago by staff: as good
            continue


async def _return_balance(member: User, *, acting_user: User, now: datetime) -> None:
    account = await member_account(member)
    pool = await lock_ledger()
    await account.refresh_from_db()
    if account.balance > 0:
        ref = f"erasure:{member.id}"
        await post_transfer(
            debit=account, credit=pool, amount=account.balance, kind=TransferKind.ADJUSTMENT,
            key=ref, ref=ref, member=member, now=now, reason=REASON, actor=acting_user,
        )  # fmt: skip
