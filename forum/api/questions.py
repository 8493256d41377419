"""API: list, read, ask and edit questions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.duplicates import check_close_as_duplicate
from forum.actions.questions import check_create_question, check_edit_question
from forum.api.base import (
    api_user,
    json_body,
    ok,
    page_body,
    path_id,
    question_detail,
    question_summary,
    require_api_user,
    user_ref,
)
from forum.errors import ValidationFailed
from forum.models import User
from forum.permissions import access_visible_question
from forum.queries import get_board, get_question_page, list_questions, parse_limit


async def list_(request: Request) -> Response:
    params = request.query_params
    if params.get("q"):
        raise ValidationFailed({"q": "full-text search is not available yet; list without q."})
    board = await get_board(params["board"]) if params.get("board") else None
    page = await list_questions(
        board=board,
        tag=(params.get("tag") or "").lower() or None,
        state=params.get("state") or None,
        sort=params.get("sort") or "newest",
        cursor=params.get("cursor") or None,
        limit=parse_limit(params.get("limit")),
    )
    return ok(page_body(page, question_summary))


async def detail(request: Request) -> Response:
    user = await api_user(request)
    page = await get_question_page(path_id(request), viewer=user)
    accepted = page.question.accepted_answer_id
    body = question_detail(page.question)
    body["following"] = page.following if user else None  # whether the caller follows it
    body["answers"] = [
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
    ]
    return ok(body)


async def create(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    question = await check_create_question(
        acting_user=user,
        board=data.get("board"),
        title=data.get("title"),
        body=data.get("body"),
        tags=data.get("tags"),
    )
    return await _saved(question.id, 201, user)


async def update(request: Request) -> Response:
    user = await require_api_user(request)
    question = await access_visible_question(path_id(request), user)
    data = await json_body(request)
    await check_edit_question(
        question, acting_user=user, title=data.get("title"), body=data.get("body")
    )
    return await _saved(question.id, 200, user)


async def close_as_duplicate(request: Request) -> Response:
    user = await require_api_user(request)
    question = await access_visible_question(path_id(request), user)
    data = await json_body(request)
    await check_close_as_duplicate(question, data.get("original"), acting_user=user)
    return await _saved(question.id, 200, user)


async def _saved(question_id: int, status_code: int, author: User) -> Response:
    page = await get_question_page(question_id, viewer=author)
    return ok(question_detail(page.question), status_code=status_code)


routes = [
    Route("/questions", list_, methods=["GET"]),
    Route("/questions", create, methods=["POST"]),
    Route("/questions/{id:int}", detail, methods=["GET"]),
    Route("/questions/{id:int}", update, methods=["PATCH"]),
    Route("/questions/{id:int}/duplicate", close_as_duplicate, methods=["POST"]),
]
