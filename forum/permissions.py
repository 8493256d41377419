"""Who may do what: predicates (`can_*`) and guards (`access_*` / `require_*`) in one place."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from ipaddress import ip_address, ip_network

from forum.errors import Forbidden, NotAuthenticated, NotFound
from forum.i18n import gettext as _
from forum.models import (
    Answer,
    Escalation,
    Mail,
    Question,
    Role,
    User,
    Visibility,
    WebhookDelivery,
)
from forum.ranks import top_rank
from forum.settings import Settings
from forum.validation import is_id

MODERATOR_ROLES = (Role.STAFF, Role.ADMIN)


def is_moderator(user: User | None) -> bool:
    return user is not None and user.role in MODERATOR_ROLES


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def can_post(user: User | None) -> bool:
    return user is not None and user.suspended_at is None


def can_edit_post(user: User | None, author_id: int) -> bool:
    """Authors edit their own questions and answers; staff edit any post."""
    return can_post(user) and (user.id == author_id or is_moderator(user))  # type: ignore[union-attr]


def can_give_kudos(user: User | None, author_id: int) -> bool:
    """Kudos go to other members' answers, never your own."""
    return can_post(user) and user.id != author_id  # type: ignore[union-attr]


def can_accept(user: User | None, question: Question, now: datetime, staff_after_days: int) -> bool:
    """The asker may accept; staff too once the question is older than `staff_after_days`."""
    if not can_post(user):
        return False
    assert user is not None
    if question.author_id == user.id:  # type: ignore[attr-defined]
        return True
    return is_moderator(user) and now - question.created_at > timedelta(days=staff_after_days)


def can_clear_acceptance(user: User | None, question: Question) -> bool:
    return can_edit_post(user, question.author_id)  # type: ignore[attr-defined]


def can_set_roles(user: User | None) -> bool:
    return is_admin(user)


def can_set_address(user: User | None, target: User) -> bool:
    """Set another member's e-mail address for them (once support has made sure it is theirs);
    one's own changes by a confirmation link."""
    return is_admin(user) and user is not None and user.id != target.id


def can_suspend(user: User | None, target: User) -> bool:
    return is_moderator(user) and target.role == Role.MEMBER and target.erased_at is None


def can_erase_account(user: User | None, target: User) -> bool:
    """A member erases their own account, an admin any member's (another role is changed to
    member first); an account is erased once."""
    if user is None or target.role != Role.MEMBER or target.erased_at is not None:
        return False
    return user.id == target.id or is_admin(user)


def require_erasable(user: User | None) -> User:
    """Only a member's own account is theirs to erase (staff are made members first)."""
    require(
        user is not None and can_erase_account(user, user),
        _("Only the member or an admin can erase this account, and only a member's."),
    )
    return user  # type: ignore[return-value]


def can_flag(user: User | None, author_id: int) -> bool:
    """Members flag other people's posts; a suspended member cannot."""
    return can_post(user) and user.id != author_id  # type: ignore[union-attr]


def can_follow(user: User | None) -> bool:
    """Follow a question (any signed-in member may unfollow)."""
    return can_post(user)


async def follow_target(question_id: int, user: User, *, following: bool) -> Question:
    """The question to follow: one `user` may see. To unfollow: any, also one hidden since."""
    if following:
        return await access_visible_question(question_id, user)
    return await access_question(question_id)


def can_read_metrics(settings: Settings, client: str, authorization: str) -> bool:
    """/metrics: from an address in PEERDESK_METRICS_ALLOW, or with the bearer token
    (compared in constant time)."""
    token = settings.metrics_token
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ip_address(client)
    except ValueError:
        return False
    return any(address in ip_network(n, strict=False) for n in settings.metrics_allow)


def can_moderate(user: User | None) -> bool:
    """Hide, restore and remove posts, lock questions, unsuspend members."""
    return is_moderator(user) and user.suspended_at is None  # type: ignore[union-attr]


def can_close_duplicates(user: User | None, rank: str | None) -> bool:
    """Staff, and members of the top rank (`rank`: the member's, forum.ranks)."""
    if user is None or user.suspended_at is not None:
        return False
    return is_moderator(user) or rank == top_rank()


def can_close_as_duplicate(user: User | None, rank: str | None, question: Question) -> bool:
    """The question page's offer: a visible question not closed yet; a locked one only by staff
    (forum.actions.duplicates checks again under lock, with the reasons)."""
    return (
        can_close_duplicates(user, rank)
        and question.duplicate_of_id is None
        and question.visibility == Visibility.VISIBLE
        and (question.locked_at is None or is_moderator(user))
    )


def require_moderator(user: User | None) -> User:
    require(can_moderate(user), _("Only staff moderate posts."))
    return user  # type: ignore[return-value]


def can_see_post(user: User | None, author_id: int, visibility: Visibility) -> bool:
    """Everyone sees a visible post; staff see every post; its author sees it while hidden."""
    if visibility == Visibility.VISIBLE or is_moderator(user):
        return True
    return visibility == Visibility.HIDDEN and user is not None and user.id == author_id


def can_see_member(user: User | None, member: User) -> bool:
    """Profiles are public, but a suspended member's is staff's only."""
    return member.suspended_at is None or is_moderator(user)


def require_audit(user: User | None) -> User:
    """Admins read the audit log."""
    require(is_admin(user), _("Only admins read the audit log."))
    return user  # type: ignore[return-value]


def require_admin(user: User | None) -> User:
    """Roles, other members' addresses and erasures are admins' (the API asks before it reads
    what is sent)."""
    require(is_admin(user), _("Only an admin can do that."))
    return user  # type: ignore[return-value]


