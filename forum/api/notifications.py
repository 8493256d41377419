"""API: the member's notifications, and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.notifications import check_mark_read
from forum.api.contract import Paging, endpoint
from forum.models import NotificationKind, User
from forum.queries import MAX_LIMIT, count_unread, list_notifications


class NotificationsQuery(Paging):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 30


class NotificationOut(TypedDict):
    id: int
    kind: NotificationKind
    question_id: int | None
    answer_id: int | None
    points: int
    period: str
    badge: str
    title: str
    username: str
    following: bool
    created_at: datetime
    read_at: datetime | None


class Notifications(TypedDict):
    unread: int
    items: list[NotificationOut]
    next_cursor: str | None


class Marked(TypedDict):
    marked: int


def notification_body(row: dict[str, Any]) -> NotificationOut:
    return {**row, "kind": NotificationKind(row["kind"])}  # type: ignore[typeddict-item]


async def index(request: Request, user: User, query: NotificationsQuery) -> Notifications:
    page = await list_notifications(user, cursor=query.cursor, limit=query.limit)
    return {
        "unread": await count_unread(user),
        "items": [notification_body(n) for n in page.items],
        "next_cursor": page.next_cursor,
    }


async def mark_read(request: Request, user: User) -> Marked:
    return {"marked": await check_mark_read(user)}


routes = [
    endpoint(
        "GET",
        "/me/notifications",
        index,
        "Your notifications, newest first, with the unread count",
    ),
    endpoint("POST", "/me/notifications/read", mark_read, "Mark all your notifications read"),
]
