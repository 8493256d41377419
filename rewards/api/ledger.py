"""API for finance: the reconciliation, manual adjustments and fraud reversals."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import json_body, ok, require_api_user
from forum.models import User
from forum.permissions import require
from rewards.actions.adjustments import check_fraud_reversal, check_post_adjustment
from rewards.models import Transfer
from rewards.permissions import can_manage_ledger
from rewards.queries import get_member, reconcile


async def check(request: Request) -> Response:
    user = await require_api_user(request)
    require(can_manage_ledger(user), "Only finance can reconcile the ledger.")
    result = await reconcile()
    return ok(
        {
            "ok": result.ok,
            "accounts": result.accounts,
            "transfers": result.transfers,
            "problems": result.problems,
        }
    )


async def adjust(request: Request) -> Response:
    actor = await require_api_user(request)
    data = await json_body(request)
    member = await get_member(data.get("member"))
    transfer = await check_post_adjustment(
        member,
        points=data.get("points"),
        reason=data.get("reason"),
        acting_user=actor,
        key=data.get("key"),
    )
    return ok(transfer_body(transfer, member), status_code=201)


async def fraud_reversal(request: Request) -> Response:
    actor = await require_api_user(request)
    data = await json_body(request)
    member = await get_member(data.get("member"))
    reversals = await check_fraud_reversal(
        member,
        reason=data.get("reason"),
        acting_user=actor,
        question_id=data.get("question_id"),
        since=data.get("since"),
        until=data.get("until"),
    )
    return ok({"reversals": [transfer_body(t, member) for t in reversals]}, status_code=201)


def transfer_body(transfer: Transfer, member: User) -> dict[str, Any]:
    return {
        "id": transfer.id,
        "kind": transfer.kind.value,
        "amount": transfer.amount,
        "member": member.username,
        "reverses": transfer.reverses_id,  # type: ignore[attr-defined]
        "reason": transfer.reason,
        "created_at": transfer.created_at,
    }


routes = [
    Route("/ledger/check", check, methods=["GET"]),
    Route("/ledger/adjustments", adjust, methods=["POST"]),
    Route("/ledger/fraud-reversals", fraud_reversal, methods=["POST"]),
]
