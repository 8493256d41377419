"""Flags (PRODUCT.md §1): members flag spam, offensive or off-topic posts; enough of them hide the
post for staff review.

Invariants: a member flags a post once (UNIQUE(post_key, flagger)) and at most `flags_per_day`
posts a UTC day (counted under their user row's lock); the flags of one post are counted under
that post's row lock, so the flag that reaches `flag_threshold` hides the post exactly once and
opens one `flagged` item in the staff queue, however many members flag at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import open_escalation
from forum.actions.visibility import recount_after_moderation
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import (
    Answer,
    EscalationReason,
    Flag,
    FlagReason,
    FlagState,
    Question,
    User,
    Visibility,
)
from forum.permissions import can_flag, can_post, require
from forum.ratelimits import RateLimited
from forum.settings import get_settings

Post = Question | Answer


def post_key(post: Post) -> str:
    return f"{'question' if isinstance(post, Question) else 'answer'}:{post.id}"


def author_of(post: Post) -> int:
    return int(post.author_id)  # type: ignore[union-attr]


def question_id_of(post: Post) -> int:
    return post.id if isinstance(post, Question) else int(post.question_id)  # type: ignore[attr-defined]


async def check_flag(
    post: Post, reason: Any, *, acting_user: User, now: datetime | None = None
) -> Flag:
    require(can_post(acting_user), _("Your account cannot flag posts."))
    require(
        can_flag(acting_user, author_of(post)),
        _("You cannot flag your own post."),
    )
    errors = v.Errors()
    chosen = v.choice(errors, "reason", reason, tuple(FlagReason), _("Reason"))
    errors.raise_if_any()
    now = resolve(now)
    settings = get_settings()
    model = type(post)
    key = post_key(post)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        async with in_transaction():
            # The flagger's row, then the post's: flags of one member, and of one post, queue.
            await User.filter(id=acting_user.id).select_for_update().first()
            if await Flag.filter(flagger_id=acting_user.id, created_at__gte=day).count() >= (
                settings.flags_per_day
            ):
                wait = int((day + timedelta(days=1) - now).total_seconds()) + 1
                raise RateLimited(
                    "reason",
                    _("You can flag %(n)s posts a day; flag again tomorrow (UTC).")
                    % {"n": settings.flags_per_day},
                    wait,
                )
            # FOR NO KEY UPDATE: an accept that references this answer (a foreign key) must not
            # wait on it while holding the question row this may need next.
            current = await model.filter(id=post.id).select_for_update(no_key=True).first()
            if current is None or current.visibility != Visibility.VISIBLE:
                raise Conflict(_("This post is already hidden for review."))
            flag = await Flag.create(
                post_key=key,
                question_id=question_id_of(post),
                answer_id=None if isinstance(post, Question) else post.id,
                flagger=acting_user,
                reason=FlagReason(chosen),
                created_at=now,
            )
            if await Flag.filter(post_key=key, state=FlagState.OPEN).count() >= (
                settings.flag_threshold
            ):
                await model.filter(id=post.id).update(visibility=Visibility.HIDDEN)
                if isinstance(post, Answer):
                    await recount_after_moderation(post, acting_user=None, now=now)
                await open_escalation(question_id_of(post), EscalationReason.FLAGGED, now=now)
    except IntegrityError as exc:
        raise Conflict(_("You have flagged this post already.")) from exc
    return flag
