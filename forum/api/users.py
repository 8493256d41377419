"""API: an admin sets roles; staff suspend members."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.users import check_set_role, check_suspend_user
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.permissions import access_user


async def set_role(request: Request) -> Response:
    actor = await require_api_user(request)
    target = await access_user(path_id(request))
    data = await json_body(request)
    target = await check_set_role(target, data.get("role"), acting_user=actor)
    return ok({"id": target.id, "username": target.username, "role": target.role.value})


async def suspend(request: Request) -> Response:
    actor = await require_api_user(request)
    target = await access_user(path_id(request))
    data = await json_body(request)
    target = await check_suspend_user(target, data.get("reason"), acting_user=actor)
    return ok(
        {
            "id": target.id,
            "username": target.username,
            "suspended": True,
            "suspended_at": target.suspended_at,
        }
    )


routes = [
    Route("/admin/users/{id:int}/role", set_role, methods=["POST"]),
    Route("/admin/users/{id:int}/suspend", suspend, methods=["POST"]),
]
