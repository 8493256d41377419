"""forum.postgres_client: pooled connections go back without asyncpg's reset script, and a
transaction left open on one is still rolled back."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise

from forum.db import schema_lock
from forum.models import Board, User
from forum.postgres_client import PostgresClient
from forum.settings import sqlite_path, tortoise_config
from tests.conftest import IS_POSTGRES, TEST_DB_URL

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's client")


def test_postgres_urls_run_on_our_client_with_the_pool_size() -> None:
    config = tortoise_config("postgres://peerdesk@db.example:5432/forum")
    connection = config["connections"]["default"]
    assert connection["engine"] == "forum.postgres_client"
    credentials = connection["credentials"]
    assert (credentials["host"], credentials["database"]) == ("db.example", "forum")
    assert (credentials["minsize"], credentials["maxsize"]) == ("1", "10")
    assert sqlite_path(config) is None


@postgres_only
async def test_our_client_has_no_reset_query_and_rolls_back_an_open_transaction(
    asker: User,
) -> None:
    client = Tortoise.get_connection("default")
    assert isinstance(client, PostgresClient)
    board = await Board.first()
    assert board is not None
    async with client.acquire_connection() as raw:
        assert raw.get_reset_query() == ""
        await raw.execute("BEGIN")
        await raw.execute("UPDATE boards SET name = 'Left open' WHERE id = $1", board.id)
    assert (await Board.get(id=board.id)).name == board.name
    async with client.acquire_connection() as raw:
        assert not raw.is_in_transaction()


@postgres_only
async def test_the_schema_lock_has_one_holder_and_ends_with_it_even_when_it_fails(
    asker: User,
) -> None:
    """Nothing resets a pooled connection any more: the lock must end with its transaction."""
    config = tortoise_config(TEST_DB_URL)
    held, release, entered = asyncio.Event(), asyncio.Event(), []

    async def first() -> None:
        async with schema_lock(config):
            entered.append("first")
            held.set()
            await release.wait()

    async def second() -> None:
        await held.wait()
        async with schema_lock(config):
            entered.append("second")

    both = asyncio.gather(first(), second())
    await held.wait()
    await asyncio.sleep(0.3)
    assert entered == ["first"]  # the second waits for the first
    release.set()
    async with asyncio.timeout(10):
        await both
    assert entered == ["first", "second"]
    with pytest.raises(RuntimeError):
        async with schema_lock(config):
            raise RuntimeError("a migration failed")
    async with asyncio.timeout(10), schema_lock(config):
        pass
