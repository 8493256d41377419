"""API for finance: close a period, review and approve a batch, export it, mark it paid, and the
period report."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import json_body, ok, path_id, require_api_user
from forum.web import download
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import check_decide_line
from rewards.actions.payout_payments import check_export_batch, check_mark_paid
from rewards.actions.payouts import check_close_period
from rewards.payout_queries import (
    BatchSummary,
    get_line,
    get_summary,
    list_batches,
    list_lines,
    money,
)
from rewards.permissions import access_batch, access_line, require_payouts
from rewards.report_queries import get_period_report


def batch_body(summary: BatchSummary) -> dict[str, Any]:
    batch = summary.batch
    return {
        "id": batch.id,
        "period": batch.period,
        "state": batch.state.value,
        "starts_at": batch.starts_at,
        "cutoff": batch.cutoff,
        "total_points": summary.total_points,
        "total_amount": money(summary.total_cents),
        "payable_amount": money(summary.payable_cents),
        "currency": batch.currency,
        "line_count": summary.line_count,
        "held_count": summary.held_count,
        "approvals": list(summary.approvers),
        "approvals_required": summary.approvals_required,
        "version": batch.version,
        "paid_reference": batch.paid_reference or None,
        "paid_at": batch.paid_at,
    }


def line_body(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": line["id"],
        "member": line["member"],
        "points": line["points"],
        "amount": line["amount"],
        "method": line["method"],
        "address": line["address"],
        "state": line["state"].value,
        "signals": [{"code": s["code"], "detail": s["detail"]} for s in line["signals"]],
        "decided_by": line["decided_by"],
        "reason": line["reason"],
        "decided_at": line["decided_at"],
    }


async def close(request: Request) -> Response:
    require_payouts(await require_api_user(request))
    data = await json_body(request)
    closed = await check_close_period(data.get("period"))
    return ok(
        batch_body(await get_summary(closed.batch)), status_code=201 if closed.created else 200
    )


async def index(request: Request) -> Response:
    require_payouts(await require_api_user(request))
    # One batch a period: the whole list is one page.
    return ok({"items": [batch_body(s) for s in await list_batches()], "next_cursor": None})


async def show(request: Request) -> Response:
    require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    params = request.query_params
    page = await list_lines(
        batch, state=params.get("state"), method=params.get("method"), after=params.get("after")
    )
    body = batch_body(await get_summary(batch))
    return ok({**body, "lines": [line_body(x) for x in page.items], "next_after": page.next_after})


async def decide(request: Request) -> Response:
    user = require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    line = await access_line(batch, path_id(request, "line_id"))
    data = await json_body(request)
    await check_decide_line(
        batch, line, request.path_params["action"], reason=data.get("reason"), acting_user=user
    )
    return ok(line_body(await get_line(batch, line.id)))


async def approve(request: Request) -> Response:
    user = require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    data = await json_body(request)
    batch = await check_approve_batch(batch, acting_user=user, version=data.get("version"))
    summary = await get_summary(batch)
    return ok(
        {
            "state": batch.state.value,
            "approvals": list(summary.approvers),
            "approvals_required": summary.approvals_required,
        }
    )


async def export(request: Request) -> Response:
    user = require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    method = request.query_params.get("method")
    text = await check_export_batch(batch, method, acting_user=user)
    return download(text, f"peerdesk-{batch.period}-{method}.csv")


async def paid(request: Request) -> Response:
    user = require_payouts(await require_api_user(request))
    batch = await access_batch(path_id(request))
    data = await json_body(request)
    batch = await check_mark_paid(batch, reference=data.get("reference"), acting_user=user)
    return ok(batch_body(await get_summary(batch)))


async def report(request: Request) -> Response:
    require_payouts(await require_api_user(request))
    result = await get_period_report(request.path_params["period"])
    return ok(result.as_dict())


routes = [
    Route("/payouts/close", close, methods=["POST"]),
    Route("/payouts", index, methods=["GET"]),
    Route("/payouts/{id:int}", show, methods=["GET"]),
    Route("/payouts/{id:int}/lines/{line_id:int}/{action}", decide, methods=["POST"]),
    Route("/payouts/{id:int}/approve", approve, methods=["POST"]),
    Route("/payouts/{id:int}/export", export, methods=["GET"]),
    Route("/payouts/{id:int}/paid", paid, methods=["POST"]),
    Route("/reports/periods/{period}", report, methods=["GET"]),
]