def require_user(user: User | None) -> User:
    if user is None:
        raise NotAuthenticated(_("Log in to do that."))
    return user


def can_use_address_link(user: User, owner_id: int) -> bool:
    """A link that sets or confirms an address works for the member it was mailed for only."""
    return user.id == owner_id


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


async def access_question(question_id: int) -> Question:
    question = await Question.get_or_none(id=question_id) if is_id(question_id) else None
    if question is None:
        raise NotFound(_("Question %(id)s does not exist.") % {"id": question_id})
    return question


def can_escalate(user: User | None, question: Question) -> bool:
    """Only the asker brings their question to staff."""
    return can_post(user) and user.id == question.author_id  # type: ignore[union-attr, attr-defined]


def can_ask_staff(user: User | None, question: Question) -> bool:
    """The asker of an unsolved question (the action says when it is too early)."""
    return (
        can_escalate(user, question)
        and question.accepted_answer_id is None
        and question.locked_at is None
    )


def can_work_queue(user: User | None) -> bool:
    return is_moderator(user) and user.suspended_at is None  # type: ignore[union-attr]


def can_release(user: User | None, item: Escalation) -> bool:
    """The staff member who claimed an item releases it; an admin may release any claim."""
    return can_work_queue(user) and (
        item.claimed_by_id == user.id or is_admin(user)  # type: ignore[union-attr, attr-defined]
    )


def require_staff(user: User | None) -> User:
    require(can_work_queue(user), _("Only staff work the queue."))
    return user  # type: ignore[return-value]


async def access_escalation(item_id: object) -> Escalation:
    item = await Escalation.get_or_none(id=item_id) if is_id(item_id) else None
    if item is None:
        raise NotFound(_("Queue item %(id)s does not exist.") % {"id": item_id})
    return item


def can_manage_webhooks(user: User | None) -> bool:
    """Admins see the webhook deliveries and retry the failed ones."""
    return is_admin(user) and user.suspended_at is None  # type: ignore[union-attr]


def require_webhooks(user: User | None) -> User:
    require(can_manage_webhooks(user), _("Only admins manage webhooks."))
    return user  # type: ignore[return-value]


def can_manage_boards(user: User | None) -> bool:
    """Admins add boards and change them."""
    return is_admin(user) and user.suspended_at is None  # type: ignore[union-attr]


def require_boards(user: User | None) -> User:
    require(can_manage_boards(user), _("Only admins manage boards."))
    return user  # type: ignore[return-value]


def can_watch_operations(user: User | None) -> bool:
    """Admins see the operations page: outboxes, scheduled jobs, the ledger check."""
    return can_manage_boards(user)


def require_operations(user: User | None) -> User:
    require(can_watch_operations(user), _("Only admins see the operations page."))
    return user  # type: ignore[return-value]


def can_manage_mail(user: User | None) -> bool:
    """Admins see the e-mail outbox (addresses and subjects, never bodies) and retry failures."""
    return can_manage_webhooks(user)


def require_mail(user: User | None) -> User:
    require(can_manage_mail(user), _("Only admins manage the e-mail outbox."))
    return user  # type: ignore[return-value]


async def access_mail(mail_id: object) -> Mail:
    found = await Mail.get_or_none(id=mail_id) if is_id(mail_id) else None
    if found is None:
        raise NotFound(_("Mail %(id)s does not exist.") % {"id": mail_id})
    return found


async def access_delivery(delivery_id: object) -> WebhookDelivery:
    found = await WebhookDelivery.get_or_none(id=delivery_id) if is_id(delivery_id) else None
    if found is None:
        raise NotFound(_("Webhook delivery %(id)s does not exist.") % {"id": delivery_id})
    return found


async def access_answer(answer_id: int) -> Answer:
    answer = (
        await Answer.get_or_none(id=answer_id).select_related("question")
        if is_id(answer_id)
        else None
    )
    if answer is None:
        raise NotFound(_("Answer %(id)s does not exist.") % {"id": answer_id})
    return answer


async def access_visible_question(question_id: int, viewer: User | None) -> Question:
    """The question, if `viewer` may see it (can_see_post); otherwise the NotFound of a question
    that does not exist, so a hidden or removed post says nothing of itself."""
    question = await access_question(question_id)
    if not can_see_post(viewer, question.author_id, question.visibility):  # type: ignore[attr-defined]
        raise NotFound(_("Question %(id)s does not exist.") % {"id": question_id})
    return question


async def access_visible_answer(answer_id: int, viewer: User | None) -> Answer:
    """The answer (with its question), if `viewer` may see both; otherwise NotFound."""
    answer = await access_answer(answer_id)
    question = answer.question
    if not (
        can_see_post(viewer, answer.author_id, answer.visibility)  # type: ignore[attr-defined]
        and can_see_post(viewer, question.author_id, question.visibility)  # type: ignore[attr-defined]
    ):
        raise NotFound(_("Answer %(id)s does not exist.") % {"id": answer_id})
    return answer


def can_read_history(user: User | None, visibility: Visibility) -> bool:
    """A post's revisions hold its old text: everyone reads a visible post's, only staff the
    history of a hidden or removed one (not even its author, whose post is under review)."""
    return visibility == Visibility.VISIBLE or is_moderator(user)


async def access_history(question_id: int, viewer: User | None) -> Question:
    """The question whose revisions `viewer` may read; otherwise NotFound."""
    question = await access_question(question_id)
    if not can_read_history(viewer, question.visibility):
        raise NotFound(_("Question %(id)s does not exist.") % {"id": question_id})
    return question


async def access_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id) if is_id(user_id) else None
    if user is None:
        raise NotFound(_("User %(id)s does not exist.") % {"id": user_id})
    return user
