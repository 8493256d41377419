"""API: the per-period figures for finance and staff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import Query, Slug, Unset, endpoint
from forum.clock import utcnow
from forum.models import User
from rewards.kpi_queries import MAX_PERIODS, list_kpis, parse_board
from rewards.permissions import require_kpis


class KpiQuery(Query):
    periods: Annotated[int, Field(ge=1, le=MAX_PERIODS)] = 12
    board: Slug = Unset


class PeriodKpisOut(TypedDict):
    period: str
    starts_at: datetime
    cutoff: datetime
    questions: int
    median_first_answer_minutes: float | None
    p90_first_answer_minutes: float | None
    answered_within_24h_share: float | None
    answered_within_72h_share: float | None
    escalation_rate: float | None
    community_solved_rate: float | None
    community_solved: int
    earned_points: int
    cost_per_solved_question: str | None


class KpisOut(TypedDict):
    board: str | None
    periods: list[PeriodKpisOut]


async def index(request: Request, user: User, query: KpiQuery) -> KpisOut:
    board = await parse_board(query.board)
    rows = await list_kpis(now=utcnow(), periods=query.periods, board=board)
    return {"board": board, "periods": [row.as_dict() for row in rows]}  # type: ignore[misc]


routes = [
    endpoint(
        "GET",
        "/reports/kpis",
        index,
        "Per-period figures: time to first answer, answered within 24/72 h, escalation and"
        " community-solved rates, cost per solved question (staff, finance)",
        requires=require_kpis,
    )
]
