"""Pages: the e-mail outbox for admins, failed mails first, and their retry."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.mail import check_retry_mail
from forum.auth import read_form
from forum.i18n import gettext as _
from forum.permissions import access_mail, require_mail
from forum.queries import DELIVERY_TABS, list_mails
from forum.settings import get_settings
from forum.web import redirect, render, require_viewer


async def index(request: Request) -> Response:
    require_mail(await require_viewer(request))
    tab = request.query_params.get("state") or "failed"
    context = {
        "page": await list_mails(tab, cursor=request.query_params.get("cursor")),
        "tab": tab,
        "base": "/staff/mail",
        "tabs": DELIVERY_TABS,
        "smtp_host": get_settings().smtp_host,
    }
    return await render(request, "forum/mail_list.html", context)


async def retry(request: Request) -> Response:
    user = require_mail(await require_viewer(request))
    await read_form(request)
    mail = await access_mail(request.path_params["id"])
    await check_retry_mail(mail, acting_user=user)
    return redirect(request, "/staff/mail?state=pending", message=_("Mail queued again."))


routes = [
    Route("/staff/mail", index, methods=["GET"]),
    Route("/staff/mail/{id:int}/retry", retry, methods=["POST"]),
]
