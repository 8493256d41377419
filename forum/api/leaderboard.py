"""API: the leaderboard, by period and board (as its page shows it)."""

from __future__ import annotations

from typing import Annotated

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import Query, Slug, Unset, endpoint, period_label
from forum.leaderboard_queries import ALL_TIME, get_leaderboard


class LeaderboardQuery(Query):
    period: Annotated[str, period_label(ALL_TIME)] = Unset  # default: the current one
    board: Slug = Unset  # default: every board


class ByPoints(TypedDict):
    username: str
    display_name: str
    points: int


class ByAccepted(TypedDict):
    username: str
    display_name: str
    accepted_answers: int


class LeaderboardOut(TypedDict):
    period: str
    board: str | None
    by_points: list[ByPoints]
    by_accepted: list[ByAccepted]


async def leaderboard(request: Request, query: LeaderboardQuery) -> LeaderboardOut:
    shown = await get_leaderboard(query.period, query.board)
    return {
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
    }  # fmt: skip


routes = [
    endpoint(
        "GET",
        "/leaderboard",
        leaderboard,
        "The members who helped most in a period (?period=2026-11, or all; default the current "
        "one), on every board or one (?board=slug): by points earned and by accepted answers. "
        "Staff, suspended members and members whose payout line of the period is held or "
        "forfeited are left out",
    )
]
