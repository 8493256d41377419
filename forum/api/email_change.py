"""API: ask to change your e-mail address, and confirm it with the mailed token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from typing_extensions import TypedDict

from forum.actions.email_change import (
    check_cancel_email_change,
    check_confirm_email_change,
    check_request_email_change,
    pending_email_change,
)
from forum.actions.email_confirmation import check_resend_confirmation
from forum.api.accounts import Email
from forum.api.base import MeOut, me_body, ok
from forum.api.contract import Body, Detail, endpoint
from forum.auth import auth_of
from forum.models import User
from forum.net import client_address


class PendingChange(TypedDict):
    email: str
    expires_at: datetime


class EmailOut(TypedDict):
    email: str
    confirmed: bool
    pending: PendingChange | None


class Cancelled(TypedDict):
    cancelled: bool


class ChangeBody(Body):
    email: Email
    current_password: Annotated[str, Field(min_length=1, max_length=1000)]


class ConfirmBody(Body):
    token: Annotated[str, Field(min_length=1, max_length=200)]


async def show(request: Request, user: User) -> EmailOut:
    change = await pending_email_change(user)
    pending: PendingChange | None = None
    if change:
        pending = {"email": change.new_email, "expires_at": change.expires_at}
    return {
        "email": user.email,
        "confirmed": user.email_confirmed_at is not None,
        "pending": pending,
    }


async def resend_confirmation(request: Request, user: User) -> Response:
    sent = await check_resend_confirmation(user)
    detail = "A new link was mailed to your address." if sent else "Your address is confirmed."
    return ok(Detail(detail=detail), status_code=202 if sent else 200)


async def cancel(request: Request, user: User) -> Cancelled:
    return {"cancelled": await check_cancel_email_change(user)}


async def request_change(request: Request, user: User, body: ChangeBody) -> Response:
    sent = await check_request_email_change(
        auth_of(request),
        user,
        current=body.current_password,
        email=body.email,
        address=client_address(request),
    )
    detail = (
        "A confirmation link was mailed to the new address; it changes when the link is used."
        if sent
        else "That is your address already."
    )
    return ok(Detail(detail=detail), status_code=202 if sent else 200)


async def confirm(request: Request, user: User, body: ConfirmBody) -> MeOut:
    return me_body(await check_confirm_email_change(body.token, acting_user=user))


routes = [
    endpoint(
        "GET", "/me/email", show, "Your e-mail address and the change waiting for its link, if any"
    ),
    endpoint(
        "POST",
        "/me/email",
        request_change,
        "Ask to change your e-mail address, with your password: a one-time link goes to the new "
        "address (202; 200 when it is your address already)",
        status=202,
        also=(200,),
        answer=Detail,
    ),
    endpoint(
        "DELETE",
        "/me/email",
        cancel,
        "Cancel the change waiting for its link (its link stops working)",
    ),
    endpoint(
        "POST",
        "/me/email/confirm",
        confirm,
        "Set the new e-mail address, or confirm a new member's, with the mailed link's token: "
        "once, within 24 hours, by the member it was mailed for (a confirmed old address is told)",
    ),
    endpoint(
        "POST",
        "/me/email/confirmation",
        resend_confirmation,
        "Mail a new link that confirms your present address (202; 200 when it is confirmed "
        "already; at most 3 an hour)",
        status=202,
        also=(200,),
        answer=Detail,
    ),
]
