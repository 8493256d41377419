"""Raw SQL for the set-based payout paths: one text for both databases, `?` placeholders."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

_PLACEHOLDER = re.compile(r"\?")


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return bool(conn.capabilities.dialect == "postgres")


def bind(conn: BaseDBAsyncClient, sql: str) -> str:
    """`?` placeholders as the connection wants them ($1, $2, ... on PostgreSQL)."""
    if not is_postgres(conn):
        return sql
    counter = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


async def rows(
    conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    _, result = await conn.execute_query(bind(conn, sql), list(values))
    return [dict(row) for row in result]


async def execute(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()) -> int:
    count, _ = await conn.execute_query(bind(conn, sql), list(values))
    return int(count)


async def insert_rows(
    conn: BaseDBAsyncClient, table: str, columns: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """One multi-row INSERT (callers keep rows * columns under the databases' 32,766 limit)."""
    if not values:
        return
    group = "(" + ", ".join(["?"] * len(columns)) + ")"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([group] * len(values))
    await execute(conn, sql, [v for row in values for v in row])


def in_list(count: int) -> str:
    return "(" + ", ".join(["?"] * count) + ")"
