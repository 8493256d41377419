"""API: the e-mail outbox for admins, and the retry of a failed mail."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.mail import check_retry_mail
from forum.api.base import ok, outbox_query, path_id, require_api_user
from forum.permissions import access_mail, require_mail
from forum.queries import get_mail, list_mails


def mail_body(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "state": row["state"].value}


async def index(request: Request) -> Response:
    require_mail(await require_api_user(request))
    page = await list_mails(**outbox_query(request))
    return ok({"items": [mail_body(r) for r in page.items], "next_cursor": page.next_cursor})


async def retry(request: Request) -> Response:
    user = require_mail(await require_api_user(request))
    mail = await access_mail(path_id(request))
    mail = await check_retry_mail(mail, acting_user=user)
    return ok(mail_body(await get_mail(mail)))


routes = [
    Route("/mail", index, methods=["GET"]),
    Route("/mail/{id:int}/retry", retry, methods=["POST"]),
]
