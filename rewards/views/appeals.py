"""Pages: a member appeals a payout line from their statements; finance answers on the batch's
page (rewards.actions.appeals)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.auth import form_text, read_form
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.web import redirect, require_viewer
from rewards.actions.appeals import check_answer_appeal, check_appeal_line
from rewards.permissions import access_appeal, access_batch, access_own_line, require_payouts
from rewards.views.payouts import render_batch
from rewards.views.points import render_points


async def appeal(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    line = await access_own_line(user, request.path_params["line_id"])
    message = form_text(form, "message")
    try:
        await check_appeal_line(line, message, acting_user=user)
    except ValidationFailed as exc:
        shown = {"line_id": line.id, "message": message, "errors": exc.errors}
        return await render_points(request, user, shown, status_code=exc.status)
    return redirect(
        request, "/points#appeals-title", message=_("Your appeal is sent: finance answers it.")
    )


async def answer(request: Request) -> Response:
    user = require_payouts(await require_viewer(request))
    form = await read_form(request)
    batch = await access_batch(request.path_params["id"])
    appeal = await access_appeal(batch, request.path_params["appeal_id"])
    decision, reason = form_text(form, "decision"), form_text(form, "reason")
    try:
        await check_answer_appeal(appeal, decision, reason=reason, acting_user=user)
    except ValidationFailed as exc:
        failed = {"appeal": appeal.id, "decision": decision, "reason": reason, "errors": exc.errors}
        return await render_batch(request, failed, status_code=exc.status)
    return redirect(
        request, f"/finance/payouts/{batch.id}#appeals-title", message=_("The appeal is answered.")
    )


routes = [
    Route("/points/lines/{line_id:int}/appeal", appeal, methods=["POST"]),
    Route("/finance/payouts/{id:int}/appeals/{appeal_id:int}", answer, methods=["POST"]),
]
