"""API: a member's payout statements, one per period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.base import ItemPage
from forum.api.contract import endpoint
from forum.clock import utcnow
from forum.models import User
from rewards.payout_queries import list_statements


class Reversal(TypedDict):
    kind: str
    amount: int
    reason: str
    created_at: datetime


class StatementOut(TypedDict):
    period: str
    starts_at: datetime
    cutoff: datetime
    state: str
    earned: int
    reversed: int
    reversals: list[Reversal]
    line_state: str | None
    line_id: int | None
    appeal: dict[str, Any] | None
    paid: int
    points: int
    method: str | None
    amount: str | None
    currency: str
    paid_at: datetime | None


async def my_statements(request: Request, user: User) -> ItemPage[StatementOut]:
    # One per period, every period on one page (API.md's list shape: no next page).
    statements: list[Any] = await list_statements(user, now=utcnow())
    return {"items": statements, "next_cursor": None}


routes = [
    endpoint(
        "GET",
        "/me/statements",
        my_statements,
        "Your payout statement per period: earned, reversed, paid, method, amount",
    )
]
