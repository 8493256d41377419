"""API: ask for a password reset link, and set a new password with its token."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from starlette.requests import Request

from forum.actions.password_reset import check_request_reset, check_reset_password
from forum.api.accounts import Password, UserOut
from forum.api.contract import Body, Detail, endpoint, text
from forum.auth import auth_of
from forum.net import client_address


class ResetRequest(Body):
    login: Annotated[str, text(3, 254)]


class ResetBody(Body):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    password: Password


async def request_reset(request: Request, body: ResetRequest) -> Detail:
    await check_request_reset(body.login, address=client_address(request))
    # The same answer whether or not an account matched.
    return {"detail": "If an account matches, a reset link is on its way to its e-mail address."}


async def reset(request: Request, body: ResetBody) -> UserOut:
    user = await check_reset_password(auth_of(request), token=body.token, password=body.password)
    return {"id": user.id, "username": user.username}


routes = [
    endpoint(
        "POST",
        "/auth/password-reset",
        request_reset,
        "Mail a one-time reset link to the account with this username or e-mail address "
        "(the same answer whether or not one matches)",
        status=202,
    ),
    endpoint(
        "POST",
        "/auth/password-reset/confirm",
        reset,
        "Set a new password with a reset link's token: once, before it expires",
    ),
]
