"""API: a member's public profile, as its page shows it."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.api.contract import endpoint
from forum.member_queries import get_member_profile
from forum.models import Role, User


class TopBoard(TypedDict):
    slug: str
    name: str
    answers: int


class BadgeOut(TypedDict):
    badge: str
    awarded_at: datetime


class RecentAnswer(TypedDict):
    id: int
    question_id: int
    question_title: str
    url: str
    accepted: bool
    kudos: int
    created_at: datetime


class ProfileOut(TypedDict):
    username: str
    display_name: str
    avatar_url: str
    url: str
    member_since: datetime
    staff: bool
    rank: str | None
    answers: int
    accepted_answers: int
    kudos_received: int
    points_earned: int
    top_boards: list[TopBoard]
    badges: list[BadgeOut]
    recent_answers: list[RecentAnswer]


async def profile(request: Request, user: User | None) -> ProfileOut:
    shown = await get_member_profile(request.path_params["username"], user)
    member = shown.user
    return {
        "username": member.username,
        "display_name": member.name,
        "avatar_url": f"/avatars/{member.username}.svg",
        "url": f"/members/{member.username}",
        "member_since": member.created_at,
        "staff": member.role != Role.MEMBER,
        "rank": shown.rank,
        "answers": shown.record.answers,
        "accepted_answers": shown.record.accepted_answers,
        "kudos_received": shown.record.kudos_received,
        "points_earned": shown.record.points_earned,
        "top_boards": [
            {"slug": b["slug"], "name": b["name"], "answers": int(b["answers"])}
            for b in shown.top_boards
        ],
        "badges": [{"badge": b["badge"], "awarded_at": b["awarded_at"]} for b in shown.badges],
        "recent_answers": [
            {
                "id": a["id"],
                "question_id": a["question_id"],
                "question_title": a["question_title"],
                "url": f"/questions/{a['question_id']}#answer-{a['id']}",
                "accepted": a["accepted"],
                "kudos": int(a["kudos"]),
                "created_at": a["created_at"],
            }
            for a in shown.recent_answers
        ],
    }


routes = [
    endpoint(
        "GET",
        "/users/{username}",
        profile,
        "A member's public profile: rank, record, the boards they help most on, recent answers "
        "(404 for a suspended member, but to staff)",
    )
]
