"""Pages: the webhook deliveries for admins, failed ones first, and their retry."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.webhooks import check_retry_delivery
from forum.auth import read_form
from forum.i18n import gettext as _
from forum.permissions import access_delivery, require_webhooks
from forum.queries import DELIVERY_TABS, list_deliveries
from forum.settings import get_settings
from forum.web import redirect, render, require_viewer


async def index(request: Request) -> Response:
    require_webhooks(await require_viewer(request))
    tab = request.query_params.get("state") or "failed"
    context = {
        "page": await list_deliveries(tab, cursor=request.query_params.get("cursor")),
        "tab": tab,
        "base": "/staff/webhooks",
        "tabs": DELIVERY_TABS,
        "receiver": get_settings().webhook_url,
    }
    return await render(request, "forum/webhooks_list.html", context)


async def retry(request: Request) -> Response:
    user = require_webhooks(await require_viewer(request))
    await read_form(request)
    delivery = await access_delivery(request.path_params["id"])
    await check_retry_delivery(delivery, acting_user=user)
    return redirect(request, "/staff/webhooks?state=pending", message=_("Delivery queued again."))


routes = [
    Route("/staff/webhooks", index, methods=["GET"]),
    Route("/staff/webhooks/{id:int}/retry", retry, methods=["POST"]),
]
