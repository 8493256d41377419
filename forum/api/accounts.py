"""API: register, obtain a token, read and change your own account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.accounts import (
    check_authenticate,
    check_register,
    do_create_api_token,
)
from forum.actions.profile import check_update_profile
from forum.api.base import json_body, me_body, ok, require_api_user
from forum.auth import auth_of
from forum.i18n import negotiate
from forum.net import client_address


async def register(request: Request) -> Response:
    data = await json_body(request)
    user = await check_register(
        auth_of(request),
        username=data.get("username"),
        email=data.get("email"),
        password=data.get("password"),
        address=client_address(request),
        # The API answers in English; the member's mail speaks the language their client asks.
        locale=negotiate(request.headers.get("accept-language", "")),
    )
    return ok({"id": user.id, "username": user.username}, status_code=201)


async def token(request: Request) -> Response:
    data = await json_body(request)
    user = await check_authenticate(
        auth_of(request),
        username=data.get("username"),
        password=data.get("password"),
        address=client_address(request),
    )
    token = await do_create_api_token(user)
    return ok(
        {
            "token": token,
            "user": {"id": user.id, "username": user.username, "role": user.role.value},
        }
    )


async def me(request: Request) -> Response:
    return ok(me_body(await require_api_user(request)))


async def update_me(request: Request) -> Response:
    user = await require_api_user(request)
    data = await json_body(request)
    fields = {
        k: data[k]
        for k in (
            "display_name",
            "locale",
            "payout_method",
            "payout_address",
            "email_notifications",
        )
        if k in data
    }
    user = await check_update_profile(auth_of(request).settings, user, **fields)
    return ok(me_body(user))


routes = [
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/token", token, methods=["POST"]),
    Route("/me", me, methods=["GET"]),
    Route("/me", update_me, methods=["PATCH"]),
]
