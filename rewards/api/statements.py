"""API: a member's payout statements, one per period."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok, require_api_user
from forum.clock import utcnow
from rewards.payout_queries import list_statements


async def my_statements(request: Request) -> Response:
    member = await require_api_user(request)
    return ok({"items": await list_statements(member, now=utcnow())})


routes = [Route("/me/statements", my_statements, methods=["GET"])]
