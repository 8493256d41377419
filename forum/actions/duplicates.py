"""Duplicates: staff, and members of the top rank, close a question as a duplicate of another.

The question is locked (no new answers), says which question it repeats, and its open staff
items resolve as `duplicate`. The original must be visible and not a duplicate itself, so a
reader is never sent round in circles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.acceptance import lock_question
from forum.actions.escalations import resolve_as_duplicate
from forum.actions.moderation import audit
from forum.actions.questions import refresh_state
from forum.clock import resolve
from forum.errors import Conflict, Unavailable
from forum.i18n import gettext as _
from forum.member_queries import ranks
from forum.models import Escalation, EscalationState, Question, SlaTimer, User, Visibility
from forum.permissions import can_close_duplicates, is_moderator, require


async def may_close_duplicates(user: User | None) -> bool:
    if user is None:
        return False
    rank = None if is_moderator(user) else (await ranks({user.id: user.role}))[user.id]
    return can_close_duplicates(user, rank)


async def check_close_as_duplicate(
    question: Question, original: Any, *, acting_user: User, now: datetime | None = None
) -> Question:
    """Staff close any visible question; a member of the top rank only one that is neither
    locked nor in staff's hands (its open items are staff's to resolve)."""
    require(
        await may_close_duplicates(acting_user),
        _("Only staff and members of the top rank can close questions as duplicates."),
    )
    errors = v.Errors()
    original_id = v.int_id(errors, "original", _question_number(original))
    errors.raise_if_any()
    staff = is_moderator(acting_user)
    now = resolve(now)
    async with in_transaction():
        # Both rows locked in id order: two closes that point at each other cannot both pass.
        for locked_id in sorted({question.id, original_id}):
            await lock_question(locked_id)
        target = await Question.get_or_none(id=original_id)
        current = await Question.get(id=question.id)
        _check_target(current, target, original_id)
        if current.duplicate_of_id is not None:
            raise Conflict(_("This question is closed as a duplicate already."))
        if current.visibility != Visibility.VISIBLE:
            raise Conflict(_("A hidden or removed question is not closed as a duplicate."))
        if not staff and current.locked_at is not None:
            raise Conflict(_("Staff locked this question: only staff can close it now."))
        if (
            not staff
            and await Escalation.filter(
                question_id=question.id, state__not=EscalationState.RESOLVED
            ).exists()
        ):
            raise Conflict(_("Staff are handling this question: they decide whether it repeats."))
        if await Question.filter(duplicate_of_id=question.id).exists():
            raise Conflict(
                _("Other questions point here as their original: close those first, or keep it.")
            )
        await Question.filter(id=question.id).update(duplicate_of_id=original_id, locked_at=now)
        await refresh_state(question.id)
        await SlaTimer.filter(question_id=question.id).delete()  # nothing left to escalate
        await resolve_as_duplicate(question.id, closer=acting_user, now=now)
        author_id = int(question.author_id)  # type: ignore[attr-defined]
        await audit(acting_user, "duplicate", author_id, f"question:{question.id}", now)
    await question.refresh_from_db()
    return question


def _check_target(question: Question, target: Question | None, target_id: int) -> None:
    if target is None or target.visibility != Visibility.VISIBLE:  # the URL's question is there
        raise Unavailable(
            {"original": _("There is no question %(id)s to point to.") % {"id": target_id}}
        )
    elif target.id == question.id:
        raise Unavailable({"original": _("A question cannot be a duplicate of itself.")})
    elif target.duplicate_of_id is not None:
        raise Unavailable(
            {
                "original": _(
                    "Question %(id)s is a duplicate itself: point to question %(original)s."
                )
                % {"id": target.id, "original": target.duplicate_of_id}
            }
        )


def _question_number(value: Any) -> Any:
    """A question's number, also from its address ("/questions/12" or a full URL)."""
    if isinstance(value, str) and "/questions/" in value:
        return value.rsplit("/questions/", 1)[1].split("#")[0].split("?")[0].strip("/")
    return value.strip() if isinstance(value, str) else value
