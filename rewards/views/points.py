"""Pages: a member's "My points": balance, reserved, paid, statements per period and every
entry, newest first."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.clock import utcnow
from forum.models import User
from forum.web import render, require_viewer
from rewards.payout_queries import list_statements
from rewards.queries import get_points, list_entries


async def my_points(request: Request) -> Response:
    return await render_points(request, await require_viewer(request))


async def render_points(
    request: Request,
    user: User,
    appeal_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The page, also with an appeal's form shown again (`appeal_form`: line_id, message,
    errors)."""
    page = await list_entries(user, cursor=request.query_params.get("cursor") or None)
    context = {
        "points": await get_points(user),
        "page": page,
        "member": user,
        "statements": await list_statements(user, now=utcnow()),
        "appeal_form": appeal_form or {},
    }
    return await render(request, "rewards/points_list.html", context, status_code=status_code)


routes = [Route("/points", my_points, name="points")]
