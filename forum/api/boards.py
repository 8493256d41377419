"""API: the list of boards."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok
from forum.queries import list_boards


async def boards(request: Request) -> Response:
    rows = await list_boards()
    return ok(
        {
            "items": [
                {
                    k: row[k]
                    for k in (
                        "slug",
                        "name",
                        "description",
                        "sla_hours",
                        "urgent",
                        "question_count",
                    )
                }
                for row in rows
            ]
        }
    )


routes = [Route("/boards", boards, methods=["GET"])]
