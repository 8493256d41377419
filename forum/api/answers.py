"""API: answer a question, edit an answer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.answers import check_create_answer, check_edit_answer
from forum.api.base import json_body, ok, path_id, require_api_user, user_ref
from forum.models import Answer, User
from forum.permissions import access_visible_answer


def answer_body(answer: Answer, author: User) -> dict[str, Any]:
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


async def create(request: Request) -> Response:
    user = await require_api_user(request)
    question_id = path_id(request)
    data = await json_body(request)
    answer = await check_create_answer(question_id, acting_user=user, body=data.get("body"))
    return ok(answer_body(answer, user), status_code=201)


async def update(request: Request) -> Response:
    user = await require_api_user(request)
    answer = await access_visible_answer(path_id(request), user)
    data = await json_body(request)
    answer = await check_edit_answer(answer, acting_user=user, body=data.get("body"))
    await answer.fetch_related("author")
    return ok(answer_body(answer, answer.author))


routes = [
    Route("/questions/{id:int}/answers", create, methods=["POST"]),
    Route("/answers/{id:int}", update, methods=["PATCH"]),
]
