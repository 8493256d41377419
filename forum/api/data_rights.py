"""API: a member's data, whole, and the erasure of an account (by its member or an admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.data_rights import check_erase_account
from forum.api.base import path_id
from forum.api.contract import Body, endpoint
from forum.auth import auth_of
from forum.clock import utcnow
from forum.data_rights_queries import get_member_export
from forum.models import User
from forum.net import client_address
from forum.permissions import access_user, require_admin, require_erasable

Posts = Literal["keep", "remove"]


class EraseMe(Body):
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    posts: Posts


class EraseUser(Body):
    posts: Posts


class Erased(TypedDict):
    id: int
    username: str
    erased_at: datetime | None


async def export(request: Request, user: User) -> dict[str, Any]:
    return await get_member_export(user, now=utcnow())


async def erase_me(request: Request, user: User, body: EraseMe) -> Erased:
    erased = await check_erase_account(
        auth_of(request), user, posts=body.posts, password=body.password,
        acting_user=user, address=client_address(request),
    )  # fmt: skip
    return _erased(erased)


async def erase_user(request: Request, user: User, body: EraseUser) -> Erased:
    target = await access_user(path_id(request))
    erased = await check_erase_account(auth_of(request), target, posts=body.posts, acting_user=user)
    return _erased(erased)


def _erased(user: User) -> Erased:
    return {"id": user.id, "username": user.username, "erased_at": user.erased_at}


routes = [
    endpoint(
        "GET",
        "/me/export",
        export,
        "Everything Peerdesk holds about you, as JSON (profile, posts, kudos, points, "
        "statements, payout lines, mails)",
    ),
    endpoint(
        "POST",
        "/me/erase",
        erase_me,
        "Erase your account: a pseudonym without personal data; posts kept or removed",
        requires=require_erasable,
    ),
    endpoint(
        "POST",
        "/admin/users/{id:int}/erase",
        erase_user,
        "Erase a member's account (as /me/erase, without the password; admins)",
        requires=require_admin,
    ),
]
