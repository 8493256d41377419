"""Pages: a member downloads their data, and erases their account (forum.actions.data_rights);
an admin erases a member's account from the member's page (forum.views.moderation)."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.data_rights import check_erase_account
from forum.api.base import json_default
from forum.auth import auth_of, form_text, read_form
from forum.clock import utcnow
from forum.data_rights_queries import get_member_export
from forum.errors import ValidationFailed
from forum.i18n import gettext as _
from forum.net import client_address
from forum.web import redirect, render, require_viewer


async def export(request: Request) -> Response:
    user = await require_viewer(request)
    now = utcnow()
    data = await get_member_export(user, now=now)
    name = f"peerdesk-{user.username}-{now:%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=json_default),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def erase_form(request: Request) -> Response:
    await require_viewer(request)
    return await render(request, "forum/data_rights_erase.html", {"errors": {}, "posts": ""})


async def erase(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_form(request)
    posts = form_text(form, "posts")
    try:
        await check_erase_account(
            auth_of(request), user, posts=posts, password=form_text(form, "password"),
            acting_user=user, address=client_address(request),
        )  # fmt: skip
    except ValidationFailed as exc:
        context = {"errors": exc.errors, "posts": posts}
        return await render(
            request, "forum/data_rights_erase.html", context, status_code=exc.status
        )
    response = redirect(request, "/", message=_("Your account is erased. Goodbye."))
    auth_of(request).logout(response)
    return response


routes = [
    Route("/account/export", export, methods=["GET"]),
    Route("/account/delete", erase_form, methods=["GET"]),
    Route("/account/delete", erase, methods=["POST"]),
]
