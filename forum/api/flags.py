"""API: members flag questions and answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.flags import Post, check_flag
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.models import Flag
from forum.permissions import access_answer, access_question


async def _flag(request: Request, find: Callable[[int], Awaitable[Post]]) -> Response:
    user = await require_api_user(request)  # who asks, before what they ask about
    post = await find(path_id(request))
    data = await json_body(request)
    flag = await check_flag(post, data.get("reason"), acting_user=user)
    return ok(flag_body(flag), status_code=201)


def flag_body(flag: Flag) -> dict[str, object]:
    return {"id": flag.id, "post": flag.post_key, "reason": flag.reason.value}


async def flag_question(request: Request) -> Response:
    return await _flag(request, access_question)


async def flag_answer(request: Request) -> Response:
    return await _flag(request, access_answer)


routes = [
    Route("/questions/{id:int}/flags", flag_question, methods=["POST"]),
    Route("/answers/{id:int}/flags", flag_answer, methods=["POST"]),
]
