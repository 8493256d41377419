"""API: a member appeals a payout line; finance lists a batch's appeals and answers them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import json_body, ok, path_id, require_api_user
from rewards.actions.appeals import check_answer_appeal, check_appeal_line
from rewards.appeal_queries import list_appeals
from rewards.models import PayoutAppeal
from rewards.permissions import access_appeal, access_batch, access_own_line, require_payouts


async def appeal(request: Request) -> Response:
    user = await require_api_user(request)
    line = await access_own_line(user, path_id(request, "line_id"))
    data = await json_body(request)
    made = await check_appeal_line(line, data.get("message"), acting_user=user)
    return ok(_body(made), status_code=201)


async def index(request: Request) -> Response:
    require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    return ok({"items": await list_appeals(batch), "next_cursor": None})


async def answer(request: Request) -> Response:
    user = require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    found = await access_appeal(batch, path_id(request, "appeal_id"))
    data = await json_body(request)
    answered = await check_answer_appeal(
        found, data.get("decision"), reason=data.get("reason"), acting_user=user
    )
    return ok(_body(answered))


def _body(appeal: PayoutAppeal) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "line_id": appeal.line_id,  # type: ignore[attr-defined]
        "message": appeal.message,
        "state": appeal.state.value,
        "answer": appeal.answer,
        "created_at": appeal.created_at,
        "decided_at": appeal.decided_at,
    }


routes = [
    Route("/me/payout-lines/{line_id:int}/appeal", appeal, methods=["POST"]),
    Route("/payouts/{id:int}/appeals", index, methods=["GET"]),
    Route("/payouts/{id:int}/appeals/{appeal_id:int}", answer, methods=["POST"]),
]
