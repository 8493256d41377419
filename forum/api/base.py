"""JSON plumbing shared by every API handler: the caller, the body, the serializers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse
from typing_extensions import TypedDict

from forum.auth import token_user
from forum.errors import NotAuthenticated, ValidationFailed
from forum.models import PayoutMethod, Question, QuestionState, Role, User
from forum.permissions import is_moderator
from forum.queries import Page

T = TypeVar("T")


class ApiJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, separators=(",", ":"), default=json_default
        ).encode()


def json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def ok(content: Any, status_code: int = 200) -> ApiJSONResponse:
    return ApiJSONResponse(content, status_code=status_code)


async def api_user(request: Request) -> User | None:
    if "api_user" not in request.state._state:
        request.state.api_user = await token_user(request)
    user: User | None = request.state.api_user
    return user


async def require_api_user(request: Request) -> User:
    user = await api_user(request)
    if user is None:
        raise NotAuthenticated("A valid bearer token is required.")
    return user


def path_id(request: Request, name: str = "id") -> int:
    value: int = request.path_params[name]
    if not 0 < value < 2**31:
        raise ValidationFailed({name: f"{name} is out of range."})
    return value


def page_body(page: Page, serialize: Callable[[Any], T]) -> ItemPage[T]:
    return {"items": [serialize(row) for row in page.items], "next_cursor": page.next_cursor}


class ItemPage(TypedDict, Generic[T]):
    """API.md's list: a page of items and the cursor of the next page (null at the end)."""

    items: list[T]
    next_cursor: str | None


class UserRef(TypedDict):
    username: str
    display_name: str


def user_ref(username: str, display_name: str = "") -> UserRef:
    return {"username": username, "display_name": display_name or username}


class QuestionSummary(TypedDict):
    id: int
    title: str
    board: str
    state: QuestionState
    author: UserRef
    answer_count: int
    tags: list[str]
    created_at: datetime
    last_activity_at: datetime


def question_summary(row: dict[str, Any]) -> QuestionSummary:
    return {
        "id": row["id"],
        "title": row["title"],
        "board": row["board_slug"],
        "state": row["state"],
        "author": user_ref(row["author_username"], row["author_display_name"]),
        "answer_count": row["answer_count"],
        "tags": row["tags"],
        "created_at": row["created_at"],
        "last_activity_at": row["last_activity_at"],
    }


class QuestionOut(TypedDict):
    id: int
    url: str
    title: str
    body: str
    body_html: str
    board: str
    tags: list[str]
    state: QuestionState
    author: UserRef
    accepted_answer_id: int | None
    duplicate_of: int | None
    answer_count: int
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime


def question_detail(question: Question) -> QuestionOut:
    author: User = question.author
    return {
        "id": question.id,
        "url": f"/questions/{question.id}",
        "title": question.title,
        "body": question.body,
        "body_html": question.body_html,
        "board": question.board.slug,
        "tags": question.tags,
        "state": question.state,
        "author": user_ref(author.username, author.display_name),
        "accepted_answer_id": question.accepted_answer_id,
        "duplicate_of": question.duplicate_of_id,
        "answer_count": question.answer_count,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
        "last_activity_at": question.last_activity_at,
    }


class MeOut(TypedDict):
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    locale: str
    payout_method: PayoutMethod
    payout_address: str
    email_notifications: bool
    email_confirmed: bool
    is_moderator: bool


def me_body(user: User) -> MeOut:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "locale": user.locale,
        "payout_method": user.payout_method,
        "payout_address": user.payout_address,
        "email_notifications": user.email_notifications,
        "email_confirmed": user.email_confirmed_at is not None,
        "is_moderator": is_moderator(user),
    }
