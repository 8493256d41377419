"""Pages: the asker's "Ask staff", and the staff queue with its item page (claim, release,
reassign, answer as staff, resolve, reopen)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.answers import check_create_answer
from forum.actions.escalations import (
    check_ask_staff,
    check_claim,
    check_reassign,
    check_release,
    check_reopen,
    check_resolve,
)
from forum.auth import check_draft_token, form_text, read_draft, read_form
from forum.clock import utcnow
from forum.errors import ValidationFailed
from forum.escalation_queries import WINDOWS, get_queue_metrics, parse_days
from forum.i18n import gettext as _
from forum.models import Resolution
from forum.permissions import (
    access_escalation,
    access_question,
    can_manage_mail,
    can_manage_webhooks,
    require_staff,
)
from forum.queries import (
    ESCALATION_TABS,
    count_failed_deliveries,
    count_failed_mails,
    find_user,
    get_escalation,
    get_question_page,
    list_escalations,
)
from forum.web import redirect, render, require_viewer


async def ask_staff(request: Request) -> Response:
    user = await require_viewer(request)
    await read_form(request)
    question = await access_question(request.path_params["id"])
    _id, created = await check_ask_staff(question, acting_user=user)
    message = _("Staff will look at your question.") if created else _("Staff are on it already.")
    return redirect(request, f"/questions/{question.id}", message=message)


async def queue(request: Request) -> Response:
    user = require_staff(await require_viewer(request))
    tab = request.query_params.get("tab") or "open"
    page = await list_escalations(user, tab=tab, cursor=request.query_params.get("cursor"))
    failed = await count_failed_deliveries() if can_manage_webhooks(user) else None
    failed_mails = await count_failed_mails() if can_manage_mail(user) else None
    context = {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "tab": tab,
        "tabs": ESCALATION_TABS,
        "failed_webhooks": failed,
        "failed_mails": failed_mails,
    }
    return await render(request, "forum/escalations_list.html", context)


async def dashboard(request: Request) -> Response:
    require_staff(await require_viewer(request))
    days = parse_days(request.query_params.get("days"))
    metrics = await get_queue_metrics(now=utcnow(), days=days)
    top = max(metrics.backlog_by_age.values(), default=0) or 1
    bars = [
        {"label": label, "value": n, "width": round(BAR_WIDTH * n / top)}
        for label, n in metrics.backlog_by_age.items()
    ]
    context = {"m": metrics, "d": metrics.as_dict(), "bars": bars, "windows": WINDOWS}
    return await render(request, "forum/escalations_dashboard.html", context)


BAR_WIDTH = 300


async def show(request: Request) -> Response:
    return await _render_item(request, {}, {})


async def act(request: Request) -> Response:
    """One form per decision on the item page; the `do` field says which."""
    user = require_staff(await require_viewer(request))
    form = await read_draft(request)
    item = await access_escalation(request.path_params["id"])
    values = {k: form_text(form, k) for k in ("do", "to", "resolution", "note", "body")}
    try:
        check_draft_token(request, form)
        if values["do"] == "claim":
            await check_claim(item, acting_user=user)
        elif values["do"] == "release":
            await check_release(item, acting_user=user)
        elif values["do"] == "reopen":
            await check_reopen(item, acting_user=user)
        elif values["do"] == "reassign":
            await check_reassign(item, await find_user(values["to"]), acting_user=user)
        elif values["do"] == "resolve":
            await check_resolve(
                item, resolution=values["resolution"], note=values["note"], acting_user=user
            )
        elif values["do"] == "answer":
            await check_create_answer(item.question_id, acting_user=user, body=values["body"])  # type: ignore[attr-defined]
        else:
            raise ValidationFailed({"do": _("Choose what to do with the item.")})
    except ValidationFailed as exc:
        return await _render_item(request, values, exc.errors, status_code=exc.status)
    return redirect(request, f"/staff/escalations/{item.id}", message=_("Done."))


async def _render_item(
    request: Request, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    user = require_staff(await require_viewer(request))
    item = await access_escalation(request.path_params["id"])
    context: dict[str, Any] = {
        "item": await get_escalation(item),
        "page": await get_question_page(item.question_id, user),  # type: ignore[attr-defined]
        "resolutions": [r.value for r in Resolution],
        "values": values,
        "errors": errors,
    }
    return await render(request, "forum/escalations_detail.html", context, status_code=status_code)


routes = [
    Route("/questions/{id:int}/escalate", ask_staff, methods=["POST"]),
    Route("/staff/escalations", queue, methods=["GET"], name="escalations"),
    Route("/staff/dashboard", dashboard, methods=["GET"]),
    Route("/staff/escalations/{id:int}", show, methods=["GET"]),
    Route("/staff/escalations/{id:int}", act, methods=["POST"]),
]
