"""API: ask to change your e-mail address, and confirm it with the mailed token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.email_change import (
    check_cancel_email_change,
    check_confirm_email_change,
    check_request_email_change,
    pending_email_change,
)
from forum.actions.email_confirmation import check_resend_confirmation
from forum.api.base import json_body, me_body, ok, require_api_user
from forum.auth import auth_of
from forum.net import client_address


async def show(request: Request) -> Response:
    user = await require_api_user(request)
    change = await pending_email_change(user)
    pending = change and {"email": change.new_email, "expires_at": change.expires_at}
    return ok(
        {"email": user.email, "confirmed": user.email_confirmed_at is not None, "pending": pending}
    )


async def resend_confirmation(request: Request) -> Response:
    user = await require_api_user(request)
    sent = await check_resend_confirmation(user)
    detail = "A new link was mailed to your address." if sent else "Your address is confirmed."
    return ok({"detail": detail}, status_code=202 if sent else 200)


async def cancel(request: Request) -> Response:
    user = await require_api_user(request)
    return ok({"cancelled": await check_cancel_email_change(user)})


async def request_change(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    sent = await check_request_email_change(
        auth_of(request),
        user,
        current=data.get("current_password"),
        email=data.get("email"),
        address=client_address(request),
    )
    detail = (
        "A confirmation link was mailed to the new address; it changes when the link is used."
        if sent
        else "That is your address already."
    )
    return ok({"detail": detail}, status_code=202 if sent else 200)


async def confirm(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    user = await check_confirm_email_change(data.get("token"), acting_user=user)
    return ok(me_body(user))


routes = [
    Route("/me/email", show, methods=["GET"]),
    Route("/me/email", request_change, methods=["POST"]),
    Route("/me/email", cancel, methods=["DELETE"]),
    Route("/me/email/confirm", confirm, methods=["POST"]),
    Route("/me/email/confirmation", resend_confirmation, methods=["POST"]),
]
