"""API: your own points, and finance's view of any member's."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok, path_id, require_api_user
from forum.models import User
from forum.permissions import access_user, require
from forum.queries import parse_limit
from rewards.permissions import can_see_points
from rewards.queries import get_points, list_entries


async def points_body(request: Request, member: User) -> dict[str, Any]:
    params = request.query_params
    points = await get_points(member)
    page = await list_entries(
        member, cursor=params.get("cursor") or None, limit=parse_limit(params.get("limit"))
    )
    return {
        "member": {"id": member.id, "username": member.username},
        "balance": points.balance,
        "reserved": points.reserved,
        "paid": points.paid,
        "entries": page.items,
        "next_cursor": page.next_cursor,
    }


async def my_points(request: Request) -> Response:
    return ok(await points_body(request, await require_api_user(request)))


async def member_points(request: Request) -> Response:
    viewer = await require_api_user(request)
    member = await access_user(path_id(request))
    require(can_see_points(viewer, member), "You can only see your own points.")
    return ok(await points_body(request, member))


routes = [
    Route("/me/points", my_points, methods=["GET"]),
    Route("/ledger/members/{id:int}/points", member_points, methods=["GET"]),
]
