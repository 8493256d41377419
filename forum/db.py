"""Schema: Tortoise's built-in migrations, applied at start-up and by `run.py migrate`; and the
plumbing of the few statements written in SQL because they run on every logged-in request or
every post, where the ORM's query building cost more than the database.

Those statements are written once with PostgreSQL's numbered placeholders ($1, $2, ...), which
SQLite reads as ?1, ?2, ... (so they hold no other `$`); rows become models through Tortoise's
own loader, so they come back exactly as the ORM would return them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.executor import MigrationExecutor
from tortoise.models import Model

from forum.settings import ensure_database_dir

M = TypeVar("M", bound=Model)


async def apply_migrations(config: dict[str, Any]) -> None:
    """Apply every unapplied migration on the already-initialised default connection."""
    executor = MigrationExecutor(Tortoise.get_connection("default"), config["apps"])
    await executor.migrate()


@asynccontextmanager
async def connected(config: dict[str, Any], *, migrate: bool = True) -> AsyncIterator[None]:
    """Tortoise for a command-line task: init, optionally migrate, and always close."""
    ensure_database_dir(config)
    await Tortoise.init(config=config)
    try:
        if migrate:
            await apply_migrations(config)
        yield
    finally:
        await Tortoise.close_connections()


def dialect_sql(conn: BaseDBAsyncClient, sql: str) -> str:
    """`sql` with $n placeholders, as this connection's database reads it."""
    return sql.replace("$", "?") if conn.capabilities.dialect == "sqlite" else sql


async def fetch_dicts(
    sql: str, params: list[Any], conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Rows of one statement (a SELECT, or a write with RETURNING), on `conn` or the default
    connection of the current context (the open transaction, if any)."""
    conn = conn or Tortoise.get_connection("default")
    return await conn.execute_query_dict(dialect_sql(conn, sql), params)


async def fetch_model(model: type[M], sql: str, params: list[Any]) -> M | None:
    """The first row of `sql` as a `model`; the statement must select all of its columns."""
    rows = await fetch_dicts(sql, params, model._meta.db)
    return model._init_from_db(**rows[0]) if rows else None


async def execute(sql: str, params: list[Any]) -> int:
    """Run one write on the current context's connection; the number of rows it changed."""
    conn = Tortoise.get_connection("default")
    changed, _ = await conn.execute_query(dialect_sql(conn, sql), params)
    return changed
