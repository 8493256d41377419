"""API: answer a question, edit an answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.answers import BODY, check_create_answer, check_edit_answer
from forum.api.base import UserRef, path_id, user_ref
from forum.api.contract import Body, Link, endpoint, text
from forum.models import Answer, User
from forum.permissions import access_visible_answer


class AnswerBody(Body):
    body: Annotated[str, text(*BODY)]


class AnswerOut(TypedDict):
    id: int
    question_id: int
    body: str
    body_html: str
    author: UserRef
    is_staff: bool
    kudos: int
    created_at: datetime
    updated_at: datetime


def answer_body(answer: Answer, author: User) -> AnswerOut:
    return {
        "id": answer.id,
        "question_id": answer.question_id,  # type: ignore[attr-defined]
        "body": answer.body,
        "body_html": answer.body_html,
        "author": user_ref(author.username, author.display_name),
        "is_staff": answer.is_staff,
        "kudos": answer.kudos_count,
        "created_at": answer.created_at,
        "updated_at": answer.updated_at,
    }


async def create(request: Request, user: User, body: AnswerBody) -> AnswerOut:
    answer = await check_create_answer(path_id(request), acting_user=user, body=body.body)
    return answer_body(answer, user)


async def update(request: Request, user: User, body: AnswerBody) -> AnswerOut:
    answer = await access_visible_answer(path_id(request), user)
    answer = await check_edit_answer(answer, acting_user=user, body=body.body)
    await answer.fetch_related("author")
    return answer_body(answer, answer.author)


_EDIT = Link("EditAnswer", "answers.update", {"id": "$response.body#/id"})
_KUDOS = Link("GiveKudos", "kudos.give", {"id": "$response.body#/id"})

routes = [
    endpoint(
        "POST",
        "/questions/{id:int}/answers",
        create,
        "Answer a question",
        status=201,
        links=(_EDIT, _KUDOS),
    ),
    endpoint(
        "PATCH",
        "/answers/{id:int}",
        update,
        "Edit an answer (the author or staff; keeps a revision)",
    ),
]
