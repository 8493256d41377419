"""JSON plumbing shared by every API handler: the caller, the body, the serializers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from forum.auth import token_user
from forum.errors import NotAuthenticated, ValidationFailed
from forum.models import Question, User
from forum.permissions import is_moderator
from forum.queries import Page, parse_limit


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


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, 5000-digit ints
        raise ValidationFailed({"body": "The request body is not valid JSON."}) from exc
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "The request body must be a JSON object."})
    return data


def path_id(request: Request, name: str = "id") -> int:
    value: int = request.path_params[name]
    if not 0 < value < 2**31:
        raise ValidationFailed({name: f"{name} is out of range."})
    return value


def page_body(page: Page, serialize: Any) -> dict[str, Any]:
    return {"items": [serialize(row) for row in page.items], "next_cursor": page.next_cursor}


def user_ref(username: str, display_name: str = "") -> dict[str, Any]:
    return {"username": username, "display_name": display_name or username}


def question_summary(row: dict[str, Any]) -> dict[str, Any]:
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


def question_detail(question: Question) -> dict[str, Any]:
    author: User = question.author
    return {
        "id": question.id,
        "url": f"/questions/{question.id}",
        "title": question.title,
        "body": question.body,
        "body_html": question.body_html,
        "board": question.board.slug,
        "tags": question.tags,
        "state": question.state.value,
        "author": user_ref(author.username, author.display_name),
        "accepted_answer_id": question.accepted_answer_id,
        "duplicate_of": question.duplicate_of_id,
        "answer_count": question.answer_count,
        "created_at": question.created_at,
        "updated_at": question.updated_at,
        "last_activity_at": question.last_activity_at,
    }


def outbox_query(request: Request) -> dict[str, Any]:
    """The state, cursor and page size asked of an outbox list (mail, webhook deliveries)."""
    params = request.query_params
    return {
        "state": params.get("state"),
        "cursor": params.get("cursor"),
        "limit": parse_limit(params.get("limit"), default=50),
    }


def me_body(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role.value,
        "locale": user.locale,
        "payout_method": user.payout_method.value,
        "payout_address": user.payout_address,
        "email_notifications": user.email_notifications,
        "email_confirmed": user.email_confirmed_at is not None,
        "is_moderator": is_moderator(user),
    }
