"""API: follow and unfollow a question, and the questions you follow."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.follows import check_set_following
from forum.api.base import ok, page_body, path_id, question_summary, require_api_user
from forum.permissions import follow_target
from forum.queries import list_questions, parse_limit


async def follow(request: Request) -> Response:
    return await _set(request, following=True)


async def unfollow(request: Request) -> Response:
    return await _set(request, following=False)


async def _set(request: Request, *, following: bool) -> Response:
    user = await require_api_user(request)
    question = await follow_target(path_id(request), user, following=following)
    state = await check_set_following(question, acting_user=user, following=following)
    return ok({"question_id": question.id, "following": state})


async def following(request: Request) -> Response:
    user = await require_api_user(request)
    params = request.query_params
    page = await list_questions(
        followed_by=user,
        sort="active",
        cursor=params.get("cursor") or None,
        limit=parse_limit(params.get("limit")),
    )
    return ok(page_body(page, question_summary))


routes = [
    Route("/questions/{id:int}/follow", follow, methods=["PUT"]),
    Route("/questions/{id:int}/follow", unfollow, methods=["DELETE"]),
    Route("/me/following", following, methods=["GET"]),
]
