"""Pages: the member's notifications, and marking them read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.notifications import check_mark_read
from forum.auth import read_form
from forum.queries import list_notifications
from forum.web import redirect, render, require_viewer


async def index(request: Request) -> Response:
    user = await require_viewer(request)
    page = await list_notifications(user, cursor=request.query_params.get("cursor") or None)
    return await render(request, "forum/notifications_list.html", {"page": page})


async def mark_read(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    await check_mark_read(user)
    return redirect(request, "/notifications")


routes = [
    Route("/notifications", index, methods=["GET"]),
    Route("/notifications/read", mark_read, methods=["POST"]),
]
