"""API: a member's data, whole, and the erasure of an account (by its member or an admin)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.data_rights import check_erase_account
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.auth import auth_of
from forum.clock import utcnow
from forum.data_rights_queries import get_member_export
from forum.models import User
from forum.net import client_address
from forum.permissions import access_user


async def export(request: Request) -> Response:
    user = await require_api_user(request)
    return ok(await get_member_export(user, now=utcnow()))


async def erase_me(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    erased = await check_erase_account(
        auth_of(request), user, posts=data.get("posts"), password=data.get("password"),
        acting_user=user, address=client_address(request),
    )  # fmt: skip
    return ok(_erased(erased))


async def erase_user(request: Request) -> Response:
    actor = await require_api_user(request)
    target = await access_user(path_id(request))
    data = await json_body(request)
    erased = await check_erase_account(
        auth_of(request), target, posts=data.get("posts"), acting_user=actor
    )
    return ok(_erased(erased))


def _erased(user: User) -> dict[str, object]:
    return {"id": user.id, "username": user.username, "erased_at": user.erased_at}


routes = [
    Route("/me/export", export, methods=["GET"]),
    Route("/me/erase", erase_me, methods=["POST"]),
    Route("/admin/users/{id:int}/erase", erase_user, methods=["POST"]),
]
