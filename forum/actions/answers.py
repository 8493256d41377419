"""Answers: post and edit (with revisions). A new answer bumps the question's counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.questions import derived_state
from forum.clock import resolve
from forum.errors import Conflict
from forum.i18n import gettext as _
from forum.markdown import render_markdown
from forum.models import Answer, Question, Revision, User
from forum.permissions import can_edit_post, can_post, is_moderator, require

BODY = (1, 20_000)


def _body(body: Any) -> str:
    errors = v.Errors()
    text = v.text(errors, "body", body, min_len=BODY[0], max_len=BODY[1], label=_("Answer"))
    errors.raise_if_any()
    return text


async def check_create_answer(
    question: Question, *, acting_user: User, body: Any, now: datetime | None = None
) -> Answer:
    require(can_post(acting_user), _("Your account cannot post."))
    text = _body(body)
    if question.locked_at is not None:
        raise Conflict(_("This question is locked: it takes no new answers."))
    return await do_create_answer(question, acting_user=acting_user, body=text, now=now)


async def do_create_answer(
    question: Question, *, acting_user: User, body: str, now: datetime | None = None
) -> Answer:
    now = resolve(now)
    by_other = int(acting_user.id != question.author_id)  # type: ignore[attr-defined]
    html = render_markdown(body)  # before the transaction: SQLite holds its lock until commit
    async with in_transaction():
        answer = await Answer.create(
            question=question,
            author=acting_user,
            body=body,
            body_html=html,
            is_staff=is_moderator(acting_user),
            created_at=now,
            updated_at=now,
        )
        await Question.filter(id=question.id).update(
            answer_count=F("answer_count") + 1,
            other_answer_count=F("other_answer_count") + by_other,
            last_activity_at=now,
            state=derived_state(new_answers_by_others=by_other),
        )
    return answer


async def check_edit_answer(
    answer: Answer, *, acting_user: User, body: Any, now: datetime | None = None
) -> Answer:
    require(
        can_edit_post(acting_user, answer.author_id),  # type: ignore[attr-defined]
        _("You can only edit your own answers."),
    )
    text = _body(body)
    if text == answer.body:
        return answer
    now = resolve(now)
    html = render_markdown(text)
    async with in_transaction():
        # Conditional on the text this edit started from (see check_edit_question).
        changed = await Answer.filter(id=answer.id, body=answer.body).update(
            body=text, body_html=html, updated_at=now
        )
        if changed != 1:
            raise Conflict(_("Someone else edited this post at the same moment; reload."))
        await Revision.create(
            answer=answer, editor=acting_user, old_body=answer.body, created_at=now
        )
        await Question.filter(id=answer.question_id).update(last_activity_at=now)  # type: ignore[attr-defined]
    await answer.refresh_from_db()
    return answer
