"""API: "Ask staff" for the asker; the queue, claims, releases, reassignments and resolutions
for staff."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.escalations import (
    check_ask_staff,
    check_claim,
    check_reassign,
    check_release,
    check_reopen,
    check_resolve,
)
from forum.api.base import json_body, ok, path_id, require_api_user
from forum.clock import utcnow
from forum.escalation_queries import get_queue_metrics, parse_days
from forum.models import Escalation
from forum.permissions import access_escalation, access_question, require_staff
from forum.queries import find_user, get_escalation, list_escalations, parse_limit


def item_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "question_id": row["question_id"],
        "title": row["title"],
        "board": row["board"],
        "reason": row["reason"].value,
        "state": row["state"].value,
        "opened_at": row["opened_at"],
        "due_at": row["due_at"],
        "first_response_at": row["first_response_at"],
        "claimed_by": row["claimed_by"],
        "breached": row["breached"],
        "resolution": row["resolution"].value if row["resolution"] else None,
        "note": row["note"],
        "resolved_at": row["resolved_at"],
    }


async def escalate(request: Request) -> Response:
    user = await require_api_user(request)
    question = await access_question(path_id(request))
    item_id, created = await check_ask_staff(question, acting_user=user)
    return ok({"escalation_id": item_id}, status_code=201 if created else 200)


async def index(request: Request) -> Response:
    user = require_staff(await require_api_user(request))
    params = request.query_params
    page = await list_escalations(
        user,
        state=params.get("state"),
        reason=params.get("reason"),
        tab=params.get("tab"),
        cursor=params.get("cursor"),
        limit=parse_limit(params.get("limit"), default=50),
    )
    return ok({"items": [item_body(r) for r in page.items], "next_cursor": page.next_cursor})


async def _act(request: Request) -> tuple[Any, Escalation, dict[str, Any]]:
    user = require_staff(await require_api_user(request))
    item = await access_escalation(path_id(request))
    return user, item, await json_body(request)


async def claim(request: Request) -> Response:
    user, item, _ = await _act(request)
    return ok(item_body(await get_escalation(await check_claim(item, acting_user=user))))


async def release(request: Request) -> Response:
    user, item, _ = await _act(request)
    return ok(item_body(await get_escalation(await check_release(item, acting_user=user))))


async def reassign(request: Request) -> Response:
    user, item, data = await _act(request)
    item = await check_reassign(item, await find_user(data.get("to")), acting_user=user)
    return ok(item_body(await get_escalation(item)))


async def resolve(request: Request) -> Response:
    user, item, data = await _act(request)
    item = await check_resolve(
        item, resolution=data.get("resolution"), note=data.get("note"), acting_user=user
    )
    return ok(item_body(await get_escalation(item)))


async def reopen(request: Request) -> Response:
    user, item, _ = await _act(request)
    return ok(item_body(await get_escalation(await check_reopen(item, acting_user=user))))


async def metrics(request: Request) -> Response:
    require_staff(await require_api_user(request))
    days = parse_days(request.query_params.get("days"))
    return ok((await get_queue_metrics(now=utcnow(), days=days)).as_dict())


routes = [
    Route("/escalations/metrics", metrics, methods=["GET"]),
    Route("/questions/{id:int}/escalate", escalate, methods=["POST"]),
    Route("/escalations", index, methods=["GET"]),
    Route("/escalations/{id:int}/claim", claim, methods=["POST"]),
    Route("/escalations/{id:int}/release", release, methods=["POST"]),
    Route("/escalations/{id:int}/reassign", reassign, methods=["POST"]),
    Route("/escalations/{id:int}/resolve", resolve, methods=["POST"]),
    Route("/escalations/{id:int}/reopen", reopen, methods=["POST"]),
]
