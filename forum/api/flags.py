"""API: members flag questions and answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.flags import Post, check_flag
from forum.api.base import path_id
from forum.api.contract import Body, endpoint
from forum.models import Flag, FlagReason, User
from forum.permissions import access_answer, access_question


class FlagBody(Body):
    reason: FlagReason


class FlagOut(TypedDict):
    id: int
    post: str
    reason: FlagReason


async def _flag(
    request: Request, user: User, body: FlagBody, find: Callable[[int], Awaitable[Post]]
) -> FlagOut:
    post = await find(path_id(request))
    flag = await check_flag(post, body.reason.value, acting_user=user)
    return flag_body(flag)


def flag_body(flag: Flag) -> FlagOut:
    return {"id": flag.id, "post": flag.post_key, "reason": flag.reason}


async def flag_question(request: Request, user: User, body: FlagBody) -> FlagOut:
    return await _flag(request, user, body, access_question)


async def flag_answer(request: Request, user: User, body: FlagBody) -> FlagOut:
    return await _flag(request, user, body, access_answer)


_SUMMARY = "Flag {} as spam, offensive or off-topic (again: 409; 5 a day: then 429)"

routes = [
    endpoint(
        "POST",
        "/questions/{id:int}/flags",
        flag_question,
        _SUMMARY.format("a question"),
        status=201,
    ),
    endpoint(
        "POST", "/answers/{id:int}/flags", flag_answer, _SUMMARY.format("an answer"), status=201
    ),
]
