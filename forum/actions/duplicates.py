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
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.member_queries import Record, records
from forum.models import Question, SlaTimer, User, Visibility
from forum.permissions import can_close_duplicates, is_moderator, require
from forum.ranks import rank_of


async def may_close_duplicates(user: User | None) -> bool:
    if user is None or is_moderator(user):
        return can_close_duplicates(user, None)
    record = (await records([user.id])).get(user.id, Record())
    return can_close_duplicates(
        user, rank_of(user.role, record.points_earned, record.accepted_answers)
    )


async def check_close_as_duplicate(
    question: Question, original: Any, *, acting_user: User, now: datetime | None = None
) -> Question:
    require(
        await may_close_duplicates(acting_user),
        _("Only staff and members of the top rank can close questions as duplicates."),
    )
    errors = v.Errors()
    original_id = v.int_id(errors, "original", _question_number(original))
    errors.raise_if_any()
    target = await Question.get_or_none(id=original_id)
    if target is None or target.visibility != Visibility.VISIBLE:
        errors.add("original", _("There is no question %(id)s to point to.") % {"id": original_id})
    elif target.id == question.id:
        errors.add("original", _("A question cannot be a duplicate of itself."))
    elif target.duplicate_of_id is not None:
        errors.add(
            "original",
            _("Question %(id)s is a duplicate itself: point to question %(original)s.")
            % {"id": target.id, "original": target.duplicate_of_id},
        )
    errors.raise_if_any()
    now = resolve(now)
    async with in_transaction():
        await lock_question(question.id)
        changed = await Question.filter(
            id=question.id, duplicate_of_id=None, visibility=Visibility.VISIBLE
        ).update(duplicate_of_id=original_id, locked_at=now)
        if changed != 1:
            raise Conflict(_("This question is closed as a duplicate already."))
        await refresh_state(question.id)
        await SlaTimer.filter(question_id=question.id).delete()  # nothing left to escalate
        await resolve_as_duplicate(question.id, closer=acting_user, now=now)
        author_id = int(question.author_id)  # type: ignore[attr-defined]
        await audit(acting_user, "duplicate", author_id, f"question:{question.id}", now)
    await question.refresh_from_db()
    return question


def _question_number(value: Any) -> Any:
    """A question's number, also from its address ("/questions/12" or a full URL)."""
    if isinstance(value, str) and "/questions/" in value:
        return value.rsplit("/questions/", 1)[1].split("#")[0].split("?")[0].strip("/")
    return value.strip() if isinstance(value, str) else value
