"""API for finance: the reconciliation, manual adjustments and fraud reversals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import Body, Id, Unset, Username, Whole, endpoint, text
from forum.models import User
from forum.permissions import require
from rewards.actions.adjustments import (
    MAX_ADJUSTMENT,
    check_fraud_reversal,
    check_post_adjustment,
)
from rewards.models import Transfer, TransferKind
from rewards.permissions import can_manage_ledger, require_ledger_writer
from rewards.queries import get_member, reconcile

Member = Username
Reason = Annotated[str, text(3, 500)]


_AWARE: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


def _first_moment(value: object) -> object:
    """An RFC 3339 time with its offset, or a date (2026-11-27) meaning its first UTC moment,
    as forum.validation.moment reads it."""
    if not isinstance(value, str):
        return value  # and the strict datetime refuses it
    try:
        return _AWARE.validate_strings(f"{value}T00:00:00Z" if len(value) == 10 else value)
    except ValidationError as exc:
        raise ValueError("A date (2026-11-27) or a time with a UTC offset.") from exc


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_first_moment),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    ),
]


def _not_zero(points: int) -> int:
    if points == 0:
        raise ValueError("An adjustment of 0 points changes nothing.")
    return points


class AdjustmentBody(Body):
    member: Member
    points: Annotated[
        int,
        Field(ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT, json_schema_extra={"not": {"const": 0}}),
        AfterValidator(_not_zero),
        Whole,
    ]
    reason: Reason
    key: Annotated[str, text(1, 60)] | None = None


class FraudReversalBody(Body):
    """A question's awards, or those of a time range (until before since: an empty one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["question_id"]}, {"required": ["since", "until"]}]
        }
    )

    member: Member
    reason: Reason
    question_id: Id = Unset
    # The action names question_id when neither it nor both bounds are sent.
    since: Moment = Unset
    until: Moment = Unset


class CheckOut(TypedDict):
    ok: bool
    accounts: int
    transfers: int
    problems: list[str]


class TransferOut(TypedDict):
    id: int
    kind: TransferKind
    amount: int
    member: str
    reverses: int | None
    reason: str
    created_at: datetime


class Reversals(TypedDict):
    reversals: list[TransferOut]


async def check(request: Request, user: User) -> CheckOut:
    require(can_manage_ledger(user), "Only finance can reconcile the ledger.")
    result = await reconcile()
    return {
        "ok": result.ok,
        "accounts": result.accounts,
        "transfers": result.transfers,
        "problems": result.problems,
    }


async def adjust(request: Request, user: User, body: AdjustmentBody) -> TransferOut:
    member = await get_member(body.member)
    transfer = await check_post_adjustment(
        member, points=body.points, reason=body.reason, acting_user=user, key=body.key
    )
    return transfer_body(transfer, member)


async def fraud_reversal(request: Request, user: User, body: FraudReversalBody) -> Reversals:
    member = await get_member(body.member)
    reversals = await check_fraud_reversal(
        member,
        reason=body.reason,
        acting_user=user,
        question_id=body.question_id,
        since=body.since,
        until=body.until,
    )
    return {"reversals": [transfer_body(t, member) for t in reversals]}


def transfer_body(transfer: Transfer, member: User) -> TransferOut:
    return {
        "id": transfer.id,
        "kind": transfer.kind,
        "amount": transfer.amount,
        "member": member.username,
        "reverses": transfer.reverses_id,  # type: ignore[attr-defined]
        "reason": transfer.reason,
        "created_at": transfer.created_at,
    }


routes = [
    endpoint(
        "GET",
        "/ledger/check",
        check,
        "Reconcile the ledger (the five invariants, and no line paid below zero; finance or "
        "admins)",
    ),
    endpoint(
        "POST",
        "/ledger/adjustments",
        adjust,
        "Post a manual adjustment, positive or negative (finance, never an admin)",
        status=201,
        requires=require_ledger_writer,
    ),
    endpoint(
        "POST",
        "/ledger/fraud-reversals",
        fraud_reversal,
        "Reverse a member's awards for a question or time range (finance)",
        status=201,
        requires=require_ledger_writer,
    ),
]
