"""API: the leaderboard, by period and board (as its page shows it)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import ok
from forum.leaderboard_queries import ALL_TIME, get_leaderboard


async def leaderboard(request: Request) -> Response:
    params = request.query_params
    shown = await get_leaderboard(params.get("period"), params.get("board"))
    return ok(
        {
            "period": shown.period.label if shown.period else ALL_TIME,
            "board": shown.board.slug if shown.board else None,
            "by_points": [
                {"username": r["username"], "display_name": r["display_name"] or r["username"],
                 "points": int(r["points"])}
                for r in shown.by_points
            ],
            "by_accepted": [
                {"username": r["username"], "display_name": r["display_name"] or r["username"],
                 "accepted_answers": int(r["accepted"])}
                for r in shown.by_accepted
            ],
        }
    )  # fmt: skip


routes = [Route("/leaderboard", leaderboard, methods=["GET"])]
