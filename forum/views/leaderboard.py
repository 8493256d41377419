"""Page: the leaderboard, by period and board."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum import pagecache
from forum.errors import ValidationFailed
from forum.leaderboard_queries import ALL_TIME, current_period, get_leaderboard
from forum.queries import list_boards
from forum.settings import get_settings
from forum.web import render
from rewards.periods import previous


@pagecache.for_visitors
async def leaderboard(request: Request) -> Response:
    period = request.query_params.get("period", "")
    board = request.query_params.get("board", "")
    errors: dict[str, str] = {}
    try:
        shown = await get_leaderboard(period, board)
    except ValidationFailed as exc:
        errors, period = exc.errors, ""
        shown = await get_leaderboard(None, board)
    now = current_period()
    context = {
        "leaders": shown,
        "boards": await list_boards(),
        "chosen_board": board,
        "periods": [now.label, previous(now, get_settings().payout_period).label, ALL_TIME],
        "chosen_period": period or now.label,
        "errors": errors,
    }
    return await render(
        request, "forum/leaderboard.html", context, status_code=400 if errors else 200
    )


routes = [Route("/leaderboard", leaderboard, name="leaderboard")]
