"""Small async factories: rows made through the real actions, with explicit times."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
from starlette.applications import Starlette

from forum.actions.accounts import do_create_api_token
from forum.actions.answers import do_create_answer
from forum.actions.questions import do_create_question
from forum.auth import CSRF_COOKIE, SESSION_COOKIE, Auth
from forum.models import Answer, Board, Question, Role, User

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
# A cheap argon2 hash of PASSWORD is computed once per process.
_HASH: dict[str, str] = {}


async def make_user(username: str, role: str = "member", *, created_at: datetime = T0) -> User:
    if "hash" not in _HASH:
        _HASH["hash"] = Auth.cheap_hasher().hash(PASSWORD)
    return await User.create(
        username=username,
        username_key=username.lower(),
        email=f"{username}@example.com",
        password_hash=_HASH["hash"],
        role=Role(role),
        email_confirmed_at=created_at,
        created_at=created_at,
    )


async def make_question(
    author: User,
    *,
    board: str = "account-billing",
    title: str = "How do I top up my SIM?",
    body: str = "I tried the app but the top-up button is greyed out.",
    at: datetime = T0,
    tags: list[str] | None = None,
) -> Question:
    return await do_create_question(
        acting_user=author,
        board=await Board.get(slug=board),
        title=title,
        body=body,
        tags=tags or [],
        language="en",
        now=at,
    )


async def make_answer(
    question: Question,
    author: User,
    *,
    body: str = "Restart the app and try again.",
    at: datetime | None = None,
) -> Answer:
    return await do_create_answer(
        question.id,
        acting_user=author,
        body=body,
        now=at or question.created_at + timedelta(hours=1),
    )


def browser(app: Starlette, user: User | None = None) -> httpx.AsyncClient:
    """An HTML client with a CSRF cookie and, when given, a logged-in session."""
    auth: Auth = app.state.auth
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    client.cookies.set(CSRF_COOKIE, auth.new_csrf_token())
    if user is not None:
        client.cookies.set(
            SESSION_COOKIE, auth.sessions.dumps({"u": user.id, "v": user.session_version})
        )
    return client


def form(client: httpx.AsyncClient, **fields: str) -> dict[str, str]:
    """Form fields plus the CSRF token of this client."""
    return {"csrf_token": client.cookies[CSRF_COOKIE], **fields}


async def api(app: Starlette, user: User | None = None) -> httpx.AsyncClient:
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {await do_create_api_token(user)}"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test", headers=headers
    )


class QueryCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends while installed (its db_client debug log)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.statements.append(record.getMessage())

    def __enter__(self) -> QueryCounter:
        logger = logging.getLogger("tortoise.db_client")
        self._previous = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("tortoise.db_client")
        logger.removeHandler(self)
        logger.setLevel(self._previous)
