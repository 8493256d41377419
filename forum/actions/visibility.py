"""What hiding, removing or restoring an answer does to its question (PRODUCT.md §1).

A hidden or removed answer counts as if it had never been written: the question's counts and
state are derived again from its visible answers, an acceptance of it ends (through the same
action as the asker's "clear": points reversed, the staff item reopened), and a question left
with no answer by others gets its unanswered timer back, due its board's SLA after asking (so
the next sweep escalates it at once if that moment is behind us). Restoring an answer counts it
again; its acceptance stays ended. Everything here runs in the moderating transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from forum.actions.acceptance import clear_acceptance, lock_question
from forum.actions.questions import refresh_state
from forum.db import execute
from forum.models import Answer, Question, SlaTimer, User, Visibility
from rewards.actions.awards import hold_for_moderation
from rewards.labels import ACCEPT_HIDDEN

_RECOUNT = """
UPDATE questions SET
    answer_count = (
        SELECT COUNT(*) FROM answers a
        WHERE a.question_id = questions.id AND a.visibility = 'visible'
    ),
    other_answer_count = (
        SELECT COUNT(*) FROM answers a
        WHERE a.question_id = questions.id AND a.visibility = 'visible'
          AND a.author_id <> questions.author_id
    )
WHERE id = ?
"""


async def recount_after_moderation(
    answer: Answer, *, acting_user: User | None, now: datetime, removing: bool = False
) -> None:
    """Call after `answer`'s visibility changed, in the same transaction. `acting_user` is the
    staff member, or None when members' flags hid it; `removing`: staff are removing it, so its
    kudos will be reversed too. Locks in the order of every writer: the question row, then the
    payout lines the reversals touch, then (in the reversals) the ledger."""
    question_id = int(answer.question_id)  # type: ignore[attr-defined]
    await lock_question(question_id)  # counted under the lock new answers and accepts take
    if not await Answer.filter(id=answer.id, visibility=Visibility.VISIBLE).exists():
        await hold_for_moderation(answer, removing=removing, now=now)
        await clear_acceptance(
            question_id, acting_user=acting_user, now=now, reason=ACCEPT_HIDDEN, answer_id=answer.id
        )
    await execute(_RECOUNT, [question_id])
    await refresh_state(question_id)
    await rearm_unanswered_timer(question_id)


async def rearm_unanswered_timer(question_id: int) -> None:
    """The unanswered timer of a question that takes answers again, at its board's SLA since
    asking (caller's transaction)."""
    rows = await Question.filter(
        id=question_id, other_answer_count=0, accepted_answer_id=None, locked_at=None
    ).values("created_at", "board__sla_hours")
    if not rows:
        return
    due = rows[0]["created_at"] + timedelta(hours=rows[0]["board__sla_hours"])
    # One timer per question (UNIQUE): a timer that is still waiting stays as it is.
    await SlaTimer.bulk_create(
        [SlaTimer(question_id=question_id, due_at=due)], ignore_conflicts=True
    )
