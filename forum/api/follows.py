"""API: follow and unfollow a question, and the questions you follow."""

from __future__ import annotations

from starlette.requests import Request
from typing_extensions import TypedDict

from forum.actions.follows import check_set_following
from forum.api.base import ItemPage, QuestionSummary, page_body, path_id, question_summary
from forum.api.contract import Paging, endpoint
from forum.models import User
from forum.permissions import follow_target
from forum.queries import list_questions


class FollowOut(TypedDict):
    question_id: int
    following: bool


async def follow(request: Request, user: User) -> FollowOut:
    return await _set(request, user, following=True)


async def unfollow(request: Request, user: User) -> FollowOut:
    return await _set(request, user, following=False)


async def _set(request: Request, user: User, *, following: bool) -> FollowOut:
    question = await follow_target(path_id(request), user, following=following)
    state = await check_set_following(question, acting_user=user, following=following)
    return {"question_id": question.id, "following": state}


async def following(request: Request, user: User, query: Paging) -> ItemPage[QuestionSummary]:
    page = await list_questions(
        followed_by=user, sort="active", cursor=query.cursor, limit=query.limit
    )
    return page_body(page, question_summary)


routes = [
    endpoint(
        "PUT",
        "/questions/{id:int}/follow",
        follow,
        "Follow a question: hear of its new answers and of its acceptance",
    ),
    endpoint("DELETE", "/questions/{id:int}/follow", unfollow, "Unfollow a question"),
    endpoint("GET", "/me/following", following, "The questions you follow, latest activity first"),
]
