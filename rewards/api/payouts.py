"""API for finance: close a period, review and approve a batch, export it, mark it paid, and the
period report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from starlette.requests import Request
from starlette.responses import Response
from typing_extensions import TypedDict

from forum.api.base import ok, path_id
from forum.api.contract import Body, Id, Query, Unset, endpoint, period_label, text
from forum.models import User
from forum.settings import get_settings
from forum.web import download
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import LINE_ACTIONS, check_decide_line
from rewards.actions.payout_payments import check_export_batch, check_mark_paid
from rewards.actions.payouts import check_close_period
from rewards.models import BatchState, LineState
from rewards.payout_queries import (
    BatchSummary,
    get_line,
    get_summary,
    list_batches,
    list_lines,
    money,
)
from rewards.periods import period_pattern
from rewards.permissions import access_batch, access_line, require_payouts
from rewards.report_queries import get_period_report

Method = Literal["cash", "credit", "charity"]
Period = Annotated[str, period_label()]


class CloseBody(Body):
    period: Period


class LinesQuery(Query):
    state: LineState = Unset
    method: Method = Unset
    after: Id = Unset


class ExportQuery(Query):
    method: Method


class ReasonBody(Body):
    reason: Annotated[str, text(3, 500)]


class ApproveBody(Body):
    version: Id = Unset  # the version you reviewed: a 409 if the batch changed since


class PaidBody(Body):
    reference: Annotated[str, text(1, 120)]


class BatchOut(TypedDict):
    id: int
    period: str
    state: BatchState
    starts_at: datetime
    cutoff: datetime
    total_points: int
    total_amount: str
    payable_amount: str
    currency: str
    line_count: int
    held_count: int
    approvals: list[str]
    approvals_required: int
    version: int
    paid_reference: str | None
    paid_at: datetime | None


class Signal(TypedDict):
    code: str
    detail: str


class LineOut(TypedDict):
    id: int
    member: str
    points: int
    amount: str
    method: str
    address: str
    state: LineState
    signals: list[Signal]
    decided_by: str | None
    reason: str
    decided_at: datetime | None


class BatchWithLines(BatchOut):
    lines: list[LineOut]
    next_after: int | None


class Batches(TypedDict):
    items: list[BatchOut]
    next_cursor: str | None


class Approved(TypedDict):
    state: BatchState
    approvals: list[str]
    approvals_required: int


class ReportPoints(TypedDict):
    issued: int
    reversed: int
    paid: int
    held: int
    forfeited: int
    pending: int
    returned: int


class ByMethod(TypedDict):
    method: str
    lines: int
    points: int
    amount: str


class Earner(TypedDict):
    member: str
    points: int


class LineChange(TypedDict):
    action: str
    lines: int
    points: int
    amount: str


class EarlierChange(TypedDict):
    period: str
    reversed_points: int
    reversed_amount: str
    unsolved_questions: int
    deflection_change: str
    line_changes: list[LineChange]


class ReportOut(TypedDict):
    period: str
    state: str
    currency: str
    points: ReportPoints
    by_method: list[ByMethod]
    top_earners: list[Earner]
    community_solved_questions: int
    staff_solved_questions: int
    payout_cost: str
    cost_per_solved_question: str | None
    staff_contact_cost: str
    deflection_estimate: str
    frozen_at: str | None
    changes_to_earlier_periods: list[EarlierChange]


def batch_body(summary: BatchSummary) -> BatchOut:
    batch = summary.batch
    return {
        "id": batch.id,
        "period": batch.period,
        "state": batch.state,
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


def line_body(line: dict[str, Any]) -> LineOut:
    return {
        "id": line["id"],
        "member": line["member"],
        "points": line["points"],
        "amount": line["amount"],
        "method": line["method"],
        "address": line["address"],
        "state": line["state"],
        "signals": [{"code": s["code"], "detail": s["detail"]} for s in line["signals"]],
        "decided_by": line["decided_by"],
        "reason": line["reason"],
        "decided_at": line["decided_at"],
    }


async def close(request: Request, user: User, body: CloseBody) -> Response:
    closed = await check_close_period(body.period)
    summary = batch_body(await get_summary(closed.batch))
    return ok(summary, status_code=201 if closed.created else 200)


async def index(request: Request, user: User) -> Batches:
    # One batch a period: the whole list is one page.
    return {"items": [batch_body(s) for s in await list_batches()], "next_cursor": None}


async def show(request: Request, user: User, query: LinesQuery) -> BatchWithLines:
    batch = await access_batch(path_id(request))
    page = await list_lines(batch, state=query.state, method=query.method, after=query.after)
    return {
        **batch_body(await get_summary(batch)),
        "lines": [line_body(x) for x in page.items],
        "next_after": page.next_after,
    }


async def decide(request: Request, user: User, body: ReasonBody) -> LineOut:
    batch = await access_batch(path_id(request))
    line = await access_line(batch, path_id(request, "line_id"))
    await check_decide_line(
        batch, line, request.path_params["action"], reason=body.reason, acting_user=user
    )
    return line_body(await get_line(batch, line.id))


async def approve(request: Request, user: User, body: ApproveBody) -> Approved:
    batch = await access_batch(path_id(request))
    batch = await check_approve_batch(batch, acting_user=user, version=body.version)
    summary = await get_summary(batch)
    return {
        "state": batch.state,
        "approvals": list(summary.approvers),
        "approvals_required": summary.approvals_required,
    }


async def export(request: Request, user: User, query: ExportQuery) -> Response:
    batch = await access_batch(path_id(request))
    text = await check_export_batch(batch, query.method, acting_user=user)
    return download(text, f"peerdesk-{batch.period}-{query.method}.csv")


async def paid(request: Request, user: User, body: PaidBody) -> BatchOut:
    batch = await access_batch(path_id(request))
    batch = await check_mark_paid(batch, reference=body.reference, acting_user=user)
    return batch_body(await get_summary(batch))


async def report(request: Request, user: User) -> ReportOut:
    result = await get_period_report(request.path_params["period"])
    return result.as_dict()  # type: ignore[return-value]


def _period_pattern() -> str:
    return period_pattern(get_settings().payout_period)


def _finance(method: str, path: str, handler: Any, summary: str, **options: Any) -> Any:
    return endpoint(
        method, path, handler, f"{summary} (finance)", requires=require_payouts, **options
    )


routes = [
    _finance(
        "POST",
        "/payouts/close",
        close,
        "Close a finished period: 201 with its new batch, 200 with the existing one",
        status=201,
        also=(200,),
        answer=BatchOut,
    ),
    _finance("GET", "/payouts", index, "Payout batches, newest period first"),
    _finance(
        "GET",
        "/payouts/{id:int}",
        show,
        "A batch with a page of its lines (filters: state, method; pages by ?after=)",
    ),
    _finance(
        "POST",
        "/payouts/{id:int}/lines/{line_id:int}/{action}",
        decide,
        "Decide a line: hold, release, reject, forfeit, defer, return a paid line, or reduce a"
        " line to the points that still stand after a reversal (approval and export refuse a"
        " line whose member's balance is below zero: 409)",
        path_schemas={"action": lambda: {"type": "string", "enum": list(LINE_ACTIONS)}},
    ),
    _finance(
        "POST",
        "/payouts/{id:int}/approve",
        approve,
        "Approve the batch (maker-checker); a `version` that is no longer current is a 409",
    ),
    _finance(
        "GET",
        "/payouts/{id:int}/export",
        export,
        "CSV of one method's approved, unheld lines",
        media_type="text/csv",
    ),
    _finance("POST", "/payouts/{id:int}/paid", paid, "Mark the approved batch paid"),
    _finance(
        "GET",
        "/reports/periods/{period}",
        report,
        "The period's cost and deflection report (frozen once its batch is paid)",
        path_schemas={"period": lambda: {"type": "string", "pattern": _period_pattern()}},
    ),
]
