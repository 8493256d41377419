"""Pages: a member's "My points": balance, reserved, paid, statements per period and every
entry, newest first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.clock import utcnow
from forum.web import render, require_viewer
from rewards.payout_queries import list_statements
from rewards.queries import get_points, list_entries


async def my_points(request: Request) -> Response:
    user = await require_viewer(request)
    page = await list_entries(user, cursor=request.query_params.get("cursor") or None)
    return await render(
        request,
        "rewards/points_list.html",
        {
            "points": await get_points(user),
            "page": page,
            "member": user,
            "statements": await list_statements(user, now=utcnow()),
        },
    )


routes = [Route("/points", my_points, name="points")]
