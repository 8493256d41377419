"""API: the e-mail outbox for admins, and the retry of a failed mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.mail import check_retry_mail
from forum.api.base import ItemPage, page_body, path_id
from forum.api.contract import OutboxQuery, endpoint
from forum.models import User
from forum.permissions import access_mail, require_mail
from forum.queries import get_mail, list_mails


class MailOut(TypedDict):
    id: int
    key: str
    to_address: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime
    sent_via: str
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    redact: bool


def mail_body(row: dict[str, Any]) -> MailOut:
    return {**row, "state": row["state"].value}  # type: ignore[typeddict-item]


async def index(request: Request, user: User, query: OutboxQuery) -> ItemPage[MailOut]:
    page = await list_mails(query.state, cursor=query.cursor, limit=query.limit)
    return page_body(page, mail_body)


async def retry(request: Request, user: User) -> MailOut:
    mail = await access_mail(path_id(request))
    mail = await check_retry_mail(mail, acting_user=user)
    return mail_body(await get_mail(mail))


routes = [
    endpoint(
        "GET",
        "/mail",
        index,
        "The e-mail outbox, newest first: recipient, subject, state, attempts, last error (admins)",
        requires=require_mail,
    ),
    endpoint(
        "POST",
        "/mail/{id:int}/retry",
        retry,
        "Send a failed mail again, with the same Message-ID (409 unless failed; admins)",
        requires=require_mail,
    ),
]
