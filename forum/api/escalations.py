"""API: "Ask staff" for the asker; the queue, claims, releases, reassignments and resolutions
for staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from typing_extensions import TypedDict

from forum.actions.escalations import (
    check_ask_staff,
    check_claim,
    check_reassign,
    check_release,
    check_reopen,
    check_resolve,
)
from forum.api.base import ok, path_id
from forum.api.contract import Body, Paging, Query, Unset, Username, endpoint, text
from forum.clock import utcnow
from forum.escalation_queries import get_queue_metrics
from forum.models import (
    Escalation,
    EscalationReason,
    EscalationState,
    Resolution,
    User,
)
from forum.permissions import access_escalation, access_question, require_staff
from forum.queries import MAX_LIMIT, find_user, get_escalation, list_escalations


class QueueQuery(Paging):
    state: EscalationState = Unset
    reason: EscalationReason = Unset
    tab: Literal["open", "mine", "breached", "resolved"] = Unset
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50


class MetricsQuery(Query):
    days: Literal["7", "30"] = "7"


class ReassignBody(Body):
    to: Username


class ResolveBody(Body):
    resolution: Resolution
    note: Annotated[str, text(0, 1000)] = ""


class Escalated(TypedDict):
    escalation_id: int


class ItemOut(TypedDict):
    id: int
    question_id: int
    title: str
    board: str
    reason: EscalationReason
    state: EscalationState
    opened_at: datetime
    due_at: datetime
    first_response_at: datetime | None
    claimed_by: str | None
    breached: bool
    resolution: Resolution | None
    note: str
    resolved_at: datetime | None


class QueueOut(TypedDict):
    items: list[ItemOut]
    next_cursor: str | None


class MetricsOut(TypedDict):
    days: int
    since: datetime
    backlog: int
    backlog_by_age: dict[str, int]
    opened: int
    breached: int
    breach_rate: float | None
    median_first_response_minutes: float | None
    questions: int
    answered_within_24h_share: float | None
    answered_within_72h_share: float | None
    median_first_answer_minutes: float | None
    community_solved_rate: float | None
    escalation_rate: float | None


def item_body(row: dict[str, Any]) -> ItemOut:
    return {
        "id": row["id"],
        "question_id": row["question_id"],
        "title": row["title"],
        "board": row["board"],
        "reason": row["reason"],
        "state": row["state"],
        "opened_at": row["opened_at"],
        "due_at": row["due_at"],
        "first_response_at": row["first_response_at"],
        "claimed_by": row["claimed_by"],
        "breached": row["breached"],
        "resolution": row["resolution"] or None,
        "note": row["note"],
        "resolved_at": row["resolved_at"],
    }


async def escalate(request: Request, user: User) -> Response:
    question = await access_question(path_id(request))
    item_id, created = await check_ask_staff(question, acting_user=user)
    return ok(Escalated(escalation_id=item_id), status_code=201 if created else 200)


async def index(request: Request, user: User, query: QueueQuery) -> QueueOut:
    page = await list_escalations(
        user,
        state=query.state,
        reason=query.reason,
        tab=query.tab,
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [item_body(r) for r in page.items], "next_cursor": page.next_cursor}


async def _act(
    request: Request, user: User, act: Callable[[Escalation], Awaitable[Escalation]]
) -> ItemOut:
    item = await access_escalation(path_id(request))
    return item_body(await get_escalation(await act(item)))


async def claim(request: Request, user: User) -> ItemOut:
    return await _act(request, user, lambda item: check_claim(item, acting_user=user))


async def release(request: Request, user: User) -> ItemOut:
    return await _act(request, user, lambda item: check_release(item, acting_user=user))


async def reassign(request: Request, user: User, body: ReassignBody) -> ItemOut:
    to = await find_user(body.to)
    return await _act(request, user, lambda item: check_reassign(item, to, acting_user=user))


async def resolve(request: Request, user: User, body: ResolveBody) -> ItemOut:
    return await _act(
        request,
        user,
        lambda item: check_resolve(
            item, resolution=body.resolution.value, note=body.note, acting_user=user
        ),
    )


async def reopen(request: Request, user: User) -> ItemOut:
    return await _act(request, user, lambda item: check_reopen(item, acting_user=user))


async def metrics(request: Request, user: User, query: MetricsQuery) -> MetricsOut:
    shown = await get_queue_metrics(now=utcnow(), days=int(query.days))
    return shown.as_dict()  # type: ignore[return-value]


def _staff(method: str, path: str, handler: Any, summary: str) -> Any:
    return endpoint(method, path, handler, f"{summary} (staff)", requires=require_staff)


routes = [
    _staff(
        "GET",
        "/escalations/metrics",
        metrics,
        "The staff dashboard's figures for the last 7 or 30 days",
    ),
    endpoint(
        "POST",
        "/questions/{id:int}/escalate",
        escalate,
        "Ask staff (the asker, on an unsolved question at least 24 h old; earlier is a 409): "
        "201 with the new item, 200 with the one already open",
        status=201,
        also=(200,),
        answer=Escalated,
    ),
    _staff("GET", "/escalations", index, "The staff queue, soonest due first"),
    _staff("POST", "/escalations/{id:int}/claim", claim, "Claim an open item (409 if taken)"),
    _staff("POST", "/escalations/{id:int}/release", release, "Release your claim"),
    _staff(
        "POST",
        "/escalations/{id:int}/reassign",
        reassign,
        "Give the item to another staff member",
    ),
    _staff(
        "POST",
        "/escalations/{id:int}/resolve",
        resolve,
        "Resolve with a resolution and an optional note",
    ),
    _staff(
        "POST",
        "/escalations/{id:int}/reopen",
        reopen,
        "Put a resolved item back in the queue (409 if another is open for it)",
    ),
]
