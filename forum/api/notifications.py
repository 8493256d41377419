"""API: the member's notifications, and marking them read."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.notifications import check_mark_read
from forum.api.base import ok, require_api_user
from forum.queries import count_unread, list_notifications, parse_limit


def notification_body(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "kind": row["kind"].value}


async def index(request: Request) -> Response:
    user = await require_api_user(request)
    params = request.query_params
    page = await list_notifications(
        user, cursor=params.get("cursor") or None, limit=parse_limit(params.get("limit"), 30)
    )
    return ok(
        {
            "unread": await count_unread(user),
            "items": [notification_body(n) for n in page.items],
            "next_cursor": page.next_cursor,
        }
    )


async def mark_read(request: Request) -> Response:
    user = await require_api_user(request)
    return ok({"marked": await check_mark_read(user)})


routes = [
    Route("/me/notifications", index, methods=["GET"]),
    Route("/me/notifications/read", mark_read, methods=["POST"]),
]
