"""Accepted answers: the asker marks one answer as the solution, changes it or clears it.

One standing acceptance per question is a UNIQUE key (`Acceptance.active_question_id`); every
accept is a new row, so accept -> clear -> accept are three distinct events for the ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import reopen_after_unaccept, resolve_by_acceptance
from forum.actions.follows import notify_accepted
from forum.actions.notifications import note, notify
from forum.actions.questions import derived_state_sql, refresh_state
from forum.clock import resolve
from forum.db import execute, fetch_dicts, fetch_model, is_postgres
from forum.errors import Conflict, Unavailable
from forum.i18n import gettext as _
from forum.models import Acceptance, Answer, NotificationKind, Question, User, Visibility
from forum.permissions import can_accept, can_clear_acceptance, require
from forum.settings import Settings
from rewards.actions.awards import acceptance_awards, award_acceptance, reverse_acceptance
from rewards.actions.transfers import open_accounts
from rewards.labels import ACCEPT_CHANGED, ACCEPT_CLEARED

# The accept's statements, written in SQL: it is the hottest write of the ledger, and the ORM's
# query building cost it more than the database did (forum.db).
_ANSWER = "SELECT * FROM answers WHERE id = ? AND question_id = ? AND visibility = ?"
_VISIBLE = "SELECT 1 FROM answers WHERE id = ? AND visibility = ?"
_LOCK = "SELECT accepted_answer_id FROM questions WHERE id = ?"
_CREATE = (
    "INSERT INTO acceptances (question_id, answer_id, accepted_by_id, active_question_id,"
    " created_at) VALUES (?, ?, ?, ?, ?) RETURNING *"
)
# The accepted answer and the state it gives, in one UPDATE (which sees the row as it was).
_ACCEPTED = (
    "UPDATE questions SET accepted_answer_id = $1, last_activity_at = $2,"  # noqa: S608 - constants
    f" state = {derived_state_sql(accepted_answer='CAST($1 AS INTEGER)')} WHERE id = $3"
)


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
    answer = await fetch_model(Answer, _ANSWER, [answer_pk, question.id, Visibility.VISIBLE.value])
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
            accepted_id = await lock_question(question.id)
            # Hiding an answer clears its acceptance under this same lock: checked here, an
            # answer hidden a moment ago is never accepted.
            if not await fetch_dicts(_VISIBLE, [answer.id, Visibility.VISIBLE.value]):
                message = _("Answer %(id)s is not an answer to this question.")
                raise Unavailable({"answer_id": message % {"id": answer.id}})
            standing = None
            if accepted_id is not None:  # the question's row says whether one stands
                standing = await Acceptance.get_or_none(active_question_id=question.id)
            if standing is not None and standing.answer_id == answer.id:  # type: ignore[attr-defined]
                return standing
            if standing is not None:  # read above, under the question's lock
                # Accounts first: none may be opened under the ledger lock (see open_accounts),
                # which retiring takes.
                await open_accounts([answer.author_id, question.author_id])  # type: ignore[attr-defined]
                await _retire(
                    standing, question.id, acting_user=acting_user, now=now, reason=ACCEPT_CHANGED
                )
            acceptance = await fetch_model(
                Acceptance, _CREATE, [question.id, answer.id, acting_user.id, question.id, now]
            )
            assert acceptance is not None, "INSERT ... RETURNING gives the row"
            await execute(_ACCEPTED, [answer.id, now, question.id])
            answerer_id = int(answer.author_id)  # type: ignore[attr-defined]
            by_other = answerer_id != question.author_id  # type: ignore[attr-defined]
            if by_other:
                await resolve_by_acceptance(question.id, by_staff=answer.is_staff, now=now)
            await notify_accepted(
                question.id,
                answer.id,
                accepted_by=acting_user.id,
                answer_author=answerer_id,
                now=now,
            )
            awards = await acceptance_awards(acceptance, question, answer)
            if by_other:
                accepted = note(
                    answerer_id,
                    NotificationKind.ACCEPTED,
                    f"accepted:{acceptance.id}",
                    question_id=question.id,
                    answer_id=answer.id,
                    points=sum(a.amount for a in awards if a.member.id == answerer_id),
                )
                await notify([accepted], now=now)
            # Last: the members' accounts the awards lock are held to the commit.
            await award_acceptance(acceptance, awards, now=now)
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


async def lock_question(question_id: int) -> int | None:
    """Accepts and clears of one question queue here (PostgreSQL), so that twelve identical
    accepts at once are one accept and eleven no-ops, not a chain of changes. Returns the
    question's accepted answer as it stands under the lock."""
    postgres = is_postgres(Tortoise.get_connection("default"))  # SQLite: one writer at a time
    rows = await fetch_dicts(_LOCK + " FOR UPDATE" if postgres else _LOCK, [question_id])
    return rows[0]["accepted_answer_id"] if rows else None


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
