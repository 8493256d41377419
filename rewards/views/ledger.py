"""Pages for finance: the reconciliation, a member's entries, adjustments and fraud reversals."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum import validation as v
from forum.auth import form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.i18n import ngettext
from forum.permissions import require
from forum.queries import find_user
from forum.web import redirect, render, require_viewer
from rewards.actions.adjustments import check_fraud_reversal, check_post_adjustment
from rewards.permissions import can_manage_ledger, can_write_ledger, require_ledger_writer
from rewards.queries import get_member, get_points, list_entries, reconcile


async def overview(request: Request) -> Response:
    return await _render(request, {}, {})


async def adjust(request: Request) -> Response:
    actor = require_ledger_writer(await require_viewer(request))  # who, before what
    form = await read_form(request)
    values = {k: form_text(form, k) for k in ("member", "points", "reason")}
    try:
        member = await get_member(values["member"])
        await check_post_adjustment(
            member, points=values["points"], reason=values["reason"], acting_user=actor
        )
    except ValidationFailed as exc:
        return await _render(request, {"adjust": values}, exc.errors, status_code=400)
    return redirect(
        request, f"/finance/ledger?member={member.username}", message=_("Adjustment posted.")
    )


async def fraud_reversal(request: Request) -> Response:
    actor = require_ledger_writer(await require_viewer(request))
    form = await read_form(request)
    values = {k: form_text(form, k) for k in ("member", "question_id", "since", "until", "reason")}
    try:
        # Dates typed the wrong way round are a slip to point out on the form (the action, and
        # so the API, takes them as a range with nothing in it).
        bounds = [v.moment(v.Errors(), k, values[k]) for k in ("since", "until")]
        if bounds[0] and bounds[1] and bounds[0] >= bounds[1]:
            raise ValidationFailed({"until": _("until must be after since.")})
        member = await get_member(values["member"])
        reversals = await check_fraud_reversal(
            member,
            reason=values["reason"],
            acting_user=actor,
            question_id=values["question_id"] or None,
            since=values["since"],
            until=values["until"],
        )
    except ValidationFailed as exc:
        return await _render(request, {"fraud": values}, exc.errors, status_code=400)
    return redirect(
        request,
        f"/finance/ledger?member={member.username}",
        message=ngettext("%(num)d award reversed.", "%(num)d awards reversed.", len(reversals))
        % {"num": len(reversals)},
    )


async def _render(
    request: Request,
    forms: dict[str, dict[str, str]],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    user = await require_viewer(request)
    require(can_manage_ledger(user), _("Only finance can open the ledger."))
    context: dict[str, Any] = {
        "check": await reconcile(),
        "forms": forms,
        "errors": errors,
        "can_write": can_write_ledger(user),
    }
    name = request.query_params.get("member", "").strip()
    if name:
        member = await find_user(name)
        context["lookup"] = name
        if member is not None:
            context["member"] = member
            context["points"] = await get_points(member)
            context["page"] = await list_entries(
                member, cursor=request.query_params.get("cursor") or None
            )
    return await render(request, "rewards/ledger_overview.html", context, status_code=status_code)


routes = [
    Route("/finance/ledger", overview, methods=["GET"], name="ledger"),
    Route("/finance/ledger/adjustments", adjust, methods=["POST"]),
    Route("/finance/ledger/fraud-reversals", fraud_reversal, methods=["POST"]),
]
