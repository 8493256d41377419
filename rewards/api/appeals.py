"""API: a member appeals a payout line; finance lists a batch's appeals and answers them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.base import path_id
from forum.api.contract import Body, endpoint, text
from forum.models import User
from rewards.actions.appeals import DECISIONS, MESSAGE, check_answer_appeal, check_appeal_line
from rewards.appeal_queries import list_appeals
from rewards.models import AppealState, PayoutAppeal
from rewards.permissions import access_appeal, access_batch, access_own_line, require_payouts


class AppealBody(Body):
    message: Annotated[str, text(*MESSAGE)]


class DecisionBody(Body):
    decision: Literal[DECISIONS]  # type: ignore[valid-type]
    reason: Annotated[str, text(3, 500)]


class AppealOut(TypedDict):
    id: int
    line_id: int
    message: str
    state: AppealState
    answer: str
    created_at: datetime
    decided_at: datetime | None


class AppealRow(AppealOut):
    """An appeal in finance's list: whose, about which line."""

    member_id: int
    member: str
    line_state: str
    points: int
    decided_by: str | None


class Appeals(TypedDict):
    items: list[AppealRow]
    next_cursor: str | None


async def appeal(request: Request, user: User, body: AppealBody) -> AppealOut:
    line = await access_own_line(user, path_id(request, "line_id"))
    return _body(await check_appeal_line(line, body.message, acting_user=user))


async def index(request: Request, user: User) -> Appeals:
    batch = await access_batch(path_id(request))
    items: list[Any] = await list_appeals(batch)
    return {"items": items, "next_cursor": None}


async def answer(request: Request, user: User, body: DecisionBody) -> AppealOut:
    batch = await access_batch(path_id(request))
    found = await access_appeal(batch, path_id(request, "appeal_id"))
    answered = await check_answer_appeal(found, body.decision, reason=body.reason, acting_user=user)
    return _body(answered)


def _body(appeal: PayoutAppeal) -> AppealOut:
    return {
        "id": appeal.id,
        "line_id": appeal.line_id,  # type: ignore[attr-defined]
        "message": appeal.message,
        "state": appeal.state,
        "answer": appeal.answer,
        "created_at": appeal.created_at,
        "decided_at": appeal.decided_at,
    }


routes = [
    endpoint(
        "POST",
        "/me/payout-lines/{line_id:int}/appeal",
        appeal,
        "Appeal your held, rejected or forfeited payout line (once per line)",
        status=201,
    ),
    endpoint(
        "GET",
        "/payouts/{id:int}/appeals",
        index,
        "The appeals about a batch's lines, open ones first (finance)",
        requires=require_payouts,
    ),
    endpoint(
        "POST",
        "/payouts/{id:int}/appeals/{appeal_id:int}",
        answer,
        "Answer an appeal: upheld or overturned, with a reason the member reads (finance, not "
        "about their own line)",
        requires=require_payouts,
    ),
]
