"""API: a member's public profile, as its page shows it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum.api.base import api_user, ok
from forum.member_queries import get_member_profile
from forum.models import Role


async def profile(request: Request) -> Response:
    shown = await get_member_profile(request.path_params["username"], await api_user(request))
    member = shown.user
    return ok(
        {
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
    )


routes = [Route("/users/{username}", profile, methods=["GET"])]
