"""Test wiring: one app per test on SQLite :memory: (default) or a truncated PostgreSQL database.

Select the database with TEST_DB_URL, e.g. `TEST_DB_URL=postgres://postgres@127.0.0.1:5432/x`;
each backend runs in its own pytest process (Tortoise caches dialect SQL per process).

On SQLite the first app of the session applies the real migrations and every later one gets a
copy of that database (SQLite's backup API): building the migration state costs about two
seconds of Python per app, which was most of the suite's time. `tests/check_migrations.py` and the
server tests still run the migrations themselves.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise

import forum.schema
from forum.actions.boards import ensure_default_boards
from forum.app import create_app
from forum.auth import Auth
from forum.db import apply_migrations
from forum.models import User
from forum.settings import Settings, load_settings
from rewards.actions.transfers import ensure_system_accounts
from tests import factories

TEST_DB_URL = os.environ.get("TEST_DB_URL", "sqlite://:memory:")
# The browser suite runs in a pytest run of its own (tests/browser/conftest.py says how).
collect_ignore = [] if os.environ.get("PEERDESK_BROWSER_TESTS") else ["browser"]
IS_POSTGRES = TEST_DB_URL.startswith(("postgres://", "postgresql://", "asyncpg://"))


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": TEST_DB_URL,
        "secret_key": "test-secret-key",
        "demo": False,
        "scheduler": False,
        "rate_limits": False,
        "password_hash_profile": "cheap",
    }
    values.update(overrides)
    return load_settings(**values)


async def truncate_all() -> None:
    conn = Tortoise.get_connection("default")
    tables = [model._meta.db_table for app in Tortoise.apps.values() for model in app.values()]
    if IS_POSTGRES:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


_migrated: sqlite3.Connection | None = None


async def apply_migrations_once(config: dict[str, Any]) -> None:
    """`apply_migrations` for a fresh :memory: database: the real thing the first time, then a
    copy of its result."""
    global _migrated
    if _migrated is None:
        await apply_migrations(config)
    async with Tortoise.get_connection("default").acquire_connection() as connection:
        if _migrated is None:
            template = sqlite3.connect(":memory:", check_same_thread=False)
            await connection.backup(template)
            _migrated = template
        else:
            _migrated.backup(connection._conn)


@pytest.fixture(scope="session", autouse=True)
def migrate_by_copy() -> Iterator[None]:
    if TEST_DB_URL != "sqlite://:memory:":
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forum.schema, "apply_migrations", apply_migrations_once)
        yield


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app inside its lifespan, on an empty database with the default boards."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        # Truncate at the start, not the end, so a crashed test cannot poison the next one.
        await truncate_all()
        await ensure_default_boards()
        await ensure_system_accounts()
        yield app


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    async with running_app(settings) as app:
        yield app


@pytest.fixture
def auth(app: Starlette) -> Auth:
    result: Auth = app.state.auth
    return result


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        yield c


@pytest.fixture
async def asker(app: Starlette) -> User:
    return await factories.make_user("asker")


@pytest.fixture
async def helper(app: Starlette) -> User:
    return await factories.make_user("helper")


@pytest.fixture
async def other_member(app: Starlette) -> User:
    return await factories.make_user("other_member")


@pytest.fixture
async def staff(app: Starlette) -> User:
    return await factories.make_user("staff", role="staff")


@pytest.fixture
async def finance(app: Starlette) -> User:
    return await factories.make_user("finance", role="finance")


@pytest.fixture
async def finance2(app: Starlette) -> User:
    return await factories.make_user("finance2", role="finance")


@pytest.fixture
async def admin(app: Starlette) -> User:
    return await factories.make_user("admin", role="admin")
