"""Tortoise's asyncpg client, with connections that go back to the pool without a reset script
(engine "forum.postgres_client", set by forum.settings.tortoise_config).

asyncpg's pool sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;` each
time a connection is released, and Tortoise releases one after every statement outside a
transaction and after every transaction: a member's page paid a round trip for it. Peerdesk
keeps no session state on a pooled connection: settings are `SET LOCAL` (they end with the
transaction), advisory locks are the transaction's (`forum.db.schema_lock`), nothing LISTENs and
no cursor outlives its transaction. A transaction left open is still rolled back on release:
that part of asyncpg's reset (`Connection._reset`) stays.
"""

from __future__ import annotations

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    def get_reset_query(self) -> str:
        return ""


class PostgresClient(AsyncpgDBClient):
    connection_class = PooledConnection


client_class = PostgresClient
