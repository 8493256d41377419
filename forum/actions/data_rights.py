"""The right to erasure: a member's account becomes a pseudonym that holds no personal data.

Asked for by the member (with their password) or done by an admin on their page. Afterwards:
- the account is `deleted-<id>`: no e-mail address, display name, payout or sign-up address,
  password or language of its own; its sessions and API tokens end, pending address changes and
  reset links are gone, and it cannot log in or be unsuspended (it is kept suspended);
- the mails sent to it keep no address, subject or text, and what was still waiting is not sent;
- its posts stay under the pseudonym, or are removed as staff would remove them (their choice:
  then their text and earlier versions are blanked too, and removing an accepted answer clears
  that acceptance, as a removal by staff does); kept posts earn nothing any more;
- the ledger and paid payout lines stay (finance must keep them), linked to the pseudonym only;
  the payout side (rewards.actions.data_rights) forfeits unpaid lines and returns the balance to
  the pool, withdraws open appeals, and scrubs payout details, fraud evidence and frozen reports;
- the audit log keeps who erased it and how, but no longer the e-mail addresses it recorded.

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
    AuditEntry,
    DeliveryState,
    EmailChange,
    Mail,
    PasswordReset,
    Question,
    QuestionFollow,
    Revision,
    User,
    Visibility,
)
from forum.names import ERASED_PREFIX
from forum.permissions import can_erase_account, require
from rewards.actions.data_rights import erase_payout_records
from rewards.actions.transfers import member_account
from rewards.labels import ACCOUNT_ERASED

REASON = ACCOUNT_ERASED
ERASED_TITLE = "(erased)"
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
        await confirm_current_password(auth, member, password, address, field="password")
    return await do_erase_account(
        member, remove_posts=posts == "remove", acting_user=acting_user, now=now
    )


async def do_erase_account(
    member: User, *, remove_posts: bool, acting_user: User, now: datetime | None = None
) -> User:
    now = resolve(now)
    old_username = member.username
    if remove_posts:
        await _remove_posts(member, acting_user=acting_user, now=now)
    await member_account(member)  # before the ledger's lock (see open_accounts)
    async with in_transaction():
        erased = await User.filter(id=member.id, erased_at=None).update(
            username=f"{ERASED_PREFIX}{member.id}",
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
        # What staff wrote down of the addresses it had (the old and new e-mail of a change).
        await AuditEntry.filter(target_user_id=member.id, action="set_email").update(detail="")
        if remove_posts:
            await _blank_removed_posts(member)
        await member.refresh_from_db()
        await erase_payout_records(
            member, old_username=old_username, acting_user=acting_user, now=now
        )
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


async def _blank_removed_posts(member: User) -> None:
    """The member chose that their posts go: their words go too, with their earlier versions."""
    removed = Visibility.REMOVED
    questions = Question.filter(author_id=member.id, visibility=removed)
    answers = Answer.filter(author_id=member.id, visibility=removed)
    question_ids = list(await questions.values_list("id", flat=True))
    answer_ids = list(await answers.values_list("id", flat=True))
    await questions.update(title=ERASED_TITLE, body="", body_html="", tags=[])
    await answers.update(body="", body_html="")
    await Revision.filter(question_id__in=question_ids).update(old_title="", old_body="")
    await Revision.filter(answer_id__in=answer_ids).update(old_title="", old_body="")
