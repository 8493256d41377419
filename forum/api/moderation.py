"""API: staff hide, restore and remove posts, lock questions and unsuspend members; admins read
the audit log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.flags import Post, post_key
from forum.actions.moderation import check_lock_question, check_moderate_post
from forum.actions.users import check_unsuspend_user
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.permissions import access_answer, access_question, access_user, require_audit
from forum.queries import list_audit, parse_limit


def post_body(post: Post) -> dict[str, Any]:
    return {"post": post_key(post), "id": post.id, "visibility": post.visibility.value}


async def _moderate(request: Request, find: Callable[[int], Awaitable[Post]]) -> Response:
    user = await require_api_user(request)  # who asks, before what they ask about
    post = await find(path_id(request))
    data = await json_body(request)
    post = await check_moderate_post(
        post, data.get("action"), note=data.get("note"), acting_user=user
    )
    return ok(post_body(post))


async def moderate_question(request: Request) -> Response:
    return await _moderate(request, access_question)


async def moderate_answer(request: Request) -> Response:
    return await _moderate(request, access_answer)


async def _lock(request: Request, locked: bool) -> Response:
    user = await require_api_user(request)
    question = await access_question(path_id(request))
    data = await json_body(request)
    question = await check_lock_question(question, locked, note=data.get("note"), acting_user=user)
    return ok({"id": question.id, "state": question.state.value, "locked_at": question.locked_at})


async def lock(request: Request) -> Response:
    return await _lock(request, True)


async def unlock(request: Request) -> Response:
    return await _lock(request, False)


async def unsuspend(request: Request) -> Response:
    actor = await require_api_user(request)
    target = await check_unsuspend_user(await access_user(path_id(request)), acting_user=actor)
    return ok({"id": target.id, "username": target.username, "suspended": False})


async def audit_log(request: Request) -> Response:
    require_audit(await require_api_user(request))
    params = request.query_params
    page = await list_audit(
        action=params.get("action"),
        actor=params.get("actor"),
        cursor=params.get("cursor"),
        limit=parse_limit(params.get("limit"), default=50),
    )
    return ok({"items": page.items, "next_cursor": page.next_cursor})


routes = [
    Route("/questions/{id:int}/moderation", moderate_question, methods=["POST"]),
    Route("/answers/{id:int}/moderation", moderate_answer, methods=["POST"]),
    Route("/questions/{id:int}/lock", lock, methods=["POST"]),
    Route("/questions/{id:int}/lock", unlock, methods=["DELETE"]),
    Route("/admin/users/{id:int}/unsuspend", unsuspend, methods=["POST"]),
    Route("/admin/audit", audit_log, methods=["GET"]),
]
