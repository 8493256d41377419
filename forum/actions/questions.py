"""Questions: ask and edit (with revisions), and the derived state.

The state is never set by hand: `refresh_state` recomputes it from the facts (locked, accepted
answer, answers by others) inside the transaction of whatever changed them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Case, F, When
from tortoise.transactions import in_transaction

from forum import validation as v
from forum.actions.escalations import is_urgent, open_escalation
from forum.actions.follows import follow_as_participant
from forum.clock import resolve
from forum.errors import Conflict, NamesNothing
from forum.i18n import gettext as _
from forum.markdown import render_markdown
from forum.models import (
    Board,
    EscalationReason,
    Question,
    QuestionState,
    QuestionTag,
    Revision,
    SlaTimer,
    User,
)
from forum.permissions import can_edit_post, can_post, require
from forum.ratelimits import limit_member

TITLE = (10, 200)
BODY = (20, 20_000)


def derived_state(new_answers_by_others: int = 0) -> Case:
    """The one definition of a question's state, evaluated by the database on the row itself.

    An UPDATE's expressions see the row as it was, so an update that also adds answers by others
    passes how many it adds.
    """
    return Case(
        When(locked_at__isnull=False, then=QuestionState.LOCKED.value),
        When(accepted_answer_id__isnull=False, then=QuestionState.SOLVED.value),
        When(other_answer_count__gt=-new_answers_by_others, then=QuestionState.ANSWERED.value),
        default=QuestionState.UNANSWERED.value,
    )


def derived_state_sql(
    new_answers_by_others: str = "0", accepted_answer: str = "accepted_answer_id"
) -> str:
    """`derived_state` in SQL, for the statements written by hand (forum.actions.answers and
    acceptance), with the answers by others that the same UPDATE adds, and the accepted answer
    it sets, as SQL expressions. A test holds the two to the same state for every combination
    of the facts."""
    return (
        f"CASE WHEN locked_at IS NOT NULL THEN '{QuestionState.LOCKED.value}'"
        f" WHEN {accepted_answer} IS NOT NULL THEN '{QuestionState.SOLVED.value}'"
        f" WHEN other_answer_count + {new_answers_by_others} > 0"
        f" THEN '{QuestionState.ANSWERED.value}'"
        f" ELSE '{QuestionState.UNANSWERED.value}' END"
    )


async def refresh_state(question_id: int) -> None:
    """Recompute and store the state in one statement; call inside the transaction that changed
    the facts (locked, accepted answer, answers by others)."""
    await Question.filter(id=question_id).update(state=derived_state())


def _validate(errors: v.Errors, *, title: Any, body: Any) -> tuple[str, str]:
    title_text = v.text(
        errors, "title", title, min_len=TITLE[0], max_len=TITLE[1], label=_("Title")
    )
    body_text = v.text(errors, "body", body, min_len=BODY[0], max_len=BODY[1], label=_("Body"))
    return title_text, body_text


async def check_create_question(
    *,
    acting_user: User,
    board: Any,
    title: Any,
    body: Any,
    tags: Any = None,
    language: str | None = None,
    now: datetime | None = None,
) -> Question:
    require(can_post(acting_user), _("Your account cannot post."))
    errors = v.Errors()
    valid_slug = isinstance(board, str) and v.SLUG_RE.fullmatch(board)
    board_obj = await Board.get_or_none(slug=board) if valid_slug else None
    if board_obj is None:
        errors.add("board", _("Choose one of the boards."))
    title_text, body_text = _validate(errors, title=title, body=body)
    tag_list = v.tags(errors, tags)
    if valid_slug and board_obj is None and list(errors.errors) == ["board"]:
        raise NamesNothing(errors.errors)  # a well-formed slug of no board: 404
    errors.raise_if_any()
    assert board_obj is not None
    await limit_member("post", acting_user, "body")
    return await do_create_question(
        acting_user=acting_user,
        board=board_obj,
        title=title_text,
        body=body_text,
        tags=tag_list,
        language=language or acting_user.locale,
        now=now,
    )


async def do_create_question(
    *,
    acting_user: User,
    board: Board,
    title: str,
    body: str,
    tags: list[str],
    language: str,
    now: datetime | None = None,
) -> Question:
    now = resolve(now)
    async with in_transaction():
        question = await Question.create(
            board=board,
            author=acting_user,
            title=title,
            body=body,
            body_html=render_markdown(body),
            tags=tags,
            language=language,
            state=QuestionState.UNANSWERED,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        if tags:
            await QuestionTag.bulk_create([QuestionTag(question=question, tag=t) for t in tags])
        await Board.filter(id=board.id).update(question_count=F("question_count") + 1)
        await SlaTimer.create(question=question, due_at=now + timedelta(hours=board.sla_hours))
        await follow_as_participant(question.id, acting_user.id, now=now)
        if board.urgent or is_urgent(title, body):
            await open_escalation(question.id, EscalationReason.URGENT, now=now)
    return question


async def check_edit_question(
    question: Question,
    *,
    acting_user: User,
    title: Any = None,
    body: Any = None,
    now: datetime | None = None,
) -> Question:
    """Keeps the previous title and body as a revision; an edit that changes nothing is a no-op."""
    require(
        can_edit_post(acting_user, question.author_id),  # type: ignore[attr-defined]
        _("You can only edit your own questions."),
    )
    errors = v.Errors()
    new_title, new_body = _validate(
        errors,
        title=question.title if title is None else title,
        body=question.body if body is None else body,
    )
    errors.raise_if_any()
    if new_title == question.title and new_body == question.body:
        return question
    now = resolve(now)
    html = render_markdown(new_body)
    async with in_transaction():
        # Conditional on the text this edit started from: of two edits at once, the second is
        # refused instead of silently dropping the first from the history.
        changed = await Question.filter(
            id=question.id, title=question.title, body=question.body
        ).update(
            title=new_title, body=new_body, body_html=html, updated_at=now, last_activity_at=now
        )
        # Not "== 1": SQLite counts the search index's trigger writes too (migration 0006).
        if not changed:
            raise Conflict(_("Someone else edited this post at the same moment; reload."))
        await Revision.create(
            question=question,
            editor=acting_user,
            old_title=question.title,
            old_body=question.body,
            created_at=now,
        )
    await question.refresh_from_db()
    return question
