"""API: an admin sets roles and addresses; staff suspend members."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.users import check_set_email, check_set_role, check_suspend_user
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.models import User
from forum.permissions import access_user


async def set_role(request: Request) -> Response:
    actor, target, data = await _acting_on_user(request)
    target = await check_set_role(target, data.get("role"), acting_user=actor)
    return ok({"id": target.id, "username": target.username, "role": target.role.value})


async def set_email(request: Request) -> Response:
    actor, target, data = await _acting_on_user(request)
    target = await check_set_email(target, data.get("email"), acting_user=actor)
    return ok(
        {
            "id": target.id,
            "username": target.username,
            "email": target.email,
            "email_confirmed": target.email_confirmed_at is not None,
        }
    )


async def suspend(request: Request) -> Response:
    actor, target, data = await _acting_on_user(request)
    target = await check_suspend_user(target, data.get("reason"), acting_user=actor)
    return ok(
        {
            "id": target.id,
            "username": target.username,
            "suspended": True,
            "suspended_at": target.suspended_at,
        }
    )


async def _acting_on_user(request: Request) -> tuple[User, User, dict[str, Any]]:
    """The caller, the user of the path and the JSON body."""
    actor = await require_api_user(request)
    target = await access_user(path_id(request))
    return actor, target, await json_body(request)


routes = [
    Route("/admin/users/{id:int}/role", set_role, methods=["POST"]),
    Route("/admin/users/{id:int}/email", set_email, methods=["POST"]),
    Route("/admin/users/{id:int}/suspend", suspend, methods=["POST"]),
]
