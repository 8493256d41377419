"""Moderation (PRODUCT.md §1): staff hide, restore and remove posts and lock questions; each
decision lands in the audit log.

A hidden post (by flags or by staff) waits for review: restoring it dismisses its open flags;
removing it upholds them and reverses what its author earned for it through the ledger. A removed
post stays removed. A hidden or removed answer no longer counts for its question
(forum.actions.visibility). Reviewing the last hidden post of a question resolves its `flagged`
queue item. Every change is a conditional update on the post's current visibility, so two staff
deciding at once decide once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import resolve_flag_review
from forum.actions.flags import Post, author_of, post_key, question_id_of
from forum.actions.questions import refresh_state
from forum.actions.visibility import rearm_unanswered_timer, recount_after_moderation
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.models import Answer, AuditEntry, Flag, FlagState, Question, User, Visibility
from forum.permissions import require_moderator
from rewards.actions.awards import reverse_post_awards

MODERATIONS = ("hide", "restore", "remove")
# What each decision needs the post to be, what it makes it, and what it makes its open flags.
_MOVES: dict[str, tuple[tuple[Visibility, ...], Visibility, FlagState | None]] = {
    "hide": ((Visibility.VISIBLE,), Visibility.HIDDEN, None),
    "restore": ((Visibility.HIDDEN,), Visibility.VISIBLE, FlagState.DISMISSED),
    "remove": ((Visibility.VISIBLE, Visibility.HIDDEN), Visibility.REMOVED, FlagState.UPHELD),
}


async def audit(actor: User, action: str, target: int | None, detail: str, now: datetime) -> None:
    await AuditEntry.create(
        actor=actor, action=action, target_user_id=target, detail=detail[:2000], created_at=now
    )


async def check_moderate_post(
    post: Post, action: Any, *, note: Any = "", acting_user: User, now: datetime | None = None
) -> Post:
    require_moderator(acting_user)
    errors = v.Errors()
    chosen = v.choice(errors, "action", action, MODERATIONS, _("Action"))
    note_text = v.text(errors, "note", note or "", min_len=0, max_len=500, label=_("Note"))
    errors.raise_if_any()
    return await do_moderate_post(post, chosen, note=note_text, acting_user=acting_user, now=now)


async def do_moderate_post(
    post: Post, chosen: str, *, note: str, acting_user: User, now: datetime | None = None
) -> Post:
    """Also the erasure's removal of a member's posts at their request (forum.actions.
    data_rights): the same consequences as staff's."""
    note_text = note
    before, after, flags_to = _MOVES[chosen]
    now = resolve(now)
    key = post_key(post)
    question_id = question_id_of(post)
    async with in_transaction():
        changed = (
            await type(post).filter(id=post.id, visibility__in=before).update(visibility=after)
        )
        # Not "== 1": SQLite counts the search index's trigger writes too (migration 0006).
        if not changed:
            raise Conflict(_("This post cannot be changed that way now; reload the page."))
        if flags_to is not None:
            await Flag.filter(post_key=key, state=FlagState.OPEN).update(state=flags_to)
        if isinstance(post, Answer):
            await recount_after_moderation(
                post, acting_user=acting_user, now=now, removing=chosen == "remove"
            )
        if chosen == "remove":
            await reverse_post_awards(post, actor=acting_user, now=now)
        if chosen != "hide" and not await _hidden_posts(question_id):
            await resolve_flag_review(
                question_id, staff=acting_user, note=note_text or chosen, now=now
            )
        await audit(acting_user, chosen, author_of(post), f"{key}: {note_text}", now)
    await post.refresh_from_db()
    return post


async def _hidden_posts(question_id: int) -> bool:
    hidden = Visibility.HIDDEN
    return (
        await Question.filter(id=question_id, visibility=hidden).exists()
        or await Answer.filter(question_id=question_id, visibility=hidden).exists()
    )


async def check_lock_question(
    question: Question, locked: bool, *, note: Any = "", acting_user: User,
    now: datetime | None = None,
) -> Question:  # fmt: skip
    """A locked question takes no new answers (its state says "locked")."""
    require_moderator(acting_user)
    errors = v.Errors()
    note_text = v.text(errors, "note", note or "", min_len=0, max_len=500, label=_("Note"))
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        if locked:
            changed = await Question.filter(id=question.id, locked_at=None).update(locked_at=now)
        else:
            # Unlocking also reopens a question closed as a duplicate, with its timer again.
            changed = await Question.filter(id=question.id, locked_at__not_isnull=True).update(
                locked_at=None, duplicate_of_id=None
            )
        if changed != 1:
            raise Conflict(
                _("The question is locked already.") if locked else _("The question is not locked.")
            )
        await refresh_state(question.id)
        if not locked:
            await rearm_unanswered_timer(question.id)
        author_id = int(question.author_id)  # type: ignore[attr-defined]
        action = "lock" if locked else "unlock"
        await audit(acting_user, action, author_id, f"question:{question.id}: {note_text}", now)
    await question.refresh_from_db()
    return question
