"""API: ask for a password reset link, and set a new password with its token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.actions.password_reset import check_request_reset, check_reset_password
from forum.api.base import json_body, ok
from forum.auth import auth_of
from forum.net import client_address


async def request_reset(request: Request) -> Response:
    data = await json_body(request)
    await check_request_reset(data.get("login"), address=client_address(request))
    # The same answer whether or not an account matched.
    return ok(
        {"detail": "If an account matches, a reset link is on its way to its e-mail address."},
        status_code=202,
    )


async def reset(request: Request) -> Response:
    data = await json_body(request)
    user = await check_reset_password(
        auth_of(request), token=data.get("token"), password=data.get("password")
    )
    return ok({"id": user.id, "username": user.username})


routes = [
    Route("/auth/password-reset", request_reset, methods=["POST"]),
    Route("/auth/password-reset/confirm", reset, methods=["POST"]),
]
