"""Accepted answers: the asker marks one answer as the solution, changes it or clears it.

One standing acceptance per question is a UNIQUE key (`Acceptance.active_question_id`); every
accept is a new row, so accept -> clear -> accept are three distinct events for the ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import reopen_after_unaccept, resolve_by_acceptance
from forum.actions.follows import notify_accepted
from forum.actions.notifications import note, notify
from forum.actions.questions import refresh_state
from forum.clock import resolve
from forum.errors import Conflict, Unavailable
from forum.i18n import gettext as _
from forum.models import Acceptance, Answer, NotificationKind, Question, User, Visibility
from forum.permissions import can_accept, can_clear_acceptance, require
from forum.settings import Settings
from rewards.actions.awards import award_acceptance, reverse_acceptance
from rewards.actions.transfers import open_accounts
from rewards.labels import ACCEPT_CHANGED, ACCEPT_CLEARED


async def check_accept_answer(
    settings: Settings,
    question: Question,
    answer_id: Any,
    *,
    acting_user: User,
    now: datetime | None = None,
) -> Acceptance:
    now = resolve(now)
    require(
        can_accept(acting_user, question, now, settings.staff_accept_after_days),
        _("Only the asker can accept an answer (staff after %(days)d days).")
        % {"days": settings.staff_accept_after_days},
    )
    errors = v.Errors()
    answer_pk = v.int_id(errors, "answer_id", answer_id)
    errors.raise_if_any()
    # A hidden or removed answer counts as if it had never been written (forum.actions.visibility).
    answer = await Answer.get_or_none(
        id=answer_pk, question_id=question.id, visibility=Visibility.VISIBLE
    )
    if answer is None:  # the question is there, the answer named is not one of its: 409
        raise Unavailable(
            {"answer_id": _("Answer %(id)s is not an answer to this question.") % {"id": answer_pk}}
        )
    return await do_accept_answer(question, answer, acting_user=acting_user, now=now)


async def do_accept_answer(
    question: Question, answer: Answer, *, acting_user: User, now: datetime | None = None
) -> Acceptance:
    """Accepting the answer that already stands is a no-op that returns the standing acceptance;
    another answer replaces it (its points reversed, the new ones awarded)."""
    now = resolve(now)
    try:
        async with in_transaction():
            await lock_question(question.id)
            # Hiding an answer clears its acceptance under this same lock: checked here, an
            # answer hidden a moment ago is never accepted.
            if not await Answer.filter(id=answer.id, visibility=Visibility.VISIBLE).exists():
                message = _("Answer %(id)s is not an answer to this question.")
                raise Unavailable({"answer_id": message % {"id": answer.id}})
            standing = await Acceptance.get_or_none(active_question_id=question.id)
            if standing is not None and standing.answer_id == answer.id:  # type: ignore[attr-defined]
                return standing
            # Accounts first: none may be opened under the ledger lock (see open_accounts).
            await open_accounts([answer.author_id, question.author_id])  # type: ignore[attr-defined]
            if standing is not None:  # read above, under the question's lock
                await _retire(
                    standing, question.id, acting_user=acting_user, now=now, reason=ACCEPT_CHANGED
                )
            acceptance = await Acceptance.create(
                question=question,
                answer=answer,
                accepted_by=acting_user,
                active_question_id=question.id,
                created_at=now,
            )
            await Question.filter(id=question.id).update(
                accepted_answer_id=answer.id, last_activity_at=now
            )
            awards = await award_acceptance(acceptance, question, answer, now=now)
            answerer_id = int(answer.author_id)  # type: ignore[attr-defined]
            if answerer_id != question.author_id:  # type: ignore[attr-defined]
                await resolve_by_acceptance(question.id, by_staff=answer.is_staff, now=now)
                earned = sum(t.amount for t in awards if t.member_id == answerer_id)  # type: ignore[attr-defined]
                accepted = note(
                    answerer_id,
                    NotificationKind.ACCEPTED,
                    f"accepted:{acceptance.id}",
                    question_id=question.id,
                    answer_id=answer.id,
                    points=earned,
                )
                await notify([accepted], now=now)
            await notify_accepted(
                question.id,
                answer.id,
                accepted_by=acting_user.id,
                answer_author=answerer_id,
                now=now,
            )
            await refresh_state(question.id)
    except IntegrityError as exc:
        raise Conflict(_("The accepted answer was changed at the same moment; reload.")) from exc
    return acceptance


async def do_clear_acceptance(
    question: Question, *, acting_user: User, now: datetime | None = None
) -> None:
    require(
        can_clear_acceptance(acting_user, question),
        _("Only the asker can clear the accepted answer."),
    )
    now = resolve(now)
    async with in_transaction():
        # A question with no accepted answer is cleared already: nothing changes (API.md: 200).
        await clear_acceptance(question.id, acting_user=acting_user, now=now)


async def clear_acceptance(
    question_id: int,
    *,
    acting_user: User | None,
    now: datetime,
    reason: str = ACCEPT_CLEARED,
    answer_id: int | None = None,
) -> bool:
    """Clear the standing acceptance (only if it is of `answer_id`, when given), in the caller's
    transaction: its points reversed, what it resolved back in the queue, the state derived
    again. The asker's "clear" and moderation (a hidden or removed accepted answer) both end an
    acceptance here. True if one was cleared."""
    await lock_question(question_id)
    standing = await Acceptance.filter(active_question_id=question_id).first()
    if standing is None or answer_id not in (None, standing.answer_id):  # type: ignore[attr-defined]
        return False
    await _retire(standing, question_id, acting_user=acting_user, now=now, reason=reason)
    await Question.filter(id=question_id).update(accepted_answer_id=None)
    await refresh_state(question_id)
    return True


async def lock_question(question_id: int) -> None:
    """Accepts and clears of one question queue here (PostgreSQL), so that twelve identical
    accepts at once are one accept and eleven no-ops, not a chain of changes."""
    # A model fetch: Tortoise drops FOR UPDATE from .values() queries.
    await Question.filter(id=question_id).select_for_update().only("id").first()


async def _retire(
    standing: Acceptance, question_id: int, *, acting_user: User | None, now: datetime, reason: str
) -> None:
    """A conditional update retires it (a concurrent change is a Conflict); its points reversed,
    what it resolved reopened."""
    retired = await Acceptance.filter(id=standing.id, active_question_id=question_id).update(
        active_question_id=None,
        cleared_at=now,
        cleared_by_id=acting_user.id if acting_user else None,
    )
    if retired != 1:
        raise Conflict(_("The accepted answer was changed at the same moment; reload."))
    await reverse_acceptance(standing, reason=reason, actor=acting_user, now=now)
    await reopen_after_unaccept(question_id)
