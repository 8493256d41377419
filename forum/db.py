"""Schema: Tortoise's built-in migrations, applied at start-up and by `run.py migrate`; and the
plumbing of the statements written in SQL: those that run on every logged-in request or every
post, where the ORM's query building cost more than the database, and the set-based payout
writes, which the ORM cannot express.

Those statements are written once for both databases, with `?` placeholders or numbered ones
($1, $2, ..., which SQLite reads as ?1, ?2, ...), and hold no other `?` or `$`. Rows become
models through Tortoise's own loader, so they come back exactly as the ORM would return them.
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.migrations.executor import MigrationExecutor
from tortoise.models import Model

from forum.settings import ensure_database_dir, sqlite_path

M = TypeVar("M", bound=Model)
T = TypeVar("T")


async def apply_migrations(config: dict[str, Any]) -> None:
    """Apply every unapplied migration on the already-initialised default connection."""
    executor = MigrationExecutor(Tortoise.get_connection("default"), config["apps"])
    await executor.migrate()


# pg_advisory_xact_lock's key for "this session changes the schema" (any constant; "peerdesk").
_SCHEMA_LOCK_KEY = 0x70656572


@asynccontextmanager
async def schema_lock(config: dict[str, Any]) -> AsyncIterator[None]:
    """One process at a time migrates (and seeds) a database; the others wait here, then find it
    done. PostgreSQL: a transaction's advisory lock, held in a transaction left open on one
    pooled connection while the others migrate; it ends with that transaction, whatever happens
    (a connection goes back to the pool with its open transaction rolled back, and with no other
    reset: forum.postgres_client). SQLite: an exclusive lock on a file beside the database
    (SQLite is one machine)."""
    conn = Tortoise.get_connection("default")
    if is_postgres(conn):
        async with conn.acquire_connection() as raw, raw.transaction():
            await raw.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK_KEY)
            yield
        return
    path = sqlite_path(config)
    if path is None:  # in memory: one process by definition
        yield
        return
    descriptor = os.open(f"{path}.schema-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


@asynccontextmanager
async def connected(config: dict[str, Any], *, migrate: bool = True) -> AsyncIterator[None]:
    """Tortoise for a command-line task: init, optionally migrate, and always close."""
    ensure_database_dir(config)
    await Tortoise.init(config=config)
    try:
        if migrate:
            async with schema_lock(config):
                await apply_migrations(config)
        yield
    finally:
        await Tortoise.close_connections()


def as_datetime(value: Any) -> Any:
    """A timestamp of a raw SQL row: SQLite gives the stored ISO text, PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return bool(conn.capabilities.dialect == "postgres")


def bind(conn: BaseDBAsyncClient, sql: str) -> str:
    """`sql` with its placeholders as this connection reads them. A statement uses either `?`
    (in order) or `$1, $2, ...` (numbered, reusable): PostgreSQL gets $n, SQLite ? or ?n."""
    if not is_postgres(conn):
        return bind_sqlite(sql)
    if "?" not in sql:
        return sql
    counter = itertools.count(1)
    return _QUESTION_MARK.sub(lambda _: f"${next(counter)}", sql)


_QUESTION_MARK = re.compile(r"\?")


def bind_sqlite(sql: str) -> str:
    return sql.replace("$", "?")


def _conn(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    """The given connection, or the current context's (its open transaction, if any)."""
    return conn or Tortoise.get_connection("default")


async def fetch_dicts(
    sql: str, params: Sequence[Any] = (), conn: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Rows of one statement (a SELECT, or a write with RETURNING)."""
    conn = _conn(conn)
    return [dict(row) for row in await conn.execute_query_dict(bind(conn, sql), list(params))]


async def fetch_model(model: type[M], sql: str, params: list[Any]) -> M | None:
    """The first row of `sql` as a `model`; the statement must select all of its columns."""
    rows = await fetch_dicts(sql, params, model._meta.db)
    return model._init_from_db(**rows[0]) if rows else None


async def execute(
    sql: str, params: Sequence[Any] = (), conn: BaseDBAsyncClient | None = None
) -> int:
    """Run one write; the number of rows an UPDATE or DELETE changed. (Count an INSERT with
    RETURNING: Tortoise reads PostgreSQL's "INSERT 0 n" as 0.)"""
    conn = _conn(conn)
    changed, _ = await conn.execute_query(bind(conn, sql), list(params))
    return int(changed)


async def execute_many(
    sql: str, params: Sequence[Sequence[Any]], conn: BaseDBAsyncClient | None = None
) -> None:
    conn = _conn(conn)
    await conn.execute_many(bind(conn, sql), [list(p) for p in params])


async def insert_rows(
    table: str,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    conn: BaseDBAsyncClient | None = None,
    *,
    skip_existing: str = "",
) -> None:
    """Multi-row INSERTs, each under the databases' limit of 32,766 parameters; with
    `skip_existing` (a UNIQUE column), rows whose value is taken are left out."""
    group = "(" + ", ".join(["?"] * len(columns)) + ")"
    chunk = min(1000, 32_000 // len(columns))
    for start in range(0, len(values), chunk):
        rows = values[start : start + chunk]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([group] * len(rows))
        if skip_existing:
            sql += f" ON CONFLICT ({skip_existing}) DO NOTHING"
        await execute(sql, [v for row in rows for v in row], conn)


async def in_one_call(work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work` on SQLite's connection thread in one call: as one transaction, or inside the
    context's open one. Every statement through Tortoise is a round trip to aiosqlite's thread
    that wakes it and then the event loop, and those hops cost the hottest write more than
    SQLite's own work. aiosqlite has no public way to run a function on its thread, so this
    uses its `_execute` and `_conn`. Errors come out as Tortoise's, as from `execute`."""
    client = Tortoise.get_connection("default")
    nested = isinstance(client, TransactionalDBClient)

    def transaction(connection: sqlite3.Connection) -> T:
        if nested:
            return work(connection)
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back by itself (a full disk); a failed COMMIT has not.
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return result

    async with client.acquire_connection() as aio:
        try:
            return await aio._execute(transaction, aio._conn)  # type: ignore[no-any-return]
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc


def in_list(count: int) -> str:
    return "(" + ", ".join(["?"] * count) + ")"
