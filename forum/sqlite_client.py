"""Tortoise's SQLite client, with every transaction begun IMMEDIATE (engine "forum.sqlite_client",
set by forum.settings.tortoise_config).

A deferred BEGIN takes SQLite's write lock only at the first write; a transaction that read
first and then writes while another process holds the lock fails at once with "database is
locked", since waiting could deadlock. BEGIN IMMEDIATE takes the write lock up front and waits
for it on the busy timeout, so the server, the scheduled jobs and an operator's `close-period` or
`sweep-escalations` can write to one SQLite file at the same time: they queue instead of failing.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
