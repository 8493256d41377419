"""API: register, obtain a token, read and change your own account."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    check_authenticate,
    check_register,
    do_create_api_token,
)
from forum.actions.profile import check_update_profile
from forum.api.base import MeOut, me_body
from forum.api.contract import Body, Unset, Username, endpoint, text
from forum.auth import auth_of
from forum.i18n import negotiate
from forum.models import PayoutMethod, Role, User
from forum.net import client_address

# Any characters but control characters (forum.validation.is_clean; a lone surrogate is no
# JSON text a client can send: the body is refused naming its field, see forum.api.contract).
_CLEAN = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
Password = Annotated[
    str,
    Field(
        pattern=f"^{_CLEAN}*$", min_length=MIN_PASSWORD, max_length=MAX_PASSWORD, description=(
            f"{MIN_PASSWORD} to {MAX_PASSWORD} characters, no control characters"
        ),
    ),
]  # fmt: skip
# forum.validation.EMAIL_RE's [^@\s] (Python's \s, spelt out: JSON Schema's differs) without
# control characters.
_ADDRESS = r"[^@\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Email = Annotated[
    str,
    Field(pattern=f"^{_ADDRESS}{{1,64}}@{_ADDRESS}{{1,190}}\\.{_ADDRESS}{{2,63}}$", max_length=254),
]


class RegisterBody(Body):
    username: Username
    email: Email
    password: Password


class TokenBody(Body):
    username: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD)]


class UserOut(TypedDict):
    id: int
    username: str


class TokenUser(TypedDict):
    id: int
    username: str
    role: Role


class TokenOut(TypedDict):
    token: str
    user: TokenUser


class MeChange(Body):
    """Only the fields sent change."""

    display_name: Annotated[str, text(0, 60)] = Unset
    locale: Literal["en", "nl"] = Unset
    payout_method: PayoutMethod = Unset
    payout_address: Annotated[str, text(0, 200)] = Unset
    email_notifications: bool = Unset


async def register(request: Request, body: RegisterBody) -> UserOut:
    user = await check_register(
        auth_of(request),
        username=body.username,
        email=body.email,
        password=body.password,
        address=client_address(request),
        # The API answers in English; the member's mail speaks the language their client asks.
        locale=negotiate(request.headers.get("accept-language", "")),
    )
    return {"id": user.id, "username": user.username}


async def token(request: Request, body: TokenBody) -> TokenOut:
    user = await check_authenticate(
        auth_of(request),
        username=body.username,
        password=body.password,
        address=client_address(request),
    )
    token = await do_create_api_token(user)
    return {"token": token, "user": {"id": user.id, "username": user.username, "role": user.role}}


async def me(request: Request, user: User) -> MeOut:
    return me_body(user)


async def update_me(request: Request, user: User, body: MeChange) -> MeOut:
    fields = body.model_dump(exclude_unset=True)
    user = await check_update_profile(auth_of(request).settings, user, **fields)
    return me_body(user)


routes = [
    endpoint("POST", "/auth/register", register, "Register a member account", status=201),
    endpoint("POST", "/auth/token", token, "Exchange credentials for an API token (shown once)"),
    endpoint("GET", "/me", me, "Your account"),
    endpoint(
        "PATCH",
        "/me",
        update_me,
        "Change your display name, language, payout choice or e-mail notifications",
    ),
]
