"""API: your own points, and finance's view of any member's."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.base import path_id
from forum.api.contract import Paging, endpoint
from forum.models import User
from forum.permissions import access_user, require
from rewards.permissions import can_see_points
from rewards.queries import get_points, list_entries


class MemberRef(TypedDict):
    id: int
    username: str


class Reference(TypedDict):
    cause: str
    question_id: int | None
    answer_id: int | None
    url: str | None


class Entry(TypedDict):
    id: int
    kind: str
    points: int  # signed: what the entry did to the balance
    amount: int  # the points the transfer moved
    reference: Reference
    reverses: int | None
    reverses_kind: str | None
    reason: str
    actor: str | None
    created_at: datetime


class PointsOut(TypedDict):
    member: MemberRef
    balance: int
    reserved: int
    paid: int
    entries: list[Entry]
    next_cursor: str | None


async def points_body(member: User, query: Paging) -> PointsOut:
    points = await get_points(member)
    page = await list_entries(member, cursor=query.cursor, limit=query.limit)
    return {
        "member": {"id": member.id, "username": member.username},
        "balance": points.balance,
        "reserved": points.reserved,
        "paid": points.paid,
        "entries": page.items,  # type: ignore[typeddict-item]
        "next_cursor": page.next_cursor,
    }


async def my_points(request: Request, user: User, query: Paging) -> PointsOut:
    return await points_body(user, query)


async def member_points(request: Request, user: User, query: Paging) -> PointsOut:
    member = await access_user(path_id(request))
    require(can_see_points(user, member), "You can only see your own points.")
    return await points_body(member, query)


routes = [
    endpoint(
        "GET", "/me/points", my_points, "Your balance, reserved and paid points and your entries"
    ),
    endpoint(
        "GET",
        "/ledger/members/{id:int}/points",
        member_points,
        "A member's points and entries (finance)",
    ),
]
