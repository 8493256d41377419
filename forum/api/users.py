"""API: an admin sets roles and addresses; staff suspend members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.users import check_set_email, check_set_role, check_suspend_user
from forum.api.accounts import Email
from forum.api.base import path_id
from forum.api.contract import Body, endpoint, text
from forum.models import Role, User
from forum.permissions import access_user, require_admin, require_moderator


class RoleBody(Body):
    role: Role


class EmailBody(Body):
    email: Email


class SuspendBody(Body):
    reason: Annotated[str, text(3, 500)]


class RoleOut(TypedDict):
    id: int
    username: str
    role: Role


class EmailOut(TypedDict):
    id: int
    username: str
    email: str
    email_confirmed: bool


class SuspendedOut(TypedDict):
    id: int
    username: str
    suspended: bool
    suspended_at: datetime | None


async def set_role(request: Request, user: User, body: RoleBody) -> RoleOut:
    target = await check_set_role(
        await access_user(path_id(request)), body.role.value, acting_user=user
    )
    return {"id": target.id, "username": target.username, "role": target.role}


async def set_email(request: Request, user: User, body: EmailBody) -> EmailOut:
    target = await check_set_email(
        await access_user(path_id(request)), body.email, acting_user=user
    )
    return {
        "id": target.id,
        "username": target.username,
        "email": target.email,
        "email_confirmed": target.email_confirmed_at is not None,
    }


async def suspend(request: Request, user: User, body: SuspendBody) -> SuspendedOut:
    target = await check_suspend_user(
        await access_user(path_id(request)), body.reason, acting_user=user
    )
    return {
        "id": target.id,
        "username": target.username,
        "suspended": True,
        "suspended_at": target.suspended_at,
    }


routes = [
    endpoint(
        "POST",
        "/admin/users/{id:int}/role",
        set_role,
        "Set a user's role (admins)",
        requires=require_admin,
    ),
    endpoint(
        "POST",
        "/admin/users/{id:int}/email",
        set_email,
        "Set another member's e-mail address, confirmed (once support made sure it is theirs): "
        "every reset or address link mailed before stops working, a confirmed old address is "
        "told (admins)",
        requires=require_admin,
    ),
    endpoint(
        "POST",
        "/admin/users/{id:int}/suspend",
        suspend,
        "Suspend a member (staff)",
        requires=require_moderator,
    ),
]
