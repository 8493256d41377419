"""Answers: post and edit (with revisions). A new answer bumps the question's counters.

Posting is the forum's hottest write, so it is written in SQL, without loading the question
first: one UPDATE counts the answer, moves the activity time and the state, and refuses a locked
question; the INSERT of the answer commits with it or not at all. PostgreSQL runs both as one
statement (a data-modifying WITH); SQLite, which has none, runs them in one transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import record_staff_response
from forum.actions.follows import FOLLOW_AS_PARTICIPANT, follow_sql
from forum.actions.questions import derived_state_sql
from forum.clock import resolve
from forum.db import bind_sqlite, fetch_dicts, in_one_call, is_postgres
from forum.errors import Conflict, NotFound
from forum.i18n import gettext as _
from forum.markdown import render_markdown
from forum.models import Answer, Question, Revision, User, Visibility
from forum.permissions import (
    access_visible_question,
    can_edit_post,
    can_post,
    is_moderator,
    require,
)
from forum.ratelimits import limit_member

BODY = (1, 20_000)

# Parameters of both statements: $1 question id, $2 author id, $3 now, $4 body, $5 body_html,
# $6 is_staff. An answer by the asker does not make the question "answered".
_BY_OTHER = "CASE WHEN author_id = $2 THEN 0 ELSE 1 END"
_COUNT_ANSWER = f"""
UPDATE questions SET answer_count = answer_count + 1,
    other_answer_count = other_answer_count + {_BY_OTHER},
    last_activity_at = $3, state = {derived_state_sql(_BY_OTHER)}
WHERE id = $1 AND locked_at IS NULL AND (visibility = 'visible' OR $6)
"""  # noqa: S608 - fixed fragments; every value is a parameter
_INSERT_ANSWER = """
INSERT INTO answers
    (question_id, author_id, body, body_html, is_staff, kudos_count, created_at, updated_at)
VALUES ($1, $2, $4, $5, $6, 0, $3, $3)
RETURNING id
"""
# The question's followers hear of an answer (forum.actions.follows), but for its author: the
# asker as "answer" ("staff_reply" when staff wrote it), the others as "follow_answer" while
# the question is visible (staff may answer a hidden one; its title is no one else's news).
_NOTIFY_FOLLOWERS = """
INSERT INTO notifications (user_id, kind, key, question_id, answer_id, points, period, created_at)
SELECT f.user_id,
    CASE WHEN f.user_id <> q.author_id THEN 'follow_answer' WHEN $6 THEN 'staff_reply'
        ELSE 'answer' END,
    CASE WHEN f.user_id = q.author_id THEN 'answer:' || a.id
        ELSE 'follow_answer:' || a.id || ':' || f.user_id END,
    a.question_id, a.id, 0, '', $3
FROM {answer} a JOIN questions q ON q.id = a.question_id
JOIN question_follows f ON f.question_id = a.question_id AND f.following
WHERE f.user_id <> $2 AND (q.visibility = 'visible' OR f.user_id = q.author_id)
ON CONFLICT (key) DO NOTHING
"""
_POST_ANSWER_POSTGRES = f"""
WITH counted AS ({_COUNT_ANSWER} RETURNING id),
posted AS (
    INSERT INTO answers
        (question_id, author_id, body, body_html, is_staff, kudos_count, created_at, updated_at)
    SELECT id, $2, $4, $5, $6, 0, $3, $3 FROM counted
    RETURNING id, question_id
),
notified AS ({_NOTIFY_FOLLOWERS.format(answer="posted")}),
followed AS ({follow_sql("SELECT question_id, $2, TRUE, $3, $3 FROM posted")})
SELECT id FROM posted
"""  # noqa: S608 - fixed fragments; every value is a parameter
_NOTIFY_FOLLOWERS_SQLITE = _NOTIFY_FOLLOWERS.format(answer="(SELECT $7 AS id, $1 AS question_id)")


def _body(body: Any) -> str:
    errors = v.Errors()
    text = v.text(errors, "body", body, min_len=BODY[0], max_len=BODY[1], label=_("Answer"))
    errors.raise_if_any()
    return text


async def check_create_answer(
    question_id: int, *, acting_user: User, body: Any, now: datetime | None = None
) -> Answer:
    require(can_post(acting_user), _("Your account cannot post."))
    text = _body(body)
    await limit_member("post", acting_user, "body")
    return await do_create_answer(question_id, acting_user=acting_user, body=text, now=now)


async def do_create_answer(
    question_id: int, *, acting_user: User, body: str, now: datetime | None = None
) -> Answer:
    """NotFound for a question that does not exist (or, but for staff, is hidden or removed),
    Conflict for a locked one: checked by the statement that writes, so an answer never lands on
    a question locked or removed a moment before."""
    if not v.is_id(question_id):
        raise NotFound(_("Question %(id)s does not exist.") % {"id": question_id})
    now = resolve(now)
    is_staff = is_moderator(acting_user)
    html = render_markdown(body)  # before the transaction: SQLite holds its lock until commit
    params = [question_id, acting_user.id, now, body, html, is_staff]
    if is_staff:  # rare: the staff answer is also the first response of the open escalations
        async with in_transaction():
            rows = await _write_answer(params)
            if rows:
                await record_staff_response(question_id, now=now)
    else:
        rows = await _write_answer(params)
    if not rows:
        await access_visible_question(question_id, acting_user)  # NotFound: none or hidden
        raise Conflict(_("This question is locked: it takes no new answers."))
    # The row as written, without reading it back.
    return Answer._init_from_db(
        id=rows[0]["id"],
        question_id=question_id,
        author_id=acting_user.id,
        body=body,
        body_html=html,
        is_staff=is_staff,
        kudos_count=0,
        visibility=Visibility.VISIBLE,
        created_at=now,
        updated_at=now,
    )


async def _write_answer(params: list[Any]) -> list[dict[str, Any]]:
    if is_postgres(Tortoise.get_connection("default")):
        return await fetch_dicts(_POST_ANSWER_POSTGRES, params)

    def post(connection: sqlite3.Connection) -> list[dict[str, Any]]:
        if connection.execute(bind_sqlite(_COUNT_ANSWER), params).rowcount != 1:
            return []
        (answer_id,) = connection.execute(bind_sqlite(_INSERT_ANSWER), params).fetchone()
        connection.execute(bind_sqlite(_NOTIFY_FOLLOWERS_SQLITE), [*params, answer_id])
        connection.execute(bind_sqlite(FOLLOW_AS_PARTICIPANT), params[:3])
        return [{"id": answer_id}]

    return await in_one_call(post)


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
