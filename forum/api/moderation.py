"""API: staff hide, restore and remove posts, lock questions and unsuspend members; admins read
the audit log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.flags import Post, post_key
from forum.actions.moderation import check_lock_question, check_moderate_post
from forum.actions.users import check_unsuspend_user
from forum.api.base import path_id
from forum.api.contract import Body, Paging, Unset, Username, endpoint, text
from forum.models import QuestionState, User, Visibility
from forum.permissions import (
    access_answer,
    access_question,
    access_user,
    require_audit,
    require_moderator,
)
from forum.queries import AUDIT_ACTIONS, MAX_LIMIT, list_audit

Note = Annotated[str, text(0, 500)]


class ModerationBody(Body):
    action: Literal["hide", "restore", "remove"]
    note: Note = ""


class LockBody(Body):
    note: Note = ""


class AuditQuery(Paging):
    action: Literal[AUDIT_ACTIONS] = Unset  # type: ignore[valid-type]
    actor: Username = Unset
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50


class ModeratedOut(TypedDict):
    post: str
    id: int
    visibility: Visibility


class LockOut(TypedDict):
    id: int
    state: QuestionState
    locked_at: datetime | None


class UnsuspendedOut(TypedDict):
    id: int
    username: str
    suspended: bool


class AuditEntry(TypedDict):
    id: int
    action: str
    actor: str
    target: str | None
    detail: str
    created_at: datetime


class AuditOut(TypedDict):
    items: list[AuditEntry]
    next_cursor: str | None


async def _moderate(
    request: Request, user: User, body: ModerationBody, find: Callable[[int], Awaitable[Post]]
) -> ModeratedOut:
    post = await find(path_id(request))
    post = await check_moderate_post(post, body.action, note=body.note, acting_user=user)
    return {"post": post_key(post), "id": post.id, "visibility": post.visibility}


async def moderate_question(request: Request, user: User, body: ModerationBody) -> ModeratedOut:
    return await _moderate(request, user, body, access_question)


async def moderate_answer(request: Request, user: User, body: ModerationBody) -> ModeratedOut:
    return await _moderate(request, user, body, access_answer)


async def _lock(request: Request, user: User, locked: bool, note: str) -> LockOut:
    question = await access_question(path_id(request))
    question = await check_lock_question(question, locked, note=note, acting_user=user)
    return {"id": question.id, "state": question.state, "locked_at": question.locked_at}


async def lock(request: Request, user: User, body: LockBody) -> LockOut:
    return await _lock(request, user, True, body.note)


async def unlock(request: Request, user: User, body: LockBody) -> LockOut:
    return await _lock(request, user, False, body.note)


async def unsuspend(request: Request, user: User) -> UnsuspendedOut:
    target = await check_unsuspend_user(await access_user(path_id(request)), acting_user=user)
    return {"id": target.id, "username": target.username, "suspended": False}


async def audit_log(request: Request, user: User, query: AuditQuery) -> AuditOut:
    page = await list_audit(
        action=query.action, actor=query.actor, cursor=query.cursor, limit=query.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}  # type: ignore[typeddict-item]


routes = [
    endpoint(
        "POST",
        "/questions/{id:int}/moderation",
        moderate_question,
        "Hide, restore or remove a question (remove reverses the asker's points for it; staff)",
        requires=require_moderator,
    ),
    endpoint(
        "POST",
        "/answers/{id:int}/moderation",
        moderate_answer,
        "Hide, restore or remove an answer (remove reverses its author's points for it; staff)",
        requires=require_moderator,
    ),
    endpoint(
        "POST",
        "/questions/{id:int}/lock",
        lock,
        "Lock a question (staff)",
        requires=require_moderator,
    ),
    endpoint(
        "DELETE",
        "/questions/{id:int}/lock",
        unlock,
        "Unlock a question (staff)",
        requires=require_moderator,
    ),
    endpoint(
        "POST",
        "/admin/users/{id:int}/unsuspend",
        unsuspend,
        "Let a suspended member post again (staff)",
        requires=require_moderator,
    ),
    endpoint(
        "GET",
        "/admin/audit",
        audit_log,
        "The audit log of staff and admin actions, newest first (admins)",
        requires=require_audit,
    ),
]
