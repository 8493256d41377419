"""API: list, read, ask and edit questions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.duplicates import check_close_as_duplicate
from forum.actions.questions import BODY, TITLE, check_create_question, check_edit_question
from forum.api.base import (
    ItemPage,
    QuestionOut,
    QuestionSummary,
    UserRef,
    page_body,
    path_id,
    question_detail,
    question_summary,
    user_ref,
)
from forum.api.contract import Body, Id, Link, Paging, Slug, Unset, endpoint, text
from forum.errors import ValidationFailed
from forum.models import QuestionState, User
from forum.permissions import access_visible_question
from forum.queries import get_board, get_question_page, list_questions

# As forum.validation.tags takes them: any case (kept lower-case), repeats kept once.
Tag = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,29}$",
        description="1 to 30 letters, digits or dashes (kept lower-case)",
    ),
]


class QuestionsQuery(Paging):
    board: Slug = Unset
    tag: Tag = Unset
    state: QuestionState = Unset
    sort: Literal["newest", "active"] = "newest"


class NewQuestion(Body):
    board: Slug
    title: Annotated[str, text(*TITLE)]
    body: Annotated[str, text(*BODY)]
    tags: Annotated[list[Tag], Field(max_length=5)] = []


class QuestionChange(Body):
    """Only the fields sent change."""

    title: Annotated[str, text(*TITLE)] = Unset
    body: Annotated[str, text(*BODY)] = Unset


class DuplicateBody(Body):
    original: Id


class AnswerInQuestion(TypedDict):
    id: int
    body: str
    body_html: str
    author: UserRef
    is_staff: bool
    kudos: int
    accepted: bool
    created_at: datetime
    updated_at: datetime


class QuestionPage(QuestionOut):
    following: bool | None  # whether the caller follows it (null without a token)
    answers: list[AnswerInQuestion]


async def list_(request: Request, query: QuestionsQuery) -> ItemPage[QuestionSummary]:
    if request.query_params.get("q"):
        raise ValidationFailed({"q": "full-text search is /api/v1/search; list without q."})
    page = await list_questions(
        board=await get_board(query.board) if query.board else None,
        tag=query.tag.lower() if query.tag else None,
        state=query.state,
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
    )
    return page_body(page, question_summary)


async def detail(request: Request, user: User | None) -> QuestionPage:
    page = await get_question_page(path_id(request), viewer=user)
    accepted = page.question.accepted_answer_id
    return {
        **question_detail(page.question),
        "following": page.following if user else None,
        "answers": [
            {
                "id": a["id"],
                "body": a["body"],
                "body_html": a["body_html"],
                "author": user_ref(a["author_username"], a["author_display_name"]),
                "is_staff": a["is_staff"],
                "kudos": a["kudos_count"],
                "accepted": a["id"] == accepted,
                "created_at": a["created_at"],
                "updated_at": a["updated_at"],
            }
            for a in page.answers
        ],
    }


async def create(request: Request, user: User, body: NewQuestion) -> QuestionOut:
    question = await check_create_question(
        acting_user=user, board=body.board, title=body.title, body=body.body, tags=body.tags
    )
    return await _saved(question.id, user)


async def update(request: Request, user: User, body: QuestionChange) -> QuestionOut:
    question = await access_visible_question(path_id(request), user)
    await check_edit_question(question, acting_user=user, title=body.title, body=body.body)
    return await _saved(question.id, user)


async def close_as_duplicate(request: Request, user: User, body: DuplicateBody) -> QuestionOut:
    question = await access_visible_question(path_id(request), user)
    await check_close_as_duplicate(question, body.original, acting_user=user)
    return await _saved(question.id, user)


async def _saved(question_id: int, author: User) -> QuestionOut:
    page = await get_question_page(question_id, viewer=author)
    return question_detail(page.question)


_READ = Link("GetQuestion", "questions.detail", {"id": "$response.body#/id"})
_ANSWER = Link("AnswerQuestion", "answers.create", {"id": "$response.body#/id"})

routes = [
    endpoint(
        "GET",
        "/questions",
        list_,
        "List questions, newest or latest active first (keyset pagination)",
    ),
    endpoint("POST", "/questions", create, "Ask a question", status=201, links=(_READ, _ANSWER)),
    endpoint("GET", "/questions/{id:int}", detail, "A question with its answers"),
    endpoint(
        "PATCH",
        "/questions/{id:int}",
        update,
        "Edit a question (the author or staff; keeps a revision)",
    ),
    endpoint(
        "POST",
        "/questions/{id:int}/duplicate",
        close_as_duplicate,
        "Close a question as a duplicate of another: staff, or a member of the top rank when "
        "the question is neither locked nor in staff's hands. Locked, it points to the original, "
        "its open staff items resolve as duplicate",
    ),
]
