"""Pages for finance: the batches, one batch's lines and decisions, approval, export, payment."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.auth import form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.web import download, redirect, render, require_viewer
from rewards.actions.payout_approvals import check_approve_batch
from rewards.actions.payout_lines import LineFacts, check_decide_line, line_actions
from rewards.actions.payout_payments import check_export_batch, check_mark_paid
from rewards.actions.payouts import check_close_period
from rewards.appeal_queries import list_appeals
from rewards.labels import action_label
from rewards.models import LineState
from rewards.payout_queries import (
    METHODS,
    get_summary,
    list_batches,
    list_decisions,
    list_lines,
    members_below_zero,
    was_exported,
)
from rewards.permissions import access_batch, access_line, require_payouts

CONFIRMED_ACTIONS = ("reject", "forfeit")


async def index(request: Request) -> Response:
    return await _render_index(request, {}, {})


async def close(request: Request) -> Response:
    require_payouts(await require_viewer(request))
    form = await read_form(request)
    period = form_text(form, "period").strip()  # typed or pasted: spaces around it are no part
    try:
        closed = await check_close_period(period)
    except ValidationFailed as exc:
        return await _render_index(request, {"period": period}, exc.errors, status_code=400)
    batch = closed.batch
    if closed.resumed:
        message = _("Finished the unfinished close of %(period)s.")
    elif closed.created:
        message = _("Closed %(period)s.")
    else:
        message = _("%(period)s was already closed.")
    return redirect(
        request, f"/finance/payouts/{batch.id}", message=message % {"period": batch.period}
    )


async def show(request: Request) -> Response:
    return await render_batch(request, {}, status_code=200)


async def decide(request: Request) -> Response:
    user = require_payouts(await require_viewer(request))
    form = await read_form(request)
    batch = await access_batch(request.path_params["id"])
    line = await access_line(batch, request.path_params["line_id"])
    action, reason = form_text(form, "action"), form_text(form, "reason")
    if action in CONFIRMED_ACTIONS and form_text(form, "confirmed") != "1" and len(reason) >= 3:
        # Points leave the line for good: a page asks first (it works without script).
        await line.fetch_related("member")
        context = {
            "batch": batch, "line": line, "action": action, "reason": reason,
            "back": _back(request, line.id),
        }  # fmt: skip
        return await render(request, "rewards/payouts_confirm.html", context)
    try:
        await check_decide_line(batch, line, action, reason=reason, acting_user=user)
    except ValidationFailed as exc:
        failed = {"line": line.id, "action": action, "reason": reason, "errors": exc.errors}
        return await render_batch(request, failed, status_code=400)
    done = _("Line %(id)s: “%(action)s” done.") % {"id": line.id, "action": action_label(action)}
    return redirect(request, _back(request, line.id), message=done)


async def approve(request: Request) -> Response:
    user = require_payouts(await require_viewer(request))
    form = await read_form(request)
    batch = await access_batch(request.path_params["id"])
    batch = await check_approve_batch(batch, acting_user=user, version=form_text(form, "version"))
    if batch.state.value == "approved":
        done = _("Batch %(period)s: approved.")
    else:
        done = _("Batch %(period)s: approval recorded; one more needed.")
    return redirect(
        request, f"/finance/payouts/{batch.id}", message=done % {"period": batch.period}
    )


async def paid(request: Request) -> Response:
    user = require_payouts(await require_viewer(request))
    form = await read_form(request)
    batch = await access_batch(request.path_params["id"])
    reference = form_text(form, "reference")
    try:
        batch = await check_mark_paid(batch, reference=reference, acting_user=user)
    except ValidationFailed as exc:
        failed = {"paid": {"reference": reference}, "errors": exc.errors}
        return await render_batch(request, failed, status_code=400)
    done = _("Batch %(period)s paid.") % {"period": batch.period}
    return redirect(request, f"/finance/payouts/{batch.id}", message=done)


async def export(request: Request) -> Response:
    user = require_payouts(await require_viewer(request))
    batch = await access_batch(request.path_params["id"])
    method = request.query_params.get("method", "")
    text = await check_export_batch(batch, method, acting_user=user)
    return download(text, f"peerdesk-{batch.period}-{method}.csv")


def _back(request: Request, line_id: int) -> str:
    """The batch page with the filters the decision was made under, at the line."""
    query = request.url.query
    return (
        f"/finance/payouts/{request.path_params['id']}{'?' + query if query else ''}#line-{line_id}"
    )


async def _render_index(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    require_payouts(await require_viewer(request))
    context: dict[str, Any] = {"batches": await list_batches(), "values": values, "errors": errors}
    return await render(request, "rewards/payouts_list.html", context, status_code=status_code)


async def render_batch(request: Request, failed: dict[str, Any], *, status_code: int) -> Response:
    user = require_payouts(await require_viewer(request))
    batch = await access_batch(request.path_params["id"])
    params = request.query_params
    filters = {k: params.get(k, "") for k in ("state", "method")}
    page = await list_lines(batch, after=params.get("after"), **filters)
    exported = await was_exported(batch)
    below_zero = await members_below_zero([line["member_id"] for line in page.items])
    for line in page.items:  # a form only where a decision can be taken
        facts = LineFacts(
            exported=exported,
            own=line["member_id"] == user.id,
            below_zero=line["member_id"] in below_zero,
        )
        line["actions"] = line_actions(batch.state, LineState(line["state"]), facts)
    appeals = await list_appeals(batch)
    context = {
        "summary": await get_summary(batch),
        "page": page,
        "filters": filters,
        "states": [s.value for s in LineState],
        "methods": METHODS,
        "failed": failed,
        "decisions": await list_decisions(batch),
        "appeals": appeals,
        "can_answer": {a["id"] for a in appeals if a["member_id"] != user.id},
    }
    return await render(request, "rewards/payouts_detail.html", context, status_code=status_code)


routes = [
    Route("/finance/payouts", index, methods=["GET"], name="payouts"),
    Route("/finance/payouts/close", close, methods=["POST"]),
    Route("/finance/payouts/{id:int}", show, methods=["GET"]),
    Route("/finance/payouts/{id:int}/lines/{line_id:int}", decide, methods=["POST"]),
    Route("/finance/payouts/{id:int}/approve", approve, methods=["POST"]),
    Route("/finance/payouts/{id:int}/paid", paid, methods=["POST"]),
    Route("/finance/payouts/{id:int}/export", export, methods=["GET"]),
]
